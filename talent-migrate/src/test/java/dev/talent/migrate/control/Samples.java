package dev.talent.migrate.control;

import java.time.Instant;
import java.util.List;

/** Records as the orchestrator fills them, for the tests. */
final class Samples {
    private Samples() {}

    static MigrationRecord succeeded(String app) {
        return new MigrationRecord(app, "x86_64", "s390x", true, 38.25, 3.0, 2.0, 4.0, 12.0, 9.0, null, null,
                Instant.parse("2025-06-01T12:00:05.123Z"), 10, 40960, "journal");
    }

    static MigrationRecord failedAtSync(String app) {
        return new MigrationRecord(app, "s390x", "aarch64", false, 21.5, 2.5, 1.5, 17.0, null, null, "sync",
                "copying data/log.txt: No space left on device", Instant.parse("2025-06-01T12:00:20Z"), 0, 0, null);
    }

    static StatusReport status(String app, long pid) {
        return new StatusReport(app, pid, "s390x", Instant.parse("2025-06-01T12:00:05.123Z"), Instant.parse("2025-06-01T11:58:00Z"),
                StatusReport.State.RUNNING, 1, 1, Instant.parse("2025-06-01T12:00:31Z"), "riscv64",
                List.of(succeeded(app), failedAtSync(app)));
    }
}
