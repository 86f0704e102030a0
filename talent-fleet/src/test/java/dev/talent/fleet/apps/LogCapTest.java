package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LogCapTest {
    @TempDir Path tmp;

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        for (int i = 0; i < n; i++) if (b[i] == 0) b[i] = 1; // data, never read as a hole's zeros
        return b;
    }

    private static byte[] read(Path f, long from, int n) throws IOException {
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "r")) {
            byte[] b = new byte[n];
            r.seek(from);
            r.readFully(b);
            return b;
        }
    }

    @Test
    void aLogOverItsCapKeepsItsSizeAndOnlyItsNewestPart() throws IOException {
        Path log = tmp.resolve("stderr.log");
        byte[] all = bytes(3 << 20, 1);
        Files.write(log, all);
        assertThat(LogCap.retainedFrom(log, all.length)).isZero();
        assertThat(LogCap.enforce(log, all.length, 1 << 20)).isTrue();
        assertThat(Files.size(log)).as("offsets stay valid").isEqualTo(all.length);
        long kept = LogCap.retainedFrom(log, all.length);
        assertThat(kept).isBetween((2L << 20) - 4096, 2L << 20);
        int n = (int) (all.length - kept);
        assertThat(read(log, kept, n)).isEqualTo(Arrays.copyOfRange(all, (int) kept, all.length));
        assertThat(LogCap.enforce(log, all.length, 1 << 20)).as("nothing more to drop").isFalse();
        assertThat(LogCap.enforce(log, 1000, 1 << 20)).isFalse();
    }

    @Test
    void aTailStartsWhereTheDestinationStopsOrWhereTheSourceKeepsData() throws IOException {
        Path source = tmp.resolve("out.log");
        byte[] all = bytes(3 << 20, 2);
        Files.write(source, all);
        HostedApps.LogTail t = HostedApps.LogTail.of(source, 1000);
        assertThat(t.from()).isEqualTo(1000);
        assertThat(t.bytes()).isEqualTo(Arrays.copyOfRange(all, 1000, all.length));
        LogCap.dropBefore(source, 2 << 20);
        HostedApps.LogTail late = HostedApps.LogTail.of(source, 1000);
        assertThat(late.from()).as("what was dropped is not sent").isEqualTo(2 << 20);

        // a destination with an older copy of the start: the gap becomes a hole, dropped there too
        Path dest = tmp.resolve("dest.log");
        Files.write(dest, Arrays.copyOf(all, 1000));
        late.appendTo(dest);
        assertThat(Files.size(dest)).isEqualTo(all.length);
        assertThat(LogCap.retainedFrom(dest, all.length)).isEqualTo(2 << 20);
        assertThat(read(dest, 2 << 20, all.length - (2 << 20))).isEqualTo(Arrays.copyOfRange(all, 2 << 20, all.length));

        // a destination that has part of the tail already: only what it lacks is appended, nothing truncated
        Path same = tmp.resolve("same.log");
        Files.write(same, Arrays.copyOf(all, 5000));
        new HostedApps.LogTail(1000, Arrays.copyOfRange(all, 1000, 9000)).appendTo(same);
        assertThat(Files.readAllBytes(same)).isEqualTo(Arrays.copyOf(all, 9000));
    }
}
