package dev.talent.migrate.pipeline;

import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.RuntimeEvent;
import dev.talent.migrate.Step;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Pre-copy before the stop (CRIU pre-dump style): while the program runs, it is asked for copy-on-write images
 * (the runtime forks at a safe point and its child writes {@code pre-<round>.tck}, the parent goes on at once);
 * rounds repeat while the change since the round before shrinks (by a quarter at least), up to {@link #maxRounds};
 * the newest image is accepted by the source, signed, and received by the destination, verified. The stop that
 * follows writes only what changed since that image (a delta {@code ckpt-<sequence>.tdl}), which the destination
 * restores on top of it. Any failure here comes before the stop: the program runs on at the source.
 */
public final class PrecopyStep {
    static final int LOG_TAIL_LINES = 20;
    /** How often the wait for the destination's {@code ahead} event also looks whether it exited. */
    private static final Duration AHEAD_POLL = Duration.ofMillis(50);

    private final Duration roundTimeout;
    private final int maxRounds;

    /**
     * Testing ({@code talent run --inject-fault precopy}): after the destination restored its base ahead, one more
     * round's image replaces that base there unnamed, so that the stop's delta is not against it.
     */
    private final boolean staleBase;

    /** Told what the step did so far (none: {@link Progress#NONE}). */
    private final Progress progress;

    /**
     * What pre-copy did so far, told after each round ({@code handedOver} false) and once the newest image is at the
     * destination ({@code handedOver} true): {@code rounds} taken, the newest image's {@code imageBytes}, {@code tookNanos}
     * since the step began. A fleet's leader writes it to the migration's in-flight record in etcd, so that the phase is
     * seen there (and a leader that takes over knows the migration never reached its stop). A failure it throws fails
     * the step: the program runs on at the source.
     */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (rounds, imageBytes, tookNanos, handedOver) -> { };

        void told(int rounds, long imageBytes, long tookNanos, boolean handedOver) throws MigrationFailedException, InterruptedException;
    }

    /** {@code roundTimeout}: how long one round's image may take; {@code maxRounds} at least 1. */
    public PrecopyStep(Duration roundTimeout, int maxRounds) {
        this(roundTimeout, maxRounds, false);
    }

    /** As above; {@code staleBase}: the testing fault above. */
    public PrecopyStep(Duration roundTimeout, int maxRounds, boolean staleBase) {
        this(roundTimeout, maxRounds, staleBase, Progress.NONE);
    }

    private PrecopyStep(Duration roundTimeout, int maxRounds, boolean staleBase, Progress progress) {
        if (maxRounds < 1) throw new IllegalArgumentException("pre-copy needs at least one round, not " + maxRounds);
        this.roundTimeout = roundTimeout;
        this.maxRounds = maxRounds;
        this.staleBase = staleBase;
        this.progress = java.util.Objects.requireNonNull(progress);
    }

    /** This step, telling {@code p} what it did after each round and after the hand-over. */
    public PrecopyStep withProgress(Progress p) { return new PrecopyStep(roundTimeout, maxRounds, staleBase, p); }

    /** Returns {@link StepResult.Precopied}, or {@link StepResult.ProgramEnded} when the program ended meanwhile. */
    public StepResult run(HostContainers host, AppContainer program, HostFiles source, HostFiles destination)
            throws MigrationFailedException, InterruptedException {
        return run(host, program, source, destination, null, null);
    }

    /**
     * As above; when {@code target} (the destination's container, on {@code targetHost}) was started ahead to restore
     * a base ahead ({@link AppContainer#restoresBaseAhead()}), the image it received is named to it and this waits
     * (at most the round timeout, while the program still runs on the source) for its {@code ahead} event, so that at
     * the go its runtime decodes only what the stop's delta changed. Whether the base was used is the runtime's
     * decision at the go (the very base of the delta, the same bytes), never this step's.
     *
     * @throws MigrationFailedException with {@link Step#PREPARE}: the destination started ahead could not be told the
     *     base or exited meanwhile (the caller discards it; the program runs on at the source)
     */
    public StepResult run(HostContainers host, AppContainer program, HostFiles source, HostFiles destination,
                          HostContainers targetHost, AppContainer target)
            throws MigrationFailedException, InterruptedException {
        long t0 = System.nanoTime();
        RuntimeEvent.Precopied last = null;
        int rounds = 0;
        long previousDelta = Long.MAX_VALUE;
        while (rounds < maxRounds) {
            RuntimeEvent r = round(host, program);
            if (r instanceof RuntimeEvent.ProcessExited x) return new StepResult.ProgramEnded(x.status());
            if (!(r instanceof RuntimeEvent.Precopied p)) throw new IllegalStateException("round ended with " + r);
            rounds++;
            last = p;
            progress.told(rounds, p.bytes(), System.nanoTime() - t0, false);
            // the first round's delta is unknown (-1): a second one is taken to see whether rounds help
            if (p.deltaBytes() >= 0) {
                if (p.deltaBytes() * 4 > previousDelta * 3) break;
                previousDelta = p.deltaBytes();
            }
        }
        OutgoingCheckpoint image = handOver(last.image(), source, destination);
        progress.told(rounds, image.signature().size(), System.nanoTime() - t0, true);
        long ahead = target != null && target.restoresBaseAhead() ? restoreAhead(targetHost, target, last.image()) : -1;
        if (staleBase && ahead >= 0) {
            // testing: one more round whose image replaces the one restored ahead without being named, so that the
            // stop's delta is against another base than the destination's; its runtime must decode everything at the go
            RuntimeEvent r = round(host, program);
            if (r instanceof RuntimeEvent.ProcessExited x) return new StepResult.ProgramEnded(x.status());
            if (!(r instanceof RuntimeEvent.Precopied p)) throw new IllegalStateException("round ended with " + r);
            rounds++;
            last = p;
            image = handOver(last.image(), source, destination);
        }
        return new StepResult.Precopied(rounds, last.image(), image.signature().size(), last.deltaBytes(),
                System.nanoTime() - t0, ahead);
    }

    /** The source accepts and signs {@code name}; the destination receives it, verified. */
    private static OutgoingCheckpoint handOver(String name, HostFiles source, HostFiles destination)
            throws MigrationFailedException {
        OutgoingCheckpoint image;
        try {
            image = source.takePrecopyImage(name);
        } catch (IOException | RuntimeException e) {
            throw new MigrationFailedException(Step.PRECOPY, "the pre-copy image " + name + " on " + source.name()
                    + " is refused: " + e.getMessage() + "; the program keeps running there", "", e);
        }
        try (InputStream in = image.bytes().open()) {
            destination.receivePrecopyImage(image.signature(), in);
        } catch (IOException | RuntimeException e) {
            throw new MigrationFailedException(Step.PRECOPY, "cannot hand the pre-copy image " + name + " to "
                    + destination.name() + ": " + e.getMessage() + "; the program keeps running on " + source.name(), "", e);
        }
        return image;
    }

    /**
     * Names {@code image} to the destination started ahead and waits for its {@code ahead} event: the bytes it decoded
     * ahead (0: it could not use the image), or -1 when no event came in time (the go then waits for the decode to
     * end, which costs downtime but changes nothing of the restore).
     */
    private long restoreAhead(HostContainers targetHost, AppContainer target, String image)
            throws MigrationFailedException, InterruptedException {
        long t0 = System.nanoTime();
        try {
            target.restoreAhead(image);
        } catch (IOException e) {
            throw new MigrationFailedException(Step.PREPARE, "the destination started ahead on " + targetHost.name()
                    + " cannot be told its base " + image + ": " + e.getMessage(), target.logTail(LOG_TAIL_LINES), e);
        }
        long deadline = t0 + roundTimeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            RuntimeEvent e = targetHost.nextEvent(AHEAD_POLL);
            if (e instanceof RuntimeEvent.AheadRestored a && a.image().equals(image) && a.receivedNanos() >= t0) {
                return a.bytes();
            }
            if (target.onExit().isDone()) {
                throw new MigrationFailedException(Step.PREPARE, "the destination started ahead on " + targetHost.name()
                        + " ended while it restored its base " + image + " ahead", target.logTail(LOG_TAIL_LINES), null);
            }
        }
        return -1;
    }

    /** One round: its {@link RuntimeEvent.Precopied}, or the {@link RuntimeEvent.ProcessExited} of the program. */
    private RuntimeEvent round(HostContainers host, AppContainer program) throws MigrationFailedException, InterruptedException {
        long requested = System.nanoTime();
        try {
            program.signal(Signal.PRECOPY_ROUND);
        } catch (IOException e) {
            throw new MigrationFailedException(Step.PRECOPY, "cannot signal the program on " + host.name() + ": "
                    + e.getMessage(), program.logTail(LOG_TAIL_LINES), e);
        }
        long deadline = requested + roundTimeout.toNanos();
        while (true) {
            RuntimeEvent e = host.nextEvent(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            switch (e) {
                case null -> throw new MigrationFailedException(Step.PRECOPY, "the program on " + host.name()
                        + " wrote no pre-copy image within " + roundTimeout.toSeconds() + " s (is it built with a talent "
                        + "runtime that has pre-copy?); it keeps running there", program.logTail(LOG_TAIL_LINES), null);
                case RuntimeEvent.Precopied p when p.receivedNanos() >= requested -> {
                    return p;
                }
                case RuntimeEvent.ProcessExited x when x.containerId().equals(program.id()) -> {
                    return x;
                }
                default -> { }
            }
        }
    }
}
