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

    private final Duration roundTimeout;
    private final int maxRounds;

    /** {@code roundTimeout}: how long one round's image may take; {@code maxRounds} at least 1. */
    public PrecopyStep(Duration roundTimeout, int maxRounds) {
        if (maxRounds < 1) throw new IllegalArgumentException("pre-copy needs at least one round, not " + maxRounds);
        this.roundTimeout = roundTimeout;
        this.maxRounds = maxRounds;
    }

    /** Returns {@link StepResult.Precopied}, or {@link StepResult.ProgramEnded} when the program ended meanwhile. */
    public StepResult run(HostContainers host, AppContainer program, HostFiles source, HostFiles destination)
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
            // the first round's delta is unknown (-1): a second one is taken to see whether rounds help
            if (p.deltaBytes() >= 0) {
                if (p.deltaBytes() * 4 > previousDelta * 3) break;
                previousDelta = p.deltaBytes();
            }
        }
        OutgoingCheckpoint image;
        try {
            image = source.takePrecopyImage(last.image());
        } catch (IOException | RuntimeException e) {
            throw new MigrationFailedException(Step.PRECOPY, "the pre-copy image " + last.image() + " on " + source.name()
                    + " is refused: " + e.getMessage() + "; the program keeps running there", "", e);
        }
        try (InputStream in = image.bytes().open()) {
            destination.receivePrecopyImage(image.signature(), in);
        } catch (IOException | RuntimeException e) {
            throw new MigrationFailedException(Step.PRECOPY, "cannot hand the pre-copy image " + last.image() + " to "
                    + destination.name() + ": " + e.getMessage() + "; the program keeps running on " + source.name(), "", e);
        }
        return new StepResult.Precopied(rounds, last.image(), image.signature().size(), last.deltaBytes(),
                System.nanoTime() - t0);
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
