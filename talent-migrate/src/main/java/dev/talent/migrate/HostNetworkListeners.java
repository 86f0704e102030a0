package dev.talent.migrate;

import dev.talent.container.ContainerException;
import dev.talent.container.HostListeners;
import dev.talent.migrate.pipeline.AppContainer;
import dev.talent.migrate.pipeline.ConnectionCarrier;
import dev.talent.migrate.pipeline.HostContainers;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;

/**
 * The pipeline's {@link ConnectionCarrier} for an app that shares the host's network (no --net): no connection is
 * carried, but the listeners the program has when it is asked to stop are remembered (with those of the checkpoint
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

    @Override
    public void beforeStop(HostContainers host, AppContainer program) throws IOException {
        if (program.hasNetwork() || !(program instanceof LocalContainer c)) return;
        listeners = List.copyOf(HostListeners.of(c.raw().pid()));
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
