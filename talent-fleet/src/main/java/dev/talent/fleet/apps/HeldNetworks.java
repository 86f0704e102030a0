package dev.talent.fleet.apps;

import dev.talent.migrate.pipeline.AppContainer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The containers of this host's --net apps that the agent knows to be off the network (created with their port down
 * for a restore, held or locked for a migration, isolated, or adopted from an agent that may have left them so), and
 * the agent's own way back for them: a container that runs an app etcd places on this host with no migration of it in
 * flight ({@link PlacementFence#settlement}, the fence of the adoption) is let onto the network by the agent itself
 * ({@link #converge}). The leader unlocks a destination after the commit and tries again for about 4 s (CommitStep);
 * an agent that was up but that none of those tries reached (restarting, then back just after the last one) left its
 * copy held, its peers' connections stalled, until its next restart. A copy of an app with a migration in flight is
 * left as it is: the leader decides (commit and unlock, or isolate and remove it).
 *
 * <p>Each change of an app's network here runs under that app's lock and counts in its generation ({@link #change}):
 * the agent's unlock happens only if no change came between its look at etcd and the unlock, so a leader's lock of a
 * migration that began meanwhile (the source's, at its stop) is never undone.
 */
final class HeldNetworks {
    /** How often the agent looks (also at each change under {@code /talent/placement/} and {@code /talent/migrations/}). */
    static final Duration EVERY = Duration.ofSeconds(5);

    /**
     * Why a container is off the network; the reason the last look left it so, and whether that was said (a reason is
     * said once, at the second look in a row that gives it: the first is often a commit's moment before the leader's
     * own unlock, not worth a line).
     */
    private static final class Off {
        final String why;
        String seen;
        boolean said;

        Off(String why) { this.why = why; }
    }

    /** One app's network here: its lock, its generation and its containers off the network. */
    private static final class AppNet {
        final Object lock = new Object();
        long generation;
        final Map<AppContainer, Off> off = new HashMap<>();
    }

    /** Guarded by {@code this}; an app's {@link AppNet#lock} is always taken before {@code this}, never inside it. */
    private final Map<String, AppNet> apps = new HashMap<>();

    /** A change of the network of one container. */
    @FunctionalInterface
    interface NetworkChange<T> {
        T run() throws IOException, InterruptedException;
    }

    /** What runs an app here now (empty: absent, stopped at a checkpoint, ended or lost). */
    @FunctionalInterface
    interface Running {
        Optional<AppContainer> of(String app);
    }

    /** Lets a container onto the network: its port up (a hold ended) and its address announced. */
    @FunctionalInterface
    interface Unlocker {
        void unlock(String app, AppContainer c) throws IOException, InterruptedException;
    }

    private synchronized AppNet net(String app) { return apps.computeIfAbsent(app, a -> new AppNet()); }

    /**
     * Runs {@code action} on {@code c}'s network under the app's lock; afterwards {@code c} is counted off the network
     * ({@code why} non-null) or on it (null). An action that fails leaves it counted off: its state is not known, and
     * letting a copy that etcd places here onto the network again is harmless (the unlock is idempotent).
     */
    <T> T change(String app, AppContainer c, String why, NetworkChange<T> action) throws IOException, InterruptedException {
        AppNet n = net(app);
        synchronized (n.lock) {
            boolean done = false;
            try {
                T t = action.run();
                done = true;
                return t;
            } finally {
                synchronized (this) {
                    n.generation++;
                    if (why != null) n.off.put(c, new Off(why));
                    else if (done) n.off.remove(c);
                    else n.off.putIfAbsent(c, new Off("its last network change failed"));
                }
            }
        }
    }

    /** {@code c} is off the network (created with its port down), with no network call to make. */
    void off(String app, AppContainer c, String why) {
        try {
            change(app, c, why, () -> null);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("a change without an action failed", e);
        }
    }

    /** {@code c} is gone (it exited or was deleted): nothing to let on. */
    synchronized void forget(String app, AppContainer c) {
        AppNet n = apps.get(app);
        if (n == null) return;
        n.off.remove(c);
    }

    /** The app is gone from this host. */
    synchronized void forget(String app) {
        AppNet n = apps.get(app);
        if (n != null) n.off.clear();
    }

    /** Whether {@code c} is counted off the network. */
    synchronized boolean isOff(String app, AppContainer c) {
        AppNet n = apps.get(app);
        return n != null && n.off.containsKey(c);
    }

    private record Candidate(String app, AppContainer container, long generation, String why) {}

    /**
     * Lets onto the network each container counted off that runs its app here ({@code running}) while etcd places the
     * app on this host with no migration in flight ({@code fences}, read only when there is such a container), each
     * said in {@code events}; a container of an app that is not settled here is left as it is (said once per reason).
     * Returns how many were let on. An unlock that fails is said and tried again at the next call.
     */
    int converge(Running running, HostedApps.FenceSource fences, Unlocker unlocker, Consumer<String> events)
            throws IOException, InterruptedException {
        List<Candidate> offNow = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<String, AppNet> a : apps.entrySet())
                for (Map.Entry<AppContainer, Off> o : a.getValue().off.entrySet())
                    offNow.add(new Candidate(a.getKey(), o.getKey(), a.getValue().generation, o.getValue().why));
        }
        // outside this object's lock: what runs an app is the agent's to say, under its own lock
        List<Candidate> candidates = new ArrayList<>();
        for (Candidate c : offNow) {
            Optional<AppContainer> r = running.of(c.app());
            if (r.isPresent() && r.get().equals(c.container())) candidates.add(c);
        }
        if (candidates.isEmpty()) return 0;
        PlacementFence fence = fences.load();
        int let = 0;
        for (Candidate c : candidates) {
            PlacementFence.Verdict v = fence.settlement(c.app());
            AppNet n = net(c.app());
            if (!v.keep()) {
                String say = null;
                synchronized (this) {
                    Off o = n.off.get(c.container());
                    if (o != null && v.reason().equals(o.seen)) {
                        if (!o.said) say = v.reason();
                        o.said = true;
                    } else if (o != null) {
                        o.seen = v.reason();
                        o.said = false;
                    }
                }
                if (say != null)
                    events.accept(c.app() + ": container " + c.container().id() + " is off the network (" + c.why() + "); this agent"
                            + " leaves it so: " + say);
                continue;
            }
            synchronized (n.lock) {
                synchronized (this) {
                    // a change since etcd was read (a migration's lock, the leader's own unlock): that one stands
                    if (n.generation != c.generation() || !n.off.containsKey(c.container())) continue;
                }
                try {
                    unlocker.unlock(c.app(), c.container());
                } catch (IOException e) {
                    events.accept(c.app() + ": cannot let container " + c.container().id() + " onto the network (" + c.why()
                            + "): " + e.getMessage() + "; tried again in " + EVERY.toSeconds() + " s");
                    continue;
                }
                synchronized (this) {
                    n.generation++;
                    n.off.remove(c.container());
                }
            }
            let++;
            events.accept(c.app() + ": container " + c.container().id() + " was off the network (" + c.why() + ") while " + v.reason()
                    + ": this agent let it onto the network (no unlock of the leader reached it)");
        }
        return let;
    }
}
