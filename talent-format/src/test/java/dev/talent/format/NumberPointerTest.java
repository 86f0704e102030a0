package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Numbers kept in pointers (format major 6, docs/FORMAT.md "Pointers"): {@code (void *)3}, a {@code (void *)-1}
 * sentinel, never an address, carried as the number (1 to 65535, -4095 to -1).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NumberPointerTest {

    private static int major(byte[] file) {
        return ((file[8] & 0xFF) << 8) | (file[9] & 0xFF);
    }

    private static Value global(Checkpoint c, String key) {
        return c.globals().stream().filter(g -> g.key().equals(key)).findFirst().orElseThrow().value();
    }

    @Test
    void numbersInPointersAreReadBackAsWrittenInAMajor6File() throws Exception {
        byte[] file = ForgedCorpus.valid().get("number-pointers.tck");
        assertThat(major(file)).isEqualTo(RuntimeContract.FORMAT_MAJOR_NUMBERS);
        Checkpoint c = CheckpointReader.read(file, "n.tck");
        assertThat(global(c, "msg")).isEqualTo(new Value.KeptNumber(65535));
        assertThat(global(c, "count_ptr")).isEqualTo(new Value.KeptNumber(-1));
        assertThat(global(c, "nothing")).isEqualTo(new Value.KeptNumber(-4095));
        assertThat(CheckpointWriter.write(c)).isEqualTo(file);
        assertThat(InspectRenderer.text(c)).contains("msg : char * = (void *)65535", "count_ptr : int * = (void *)-1");
        assertThat(InspectRenderer.json(c)).contains("\"number\" : -1");
    }

    @Test
    void aNumberOutsideTheRangeIsNoPointerValue() {
        for (long v : new long[] {0, 65536, -4096, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertThatThrownBy(() -> new Value.KeptNumber(v)).as(Long.toString(v)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void forgedNumbersInPointersAreRefusedNamingWhy() {
        Map<String, byte[]> forged = ForgedCorpus.forged();
        Map<String, String> why = Map.of(
                "pointer-number-in-major-5.tck", "a number kept in a pointer (tag 11) in a file of major version 5",
                "pointer-number-0.tck", "a number kept in a pointer is 0 (1 to 65535 or -4095 to -1)",
                "pointer-number-65536.tck", "a number kept in a pointer is 65536",
                "pointer-number-minus-4096.tck", "a number kept in a pointer is -4096");
        why.forEach((name, message) -> assertThatThrownBy(() -> CheckpointReader.read(forged.get(name), name))
                .as(name).isInstanceOf(CorruptCheckpointException.class).hasMessageContaining(message));
    }
}
