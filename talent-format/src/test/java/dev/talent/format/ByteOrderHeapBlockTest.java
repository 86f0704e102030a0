package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HEAP flag bit 2 (docs/FORMAT.md "HEAP"): an untyped block whose raw bytes depend on the writer's byte order only
 * (its typed views were fixed-width integers of several widths, bzip2's {@code UInt32}/{@code UInt16} work area).
 * Accepted only together with bit 0; shown by inspect; kept by a round trip.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ByteOrderHeapBlockTest {
    private static final Path CORPUS = Path.of("src/test/resources/corpus");

    @Test
    void anUntypedBlockBoundToTheByteOrderIsReadAndShown() throws Exception {
        Checkpoint c = CheckpointReader.read(Files.readAllBytes(CORPUS.resolve("valid/heap-byte-order-only.tck")));
        HeapBlock b = c.heap().stream().filter(h -> h.blockId() == 3).findFirst().orElseThrow();
        assertThat(b.untyped()).isTrue();
        assertThat(b.byteOrderOnly()).isTrue();
        assertThat(c.heap()).filteredOn(h -> h.blockId() != 3).noneMatch(HeapBlock::byteOrderOnly);
        assertThat(InspectRenderer.text(c)).contains("heap#3 : 5 x unsigned char, untyped (this byte order only)");
        assertThat(CheckpointReader.read(CheckpointWriter.write(c)).heap()).filteredOn(HeapBlock::byteOrderOnly).hasSize(1);
    }

    @Test
    void theFlagWithoutBitZeroIsRefused() {
        assertThatThrownBy(() -> CheckpointReader.read(Files.readAllBytes(CORPUS.resolve("forged/heap-byte-order-typed.tck"))))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("not as untyped (bit 0)");
        assertThatThrownBy(() -> CheckpointReader.read(Files.readAllBytes(CORPUS.resolve("forged/heap-byte-order-trailing.tck"))))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("not as untyped (bit 0)");
        assertThatThrownBy(() -> new HeapBlock(1, "a.c:1:1", false, 0, java.util.List.of(), ByteString.of(new byte[0]),
                false, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFlagWithTheTrailingFlagOrAnUnknownBitIsRefused() {
        assertThatThrownBy(() -> CheckpointReader.read(Files.readAllBytes(
                CORPUS.resolve("forged/heap-byte-order-untyped-trailing.tck"))))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("heap block 3");
        assertThatThrownBy(() -> CheckpointReader.read(Files.readAllBytes(
                CORPUS.resolve("forged/heap-unknown-flags-with-byte-order.tck"))))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("unknown bits");
    }
}
