package dev.talent.migrate;

import dev.talent.container.ContainerException;
import dev.talent.migrate.pipeline.HostContainers;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** One platform's containers on this machine (runc) and its runtime's event FIFO. */
final class LocalHostContainers implements HostContainers {

    /** Creates a runc container of the app for this host. */
    @FunctionalInterface
    interface Factory {
        LocalContainer create(Host host, boolean restart, Optional<String> fault)
                throws ContainerException, IOException, InterruptedException;
    }

    private final Host host;
    private final Factory factory;

    Host host() { return host; }

    LocalHostContainers(Host host, Factory factory) {
        this.host = host;
        this.factory = factory;
    }

    @Override
    public String name() { return host.toString(); }

    @Override
    public LocalContainer create(boolean restart, Optional<String> fault) throws IOException, InterruptedException {
        try {
            return factory.create(host, restart, fault);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public RuntimeEvent nextEvent(Duration timeout) throws InterruptedException { return host.events.next(timeout); }

    @Override
    public void clearEvents() { host.events.clear(); }
}
