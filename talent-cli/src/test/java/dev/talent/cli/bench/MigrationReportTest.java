package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.migrate.Interval;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Platform;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MigrationReportTest {

    static final Platform X86 = Platform.glibc(Isa.X86_64);
    static final Platform MUSL = Platform.parse("x86_64-musl");
    static final Platform ARM = Platform.glibc(Isa.AARCH64);

    /** A successful migration whose phases add up to its downtime. */
    static MigrationRecord ok(String from, String to, double safePoint, double checkpoint, double sync, double start,
                              double restore, int files) {
        return new MigrationRecord("bench", from, to, true, safePoint + checkpoint + sync + start + restore, safePoint,
                checkpoint, sync, start, restore, null, null, Instant.EPOCH, files, files * 100L, "journal");
    }

    static MigrationRecord failed(String from, String to, String step) {
        return new MigrationRecord("bench", from, to, false, null, 900.0, 900.0, 900.0, step.equals("sync") ? null : 900.0,
                null, step, "the program on " + to + " did not report that it runs\ncontainer log line", Instant.EPOCH,
                0, 0, null);
    }

    static MigrationReport.Scenario scenario(boolean nativeOnly, List<MigrationRecord> records) {
        return new MigrationReport.Scenario("native -> native", List.of(X86, MUSL), Set.of(), nativeOnly, records, List.of(),
                500, 501, 3);
    }

    @Test
    void phasesAreTakenFromTheSuccessfulMigrationsOnly() {
        List<MigrationRecord> records = new ArrayList<>();
        for (int i = 1; i <= 20; i++) records.add(ok("x86_64", "x86_64-musl", i, 1, 2, 10, 0.5, i % 3));
        records.add(failed("x86_64", "x86_64-musl", "restore"));
        MigrationReport.Scenario s = scenario(true, records);

        assertThat(s.succeeded()).hasSize(20);
        assertThat(s.failed()).hasSize(1);
        // safe points 1..20 ms: median 10.5, p95 by nearest rank the 19th value
        Samples safePoint = s.phase(MigrationReport.Phase.SAFE_POINT).orElseThrow();
        assertThat(safePoint.values()).hasSize(20).doesNotContain(900.0);
        assertThat(safePoint.median()).isEqualTo(10.5);
        assertThat(safePoint.percentile(MigrationReport.PERCENTILE)).isEqualTo(19.0);
        // downtime = safe point + 13.5
        assertThat(s.phase(MigrationReport.Phase.DOWNTIME).orElseThrow().median()).isEqualTo(24.0);
        assertThat(s.syncFiles().orElseThrow().median()).isEqualTo(1.0);
        assertThat(s.meetsTarget()).contains(true);
        assertThat(s.dominantPhase()).contains(MigrationReport.Phase.SAFE_POINT);
    }

    @Test
    void theTargetIsJudgedOnTheMedianAndOnlyNativeToNative() {
        List<MigrationRecord> slow = List.of(ok("x86_64", "x86_64-musl", 1, 1, 1, 40, 8, 1),
                ok("x86_64-musl", "x86_64", 1, 1, 1, 45, 8, 1), ok("x86_64", "x86_64-musl", 1, 1, 1, 5, 1, 1));
        assertThat(scenario(true, slow).meetsTarget()).contains(false);   // median 51 ms
        assertThat(scenario(true, slow).dominantPhase()).contains(MigrationReport.Phase.START);
        assertThat(scenario(false, slow).meetsTarget()).isEmpty();
        assertThat(scenario(true, List.of(failed("x86_64", "x86_64-musl", "sync"))).meetsTarget()).isEmpty();
        assertThat(scenario(true, List.of(failed("x86_64", "x86_64-musl", "sync"))).phase(MigrationReport.Phase.DOWNTIME))
                .isEmpty();
    }

    @Test
    void thePartsOfTheCheckpointPhaseAreNeverTheLargestPhase() {
        // a take of 7 ms inside a checkpoint phase of 9: the phase of the downtime's sum is named, not its part
        MigrationRecord r = ok("x86_64", "x86_64-musl", 1, 9, 0, 8, 0.5, 1)
                .withCheckpointParts(new MigrationRecord.CheckpointParts(1.0, 7.0, 1.0));
        MigrationReport.Scenario s = scenario(true, List.of(r));

        assertThat(s.phase(MigrationReport.Phase.TAKE).orElseThrow().median()).isEqualTo(7.0);
        assertThat(s.dominantPhase()).contains(MigrationReport.Phase.CHECKPOINT);
    }

    @Test
    void hopsGroupTheSuccessfulMigrationsInTheOrderTheyFirstOccurred() {
        MigrationReport.Scenario s = new MigrationReport.Scenario("cross-ISA", List.of(X86, ARM), Set.of(ARM), false,
                List.of(ok("x86_64", "aarch64", 1, 1, 1, 1, 30, 1), ok("aarch64", "x86_64", 1, 1, 1, 1, 2, 1),
                        failed("x86_64", "aarch64", "restore"), ok("x86_64", "aarch64", 1, 1, 1, 1, 40, 1)),
                List.of(), 100, 101, 3);

        assertThat(s.hops().keySet()).containsExactly("x86_64 -> aarch64", "aarch64 -> x86_64");
        assertThat(s.hops().get("x86_64 -> aarch64")).hasSize(2);
    }

    @Test
    void fewerMigrationsThanTheIssueAsksForIsAScaledDownCheck() {
        Interval every = new Interval(Duration.ofMillis(200), Duration.ofMillis(500));
        MigrationReport.Scenario s = scenario(true, List.of(ok("x86_64", "x86_64-musl", 1, 1, 1, 1, 1, 1)));
        assertThat(new MigrationReport(List.of(s), 3, every, 1, 10, "1.00 1.00 1.00", "1.00 1.00 1.00", 2).scaled()).isTrue();
        assertThat(new MigrationReport(List.of(s), 20, every, 1, 10, "1.00 1.00 1.00", "1.00 1.00 1.00", 2).scaled()).isFalse();
    }
}
