package dev.talent.cli.fleet;

import dev.talent.cli.ExitCodes;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Lab;
import dev.talent.fleet.LabLayout;
import dev.talent.fleet.Supervisor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "A test fleet on this machine: hosts as network namespaces on one bridge (needs root and etcd-server).",
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Supervise.class})
public final class LabCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new ParameterException(spec.commandLine(), "missing command: up or down");
    }

    /** The command that runs this talent again (same JVM, same class path) for the lab's daemons. */
    static List<String> talentCommand() {
        List<String> c = new ArrayList<>();
        c.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // small, quick-starting JVMs: a lab runs two per host
        c.addAll(List.of("-XX:+UseSerialGC", "-Xmx192m", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), "dev.talent.cli.Main"));
        return c;
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Bring up N hosts h1..hN as network namespaces tfleet-hK on the bridge tfleet0 (10.213.0.0/24; host K is"
                    + " 10.213.0.(10+K)), a CA and a certificate per host and for the CLI (DIR/pki), an etcd cluster with"
                    + " mutual TLS on the first min(3, N) hosts, and an agent and a controller on every host, supervised (a process"
                    + " that exits is started again within 2 s). Returns once every agent answers and one controller leads.",
                    "A machine holds up to " + LabLayout.MAX_LABS + " labs: when lab 0's names are taken (another lab, or what one left"
                    + " behind), the lab is the first free I of 1.." + (LabLayout.MAX_LABS - 1) + ": tfleetI, tfleetI-hK, 10.213.I.0/24"
                    + " (lab.json and the first line on stderr name it).",
                    "The last line on stdout is: export TALENT_FLEET=DIR/fleet.conf"})
    static final class Up implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--hosts", paramLabel = "N", required = true, description = "How many hosts (1.." + LabLayout.MAX_HOSTS + ").") int hosts;
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "lab", description = "The lab's directory, new or empty (default: ${DEFAULT-VALUE}).") Path dir;
        @Option(names = "--policy", paramLabel = "FILE", description = "The controllers' moving-target policy (talent controller"
                + " --policy: [platform.NAME] and [host.NAME] tags, [diversity]); copied to DIR/policy.toml, which every controller is"
                + " started with (edit it and kill the controllers to change it).") Path policy;
        @Option(names = "--protocol", paramLabel = "HOST=N", description = "Run HOST's agent capped at the fleet's protocol version"
                + " N (talent agent --protocol N): a fleet of mixed versions, as in a rolling upgrade (repeatable, e.g."
                + " --protocol h2=3).") java.util.Map<String, Integer> protocols;

        @Override
        public Integer call() throws InterruptedException {
            var err = spec.commandLine().getErr();
            if (hosts < 1 || hosts > LabLayout.MAX_HOSTS) throw new ParameterException(spec.commandLine(), "--hosts must be 1.." + LabLayout.MAX_HOSTS);
            try {
                long t0 = System.nanoTime();
                if (policy != null) {
                    try {
                        dev.talent.policy.Policy.load(policy);
                    } catch (dev.talent.policy.PolicyException e) {
                        throw new ParameterException(spec.commandLine(), "--policy: " + e.getMessage());
                    }
                }
                LabLayout lab = Lab.up(dir, hosts, talentCommand(), java.util.Optional.ofNullable(policy),
                        protocols == null ? java.util.Map.of() : protocols, line -> { err.println("talent lab: " + line); err.flush(); });
                err.printf("talent lab: up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                err.flush();
                spec.commandLine().getOut().println("export TALENT_FLEET=" + lab.fleetConf());
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            } catch (FleetException e) {
                err.println("talent lab up: " + e.getMessage());
                return ExitCodes.UNAVAILABLE;
            }
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop everything the lab in DIR runs and remove it (namespaces, veths, the bridge, DIR), then check that nothing is left.")
    static final class Down implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "lab", description = "The lab's directory (default: ${DEFAULT-VALUE}).") Path dir;

        @Override
        public Integer call() throws InterruptedException {
            var err = spec.commandLine().getErr();
            try {
                Lab.down(dir, line -> { err.println("talent lab: " + line); err.flush(); });
                return ExitCodes.OK;
            } catch (FleetException e) {
                err.println("talent lab down: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    @Command(name = "supervise", hidden = true, description = "The lab's supervisor (started by lab up).")
    static final class Supervise implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--dir", paramLabel = "DIR", required = true) Path dir;

        @Override
        public Integer call() throws InterruptedException {
            var log = Daemon.log(spec.commandLine().getErr(), "supervisor");
            try {
                Supervisor.run(dir, log, Daemon.stopOnSignal());
                return ExitCodes.OK;
            } catch (FleetException e) {
                log.accept(e.getMessage());
                return ExitCodes.FAILURE;
            } finally {
                Daemon.done();
            }
        }
    }
}
