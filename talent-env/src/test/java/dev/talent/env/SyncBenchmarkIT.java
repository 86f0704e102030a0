package dev.talent.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the sync benchmark on a small tree against the real rsync (which must be installed: apt-get install rsync). */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class SyncBenchmarkIT {

    @Test
    void measuresEachRoundOnBothReplicasAndCleansUp(@TempDir Path tmp) throws Exception {
        List<SyncBenchmark.Progress> progress = new ArrayList<>();
        SyncBenchmark.Settings settings = new SyncBenchmark.Settings(600, 12, 3, 10);

        SyncBenchmark.Result result = SyncBenchmark.run(settings, tmp, progress::add);

        assertThat(result.rsyncVersion()).startsWith("rsync");
        assertThat(result.fullCopy().mode()).isEqualTo(SyncReport.FULL);
        assertThat(result.fullCopy().filesCopied()).isEqualTo(600);
        assertThat(result.fullCopy().bytesCopied()).isEqualTo(result.treeBytes());
        assertThat(result.rounds()).hasSize(3).allSatisfy(round -> {
            assertThat(round.report().mode()).isEqualTo(SyncReport.JOURNAL);
            assertThat(round.report().filesCopied()).isEqualTo(10);
            assertThat(round.report().filesDeleted()).isZero();
            assertThat(round.rsyncNanos()).isPositive();
            assertThat(round.oursNanos()).isEqualTo(round.drainNanos() + round.copyNanos());
        });
        assertThat(result.ratio()).isEqualTo(result.medianRsyncMs() / result.medianOursMs());
        assertThat(progress).contains(new SyncBenchmark.Progress.Round(3, 3))
                .last().isInstanceOf(SyncBenchmark.Progress.CleaningUp.class);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("the trees are removed").isEmpty();
        }
    }
}
