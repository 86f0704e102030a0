package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ByteOrderBinding}: what binds a checkpoint to its writer's byte order, as read back from a file. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ByteOrderBindingTest {
    private static final Path CORPUS = Path.of("src/test/resources/corpus");

    @Test
    void aBlockCarriedAsRawBytesBindsTheCheckpointToTheWritersByteOrder() throws Exception {
        Checkpoint c = CheckpointReader.read(Files.readAllBytes(CORPUS.resolve("valid/heap-byte-order-only.tck")));
        ByteOrderBinding b = ByteOrderBinding.of(c).orElseThrow();
        assertThat(b.bigEndian()).isEqualTo(c.meta().bigEndian());
        assertThat(b.why()).contains("heap block 3").contains("byte order only");
        assertThat(b.order()).isEqualTo(c.meta().bigEndian() ? "big-endian" : "little-endian");
    }

    @Test
    void anUntypedBlockWithoutTheFlagBindsThePointerWidthTooAndTypedStateBindsNothing() throws Exception {
        Checkpoint base = CheckpointReader.read(Files.readAllBytes(CORPUS.resolve("valid/base.tck")));
        ByteOrderBinding b = ByteOrderBinding.of(base).orElseThrow();
        assertThat(b.pointerBits()).isEqualTo(base.meta().pointerBits());
        assertThat(b.why()).contains("is carried as raw bytes").doesNotContain("byte order only");
        assertThat(b.layout()).isEqualTo(b.order() + " byte order and " + base.meta().pointerBits() + "-bit pointers");
        assertThat(b.admits(base.meta().bigEndian(), base.meta().pointerBits())).isTrue();
        assertThat(b.admits(base.meta().bigEndian(), 96 - base.meta().pointerBits())).isFalse();
        assertThat(b.admits(!base.meta().bigEndian(), base.meta().pointerBits())).isFalse();
        assertThat(ByteOrderBinding.of(typedOnly(base))).isEmpty();
        ByteOrderBinding only = new ByteOrderBinding(false, "x");
        assertThat(only.admits(false, 32)).isTrue();
        assertThat(only.admits(true, 64)).isFalse();
        assertThat(only.layout()).isEqualTo("little-endian byte order");
    }

    /** {@code c} without its untyped heap blocks. */
    private static Checkpoint typedOnly(Checkpoint c) {
        return new Checkpoint(c.meta(), c.types(), c.strings(), c.globals(), c.frames(),
                c.heap().stream().filter(h -> !h.untyped()).toList(), c.files(), c.pendingWait());
    }

    @Test
    void aUnionValueWithTheByteOrderMarkBindsItNamingTheVariable() throws Exception {
        Checkpoint base = ForgedCorpus.base();
        Value marked = new Value.UnionValue(0, Fixtures.i(-7), true);
        List<GlobalVar> globals = base.globals().stream().map(g -> g.key().equals("n")
                ? new GlobalVar(g.key(), g.name(), g.declPos(), g.type(), marked) : g).toList();
        Checkpoint c = new Checkpoint(base.meta(), base.types(), base.strings(), globals, base.frames(), base.heap(),
                base.files(), base.pendingWait());

        ByteOrderBinding b = ByteOrderBinding.of(typedOnly(CheckpointReader.read(CheckpointWriter.write(c), "m.tck")))
                .orElseThrow();

        assertThat(b.why()).contains("global n").contains("union");
        assertThat(b.pointerBits()).isZero();
        assertThat(ByteOrderBinding.of(typedOnly(base))).isEmpty();
    }
}
