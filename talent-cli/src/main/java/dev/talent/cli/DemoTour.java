package dev.talent.cli;

import dev.talent.base.FileTrees;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CorruptCheckpointException;
import dev.talent.format.RuntimeContract;
import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.Launcher;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.PlatformUnavailableException;
import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * {@code talent demo}: builds the bundled demo.c for every usable platform, runs it once uninterrupted, then
 * hops it around the platforms: stop after a share of its site visits on the first, restart on the next and
 * stop again, ... and finally finish on the first platform again. The joined output must equal the reference.
 */
public final class DemoTour {

    public static final String DEMO_RESOURCE = "demo/demo.c";
    private static final int EXIT_CHECKPOINT = RuntimeContract.EXIT_CHECKPOINT;

    private final ToolchainProbe probe;
    private final ProgramBuilder builder;

    public DemoTour(ToolchainProbe probe, ProgramBuilder builder) {
        this.probe = probe;
        this.builder = builder;
    }

    /** The platforms the tour uses: the requested ones, or every default target this host can build and run. */
    public List<Platform> platforms(Optional<List<Platform>> requested, List<PlatformSupport> unavailable) {
        List<Platform> usable = new ArrayList<>();
        for (Platform platform : requested.orElse(probe.defaultTargets())) {
            PlatformSupport support = probe.probe(platform);
            if (support.isBuildable() && support.isRunnable()) usable.add(platform);
            else unavailable.add(support);
        }
        return usable;
    }

    /** Runs the tour in {@code dir}; returns whether the hopped output was identical to the reference. */
    public boolean run(Path dir, Optional<List<Platform>> requested, Consumer<DemoEvent> events)
            throws DemoFailedException, BuildFailedException, IOException, InterruptedException {
        List<PlatformSupport> unavailable = new ArrayList<>();
        List<Platform> platforms = platforms(requested, unavailable);
        if (platforms.isEmpty()) throw new DemoFailedException("no platform can be built and run here; see `talent platforms`");
        Files.createDirectories(dir);
        Path source = dir.resolve("demo.c");
        try (InputStream in = DemoTour.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) throw new IllegalStateException("demo.c is missing from talent's resources");
            Files.write(source, in.readAllBytes());
        }
        events.accept(new DemoEvent.Building(source, platforms, unavailable, dir));
        BuildRequest request = new BuildRequest(List.of(source), CcOptions.NONE.withLibrary("m"), dir, "demo",
                Optional.of(platforms));
        builder.build(request, event -> {});

        Platform home = platforms.getFirst();
        Path scratch = dir.resolve("measure");
        CapturedRun reference = run(home, request, new RuntimeEnvironment(home, Optional.empty(), OptionalLong.empty(),
                false, OptionalInt.empty(), false));
        if (reference.exitCode() != 0) throw unexpected("the uninterrupted run on " + home, reference);
        long visits = countSiteVisits(home, request, scratch);
        events.accept(new DemoEvent.ReferenceRun(home, reference.stdout(), visits));

        int hops = platforms.size() + 1;
        long share = Math.max(1, visits / hops);
        Path checkpoints = dir.resolve("checkpoints");
        deleteTree(checkpoints);
        Files.createDirectories(checkpoints);
        StringBuilder joined = new StringBuilder();
        Optional<DemoEvent.ResumePoint> resumeAt = Optional.empty();
        int hop = 0;
        while (hop < hops) {
            hop++;
            Platform platform = platforms.get((hop - 1) % platforms.size());
            boolean last = hop == hops;
            RuntimeEnvironment env = new RuntimeEnvironment(platform, Optional.of(checkpoints),
                    last ? OptionalLong.empty() : OptionalLong.of(share), hop > 1, OptionalInt.empty(), false);
            CapturedRun run = run(platform, request, env);
            joined.append(run.stdout());
            if (run.exitCode() == EXIT_CHECKPOINT) {
                Path file = CheckpointDirectory.list(checkpoints).stream().findFirst().map(CheckpointDirectory.Entry::file)
                        .orElseThrow(() -> new DemoFailedException("hop on " + platform + " exited 75 but left no checkpoint"));
                Checkpoint checkpoint = read(file);
                events.accept(new DemoEvent.Hop(hop, platform, resumeAt,
                        new DemoEvent.Stopped(checkpoint.meta().visits(), Files.size(file), file)));
                resumeAt = Optional.of(new DemoEvent.ResumePoint(checkpoint.meta().pointPos(), checkpoint.meta().function(),
                        checkpoint.frames().size()));
            } else if (run.exitCode() == 0) {
                events.accept(new DemoEvent.Hop(hop, platform, resumeAt, new DemoEvent.Finished(0)));
                break;
            } else {
                throw unexpected("hop " + hop + " on " + platform, run);
            }
        }
        boolean identical = joined.toString().equals(reference.stdout());
        events.accept(new DemoEvent.Compared(hop, joined.toString(), identical));
        return identical;
    }

    /**
     * The number of site visits of a whole run, found from exit statuses alone: with --stop-after N a run exits
     * 75 when it makes at least N visits and finishes otherwise. Doubling, then bisection: about 2 log2(visits) short runs.
     */
    long countSiteVisits(Platform platform, BuildRequest request, Path scratch)
            throws DemoFailedException, IOException, InterruptedException {
        long reached = 0;   // largest N known to be reached (exit 75)
        long missed = 64;   // smallest N known not to be reached, once found
        boolean bounded = false;
        while (!bounded) {
            if (stopsAt(platform, request, scratch, missed)) {
                reached = missed;
                missed *= 2;
            } else {
                bounded = true;
            }
        }
        while (missed - reached > 1) {
            long mid = reached + (missed - reached) / 2;
            if (stopsAt(platform, request, scratch, mid)) reached = mid;
            else missed = mid;
        }
        deleteTree(scratch);
        return reached;
    }

    private boolean stopsAt(Platform platform, BuildRequest request, Path scratch, long n)
            throws DemoFailedException, IOException, InterruptedException {
        deleteTree(scratch);
        Files.createDirectories(scratch);
        CapturedRun run = run(platform, request, new RuntimeEnvironment(platform, Optional.of(scratch), OptionalLong.of(n),
                false, OptionalInt.empty(), false));
        return switch (run.exitCode()) {
            case EXIT_CHECKPOINT -> true;
            case 0 -> false;
            default -> throw unexpected("a run with --stop-after " + n + " on " + platform, run);
        };
    }

    private CapturedRun run(Platform platform, BuildRequest request, RuntimeEnvironment env)
            throws DemoFailedException, IOException, InterruptedException {
        try {
            return Launcher.forPlatform(platform, probe).runCapturing(request.binary(platform), List.of(), env.isolated(),
                    request.outputDir());
        } catch (PlatformUnavailableException e) {
            throw new DemoFailedException(e.getMessage(), e);
        }
    }

    private static Checkpoint read(Path file) throws DemoFailedException, IOException {
        try {
            return CheckpointReader.read(file);
        } catch (CorruptCheckpointException e) {
            throw new DemoFailedException("the checkpoint just written is unreadable: " + e.getMessage(), e);
        }
    }

    private static DemoFailedException unexpected(String what, CapturedRun run) {
        return new DemoFailedException(what + " exited with status " + run.exitCode()
                + (run.stderr().isBlank() ? "" : ":\n" + run.stderr().stripTrailing()));
    }

    private static void deleteTree(Path root) throws IOException {
        FileTrees.deleteRecursively(root);
    }
}
