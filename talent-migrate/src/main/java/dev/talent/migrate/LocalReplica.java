package dev.talent.migrate;

import dev.talent.env.ChangeJournal;
import dev.talent.env.SyncLimits;
import dev.talent.env.SyncReport;
import dev.talent.env.TreeSync;
import dev.talent.migrate.pipeline.WorkdirTransport;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * A destination's replica of the working directory on this machine: mirrored from the source's directory, then fed
 * what the source's change journal saw; its own journal (started by {@link #mirror()}) becomes the source journal
 * once the program runs there.
 */
final class LocalReplica implements WorkdirTransport {
    private final Host source;
    private final Host destination;
    private final Supplier<ChangeJournal> sourceJournal;
    private final SyncLimits limits;
    private ChangeJournal journal;

    LocalReplica(Host source, Host destination, Supplier<ChangeJournal> sourceJournal, SyncLimits limits) {
        this.source = source;
        this.destination = destination;
        this.sourceJournal = sourceJournal;
        this.limits = limits;
    }

    @Override
    public SyncReport mirror() throws IOException {
        // drained first: whatever changes while the mirror walks is in the next drain
        sourceJournal.get().drain();
        SyncReport sync = TreeSync.mirror(source.work, destination.work, limits);
        journal = ChangeJournal.watch(destination.work);
        return sync;
    }

    @Override
    public SyncReport presync() throws IOException {
        SyncReport r = TreeSync.copyChanged(source.work, destination.work, sourceJournal.get().drain(), limits);
        // what the destination's journal saw were these copies: dropped now, so its queue never overflows
        journal.drain();
        return r;
    }

    @Override
    public SyncReport finalSync() throws IOException {
        return TreeSync.copyChanged(source.work, destination.work, sourceJournal.get().drain(), limits);
    }

    /** The destination's own journal (after {@link #mirror()}). */
    ChangeJournal journal() { return journal; }

    @Override
    public void close() {
        if (journal == null) return;
        try {
            journal.close();
        } catch (Exception ignored) {
            // stopping a watch: nothing more useful to do with it
        }
    }
}
