package dev.talent.cli.bench;

import dev.talent.cli.ExitCodes;
import dev.talent.fleet.FailoverBench;
import dev.talent.fleet.FleetConfig;
import dev.talent.fleet.FleetException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"Controller failover of a fleet on this machine (a lab): kill -9 the leading controller, time until etcd's"
                + " election names another; repeated --kills times (waiting for the killed one to be back in between).",
                "Host-to-host migration downtime is not measured yet: the fleet does not migrate between hosts yet."})
public final class FleetBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--fleet", paramLabel = "FILE", description = "The fleet file (default: $TALENT_FLEET).") Path fleet;
    @Option(names = "--kills", paramLabel = "N", defaultValue = "5", description = "How many leaders to kill (default: ${DEFAULT-VALUE}).") int kills;
    @Option(names = "--limit-ms", paramLabel = "MS", defaultValue = "10000", description = "Give up on a failover after this long (default: ${DEFAULT-VALUE}).") long limitMs;

    @Option(names = "--agent-loss", paramLabel = "HOST", description = "Also freeze HOST's agent (SIGSTOP) and time until etcd drops it"
            + " and until a new agent of HOST is registered.") String agentLoss;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try {
            String file = fleet != null ? fleet.toString() : System.getenv("TALENT_FLEET");
            if (file == null || file.isBlank()) throw new FleetException("which fleet? give --fleet FILE or set TALENT_FLEET");
            List<FailoverBench.Sample> samples = FailoverBench.run(FleetConfig.read(Path.of(file)), kills, Duration.ofMillis(limitMs));
            for (FailoverBench.Sample s : samples)
                out.printf("killed %s's leading controller (pid %d): %s's (pid %d) leads after %.0f ms%n", s.killedHost(), s.killedPid(),
                        s.newHost(), s.newPid(), s.failoverMs());
            double[] ms = samples.stream().mapToDouble(FailoverBench.Sample::failoverMs).sorted().toArray();
            out.printf("controller failover: median %.0f ms, max %.0f ms over %d kills (lease TTL %d s)%n", ms[ms.length / 2],
                    ms[ms.length - 1], ms.length, dev.talent.fleet.Controller.LEASE_TTL_S);
            if (agentLoss != null) {
                FailoverBench.AgentLoss a = FailoverBench.agentLoss(FleetConfig.read(Path.of(file)), agentLoss, Duration.ofMillis(limitMs));
                out.printf("froze %s's agent (pid %d): etcd dropped it after %.0f ms (lease TTL %d s); a new agent (pid %d) registered after %.0f ms%n",
                        a.host(), a.pid(), a.seenDeadMs(), dev.talent.fleet.Agent.LEASE_TTL_S, a.newPid(), a.backMs());
            }
            out.println("host-to-host migration downtime: not measured (host-to-host migration is not implemented yet)");
            out.flush();
            return ExitCodes.OK;
        } catch (FleetException e) {
            spec.commandLine().getErr().println("talent bench fleet: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }
}
