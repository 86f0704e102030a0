package dev.talent.migrate.control;

import dev.talent.policy.Alert;
import java.io.IOException;
import java.util.Optional;

/**
 * What a running {@code talent run} answers on its control socket; the orchestrator implements it. Calls come
 * from the server's connection threads (virtual threads, one per connection), possibly several at once.
 */
public interface ControlHandler {

    /** The current state of the run, for {@code talent status}. Must not block for long (clients give up after 5 s). */
    StatusReport status();

    /**
     * Migrate now. {@code to} empty: the orchestrator chooses the platform as for a scheduled migration.
     * With {@code wait}, blocks until the migration has finished (successfully or rolled back) and returns its
     * record; without, returns {@link Optional#empty()} as soon as the request is accepted (queued).
     *
     * @throws ControlRequestException the request is declined (unknown platform, the run is ending...); the
     *     message goes to the user
     * @throws InterruptedException the server is closing while this waits
     */
    Optional<MigrationRecord> migrate(Optional<String> to, boolean wait) throws ControlRequestException, InterruptedException;

    /**
     * An alert concerns this app (it is already in the user's alert book): the tag is quarantined, and when the app
     * runs on a platform carrying it, it is migrated away now. Blocks until that migration is over.
     *
     * @return what the alert did to this app
     * @throws ControlRequestException the app cannot take alerts (the message says why)
     * @throws InterruptedException the server is closing while this waits
     */
    default Alert.Effect alert(Alert alert) throws ControlRequestException, InterruptedException {
        throw new ControlRequestException("this app does not take alerts");
    }

    /** The alerts with {@code tag} were cleared: its platforms are back in rotation for this app. */
    default void alertCleared(String tag) throws ControlRequestException {
        throw new ControlRequestException("this app does not take alerts");
    }

    /**
     * The server stopped accepting connections because of an I/O error (not because it was closed). The run can
     * go on without a control channel; the orchestrator decides whether and how to report it.
     */
    default void serverFailed(IOException failure) {}
}
