package dev.talent.fleet;

import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CountDownLatch;

/**
 * An etcd lease of a daemon, kept alive while the daemon runs. When etcd stops renewing it (the stream fails or
 * ends), {@code lost} opens: the daemon must stop, since what it holds under the lease is gone.
 */
final class LeaseKeeper implements AutoCloseable {
    private final Etcd etcd;
    private final long id;
    private final CloseableClient keepAlive;
    private final CountDownLatch lost;
    private volatile String reason = "";

    private LeaseKeeper(Etcd etcd, long id, CountDownLatch lost) {
        this.etcd = etcd;
        this.id = id;
        this.lost = lost;
        this.keepAlive = etcd.client().getLeaseClient().keepAlive(id, new StreamObserver<>() {
            @Override public void onNext(LeaseKeepAliveResponse r) {
                if (r.getTTL() <= 0) lose("etcd says lease " + Long.toHexString(id) + " expired");
            }
            @Override public void onError(Throwable t) { lose("lease keep-alive failed: " + t.getMessage()); }
            @Override public void onCompleted() { lose("lease keep-alive ended"); }
        });
    }

    /** Grants a lease of {@code ttlSeconds} and keeps it alive; {@code lost} opens when it is lost. */
    static LeaseKeeper grant(Etcd etcd, long ttlSeconds, CountDownLatch lost) throws FleetException, InterruptedException {
        long id = Etcd.await(etcd.client().getLeaseClient().grant(ttlSeconds), "lease grant").getID();
        return new LeaseKeeper(etcd, id, lost);
    }

    private void lose(String why) {
        reason = why;
        lost.countDown();
    }

    long id() { return id; }

    String reason() { return reason; }

    /** Stops renewing and revokes the lease (its keys go at once). */
    @Override
    public void close() {
        keepAlive.close();
        try {
            Etcd.await(etcd.client().getLeaseClient().revoke(id), "lease revoke");
        } catch (FleetException e) {
            // the lease expires by itself within its TTL
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
