package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.format.Value.ObjectKind;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pointers below an array's start (format major 5, docs/FORMAT.md "Below an object's start"): {@code v - 1} for
 * indexing from 1, carried as so many elements below the array's first element, within 16 of the writer's bytes.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BelowPointerTest {

    private static int major(byte[] file) {
        return ((file[8] & 0xFF) << 8) | (file[9] & 0xFF);
    }

    private static Value global(Checkpoint c, String key) {
        return c.globals().stream().filter(g -> g.key().equals(key)).findFirst().orElseThrow().value();
    }

    @Test
    void aBelowPointerIsReadBackAsWrittenInAMajor5File() throws Exception {
        byte[] file = ForgedCorpus.valid().get("below-pointer.tck");
        assertThat(major(file)).isEqualTo(RuntimeContract.FORMAT_MAJOR_BELOW);
        Checkpoint c = CheckpointReader.read(file, "b.tck");
        assertThat(global(c, "msg")).isEqualTo(new Value.Below(16,
                new Value.ObjectRef(ObjectKind.GLOBAL, 10, 0, List.of(0L), 0)));
        assertThat(global(c, "origin_y")).isEqualTo(new Value.Below(2,
                new Value.ObjectRef(ObjectKind.GLOBAL, 1, 0, List.of(0L), 0)));
        assertThat(CheckpointWriter.write(c)).isEqualTo(file);
        assertThat(InspectRenderer.text(c)).contains("msg : char * = &label[0] - 16");
        assertThat(InspectRenderer.json(c)).contains("\"elementsBelow\"");
    }

    @Test
    void forgedBelowPointersAreRefusedNamingWhy() {
        Map<String, byte[]> forged = ForgedCorpus.forged();
        Map<String, String> why = Map.ofEntries(
                Map.entry("pointer-below-in-major-4.tck", "a pointer below an object's start (tag 10) in a file of major version 4"),
                Map.entry("pointer-below-count-0.tck", "0 elements below an object's start (1 to 16)"),
                Map.entry("pointer-below-count-17.tck", "17 elements below an object's start (1 to 16)"),
                Map.entry("pointer-below-count-huge.tck", "18446744073709551615 elements below an object's start (1 to 16)"),
                Map.entry("pointer-below-24-bytes.tck", "3 elements of 8 bytes below an object's start (1 to 16 bytes)"),
                Map.entry("pointer-below-large-element.tck", "1 elements of 24 bytes below an object's start (1 to 16 bytes)"),
                Map.entry("pointer-below-start-of-scalar.tck", "does not name the element at its start"),
                Map.entry("pointer-below-second-element.tck", "does not name the element at its start"),
                Map.entry("pointer-below-byte-offset.tck", "does not name the element at its start"),
                Map.entry("pointer-below-member.tck", "names something other than an array element"),
                Map.entry("pointer-below-argv.tck", "names no global, frame variable or heap block"),
                Map.entry("pointer-below-missing-global.tck", "global 99 does not exist"));
        why.forEach((name, message) -> assertThatThrownBy(() -> CheckpointReader.read(forged.get(name), name))
                .as(name).isInstanceOf(CorruptCheckpointException.class).hasMessageContaining(message));
    }
}
