package dev.talent.cli;

import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.RuntimeLibrary;
import dev.talent.toolchain.ToolchainProbe;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {"Build the bundled example and hop it across every available ISA, printing each hop.",
                "Then the network step: a line server under talent run --net hops from the first platform to two others and back "
                        + "while a client on the host holds one TCP connection to it; its replies must be those of an "
                        + "uninterrupted run (needs root, runc, iproute2, nftables; skipped, saying what is missing, without)."})
public final class DemoCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to build and keep checkpoints (default: build/demo).")
    Path dir = Path.of("build", "demo");

    @Option(names = "--isa", split = ",", paramLabel = "LIST", description = "Hop across these ISAs only, in this order.")
    List<String> isas;

    @Option(names = "--no-net", description = "Leave out the network step (talent run --net: a client stays connected "
            + "to a server while it hops; needs root, runc, iproute2 and nftables, and is skipped without them).")
    boolean noNet;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<List<Platform>> requested;
        try {
            requested = Optional.ofNullable(isas).map(l -> l.stream().map(Platform::parse).distinct().toList());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ToolchainProbe probe = ToolchainProbe.ofHost();
        ProgramBuilder builder = new ProgramBuilder(probe, RuntimeLibrary.fromClasspath(TalentDirectories.cache()),
                Instrumenter.checkpointCompiler());
        DiagnosticRenderer diagnostics = new DiagnosticRenderer(Path.of(""));
        try {
            java.util.function.Consumer<DemoEvent> events = event -> {
                out.print(render(event));
                out.flush();
            };
            DemoTour tour = new DemoTour(probe, builder);
            boolean identical = tour.run(dir.toAbsolutePath(), requested, events);
            if (!noNet) identical &= networkStep(tour.platforms(requested, new java.util.ArrayList<>()), events, probe, builder);
            return identical ? ExitCodes.OK : ExitCodes.FAILURE;
        } catch (DemoFailedException e) {
            err.println("talent demo: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (BuildFailedException.Rejected e) {
            e.diagnostics().forEach(d -> err.println(diagnostics.render(d)));
            err.println("talent demo: the bundled demo.c was rejected by the compiler");
            return ExitCodes.INTERNAL;
        } catch (BuildFailedException e) {
            if (e instanceof BuildFailedException.ToolFailed failed) failed.outputs().values().forEach(o -> err.println(o.stripTrailing()));
            err.println("talent demo: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    /** The network step when this machine can run it, else the event that says what is missing; whether it passed. */
    private boolean networkStep(List<Platform> usable, java.util.function.Consumer<DemoEvent> events, ToolchainProbe probe,
                                ProgramBuilder builder) throws Exception {
        Optional<String> missing = DemoNetworkCheck.missing(DemoNetworkCheck.ofHost());
        if (missing.isEmpty() && usable.size() < 2) missing = Optional.of("two platforms that build and run here");
        if (missing.isPresent()) {
            events.accept(new DemoEvent.NetSkipped(missing.get()));
            return true;
        }
        return new DemoNetwork(probe, builder).run(dir.toAbsolutePath(), usable, events);
    }

    static String render(DemoEvent event) {
        return switch (event) {
            case DemoEvent.Building b -> "talent demo: building " + BuildCommand.displayed(b.source()) + " for "
                    + b.platforms().stream().map(Platform::name).collect(Collectors.joining(" ")) + "\n"
                    + b.unavailable().stream().map(DemoCommand::skipped).collect(Collectors.joining());
            case DemoEvent.ReferenceRun r -> "reference: uninterrupted run on %s: %d lines of output, %d site visits%n"
                    .formatted(r.platform(), r.output().lines().count(), r.siteVisits());
            case DemoEvent.Hop h -> "hop %d: %-11s %-44s %s%n".formatted(h.number(), h.platform(),
                    h.resumedAt().map(p -> "resumed at %s (frame depth %d)".formatted(p.position(), p.frameDepth()))
                            .orElse("started fresh"),
                    switch (h.outcome()) {
                        case DemoEvent.Stopped s -> "ran %d site visits, checkpoint %s".formatted(s.siteVisits(), size(s.checkpointBytes()));
                        case DemoEvent.Finished f -> "ran to the end (exit %d)".formatted(f.exitCode());
                    });
            case DemoEvent.Compared c -> c.joinedOutput().lines().map(l -> "  | " + l + "\n").collect(Collectors.joining())
                    + "output joined from %d hops vs uninterrupted run: identical: %s%n".formatted(c.hops(), c.identical() ? "yes" : "NO");
            case DemoEvent.NetSkipped s -> "network: step skipped (talent run --net needs %s)%n".formatted(s.reason());
            case DemoEvent.NetStarted s -> ("network: the line server (network.c) under talent run --net at %s:%d (bridge %s), "
                    + "a client on the host sends a line every 2 ms over one TCP connection while it hops %s%n").formatted(
                    s.address(), s.port(), s.bridge(), s.home().name() + " -> "
                    + s.hops().stream().map(Platform::name).collect(Collectors.joining(" -> ")));
            case DemoEvent.NetHop h -> String.format(Locale.ROOT,
                    "net hop %d: %-8s -> %-8s downtime %s (network %s), %d sockets carried, the client waited at most %.0f ms%n",
                    h.number(), h.from(), h.to(), millis(h.downtimeMs()), millis(h.netMs()), h.sockets(), h.clientWaitMs());
            case DemoEvent.NetCompared c -> ("network: %d lines sent, %d replies vs an uninterrupted run on %s: every reply "
                    + "once, in order, identical: %s%n").formatted(c.sent(), c.replies(), c.reference(), c.identical() ? "yes" : "NO");
        };
    }

    private static String millis(Double ms) {
        return ms == null ? "-" : String.format(Locale.ROOT, "%.1f ms", ms);
    }

    private static String skipped(PlatformSupport s) {
        return "  (not hopping to %s: apt-get install %s)%n".formatted(s.platform(), String.join(" ", s.missingPackages()));
    }

    static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
