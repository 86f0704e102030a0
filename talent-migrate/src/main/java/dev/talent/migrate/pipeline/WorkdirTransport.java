package dev.talent.migrate.pipeline;

import dev.talent.env.SyncReport;
import java.io.IOException;

/**
 * The destination's replica of the app's working directory, kept up to date from the source's: mirrored when the
 * destination is prepared, then fed what the source's change journal saw. The local implementation copies between
 * two directories of this machine; a remote one streams the changed entries from the source agent to the destination
 * agent. Closing it stops following the destination's own changes.
 */
public interface WorkdirTransport extends AutoCloseable {

    /** Makes the replica a copy of the source's working directory (and starts following its own changes). */
    SyncReport mirror() throws IOException;

    /** While the program runs: copies what changed since the last sync. */
    SyncReport presync() throws IOException;

    /** The final sync, while the program is stopped: only what changed since the last pre-sync. */
    SyncReport finalSync() throws IOException;

    @Override
    void close();
}
