package dev.talent.fleet.apps;

import dev.talent.fleet.FleetException;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.migrate.pipeline.CommitStep;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agents of a fleet in memory: which host holds which app in what state, and a journal of what was asked. A
 * migration starts the destination, calls the ledger, then removes the source, as the pipeline does (a ledger that
 * fails leaves the source stopped at its checkpoint and the destination running: {@link NotCommittedException}); {@link #fault}
 * makes the next one fail at the destination (rolled back), and {@link #die} makes it stop dead (the controller
 * killed) before or after the ledger, leaving both copies where they are.
 */
final class InMemoryAgents implements FleetAgents {
    /**
     * Where the controller dies. {@code STOPPED}: the source's program stopped at its checkpoint, the destination not
     * yet started; {@code ADOPTED}: the destination runs and its agent took it over, the source stopped, no commit
     * (both inside the downtime window, as the pipeline leaves them); {@code BEFORE_COMMIT}/{@code AFTER_COMMIT}
     * leave the source running.
     */
    enum Death { NONE, STOPPED, ADOPTED, BEFORE_COMMIT, AFTER_COMMIT }

    /** The controller running the migration was killed: nothing after this point happens. */
    static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        Killed() { super("killed"); }
    }

    final Map<String, Map<String, AppState>> hosts = new HashMap<>();
    final List<String> journal = new ArrayList<>();
    /** The places each app has on the hosts ({@code app@host/platform}): where it started, destinations prepared. */
    final java.util.Set<String> places = new java.util.TreeSet<>();
    /** Called in the ledger, right after the commit: the test checks etcd there. */
    Runnable atCommit = () -> {};
    boolean fault;
    /** Set: the next migration stops the program and its rollback fails with this message (the source agent died). */
    String rollbackFails;
    Death die = Death.NONE;
    long now = 1_000;
    /**
     * Set: every checkpoint taken is bound to its writer's byte order with this reason (as a source agent reads it); a
     * move to a platform of the other byte order fails at step checkpoint, as {@code TransferStep} refuses it, and
     * the app runs on at the source. Every record then says the binding and that the checkpoint was read.
     */
    String boundBy;
    /** Records say the checkpoint was handed over (its parts), so that a record without a binding says none bound it. */
    boolean handedOver;

    synchronized Map<String, AppState> host(String h) { return hosts.computeIfAbsent(h, k -> new HashMap<>()); }

    /** The places where {@code app} runs. */
    synchronized List<Placement> running(String app) {
        List<Placement> out = new ArrayList<>();
        hosts.forEach((h, apps) -> {
            if (apps.get(app) instanceof AppState.Running r) out.add(new Placement(h, r.platform()));
        });
        return out;
    }

    @Override public synchronized void putBlob(String host, String sha256, Path file) { journal.add("blob " + host + " " + sha256); }

    /** Set: every start is refused with this message. */
    String refuseStart;
    /** The next starts that fail as a just-restarted agent's do (gRPC UNAVAILABLE), before they work. */
    int unavailableStarts;

    @Override
    public synchronized void start(Placement at, AppSpec spec) throws FleetException {
        journal.add("start " + spec.name() + " " + at + (spec.epoch() == 0 ? "" : " epoch " + spec.epoch()));
        if (refuseStart != null) throw new FleetException(refuseStart);
        if (unavailableStarts > 0) {
            unavailableStarts--;
            throw new FleetException("agent " + at.host() + ": Start failed: UNAVAILABLE: io exception");
        }
        host(at.host()).put(spec.name(), new AppState.Running(at.platform(), now));
        places.add(spec.name() + "@" + at);
    }

    /** The places {@code app} has ({@code host/platform}). */
    synchronized List<String> places(String app) {
        return places.stream().filter(p -> p.startsWith(app + "@")).map(p -> p.substring(app.length() + 1)).toList();
    }

    @Override
    public MigrationRecord migrate(String app, Placement from, Placement to, String reason, CommitStep.Ledger ledger)
            throws FleetException, dev.talent.migrate.RollbackFailedException {
        MigrationRecord.Bound bound;
        synchronized (this) {
            bound = boundBy == null ? null : new MigrationRecord.Bound(bigEndian(from), 0, boundBy);
            journal.add("migrate " + app + " " + from + " -> " + to);
            if (!(host(from.host()).get(app) instanceof AppState.Running)) throw new FleetException(app + " does not run on " + from);
            if (fault) {
                fault = false;
                return new MigrationRecord(app, from.toString(), to.toString(), false, 3.0, null, null, null, null, null,
                        "start", "injected fault", Instant.ofEpochMilli(now), 0, 0, null);
            }
            if (bound != null && bigEndian(from) != bigEndian(to)) {
                return new MigrationRecord(app, from.toString(), to.toString(), false, 3.0, 1.0, null, null, null, null,
                        "checkpoint", "checkpoint 2 is bound to the " + dev.talent.format.ByteOrderBinding.name(bound.bigEndian())
                        + " byte order (" + boundBy + "): not handed to " + to, Instant.ofEpochMilli(now), 0, 0, null).withBinding(bound);
            }
            places.add(app + "@" + to);
            if (rollbackFails != null) {
                // the program stopped at its checkpoint and the source's agent went away (killed, restarted): the
                // pipeline could not restart it there; that agent (its successor) says stopped; the destination
                // was released
                host(from.host()).put(app, new AppState.Stopped(from.platform(), now));
                places.remove(app + "@" + to);
                String why = rollbackFails;
                rollbackFails = null;
                throw new dev.talent.migrate.RollbackFailedException(why);
            }
            if (die == Death.STOPPED || die == Death.ADOPTED) host(from.host()).put(app, new AppState.Stopped(from.platform(), now));
            if (die == Death.STOPPED) throw new Killed();
            host(to.host()).put(app, new AppState.Running(to.platform(), now));
            if (die == Death.BEFORE_COMMIT || die == Death.ADOPTED) throw new Killed();
        }
        Optional<String> warning = ledger.commit();
        synchronized (this) {
            if (warning.isPresent()) {
                // as the pipeline leaves it: the destination runs (taken over), the source stopped at its checkpoint
                journal.add("not committed " + app + " (" + warning.get() + ")");
                host(from.host()).put(app, new AppState.Stopped(from.platform(), now));
                throw new NotCommittedException(warning.get());
            }
            journal.add("committed " + app);
            atCommit.run();
            if (die == Death.AFTER_COMMIT) throw new Killed();
            if (!from.host().equals(to.host())) host(from.host()).remove(app);
            places.remove(app + "@" + from);
            journal.add("removed " + app + " from " + from);
            return new MigrationRecord(app, from.toString(), to.toString(), true, 7.5, 1.0, 2.0, 1.0, 1.5, 2.0, null, null,
                    Instant.ofEpochMilli(now), 1, 10, "journal").withBinding(bound)
                    .withCheckpointParts(handedOver || bound != null ? new MigrationRecord.CheckpointParts(0.5, 0.5, 1.0) : null);
        }
    }

    private static boolean bigEndian(Placement p) {
        return dev.talent.toolchain.Platform.parse(p.platform()).bigEndian();
    }

    /** A fault asked for: the migration fails at that step and the app runs on at the source (as a rollback leaves it). */
    @Override
    public MigrationRecord migrate(String app, Placement from, Placement to, String reason, CommitStep.Ledger ledger,
            Optional<dev.talent.migrate.Step> fault) throws FleetException, dev.talent.migrate.RollbackFailedException {
        if (fault.isEmpty()) return migrate(app, from, to, reason, ledger);
        synchronized (this) {
            journal.add("migrate " + app + " " + from + " -> " + to + " fault " + fault.get().label());
            return new MigrationRecord(app, from.toString(), to.toString(), false, 3.0, null, null, null, null, null,
                    fault.get().label(), "fault injected at step " + fault.get().label(), Instant.ofEpochMilli(now), 0, 0, null);
        }
    }

    /** Hosts whose agent cannot be asked (restarting): state calls fail as gRPC's UNAVAILABLE does. */
    final java.util.Set<String> unreachable = new java.util.HashSet<>();

    @Override
    public synchronized AppState state(String host, String app) throws FleetException {
        if (unreachable.contains(host)) throw new FleetException("agent " + host + ": State failed: UNAVAILABLE: io exception");
        return host(host).getOrDefault(app, new AppState.Absent());
    }

    /** Set: the next resume is refused with this message (no accepted checkpoint, say). */
    String refuseResume;

    @Override
    public synchronized void resume(String host, String app) throws FleetException {
        journal.add("resume " + app + " on " + host);
        if (refuseResume != null) throw new FleetException(refuseResume);
        if (!(host(host).get(app) instanceof AppState.Stopped s)) throw new FleetException(app + " is not stopped at a checkpoint on " + host);
        host(host).put(app, new AppState.Running(s.platform(), now));
    }

    @Override
    public synchronized LogChunk logs(String host, String app, String stream, long offset, int max) {
        return new LogChunk(new byte[0], offset, offset, !(host(host).get(app) instanceof AppState.Running));
    }

    @Override public void fetchWorkdir(String host, String app, Path dir) throws FleetException {
        throw new FleetException("the in-memory agents hold no files");
    }

    @Override
    public synchronized void remove(String host, String app) {
        journal.add("remove " + app + " from " + host);
        host(host).remove(app);
        places.removeIf(p -> p.startsWith(app + "@" + host + "/"));
    }

    /** As {@link #remove}, journaled as the removal of a copy that is not the app's (its network silenced first). */
    @Override
    public synchronized void removeCopy(String host, String app) {
        journal.add("remove copy " + app + " from " + host);
        host(host).remove(app);
        places.removeIf(p -> p.startsWith(app + "@" + host + "/"));
    }

    /** Hosts whose copy was taken off the network ({@link #isolate}) and not let back since. */
    final java.util.Set<String> isolated = new java.util.HashSet<>();

    @Override
    public synchronized void isolate(String host, String app) {
        journal.add("isolate " + app + " on " + host);
        isolated.add(app + "@" + host);
    }

    @Override
    public synchronized void rejoin(String host, String app) {
        journal.add("rejoin " + app + " on " + host);
        isolated.remove(app + "@" + host);
    }

    @Override
    public synchronized void dropPlace(String host, String app, String platform) throws FleetException {
        journal.add("drop place " + app + " on " + host + "/" + platform);
        AppState s = host(host).get(app);
        boolean there = switch (s) {
            case AppState.Running r -> r.platform().equals(platform);
            case AppState.Stopped st -> st.platform().equals(platform);
            case null, default -> false;
        };
        if (there)
            throw new FleetException("app " + app + " is on " + host + "/" + platform + ": not dropping that place");
        places.remove(app + "@" + host + "/" + platform);
    }

    @Override public void close() {}
}
