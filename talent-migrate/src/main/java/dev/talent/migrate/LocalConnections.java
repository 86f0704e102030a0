package dev.talent.migrate;

import dev.talent.container.ContainerException;
import dev.talent.container.TcpRepair;
import dev.talent.migrate.pipeline.AppContainer;
import dev.talent.migrate.pipeline.ConnectionCarrier;
import dev.talent.migrate.pipeline.HostContainers;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;

/**
 * The pipeline's {@link ConnectionCarrier} on this machine, for one migration: the TCP repair helper takes the
 * connections in the source's checkpoint directory and gives them in the restoring container's network namespace
 * ({@link TcpCarrier} keeps the state between migrations). {@link #nanos()} is the time the hand-over took inside
 * the downtime (part of the record's {@code net_ms}; the lock and unlock are timed by the steps).
 */
final class LocalConnections implements ConnectionCarrier {
    private final TcpCarrier tcp;
    private final Duration safePoint;
    private final Duration restore;
    private TcpRepair.Taking taking;
    private TcpRepair.Giving giving;
    private long nanos;

    LocalConnections(TcpCarrier tcp, Duration safePoint, Duration restore) {
        this.tcp = tcp;
        this.safePoint = safePoint;
        this.restore = restore;
    }

    long nanos() { return nanos; }

    @Override
    public void beforeStop(HostContainers host, AppContainer program) throws IOException, InterruptedException {
        if (!program.hasNetwork()) return;
        try {
            String port = ((LocalContainer) program).raw().network().map(dev.talent.container.NetworkSlot::hostPort)
                    .orElse(null);
            taking = tcp.take(((LocalHostContainers) host).host().checkpoints, safePoint, port);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void taken(BigInteger sequence) throws IOException, InterruptedException {
        if (taking == null) return;
        long t0 = System.nanoTime();
        try {
            tcp.taken(taking, sequence);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            taking = null;
            nanos += System.nanoTime() - t0;
        }
    }

    @Override
    public void beforeStart(HostContainers host, AppContainer c, BigInteger sequence) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        try {
            giving = tcp.give(((LocalContainer) c).raw(), ((LocalHostContainers) host).host().checkpoints, sequence,
                    restore);
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            nanos += System.nanoTime() - t0;
        }
    }

    @Override
    public void beforeUnlock() throws IOException, InterruptedException {
        if (giving == null) return;
        try {
            giving.finish(Duration.ofSeconds(5));
        } catch (ContainerException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            giving = null;
        }
    }

    @Override
    public void cancel() {
        if (taking != null) taking.cancel();
        taking = null;
        if (giving != null) giving.cancel();
        giving = null;
    }

    @Override
    public void forget() throws IOException {
        tcp.forget();
    }
}
