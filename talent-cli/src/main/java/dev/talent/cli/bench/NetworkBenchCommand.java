package dev.talent.cli.bench;

import dev.talent.cli.ExitCodes;
import dev.talent.container.Runc;
import dev.talent.migrate.Interval;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code talent bench network}: the pause a connected peer sees per migration of a --net app (see {@link NetworkBench}). */
@Command(name = "network", mixinStandardHelpOptions = true,
        description = "What a connected TCP peer sees of a --net app's migrations: the largest gap between replies of a"
                + " request/reply stream at 1 ms spacing, per migration, median and p95, next to the downtime and the"
                + " network time (net_ms) the orchestrator records, native -> native and cross-ISA; bytes lost or"
                + " duplicated (must be 0). Needs root, runc, iproute2 and nftables.")
final class NetworkBenchCommand extends BenchCommand.Benchmark {

    @Option(names = "--migrations", paramLabel = "N", description = "Migrations per scenario (default ${DEFAULT-VALUE}).")
    int migrations = 20;

    @Option(names = "--every", paramLabel = "MIN..MAX", description = "Intervals between migrations (default ${DEFAULT-VALUE}: long enough for TCP to recover from one"
                    + " migration before the next, else the peer's retransmission timer backs off across several).")
    String every = "2s..3s";

    @Option(names = "--cross", split = ",", paramLabel = "LIST",
            description = "Foreign platforms of the cross-ISA scenario, with x86_64 (default: aarch64).")
    List<String> cross = List.of("aarch64");

    @Option(names = "--bridge", description = "The benchmark's own bridge (default ${DEFAULT-VALUE}).")
    String bridge = "tnbench0";

    @Option(names = "--subnet", description = "Its subnet (default ${DEFAULT-VALUE}).")
    String subnet = "10.212.0.0/16";

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the migration schedule (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Override String name() { return "network"; }

    @Override int minimumRuns() { return 1; }

    @Override int runs() { return migrations; }

    @Override String runsOption() { return "--migrations"; }

    @Override
    public Integer call() throws IOException, InterruptedException {
        settings();
        if (Runc.find().isEmpty()) {
            spec.commandLine().getErr().println("talent bench network: " + Runc.missingMessage());
            return ExitCodes.UNAVAILABLE;
        }
        return super.call();
    }

    NetworkBench.Settings settings() {
        Interval interval;
        try {
            interval = Interval.parse(every);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--every: " + e.getMessage());
        }
        List<Platform> foreign = new ArrayList<>();
        for (String name : cross) {
            try {
                foreign.add(Platform.parse(name.strip()));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--cross: " + e.getMessage());
            }
        }
        return new NetworkBench.Settings(migrations, interval, seed, bridge, subnet, foreign);
    }

    @Override
    String measure(BenchWorkspace workspace) throws BenchFailedException, IOException, InterruptedException {
        List<NetworkBench.Scenario> scenarios = new NetworkBench(workspace).run(settings());
        StringBuilder sb = new StringBuilder();
        sb.append("talent bench network: a peer sends a request every 1 ms over one TCP connection while the app migrates\n");
        sb.append(String.format(Locale.ROOT, "%-18s %5s %8s %8s %8s %8s %8s %8s %6s %6s%n", "scenario", "migr", "pause",
                "p95", "downtime", "p95", "net_ms", "p95", "lost", "dup"));
        boolean broken = false;
        for (NetworkBench.Scenario s : scenarios) {
            sb.append(String.format(Locale.ROOT, "%-18s %5d %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %6d %6d%n", s.title(),
                    s.pauseMs().size(), median(s.pauseMs()), p95(s.pauseMs()), median(s.downtimeMs()), p95(s.downtimeMs()),
                    median(s.netMs()), p95(s.netMs()), s.lost(), s.duplicated()));
            broken |= s.lost() != 0 || s.duplicated() != 0;
        }
        sb.append("(ms; pause: the largest gap between two replies around a migration; downtime and net_ms as recorded"
                + " by the orchestrator; lost/dup: requests without exactly one reply in order)\n");
        for (NetworkBench.Scenario s : scenarios) {
            sb.append(s.title()).append(": ").append(s.requests()).append(" requests, ").append(s.failed())
                    .append(" failed migrations; pause - downtime per migration (ms):");
            for (int i = 0; i < s.pauseMs().size(); i++) {
                sb.append(String.format(Locale.ROOT, " %.0f", s.pauseMs().get(i) - s.downtimeMs().get(i)));
            }
            sb.append("; the largest gap ended, ms before the record came (after the unlock):");
            for (double v : s.gapEndMs()) sb.append(String.format(Locale.ROOT, " %.0f", v));
            sb.append('\n');
        }
        if (broken) throw new BenchFailedException("bytes were lost or duplicated:\n" + sb);
        return sb.toString();
    }

    /** The median (the one helper, dev.talent.base.Median); NaN without values. */
    static double median(List<Double> v) {
        return v.isEmpty() ? Double.NaN : dev.talent.base.Median.of(v);
    }

    static double p95(List<Double> v) {
        return quantile(v, 0.95);
    }

    /** Nearest-rank quantile; NaN without values. */
    static double quantile(List<Double> v, double q) {
        if (v.isEmpty()) return Double.NaN;
        List<Double> sorted = v.stream().sorted().toList();
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
