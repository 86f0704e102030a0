package dev.talent.cli;

import dev.talent.container.ContainerException;
import dev.talent.container.Runc;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "platforms", mixinStandardHelpOptions = true, description = "List the platforms, whether this host can build and run them (also as containers), and what is missing.")
public final class PlatformsCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @picocli.CommandLine.Option(names = "--json", description = "One JSON object per platform (an array): whether it "
            + "builds and runs here, its facts detected by running a probe on it (ISA, word size, byte order, C library "
            + "and version, kernel, host) and its tags.")
    boolean json;

    @picocli.CommandLine.Option(names = "--policy", paramLabel = "FILE",
            description = "The policy file whose tags to show (default: talent-policy.toml here, if there is one).")
    java.nio.file.Path policy;

    @picocli.CommandLine.Option(names = "--fleet", paramLabel = "FILE", description = "The fleet's places instead of this"
            + " host's platforms: each (host, platform) with the facts its agent detected (from the host records in etcd,"
            + " as talent hosts) and the tags the controllers give it; the operator's tags only with --policy (the"
            + " controllers' file, which etcd does not hold). $TALENT_FLEET does not switch this command.")
    java.nio.file.Path fleet;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (fleet != null) return fleet(out);
        ToolchainProbe probe = ToolchainProbe.ofHost();
        List<PlatformSupport> all = probe.probeAll();
        if (json) return json(out, probe, all);
        for (PlatformSupport s : all) {
            String run = s.runsNatively() ? "native" : s.platform().isa().qemuCommand();
            String state = s.isBuildable() && s.isRunnable() ? "ready" : "missing: apt-get install " + String.join(" ", s.missingPackages());
            out.printf("%-12s %2d-bit %-6s %-20s %s%n", s.platform().name(), s.platform().isa().pointerBits(),
                    s.platform().isa().byteOrder().toString().startsWith("BIG") ? "big" : "little", run, state);
        }
        out.printf("host: %s%n", probe.host().map(Isa::id).orElse("unknown"));
        out.println(containersLine(Runc.find()));
        out.flush();
        List<Platform> defaults = probe.defaultTargets();
        return all.stream().filter(s -> defaults.contains(s.platform()))
                .anyMatch(s -> s.isBuildable() && s.isRunnable()) ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
    }

    private Integer json(PrintWriter out, ToolchainProbe probe, List<PlatformSupport> all) throws InterruptedException {
        dev.talent.policy.Policy tags = dev.talent.policy.Policy.EMPTY;
        java.nio.file.Path file = policy != null ? policy : java.nio.file.Path.of("talent-policy.toml");
        if (policy != null || java.nio.file.Files.isRegularFile(file)) {
            try {
                tags = dev.talent.policy.Policy.load(file);
            } catch (dev.talent.policy.PolicyException e) {
                spec.commandLine().getErr().println("talent platforms: --policy: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        var facts = dev.talent.policy.FactsProbe.create(probe, TalentDirectories.cache());
        var mapper = dev.talent.migrate.control.ControlJson.MAPPER;
        var array = mapper.createArrayNode();
        for (PlatformSupport s : all) {
            var o = array.addObject();
            o.put("name", s.platform().name());
            o.put("buildable", s.isBuildable());
            o.put("runnable", s.isRunnable());
            o.put("emulator", s.emulator().map(Object::toString).orElse(null));
            var missing = o.putArray("missing_packages");
            s.missingPackages().forEach(missing::add);
            java.util.Map<String, dev.talent.policy.PlatformFacts> known = java.util.Map.of();
            if (s.isBuildable() && s.isRunnable()) {
                try {
                    dev.talent.policy.PlatformFacts f = facts.detect(s.platform());
                    o.set("facts", mapper.valueToTree(f));
                    known = java.util.Map.of(f.platform(), f);
                } catch (dev.talent.policy.PolicyException e) {
                    o.putNull("facts");
                    o.put("facts_error", e.getMessage());
                }
            } else {
                o.putNull("facts");
            }
            var t = o.putArray("tags");
            new dev.talent.policy.DestinationPolicy(tags, known).tagsOf(s.platform().name()).forEach(t::add);
        }
        out.println(array.toPrettyString());
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code --fleet FILE}: the fleet's places (see {@link dev.talent.cli.fleet.FleetPlatforms}). */
    private Integer fleet(PrintWriter out) throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        dev.talent.fleet.apps.FleetPolicy tags = dev.talent.fleet.apps.FleetPolicy.NONE;
        Optional<String> file = Optional.empty();
        if (policy != null) {
            try {
                tags = dev.talent.fleet.apps.FleetPolicy.of(dev.talent.policy.Policy.load(policy));
                file = Optional.of(policy.toString());
            } catch (dev.talent.policy.PolicyException e) {
                err.println("talent platforms: --policy: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        List<dev.talent.fleet.HostStatus> hosts;
        try {
            hosts = dev.talent.fleet.Hosts.list(dev.talent.fleet.FleetConfig.read(fleet));
        } catch (dev.talent.fleet.FleetException e) {
            err.println("talent platforms: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
        out.print(json ? dev.talent.cli.fleet.FleetPlatforms.json(hosts, tags, file).toPrettyString() + "\n"
                : dev.talent.cli.fleet.FleetPlatforms.text(hosts, tags, file));
        out.flush();
        return hosts.isEmpty() ? ExitCodes.UNAVAILABLE : ExitCodes.OK;
    }

    /** Whether `talent run` can run the platforms as containers here: runc and its version, or what to install. */
    static String containersLine(Optional<Runc> runc) {
        if (runc.isEmpty()) {
            return "containers: missing: apt-get install " + Runc.DEBIAN_PACKAGE + " (talent run needs runc; crun is not used)";
        }
        String version;
        try {
            version = "runc " + runc.get().version();
        } catch (ContainerException | IOException e) {
            version = "runc (version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            version = "runc";
        }
        return "containers: " + version + " at " + runc.get().executable() + " (crun is not used)";
    }
}
