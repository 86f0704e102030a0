package dev.talent.cli.bench;

import dev.talent.cli.ExitCodes;
import dev.talent.container.Runc;
import dev.talent.migrate.Interval;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code talent bench migration}: downtime of live migrations between runc containers, native -> native
 * (x86_64 and x86_64-musl) and cross-ISA, with the time of each step of the migration.
 */
@Command(name = "migration", mixinStandardHelpOptions = true,
        description = "Downtime of live migrations (stop requested -> running on the destination) by talent run's orchestrator,"
                + " native -> native (x86_64 <-> x86_64-musl) and cross-ISA (x86_64 and foreign ISAs under qemu): median and"
                + " p95 of the downtime and of each step (target: median <= 50 ms native -> native). Needs root and runc.")
final class MigrationBenchCommand extends BenchCommand.Benchmark {

    @Option(names = "--migrations", paramLabel = "N",
            description = "Successful migrations per scenario (default ${DEFAULT-VALUE}; issue #5 asks for at least 20).")
    int migrations = MigrationReport.MINIMUM_MIGRATIONS;

    @Option(names = "--every", paramLabel = "MIN..MAX",
            description = "Intervals between migrations, drawn uniformly (default ${DEFAULT-VALUE}).")
    String every = "200ms..500ms";

    @Option(names = "--cross", split = ",", paramLabel = "LIST",
            description = "Foreign platforms of the cross-ISA scenario, with x86_64 (default: aarch64,s390x); none: only the"
                    + " native -> native scenario.")
    List<String> cross = List.of("aarch64", "s390x");

    @Option(names = "--prestart", paramLabel = "on|off|both",
            description = "How destinations are started: on = ahead of the stop, their runtime waiting for a go (talent run's"
                    + " default); off = created ahead, runc start inside the downtime (--no-prestart); both = each scenario"
                    + " both ways, one after the other, with the median downtimes side by side (default ${DEFAULT-VALUE}).")
    String prestart = "both";

    @Option(names = "--state-mib", split = ",", paramLabel = "LIST",
            description = "Also keep a global array of M MiB of doubles in the program, about 1 %% of it rewritten per"
                    + " second; each size its own scenarios, one after the other (default: none, the program's small state"
                    + " only).")
    List<Integer> stateMib = List.of();

    @Option(names = "--precopy", paramLabel = "ROUNDS", description = "Pre-copy before each stop, at most ROUNDS rounds"
            + " (talent run --precopy; default ${DEFAULT-VALUE}: none).")
    int precopy;

    @Option(names = "--ahead", split = ",", paramLabel = "LIST",
            description = "With --precopy and destinations started ahead: what they do while they wait (talent run"
                    + " --ahead: base, populate, off); each value its own scenario, one right after the other, so that"
                    + " their median downtimes are side by side (default ${DEFAULT-VALUE}).")
    List<String> ahead = List.of("base");

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the migration schedule (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Override String name() { return "migration"; }

    @Override int minimumRuns() { return 1; }

    @Override int runs() { return migrations; }

    @Override String runsOption() { return "--migrations"; }

    @Override
    public Integer call() throws IOException, InterruptedException {
        settings(); // a bad option is reported before anything is built
        if (Runc.find().isEmpty()) {
            spec.commandLine().getErr().println("talent bench migration: " + Runc.missingMessage());
            return ExitCodes.UNAVAILABLE;
        }
        return super.call();
    }

    MigrationBench.Settings settings() {
        if (migrations < 1) throw new ParameterException(spec.commandLine(), "--migrations must be at least 1, not " + migrations);
        Interval interval;
        try {
            interval = Interval.parse(every);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--every: " + e.getMessage());
        }
        List<Platform> foreign = new ArrayList<>();
        boolean none = cross.size() == 1 && cross.getFirst().strip().equals("none");
        for (String name : none ? List.<String>of() : cross) {
            Platform p;
            try {
                p = Platform.parse(name.strip());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--cross: " + e.getMessage().replace("unknown ISA", "unknown platform"));
            }
            if (p.isa() == Isa.X86_64) {
                throw new ParameterException(spec.commandLine(), "--cross: " + p.name() + " is not a foreign ISA");
            }
            if (!foreign.contains(p)) foreign.add(p);
        }
        if (foreign.isEmpty() && !none) throw new ParameterException(spec.commandLine(), "--cross: no platform given");
        List<MigrationReport.Start> starts = switch (prestart) {
            case "on" -> List.of(MigrationReport.Start.AHEAD);
            case "off" -> List.of(MigrationReport.Start.RUNC_START);
            case "both" -> List.of(MigrationReport.Start.RUNC_START, MigrationReport.Start.AHEAD);
            default -> throw new ParameterException(spec.commandLine(), "--prestart: on, off or both, not '" + prestart + "'");
        };
        for (int mib : stateMib) {
            if (mib < 1 || mib > 4096) throw new ParameterException(spec.commandLine(), "--state-mib: 1 to 4096, not " + mib);
        }
        if (precopy < 0) throw new ParameterException(spec.commandLine(), "--precopy takes a number of rounds >= 0");
        for (String mode : ahead) {
            if (!List.of("base", "populate", "off").contains(mode)) {
                throw new ParameterException(spec.commandLine(), "--ahead: base, populate or off, not '" + mode + "'");
            }
        }
        return new MigrationBench.Settings(migrations, interval, seed, foreign, starts, stateMib.stream().distinct().toList(),
                precopy, precopy == 0 ? List.of() : ahead.stream().distinct().toList());
    }

    @Override
    String measure(BenchWorkspace workspace) throws BenchFailedException, IOException, InterruptedException {
        return BenchReportRenderer.migration(new MigrationBench(workspace).run(settings()));
    }
}
