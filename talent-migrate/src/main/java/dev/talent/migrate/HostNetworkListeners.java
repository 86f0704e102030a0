package dev.talent.migrate;

import dev.talent.container.ContainerException;
import dev.talent.container.HostListeners;
import dev.talent.container.HostSynDrop;
import dev.talent.migrate.pipeline.AppContainer;
import dev.talent.migrate.pipeline.ConnectionCarrier;
import dev.talent.migrate.pipeline.HostContainers;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;

/**
 * The pipeline's {@link ConnectionCarrier} for an app that shares the host's network (no --net): no connection is
 * carried (new handshakes to its listeners are dropped from before its stop until its copy listens, and what they
 * hold is given time to finish: {@link #beforeStop}), but the listeners the program has when it is asked to stop are
 * remembered (with those of the checkpoint
 * accepted last, which has a listener opened after that read too), and before a container of this machine restores (the destination, or the source after a rollback) the TIME_WAIT connections that would keep their
 * ports from binding again are ended ({@link HostListeners#clearTimeWait}). One per run: a restart after the program
 * failed uses what its last stop saw.
 */
final class HostNetworkListeners implements ConnectionCarrier {
    private volatile List<HostListeners.Listener> listeners = List.of();
    /** The listeners of the checkpoint accepted last (AcceptedCheckpoints#listeners): what the program had at its stop. */
    private final java.util.function.Supplier<List<HostListeners.Listener>> atStop;

    /**
     * {@code atStop}: the listeners of the checkpoint accepted last; with those, a listener the program opened after
     * the read of /proc before its stop is looked at too (the checkpoint is what the copy restores).
     */
    HostNetworkListeners(java.util.function.Supplier<List<HostListeners.Listener>> atStop) { this.atStop = atStop; }

    /**
     * How long a source about to stop waits for its listeners' handshakes, accept queues and connections to finish
     * while new handshakes are dropped: a peer's final ACK comes within its round trip, a lost one after the SYN-ACK
     * is sent again (1 s, then 2 s later), and a server done with a short request closes its connection at once.
     */
    static final java.time.Duration PENDING = java.time.Duration.ofMillis(3500);

    /** New handshakes to the listeners dropped from before the stop until the copy listens (or the source goes on). */
    private HostSynDrop drop;

    /**
     * Remembers the program's listeners; when it has any, new handshakes to them are dropped and the program is given
     * up to {@link #PENDING} to finish what its listeners already hold (talent-container/README.md, "SYN_RECV"): a
     * stop then closes listeners with nothing in their queues, and no peer gets a reset.
     */
    @Override
    public void beforeStop(HostContainers host, AppContainer program) throws IOException, InterruptedException {
        if (program.hasNetwork() || !(program instanceof LocalContainer c)) return;
        long pid = c.raw().pid();
        listeners = List.copyOf(HostListeners.of(pid));
        if (listeners.isEmpty()) return;
        try {
            synchronized (this) {
                if (drop == null) drop = HostSynDrop.install(HostSynDrop.tableFor(pid), listeners);
            }
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
        HostListeners.awaitNone(pid, listeners, PENDING);
    }

    /** The copy of the program runs (it listens again), or the source went on: new handshakes come in again. */
    @Override
    public void beforeUnlock() throws IOException, InterruptedException {
        HostSynDrop d;
        synchronized (this) {
            d = drop;
        }
        if (d == null) return;
        try {
            d.remove();
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
        synchronized (this) {
            if (drop == d) drop = null;
        }
    }

    /**
     * The migration is over, whatever its end: new handshakes come in again. Not {@link #cancel()}, which a rollback
     * calls before it restarts the source: until that copy listens, a SYN let in would be refused.
     */
    void acceptAgain() {
        try {
            beforeUnlock();
        } catch (IOException e) {
            // the table stays (talent-container/README.md "SYN_RECV" names it); the next stop of this run tries again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void beforeStart(HostContainers host, AppContainer c, BigInteger sequence) throws IOException, InterruptedException {
        if (c.hasNetwork() || !(c instanceof LocalContainer)) return;
        List<HostListeners.Listener> all = new java.util.ArrayList<>(listeners);
        for (HostListeners.Listener l : atStop.get()) if (!all.contains(l)) all.add(l);
        try {
            HostListeners.clearTimeWait(all);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
