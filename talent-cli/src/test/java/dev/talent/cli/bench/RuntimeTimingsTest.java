package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RuntimeTimingsTest {

    // Lines as the runtime printed them for the bundled array64.c and tree.c (surrounded by its other messages).
    private static final String WRITER_STDERR = """
            talent: stop-after 2 reached at point 0 (tree.c:53:5)
            talent: wrote checkpoint ck/ckpt-000001.tck (70000655 bytes, 1 frames, 1 globals, 6 types)
            talent: checkpoint 1 written: 66.8 MiB, 1000000 heap blocks, 1742.5 ms (collect 0.1, encode 1505.4, write+fsync 237.0)
            """;
    private static final String READER_STDERR = """
            talent: restoring from ck/ckpt-000001.tck (sequence 1, written on x86_64)
            talent: resuming main() at point 0 (array64.c:21:5)
            talent: restored 1 frames; resuming
            talent: restored checkpoint 1 from x86_64: 2345.0 ms (64.0 MiB, 0 heap blocks; read+validate 1089.9, heap 0.7, globals+frames 1254.5)
            """;

    @Test
    void parsesTheCheckpointWrittenLine() {
        assertThat(RuntimeTimings.checkpointsWritten(WRITER_STDERR)).containsExactly(
                new RuntimeTimings.CheckpointWritten(1, 66.8, 1_000_000, 1742.5, 0.1, 1505.4, 237.0));
    }

    @Test
    void parsesEveryCheckpointWrittenLineInOrder() {
        String two = """
                talent: checkpoint 7 written: 1.0 MiB, 0 heap blocks, 3 ms (collect 0, encode 1, write+fsync 2)
                program output on stderr
                talent: checkpoint 8 written: 2.5 MiB, 12 heap blocks, 4.0 ms (collect 0.0, encode 1.5, write+fsync 2.5)
                """;
        assertThat(RuntimeTimings.checkpointsWritten(two)).extracting(RuntimeTimings.CheckpointWritten::sequence)
                .containsExactly(7L, 8L);
        assertThat(RuntimeTimings.checkpointsWritten(two).get(1).sizeMiB()).isEqualTo(2.5);
    }

    @Test
    void parsesTheRestoredLine() {
        assertThat(RuntimeTimings.restored(READER_STDERR)).contains(
                new RuntimeTimings.Restored(1, "x86_64", 2345.0, 64.0, 0, 1089.9, 0.7, 1254.5));
    }

    @Test
    void theWriterPlatformMayCarryAUserlandSuffix() {
        String line = "talent: restored checkpoint 12 from x86_64-musl: 5.5 ms (0.1 MiB, 3 heap blocks; read+validate 1.0, heap 2.0, globals+frames 2.5)";
        assertThat(RuntimeTimings.restored(line)).hasValueSatisfying(r -> {
            assertThat(r.writerPlatform()).isEqualTo("x86_64-musl");
            assertThat(r.sequence()).isEqualTo(12);
            assertThat(r.heapBlocks()).isEqualTo(3);
        });
    }

    @Test
    void linesThatOnlyLookAlikeAreNotTimingLines() {
        assertThat(RuntimeTimings.restored(WRITER_STDERR)).isEmpty();
        assertThat(RuntimeTimings.checkpointsWritten(READER_STDERR)).isEmpty();
        // A program's own output that merely contains the text, not at the start of a line.
        assertThat(RuntimeTimings.checkpointsWritten(
                "echo talent: checkpoint 1 written: 1.0 MiB, 0 heap blocks, 3.0 ms (collect 0.0, encode 1.0, write+fsync 2.0)"))
                .isEmpty();
        // A truncated line (the process was killed while printing).
        assertThat(RuntimeTimings.restored("talent: restored checkpoint 1 from s390x: 12.0 ms (64.0 MiB, 0 heap blocks;")).isEmpty();
    }

    @Test
    void windowsLineEndingsDoNotHideALine() {
        assertThat(RuntimeTimings.restored(READER_STDERR.replace("\n", "\r\n"))).isPresent();
    }

    @Test
    void parsesTheRequestLatencyLineWithBothTimes() {
        // As the runtime printed it for latency.c blocked in accept() (bench latency), among its other messages.
        String stderr = """
                talent: signal checkpoint at point 4 (latency.c:61:22)
                talent: wrote checkpoint ck/ckpt-000001.tck (1234 bytes, 2 frames, 0 globals, 5 types)
                talent: checkpoint 1 written: 0.0 MiB, 0 heap blocks, 1.5 ms (collect 0.0, encode 0.1, write+fsync 1.4)
                talent: request latency: 1.833 ms from signal to checkpoint 1 written (0.061 ms to the site that took it)
                """;
        assertThat(RuntimeTimings.requestLatencies(stderr)).containsExactly(new RuntimeTimings.RequestLatency(1, 1.833, 0.061));
        assertThat(RuntimeTimings.checkpointsWritten(stderr)).hasSize(1);
    }

    @Test
    void requestLatencyLinesComeInOrderAndOthersAreNotThem() {
        String two = """
                talent: request latency: 48 ms from signal to checkpoint 3 written (0.1 ms to the site that took it)\r
                echo talent: request latency: 9.0 ms from signal to checkpoint 4 written (1.0 ms to the site that took it)
                talent: request latency: 12.250 ms from signal to checkpoint 5 written (28.000 ms to the site that took it)
                talent: request latency: 12.250 ms from signal to checkpoint 6 written (28.000 ms to the si
                """;
        assertThat(RuntimeTimings.requestLatencies(two)).containsExactly(
                new RuntimeTimings.RequestLatency(3, 48, 0.1), new RuntimeTimings.RequestLatency(5, 12.25, 28));
        assertThat(RuntimeTimings.requestLatencies(WRITER_STDERR)).isEmpty();
    }
}
