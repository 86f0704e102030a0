package dev.talent.fleet.apps;

import dev.talent.fleet.FleetException;
import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.RollbackFailedException;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.migrate.pipeline.CommitStep;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a controller and the fleet commands ask of the hosts' agents: the single seam between the fleet's control
 * (where apps should run, records in etcd, the commands) and the agents that hold the apps. The gRPC implementation
 * reaches each agent over mutual TLS; checkpoints and working directories go from agent to agent, never through
 * the caller or a shared directory. Tests of the control side use an in-memory implementation.
 */
public interface FleetAgents extends AutoCloseable {

    /** Where an app runs: a host of the fleet ({@code h2}) and one of its platforms ({@code aarch64}). */
    record Placement(String host, String platform) {
        /** {@code host/platform}, as migration records write it. */
        @Override
        public String toString() { return host + "/" + platform; }
    }

    /**
     * An app as deployed.
     *
     * @param binaries platform name to the SHA-256 (lower-case hex) of that platform's binary, a blob on the hosts
     * @param workdir  SHA-256 of the working directory's archive ({@link WorkdirArchive}), a blob; empty: none
     * @param ip       the app's address with {@code net}; empty: allocated by the fleet
     * @param epoch    the placement's generation ({@code Records.Placement#epoch}): the agent keeps it with the app and
     *                 adopts the app after a restart only while etcd's placement names its host and this epoch
     */
    record AppSpec(String name, Map<String, String> binaries, List<String> args, Optional<String> workdir, boolean net,
            Optional<String> ip, long epoch, int precopy) {
        public AppSpec {
            binaries = Map.copyOf(binaries);
            args = List.copyOf(args);
            if (epoch < 0) throw new IllegalArgumentException("epoch " + epoch);
            if (precopy < 0) throw new IllegalArgumentException("precopy " + precopy);
        }

        /** Without pre-copy ({@code precopy}: the most pre-copy rounds of its migrations, 0 for none). */
        public AppSpec(String name, Map<String, String> binaries, List<String> args, Optional<String> workdir, boolean net,
                Optional<String> ip, long epoch) {
            this(name, binaries, args, workdir, net, ip, epoch, 0);
        }

        /** Generation 0: a first placement. */
        public AppSpec(String name, Map<String, String> binaries, List<String> args, Optional<String> workdir, boolean net,
                Optional<String> ip) {
            this(name, binaries, args, workdir, net, ip, 0);
        }
    }

    /** What a host's agent knows of an app. */
    sealed interface AppState {
        record Running(String platform, long sinceEpochMillis) implements AppState {}

        /**
         * Its program stopped at a checkpoint for a migration and nothing runs it on that host now: the migration
         * goes on elsewhere, or, abandoned, {@link FleetAgents#resume} restarts it there.
         */
        record Stopped(String platform, long sinceEpochMillis) implements AppState {}

        record Ended(String platform, int status) implements AppState {}

        record Absent() implements AppState {}

        /**
         * Its program is gone and its exit status is not known: it ended while no agent of that host watched it (the
         * agent was down, or restarted and had adopted it); the controller records it as ended with this reason.
         */
        record Lost(String platform) implements AppState {}
    }

    /** Output of an app on one host from {@code offset}; {@code next} is the offset after it. */
    @SuppressWarnings("ArrayRecordComponent") // bytes passed on to the caller, never compared or hashed
    record LogChunk(byte[] data, long from, long next, boolean ended) {}

    /** The app's streams, as {@link #logs} names them. */
    List<String> STREAMS = List.of("stdout", "stderr");

    /** Makes sure {@code host} holds the blob {@code sha256} (uploading {@code file} when not); the agent checks it. */
    void putBlob(String host, String sha256, Path file) throws FleetException, InterruptedException;

    /** Starts {@code spec} fresh on {@code at}; returns once its program runs there. */
    void start(Placement at, AppSpec spec) throws FleetException, InterruptedException;

    /**
     * Moves the app from {@code from} to {@code to} through the migration pipeline (destination prepared, safe point,
     * checkpoint signed and streamed agent to agent, final sync, start, confirm; the app resumes on the source if
     * any step fails). {@code ledger} is called once the destination runs and before the source is removed; when it
     * fails the source is not removed and {@link NotCommittedException} is thrown (both copies left as they are).
     *
     * @return the migration's record ({@code from}/{@code to} as {@code host/platform}), also when it rolled back
     * @throws NotCommittedException the ledger failed: the destination runs, the source is stopped at its checkpoint
     */
    MigrationRecord migrate(String app, Placement from, Placement to, String reason, CommitStep.Ledger ledger)
            throws FleetException, MigrationFailedException, RollbackFailedException, InterruptedException;

    /**
     * As {@link #migrate(String, Placement, Placement, String, CommitStep.Ledger)}, failing on purpose at {@code fault}
     * when present (a testing aid: the rollback paths, {@code talent migrate --inject-fault}); an implementation that
     * cannot inject it refuses the migration before anything moves.
     */
    default MigrationRecord migrate(String app, Placement from, Placement to, String reason, CommitStep.Ledger ledger,
            Optional<dev.talent.migrate.Step> fault)
            throws FleetException, MigrationFailedException, RollbackFailedException, InterruptedException {
        if (fault.isPresent()) throw new FleetException("these agents cannot inject a fault at step " + fault.get().label());
        return migrate(app, from, to, reason, ledger);
    }

    /**
     * As above, with at most {@code precopy} pre-copy rounds before the stop (the app's {@code deploy --precopy}; 0:
     * none): only the change since the newest round's image is copied at the stop. Pre-copy only shortens the downtime:
     * an implementation (or an agent) without it copies everything at the stop, as the default does.
     */
    default MigrationRecord migrate(String app, Placement from, Placement to, String reason, CommitStep.Ledger ledger,
            Optional<dev.talent.migrate.Step> fault, int precopy)
            throws FleetException, MigrationFailedException, RollbackFailedException, InterruptedException {
        return migrate(app, from, to, reason, ledger, fault);
    }

    /**
     * As above; {@code progress} is told what the pre-copy phase did after each round and after its hand-over (the
     * leader writes it to the migration's in-flight record). An implementation without pre-copy tells it nothing.
     */
    default MigrationRecord migrate(String app, Placement from, Placement to, String reason, CommitStep.Ledger ledger,
            Optional<dev.talent.migrate.Step> fault, int precopy, dev.talent.migrate.pipeline.PrecopyStep.Progress progress)
            throws FleetException, MigrationFailedException, RollbackFailedException, InterruptedException {
        return migrate(app, from, to, reason, ledger, fault, precopy);
    }

    AppState state(String host, String app) throws FleetException, InterruptedException;

    /**
     * Restarts the app {@link AppState.Stopped stopped} at its checkpoint on {@code host} from the newest checkpoint
     * talent accepted there (as a migration's rollback does); returns once its program runs again.
     */
    void resume(String host, String app) throws FleetException, InterruptedException;

    /**
     * At most {@code max} bytes of the app's {@code stream} ({@code stdout} or {@code stderr}, as written) on
     * {@code host} from {@code offset}; past it when the host dropped that part (each keeps the newest of a stream).
     */
    LogChunk logs(String host, String app, String stream, long offset, int max) throws FleetException, InterruptedException;

    /** Its stdout. */
    default LogChunk logs(String host, String app, long offset, int max) throws FleetException, InterruptedException {
        return logs(host, app, "stdout", offset, max);
    }

    /** Writes the app's working directory on {@code host} into {@code dir} (absent or empty). */
    void fetchWorkdir(String host, String app, Path dir) throws FleetException, InterruptedException;

    /** Stops the app on {@code host} and removes everything of it there; nothing to do when absent. */
    void remove(String host, String app) throws FleetException, InterruptedException;

    /**
     * As {@link #remove}, for a copy of the app that is not the one that goes on (the other side of an interrupted
     * migration, removed by {@link AppReconciler#resolve}): its network is taken off the traffic first, so that nothing
     * its teardown sends (the FIN or RST of connections the copy that goes on keeps) reaches the peers. The default, for
     * agents without networks of their own, is {@link #remove}.
     */
    default void removeCopy(String host, String app) throws FleetException, InterruptedException { remove(host, app); }

    /**
     * Takes the app's copy on {@code host} off the network (its containers locked; the copy stays): the side of an
     * interrupted migration that does not go on, before the other resumes, so that never two copies have the app's
     * address. The default, for agents without networks of their own, does nothing.
     */
    default void isolate(String host, String app) throws FleetException, InterruptedException {}

    /**
     * Lets the app's running copy on {@code host} onto the network (unlocked, announced; idempotent): where an
     * interrupted migration leaves the app, whose unlock may not have happened. The default does nothing.
     */
    default void rejoin(String host, String app) throws FleetException, InterruptedException {}

    /**
     * Removes the app's place for {@code platform} on {@code host} with its containers (a destination prepared there
     * for a migration between two platforms of that host that did not go there), while the app stays on another
     * platform of that host; refused when the app is on {@code platform} there. Nothing to do when there is none.
     */
    void dropPlace(String host, String app, String platform) throws FleetException, InterruptedException;

    @Override
    void close();
}
