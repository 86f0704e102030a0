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
    /** Creates a restarting container whose runtime waits for its go, or null: none is started ahead here. */
    private final Factory ahead;

    Host host() { return host; }

    LocalHostContainers(Host host, Factory factory) {
        this(host, factory, null);
    }

    /** With {@code ahead}, which creates (not starts) a restarting container that waits for its go. */
    LocalHostContainers(Host host, Factory factory, Factory ahead) {
        this.host = host;
        this.factory = factory;
        this.ahead = ahead;
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
    public LocalContainer createStartedAhead(Optional<String> fault) throws IOException, InterruptedException {
        if (ahead == null) throw new IOException("host " + name() + " does not start a destination ahead");
        LocalContainer c;
        try {
            c = ahead.create(host, true, fault);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (!c.raw().awaitsGo()) {
            discard(c);
            throw new IllegalStateException("container " + c.id() + " was made to start ahead but does not wait for a go");
        }
        try {
            c.raw().start();
        } catch (ContainerException e) {
            discard(c);
            throw new IOException(e.getMessage(), e);
        } catch (IOException | InterruptedException | RuntimeException e) {
            discard(c);
            throw e;
        }
        return c;
    }

    private static void discard(LocalContainer c) {
        try {
            c.delete();
        } catch (Exception ignored) {
            // a container made for nothing: removing it is best effort, the failure is what the caller reports
        }
    }

    @Override
    public RuntimeEvent nextEvent(Duration timeout) throws InterruptedException { return host.events.next(timeout); }

    @Override
    public void clearEvents() { host.events.clear(); }
}
