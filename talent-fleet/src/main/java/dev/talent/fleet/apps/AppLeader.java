package dev.talent.fleet.apps;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.FleetException;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the leading controller does while it leads: a pass over every app at each change under the apps' keys (an
 * etcd watch) and at least every {@link #PERIOD_MS} ms (schedules, programs that end); each app's step runs on a
 * virtual thread of its own, one at a time per app, so a long migration of one app does not hold the others.
 */
public final class AppLeader {
    public static final long PERIOD_MS = 300;
    /** How long an app whose step failed waits before the next. */
    public static final long RETRY_MS = 2000;

    private AppLeader() {}

    /** The names of the deployed apps (the store's, in production). */
    @FunctionalInterface
    interface AppLister {
        List<String> apps() throws FleetException, InterruptedException;
    }

    /** One step of one app (the reconciler's, in production). */
    @FunctionalInterface
    interface Stepper {
        void step(String app) throws FleetException, InterruptedException;
    }

    /** Leads until {@code stop} opens; returns at once then (migrations under way are interrupted). */
    public static void lead(Etcd etcd, AppReconciler reconciler, AppStore store, CountDownLatch stop, Consumer<String> events)
            throws InterruptedException {
        Semaphore wake = new Semaphore(0);
        WatchOption prefix = WatchOption.builder().isPrefix(true).build();
        List<Watch.Watcher> watchers = new java.util.ArrayList<>();
        try {
            for (String p : List.of(EtcdKeys.APPS, EtcdKeys.REQUESTS, EtcdKeys.AGENTS, EtcdKeys.DRAINS, EtcdKeys.ALERTS))
                watchers.add(etcd.client().getWatchClient().watch(Etcd.bytes(p), prefix, r -> wake.release()));
        } catch (RuntimeException e) {
            // without a watch the periodic pass still sees every change, PERIOD_MS later
            events.accept("cannot watch etcd (" + e + "); passes every " + PERIOD_MS + " ms only");
        }
        try {
            // each pass first applies the drain requests (a host's mark is the leader's), then steps the apps
            loop(() -> {
                try {
                    reconciler.applyDrains();
                } catch (FleetException e) {
                    events.accept("cannot apply the drain requests: " + e.getMessage());
                }
                reconciler.pruneArchives();
                return store.apps();
            }, reconciler::step, wake, stop, events);
        } finally {
            watchers.forEach(w -> {
                try {
                    w.close();
                } catch (RuntimeException e) {
                    events.accept("cannot close a watch: " + e);
                }
            });
        }
    }

    /**
     * The passes: every app's step at each wake-up and at least every {@link #PERIOD_MS} ms until {@code stop} opens.
     * Nothing that fails in a pass ends the loop: a listing that fails (a {@link FleetException}, or a runtime
     * exception out of jetcd or gRPC: a channel shut down, a status the client does not map) is said and the next pass
     * lists again; a step that fails waits {@link #RETRY_MS}.
     */
    static void loop(AppLister lister, Stepper stepper, Semaphore wake, CountDownLatch stop, Consumer<String> events)
            throws InterruptedException {
        Set<String> busy = ConcurrentHashMap.newKeySet();
        // pacing only (not state): an app whose step failed (an agent down, a start refused) is tried again later
        java.util.Map<String, Long> notBefore = new ConcurrentHashMap<>();
        try (ExecutorService steps = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                while (stop.getCount() > 0) {
                    List<String> apps;
                    try {
                        apps = lister.apps();
                    } catch (FleetException e) {
                        events.accept(e.getMessage());
                        apps = List.of();
                    } catch (RuntimeException e) {
                        events.accept("cannot list the apps: " + e);
                        apps = List.of();
                    }
                    for (String app : apps) {
                        Long after = notBefore.get(app);
                        if (after != null && System.nanoTime() - after < 0) continue;
                        if (!busy.add(app)) continue;
                        steps.execute(() -> {
                            try {
                                stepper.step(app);
                            } catch (FleetException e) {
                                events.accept(app + ": " + e.getMessage() + " (again in " + RETRY_MS + " ms)");
                                notBefore.put(app, System.nanoTime() + RETRY_MS * 1_000_000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (RuntimeException e) {
                                events.accept(app + ": " + e + " (again in " + RETRY_MS + " ms)");
                                notBefore.put(app, System.nanoTime() + RETRY_MS * 1_000_000);
                            } finally {
                                busy.remove(app);
                                wake.release();
                            }
                        });
                    }
                    if (stop.await(0, TimeUnit.MILLISECONDS)) break;
                    // at most one pass per 100 ms however often etcd or the steps wake it
                    if (wake.tryAcquire(PERIOD_MS, TimeUnit.MILLISECONDS) && stop.await(100, TimeUnit.MILLISECONDS)) break;
                    wake.drainPermits();
                }
            } finally {
                steps.shutdownNow();
            }
        }
    }
}
