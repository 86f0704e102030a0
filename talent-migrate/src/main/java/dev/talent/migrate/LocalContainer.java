package dev.talent.migrate;

import dev.talent.container.Container;
import dev.talent.container.ContainerException;
import dev.talent.container.Signals;
import dev.talent.format.RuntimeContract;
import dev.talent.migrate.pipeline.AppContainer;
import dev.talent.migrate.pipeline.Signal;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A runc container of this machine as the pipeline drives it; a container failure is an IOException with its message. */
final class LocalContainer implements AppContainer {
    private final Container container;

    LocalContainer(Container container) { this.container = container; }

    /** The runc container itself. */
    Container raw() { return container; }

    @Override
    public String id() { return container.id(); }

    @Override
    public boolean hasNetwork() { return container.network().isPresent(); }

    @Override
    public void lockNetwork() throws IOException {
        if (container.network().isEmpty()) return;
        try {
            container.network().get().lock();
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void unlockNetwork() throws IOException {
        if (container.network().isEmpty()) return;
        try {
            container.network().get().unlock();
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public int dropNewConnections(java.time.Duration max) throws IOException, InterruptedException {
        if (container.network().isEmpty()) return 0;
        try {
            return container.network().get().dropNewConnections(max);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void acceptNewConnections() throws IOException, InterruptedException {
        if (container.network().isEmpty()) return;
        try {
            container.network().get().acceptNewConnections();
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public java.util.OptionalLong hostPid() {
        int pid = container.pid();
        return pid > 0 ? java.util.OptionalLong.of(pid) : java.util.OptionalLong.empty();
    }

    @Override
    public boolean holdNetwork() throws IOException {
        if (container.network().isEmpty()) return false;
        try {
            return container.network().get().hold();
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Its slot's hold pins the app's MAC to its port on the one host's bridge (NetworkSlot.hold). */
    @Override
    public boolean holdPinsTraffic() { return container.network().isPresent(); }

    @Override
    public void announce() throws IOException, InterruptedException {
        if (container.network().isEmpty()) return;
        try {
            container.network().get().announce();
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public boolean signal(Signal signal) throws IOException {
        int number = switch (signal) {
            case CHECKPOINT_AND_EXIT -> Signals.SIGUSR1;
            case PRECOPY_ROUND -> Signals.SIGURG;
            case TERMINATE -> Signals.SIGTERM;
            case KILL -> Signals.SIGKILL;
        };
        try {
            return container.signal(number);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void start() throws IOException, InterruptedException {
        try {
            if (container.awaitsGo()) container.go();
            else container.start();
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public boolean startedAhead() { return container.awaitsGo(); }

    @Override
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        try {
            container.awaitWaitingForGo(timeout);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public boolean restoresBaseAhead() {
        return container.awaitsGo()
                && RuntimeContract.AHEAD_BASE.equals(container.spec().env().get(RuntimeContract.ENV_AHEAD));
    }

    @Override
    public void restoreAhead(String image) throws IOException {
        try {
            container.restoreAhead(image);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Integer> onExit() { return container.onExit(); }

    @Override
    public String logTail(int lines) { return container.logTail(lines); }

    @Override
    public void delete() throws IOException, InterruptedException {
        try {
            container.delete();
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public String toString() { return container.toString(); }
}
