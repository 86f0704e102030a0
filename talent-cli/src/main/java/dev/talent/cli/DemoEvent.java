package dev.talent.cli;

import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the demo tour does, step by step, for {@link DemoCommand} to render. */
public sealed interface DemoEvent {

    record Building(Path source, List<Platform> platforms, List<PlatformSupport> unavailable, Path outputDir) implements DemoEvent {}

    /** The uninterrupted run that every hop sequence is compared with. */
    record ReferenceRun(Platform platform, String output, long siteVisits) implements DemoEvent {}

    /** Where a hop resumed: the site of the checkpoint it restarted from. */
    record ResumePoint(String position, String function, int frameDepth) {}

    sealed interface HopOutcome {}

    record Stopped(long siteVisits, long checkpointBytes, Path checkpoint) implements HopOutcome {}

    record Finished(int exitCode) implements HopOutcome {}

    record Hop(int number, Platform platform, Optional<ResumePoint> resumedAt, HopOutcome outcome) implements DemoEvent {}

    record Compared(int hops, String joinedOutput, boolean identical) implements DemoEvent {}

    /** The network step does not run here: what is missing ({@link DemoNetworkCheck}). */
    record NetSkipped(String reason) implements DemoEvent {}

    /** The network step's server runs under the orchestrator with --net at {@code address}:{@code port}. */
    record NetStarted(String address, int port, String bridge, Platform home, List<Platform> hops) implements DemoEvent {}

    /**
     * One hop of the network step: the downtime and network time the orchestrator recorded, the sockets it carried,
     * and the longest the client waited for a reply since the hop was asked for.
     */
    record NetHop(int number, String from, String to, Double downtimeMs, Double netMs, int sockets, double clientWaitMs)
            implements DemoEvent {}

    /** The client's replies against those of the home platform's uninterrupted run to as many lines. */
    record NetCompared(int sent, int replies, Platform reference, boolean identical) implements DemoEvent {}
}
