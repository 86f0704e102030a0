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
                "With --migrations N: builds the migration benchmark's program (x86_64 and --foreign), deploys it to the fleet and"
                        + " asks the leader for N host-to-host migrations on x86_64 (native -> native) and N across ISAs"
                        + " (x86_64 <-> FOREIGN on other hosts); reports downtime median and p95 with its phases, and etcd"
                        + " writes per migration (revisions consumed, the request included). The program keeps --state-kib of"
                        + " heap state.",
                "With --net (and --migrations N): the app is a network server deployed with --net instead (the bundled line"
                        + " server of `talent bench network`), a client on this machine holds one connection to its address"
                        + " and sends requests on it all along, checking every answer; each migration also reports its"
                        + " network part (net_ms, sockets carried) and the client's largest pause between answers."})
public final class FleetBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--fleet", paramLabel = "FILE", description = "The fleet file (default: $TALENT_FLEET).") Path fleet;
    @Option(names = "--kills", paramLabel = "N", defaultValue = "5", description = "How many leaders to kill (default: ${DEFAULT-VALUE}).") int kills;
    @Option(names = "--limit-ms", paramLabel = "MS", defaultValue = "10000", description = "Give up on a failover after this long (default: ${DEFAULT-VALUE}).") long limitMs;

    @Option(names = "--agent-loss", paramLabel = "HOST", description = "Also freeze HOST's agent (SIGSTOP) and time until etcd drops it"
            + " and until a new agent of HOST is registered.") String agentLoss;

    @Option(names = "--migrations", paramLabel = "N", defaultValue = "0",
            description = "Host-to-host migrations per scenario (default: ${DEFAULT-VALUE}: none; 20 or more for a p95).") int migrations;

    @Option(names = "--foreign", paramLabel = "PLATFORM", defaultValue = "aarch64",
            description = "The other ISA of the cross-ISA scenario (default: ${DEFAULT-VALUE}).") String foreign;
    @Option(names = "--state-kib", paramLabel = "KIB", defaultValue = "1024",
            description = "Heap state the migrated program keeps besides its small globals, one int per 4 KiB rewritten"
                    + " every step (default: ${DEFAULT-VALUE}, the 1 MiB of the host-to-host target; 0: none).") int stateKib;

    @Option(names = "--net", description = "Migrate a network server deployed with --net, with a client connected all"
            + " along (needs --migrations; --state-kib does not apply).") boolean net;

    @Option(names = "--precopy", paramLabel = "ROUNDS", defaultValue = "0",
            description = "Also run each scenario with the app deployed with --precopy ROUNDS, and print the downtime with and"
                    + " without pre-copy side by side (default: ${DEFAULT-VALUE}: without only; not with --net).") int precopy;

    @Override
    public Integer call() throws InterruptedException {
        if (precopy < 0 || precopy > dev.talent.fleet.apps.AppRecords.MAX_PRECOPY_ROUNDS) {
            spec.commandLine().getErr().println("talent bench fleet: --precopy is 0 to " + dev.talent.fleet.apps.AppRecords.MAX_PRECOPY_ROUNDS);
            return ExitCodes.USAGE;
        }
        if (precopy > 0 && (net || migrations <= 0)) {
            spec.commandLine().getErr().println("talent bench fleet: --precopy needs --migrations N and not --net");
            return ExitCodes.USAGE;
        }
        if (net && migrations <= 0) {
            spec.commandLine().getErr().println("talent bench fleet: --net needs --migrations N");
            return ExitCodes.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (kills == 0 && migrations > 0) {
            try {
                return hostToHost(out);
            } catch (FleetException | java.io.IOException | BenchFailedException e) {
                spec.commandLine().getErr().println("talent bench fleet: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
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
            if (migrations > 0) return hostToHost(out);
            out.flush();
            return ExitCodes.OK;
        } catch (FleetException | java.io.IOException | BenchFailedException e) {
            spec.commandLine().getErr().println("talent bench fleet: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    private int hostToHost(PrintWriter out) throws FleetException, java.io.IOException, BenchFailedException, InterruptedException {
        dev.talent.toolchain.Platform x86 = dev.talent.toolchain.Platform.parse("x86_64");
        dev.talent.toolchain.Platform other = dev.talent.toolchain.Platform.parse(foreign);
        dev.talent.cli.ProgramBuilder builder = new dev.talent.cli.ProgramBuilder(dev.talent.toolchain.ToolchainProbe.ofHost(),
                dev.talent.toolchain.RuntimeLibrary.fromClasspath(dev.talent.cli.TalentDirectories.cache()),
                dev.talent.cli.Instrumenter.checkpointCompiler());
        PrintWriter err = spec.commandLine().getErr();
        try (BenchWorkspace ws = BenchWorkspace.create(dev.talent.toolchain.ToolchainProbe.ofHost(), builder, e -> {});
             dev.talent.cli.fleet.FleetSession session = dev.talent.cli.fleet.FleetSession.open(fleet, System.getenv())) {
            java.util.Map<dev.talent.toolchain.Platform, Path> bins = ws.buildInstrumented(
                    ws.extract(net ? NetworkBench.SOURCE : MigrationBench.SOURCE), net ? "h2h-net" : "h2h", List.of(x86, other));
            java.util.Map<String, Path> byName = new java.util.LinkedHashMap<>();
            java.util.Map<String, String> digests = new java.util.LinkedHashMap<>();
            for (var e : bins.entrySet()) {
                byName.put(e.getKey().name(), e.getValue());
                digests.put(e.getKey().name(), dev.talent.cli.fleet.DeployCommand.sha256(e.getValue()));
            }
            if (stateKib < 0 || stateKib > 1024 * 1024)
                throw new FleetException("--state-kib must be 0 to 1048576, not " + stateKib);
            List<String> args = net ? List.of(Integer.toString(NetworkBench.PORT))
                    : List.of("10000000", "5", "0", Integer.toString(stateKib));
            // the same scenarios without pre-copy, then (--precopy) with it: medians side by side at the end
            List<String> sideBySide = new java.util.ArrayList<>();
            for (int rounds : precopy > 0 ? List.of(0, precopy) : List.of(0)) {
            String app = (net ? "bench-h2h-net-" : rounds > 0 ? "bench-h2h-pre-" : "bench-h2h-") + ProcessHandle.current().pid();
            var record = new dev.talent.fleet.apps.AppRecords.AppRecord(app, digests, args, null, net, null,
                    List.of(x86.name(), other.name()), null, null, null, System.currentTimeMillis(), false).withPrecopy(rounds);
            String how = rounds > 0 ? ", pre-copy " + rounds + " rounds" : precopy > 0 ? ", no pre-copy" : "";
            var apps = session.apps();
            apps.deploy(record, new dev.talent.fleet.apps.FleetApps.Blobs(byName, java.util.Optional.empty()), Duration.ofMinutes(2));
            FleetNetPeer peer = null;
            try {
                if (net) {
                    String address = apps.view(app).map(v -> v.spec().value().ip())
                            .orElseThrow(() -> new FleetException(app + " has no address after its deploy --net"));
                    peer = FleetNetPeer.start(address, NetworkBench.PORT);
                    err.println("  a client holds a connection to " + app + " at " + address + ":" + NetworkBench.PORT);
                }
                List<String> hosts = dev.talent.fleet.apps.AppReconciler.liveHosts(session.etcd()).stream()
                        .filter(h -> h.platforms().contains(x86.name()) && h.platforms().contains(other.name()))
                        .map(dev.talent.fleet.Records.HostInfo::name).sorted().toList();
                if (hosts.size() < 2) throw new FleetException("host-to-host needs 2 live hosts with x86_64 and " + other.name() + "; have " + hosts);
                List<dev.talent.fleet.apps.FleetAgents.Placement> nativeCycle = new java.util.ArrayList<>(), crossCycle = new java.util.ArrayList<>();
                for (String h : hosts) nativeCycle.add(new dev.talent.fleet.apps.FleetAgents.Placement(h, x86.name()));
                // every move changes host and ISA: the hosts in turn, the platform alternating (twice round for an odd count)
                for (int j = 0; j < 2 * hosts.size(); j++)
                    crossCycle.add(new dev.talent.fleet.apps.FleetAgents.Placement(hosts.get(j % hosts.size()), j % 2 == 0 ? other.name() : x86.name()));
                String state = (net ? ", --net line server, one client connected" : ", " + stateKib + " KiB of heap state") + how;
                String load0 = loadAverage();
                var nativeSamples = dev.talent.fleet.apps.HostToHostBench.run(session.etcd(), apps, app,
                        nativeCycle, migrations, s -> { err.println("  " + s); err.flush(); }, peer);
                double nativeMs = report(out, "native -> native (x86_64, host to host" + state + ")", nativeSamples, peer, load0 + " -> " + loadAverage());
                String load1 = loadAverage();
                var crossSamples = dev.talent.fleet.apps.HostToHostBench.run(session.etcd(),
                        apps, app, crossCycle, migrations, s -> { err.println("  " + s); err.flush(); }, peer);
                double crossMs = report(out, "cross-ISA (x86_64 <-> " + other.name() + ", host to host" + state + ")", crossSamples, peer,
                        load1 + " -> " + loadAverage());
                sideBySide.add(String.format("  %-22s native %8.1f ms   cross-ISA (%s) %8.1f ms", rounds > 0 ? "pre-copy " + rounds + " rounds" : "full copy",
                        nativeMs, other.name(), crossMs));
                if (peer != null) {
                    peer.check();
                    out.printf("the client: %d requests answered, each once and in order, on one connection through %d migrations%n",
                            peer.answered(), 2 * migrations);
                }
            } finally {
                if (peer != null) peer.close();
                apps.undeploy(app, Duration.ofMinutes(1));
            }
            }
            if (sideBySide.size() > 1) {
                out.printf("downtime medians, side by side (%d migrations each, %d KiB of heap state):%n", migrations, stateKib);
                sideBySide.forEach(out::println);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** This machine's load average over the last minute ({@code /proc/loadavg}'s first field), or "?" when unreadable. */
    static String loadAverage() {
        try {
            String line = java.nio.file.Files.readString(Path.of("/proc/loadavg"));
            String first = line.strip().split("\\s+", 2)[0];
            return first.matches("[0-9]{1,6}\\.[0-9]{1,3}") ? first : "?";
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Prints the scenario's phases; returns its downtime median (NaN when none succeeded). */
    private static double report(PrintWriter out, String title, List<dev.talent.fleet.apps.HostToHostBench.Sample> samples,
            FleetNetPeer peer, String load) throws BenchFailedException {
        // a peer whose stream broke fails the bench: its pauses would not be pauses of one connection
        if (peer != null) peer.check();
        List<dev.talent.migrate.control.MigrationRecord> ok = samples.stream().map(dev.talent.fleet.apps.HostToHostBench.Sample::record)
                .filter(dev.talent.migrate.control.MigrationRecord::ok).toList();
        out.printf("%s: %d migrations, %d ok%n", title, samples.size(), ok.size());
        out.printf("  load average (1 min) at the scenario's start -> end: %s%n", load);
        phase(out, "downtime", ok.stream().map(dev.talent.migrate.control.MigrationRecord::downtimeMs).toList());
        // each way (from -> to): a host or a platform slower than the other shows here
        dev.talent.fleet.apps.HostToHostBench.byWay(ok).forEach((way, ms) -> phase(out, "  " + way, ms));
        phase(out, "  safe point", ok.stream().map(dev.talent.migrate.control.MigrationRecord::safePointMs).toList());
        phase(out, "  checkpoint", ok.stream().map(dev.talent.migrate.control.MigrationRecord::checkpointMs).toList());
        phase(out, "  final sync", ok.stream().map(dev.talent.migrate.control.MigrationRecord::syncMs).toList());
        phase(out, "  start", ok.stream().map(dev.talent.migrate.control.MigrationRecord::startMs).toList());
        phase(out, "  restore", ok.stream().map(dev.talent.migrate.control.MigrationRecord::restoreMs).toList());
        phase(out, "  (exit)", ok.stream().map(r -> r.parts() == null ? null : r.parts().exitMs()).toList());
        phase(out, "  (take)", ok.stream().map(r -> r.parts() == null ? null : r.parts().takeMs()).toList());
        phase(out, "  (hand-over)", ok.stream().map(r -> r.parts() == null ? null : r.parts().handOverMs()).toList());
        // of the hand-over, what the destination's agent spent from the stream's head to the file placed (its own clock)
        phase(out, "   (at destination)", ok.stream().map(r -> r.parts() == null ? null : r.parts().receiveMs()).toList());
        if (peer != null) {
            // the network part of the downtime (locking the source's traffic, the TCP state's hand-over, the unlock)
            phase(out, "  net", ok.stream().map(dev.talent.migrate.control.MigrationRecord::netMs).toList());
            out.printf("  %-18s %s%n", "sockets carried", ok.stream().map(r -> r.sockets()).distinct().sorted()
                    .map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")));
            phase(out, "client's pause", samples.stream().filter(s -> s.record().ok())
                    .map(dev.talent.fleet.apps.HostToHostBench.Sample::peerPauseMs).toList());
        }
        // the agents' JIT warms up over a run: the second half alone, as a long-lived fleet's agents run
        List<dev.talent.migrate.control.MigrationRecord> warm = ok.subList(ok.size() / 2, ok.size());
        phase(out, "downtime, 2nd half", warm.stream().map(dev.talent.migrate.control.MigrationRecord::downtimeMs).toList());
        phase(out, "  checkpoint", warm.stream().map(dev.talent.migrate.control.MigrationRecord::checkpointMs).toList());
        List<Double> writes = samples.stream().map(s -> (double) s.etcdWrites()).toList();
        out.printf("  etcd writes per migration: median %.0f, max %.0f (revisions: the request, begin, commit, finish)%n",
                dev.talent.fleet.apps.HostToHostBench.quantile(writes, 0.5), dev.talent.fleet.apps.HostToHostBench.quantile(writes, 1.0));
        List<dev.talent.migrate.control.MigrationRecord.Precopy> pre = ok.stream().map(dev.talent.migrate.control.MigrationRecord::precopy)
                .filter(java.util.Objects::nonNull).toList();
        if (!pre.isEmpty()) {
            phase(out, "  pre-copy (running)", pre.stream().map(dev.talent.migrate.control.MigrationRecord.Precopy::precopyMs).toList());
            out.printf("  pre-copy: %d of %d migrations; base bytes median %.0f, delta bytes median %.0f%n", pre.size(), ok.size(),
                    dev.talent.fleet.apps.HostToHostBench.quantile(pre.stream().map(p -> (double) p.baseBytes()).toList(), 0.5),
                    dev.talent.fleet.apps.HostToHostBench.quantile(pre.stream().filter(p -> p.deltaBytes() != null)
                            .map(p -> (double) p.deltaBytes()).toList(), 0.5));
        }
        List<Double> down = ok.stream().map(dev.talent.migrate.control.MigrationRecord::downtimeMs).filter(java.util.Objects::nonNull).toList();
        return down.isEmpty() ? Double.NaN : dev.talent.fleet.apps.HostToHostBench.quantile(down, 0.5);
    }

    private static void phase(PrintWriter out, String name, List<Double> ms) {
        List<Double> known = ms.stream().filter(java.util.Objects::nonNull).toList();
        out.printf("  %-18s median %8.1f ms  p95 %8.1f ms  (n=%d)%n", name, dev.talent.fleet.apps.HostToHostBench.quantile(known, 0.5),
                dev.talent.fleet.apps.HostToHostBench.quantile(known, 0.95), known.size());
    }
}
