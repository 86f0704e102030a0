package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.env.SyncBenchmark;
import dev.talent.env.SyncReport;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SyncBenchCommandTest {

    private static SyncBenchmark.RoundResult round(double drainMs, double copyMs, double rsyncMs, String mode) {
        return new SyncBenchmark.RoundResult((long) (drainMs * 1e6), (long) (copyMs * 1e6), (long) (rsyncMs * 1e6),
                new SyncReport(mode, 10, 0, 400, 0, (long) (copyMs * 1e6)));
    }

    @Test
    void printsMediansAndTheirRatioWithAVerdict() {
        SyncBenchmark.Result result = new SyncBenchmark.Result(SyncBenchmark.Settings.of(100_000, 3), 54_321_000,
                400_000_000, new SyncReport(SyncReport.FULL, 100_000, 0, 54_321_000, 0, 9_000_000_000L), 6_000_000_000L,
                List.of(round(0.5, 3.5, 900, SyncReport.JOURNAL), round(1, 5, 1000, SyncReport.JOURNAL),
                        round(2, 8, 1100, SyncReport.JOURNAL)),
                "rsync  version 3.2.7  protocol version 31");

        String text = SyncBenchCommand.render(result);

        assertThat(text).contains("100000 files (51.8 MiB) in 1000 directories; 10 files changed per round; 3 rounds")
                .containsPattern("(?m)^final sync, talent +6\\.000  \\(medians of its steps: drain 1\\.000, copy\\+verify 5\\.000\\)$")
                .containsPattern("(?m)^final sync, rsync -a +1000\\.000$")
                .containsPattern("(?m)^ratio rsync / talent +166\\.7  target >= 50  ok$")
                .doesNotContain("note:");
    }

    @Test
    void saysWhenTheTargetIsMissedOrARoundWalkedTheTree() {
        SyncBenchmark.Result result = new SyncBenchmark.Result(SyncBenchmark.Settings.of(1_000, 3), 500_000, 1_000_000,
                new SyncReport(SyncReport.FULL, 1_000, 0, 500_000, 0, 90_000_000), 60_000_000,
                List.of(round(1, 9, 100, SyncReport.JOURNAL), round(1, 9, 100, SyncReport.MIRROR),
                        round(1, 9, 100, SyncReport.JOURNAL)),
                "rsync  version 3.2.7  protocol version 31");

        assertThat(SyncBenchCommand.render(result))
                .containsPattern("(?m)^ratio rsync / talent +10\\.0  target >= 50  UNDER$")
                .contains("note: 1 of 3 rounds fell back to walking the tree");
    }
}
