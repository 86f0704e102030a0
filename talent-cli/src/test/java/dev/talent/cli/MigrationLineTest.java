package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.migrate.control.MigrationRecord;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MigrationLineTest {
    static final Instant AT = Instant.parse("2025-06-01T12:00:05Z");

    static MigrationRecord ok(double downtime, double safePoint, double checkpoint, double sync, double start, double restore) {
        return new MigrationRecord("counter", "x86_64", "s390x", true, downtime, safePoint, checkpoint, sync, start, restore,
                null, null, AT, 10, 40960, "journal");
    }

    static MigrationRecord failed(String step, String error) {
        return new MigrationRecord("counter", "x86_64", "s390x", false, 30.2, 3.0, 2.0, null, null, null, step, error, AT, 0, 0, null);
    }

    @Test
    void successLineAsInTheIssue() {
        assertThat(MigrationLine.of(ok(38.4, 3, 2, 4, 12, 9)))
                .isEqualTo("counter: x86_64 -> s390x ok, downtime 38 ms (safe point 3, checkpoint 2, sync 4, start 12, restore 9)");
    }

    @Test
    void failureNamesTheStep() {
        assertThat(MigrationLine.of(failed("sync", "copying data/log.txt: No space left on device\n")))
                .isEqualTo("counter: x86_64 -> s390x failed at step sync: copying data/log.txt: No space left on device");
    }

    @Test
    void logTailContinuesIndented() {
        assertThat(MigrationLine.body(failed("restore", "the program exited 65 before resuming; log tail:\nline one\nline two")))
                .isEqualTo("x86_64 -> s390x failed at step restore: the program exited 65 before resuming; log tail:\n"
                        + "    line one\n    line two");
    }

    @Test
    void unreachedStepsAreLeftOut() {
        MigrationRecord partial = new MigrationRecord("a", "x86_64", "i686", true, null, 1.0, null, null, null, 2.0, null, null,
                AT, 0, 0, null);

        assertThat(MigrationLine.body(partial)).isEqualTo("x86_64 -> i686 ok (safe point 1, restore 2)");
    }

    @Test
    void millisecondsKeepOneDecimalOnlyWhenSmall() {
        assertThat(MigrationLine.millis(0.44)).isEqualTo("0.4");
        assertThat(MigrationLine.millis(3.0)).isEqualTo("3");
        assertThat(MigrationLine.millis(3.46)).isEqualTo("3.5");
        assertThat(MigrationLine.millis(9.96)).isEqualTo("10");
        assertThat(MigrationLine.millis(12.5)).isEqualTo("13");
        assertThat(MigrationLine.millis(1234.4)).isEqualTo("1234");
    }
}
