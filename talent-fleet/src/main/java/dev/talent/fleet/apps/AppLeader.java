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

    /** Leads until {@code stop} opens; returns at once then (migrations under way are interrupted). */
    public static void lead(Etcd etcd, AppReconciler reconciler, AppStore store, CountDownLatch stop, Consumer<String> events)
            throws InterruptedException {
        Semaphore wake = new Semaphore(0);
        Set<String> busy = ConcurrentHashMap.newKeySet();
        // pacing only (not state): an app whose step failed (an agent down, a start refused) is tried again later
        java.util.Map<String, Long> notBefore = new ConcurrentHashMap<>();
        WatchOption prefix = WatchOption.builder().isPrefix(true).build();
        List<Watch.Watcher> watchers = new java.util.ArrayList<>();
        try (ExecutorService steps = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String p : List.of(EtcdKeys.APPS, EtcdKeys.REQUESTS))
                watchers.add(etcd.client().getWatchClient().watch(Etcd.bytes(p), prefix, r -> wake.release()));
            try {
                while (stop.getCount() > 0) {
                    List<String> apps;
                    try {
                        apps = store.apps();
                    } catch (FleetException e) {
                        events.accept(e.getMessage());
                        apps = List.of();
                    }
                    for (String app : apps) {
                        Long after = notBefore.get(app);
                        if (after != null && System.nanoTime() - after < 0) continue;
                        if (!busy.add(app)) continue;
                        steps.execute(() -> {
                            try {
                                reconciler.step(app);
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
                watchers.forEach(Watch.Watcher::close);
                steps.shutdownNow();
            }
        }
    }
}
