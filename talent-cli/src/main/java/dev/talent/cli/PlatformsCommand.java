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

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ToolchainProbe probe = ToolchainProbe.ofHost();
        List<PlatformSupport> all = probe.probeAll();
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
