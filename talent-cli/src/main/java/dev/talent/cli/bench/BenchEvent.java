package dev.talent.cli.bench;

import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import java.util.List;

/** Progress of a benchmark, for the command to show while it runs (the results come back as a report). */
public sealed interface BenchEvent {

    /** A bundled program is being built (instrumented, for these platforms; or plain). */
    record Building(String program, List<Platform> platforms, boolean instrumented) implements BenchEvent {}

    /** A platform is left out because this host cannot build or run it. */
    record PlatformSkipped(PlatformSupport support) implements BenchEvent {}

    /** Run {@code run} of {@code runs} of a measurement is starting. */
    record Measuring(String what, int run, int runs) implements BenchEvent {}

    /** The orchestrator ended a migration of scenario {@code scenario}; {@code succeeded} of {@code wanted} are done. */
    record Migration(String scenario, int succeeded, int wanted, MigrationRecord record) implements BenchEvent {}
}
