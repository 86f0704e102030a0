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
 * carried, but the listeners the program has when it is asked to stop are remembered, and before a container of this
 * machine restores (the destination, or the source after a rollback) the TIME_WAIT connections that would keep their
 * ports from binding again are ended ({@link HostListeners#clearTimeWait}). One per run: a restart after the program
 * failed uses what its last stop saw.
 */
final class HostNetworkListeners implements ConnectionCarrier {
    private volatile List<HostListeners.Listener> listeners = List.of();

    @Override
    public void beforeStop(HostContainers host, AppContainer program) throws IOException {
        if (program.hasNetwork() || !(program instanceof LocalContainer c)) return;
        listeners = List.copyOf(HostListeners.of(c.raw().pid()));
    }

    @Override
    public void taken(BigInteger sequence) {}

    @Override
    public void beforeStart(HostContainers host, AppContainer c, BigInteger sequence) throws IOException, InterruptedException {
        if (c.hasNetwork() || !(c instanceof LocalContainer)) return;
        try {
            HostListeners.clearTimeWait(listeners);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void beforeUnlock() {}

    @Override
    public void cancel() {}

    @Override
    public void forget() {}
}
