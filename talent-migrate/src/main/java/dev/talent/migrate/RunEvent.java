package dev.talent.migrate;

import dev.talent.env.SyncReport;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Platform;

/** What a run reports as it goes; the CLI renders these (on stderr: stdout is the program's). */
public sealed interface RunEvent {

    /**
     * The first full copy of the working directory (into the first platform's directory, before the program starts)
     * has copied {@code files} files of {@code bytes} bytes so far; told a few times a second while it lasts, and once
     * with {@code done} at its end.
     */
    record Copying(long files, long bytes, boolean done) implements RunEvent {}

    /** The program runs on {@code platform} in container {@code containerId} ({@code restarted}: from a checkpoint). */
    record Running(Platform platform, String containerId, boolean restarted) implements RunEvent {}

    /** A destination is ready: container created, replica of the workdir up to date. */
    record Prepared(Platform platform, SyncReport sync, long millis) implements RunEvent {}

    /** Changes pre-synced to the prepared destination. */
    record Presynced(Platform platform, SyncReport sync) implements RunEvent {}

    record Migrated(MigrationRecord record) implements RunEvent {}

    /** A migration failed and the program went on where it was; {@code logTail}: the failing container's log. */
    record MigrationFailed(MigrationRecord record, String logTail) implements RunEvent {}

    /** Something went wrong that did not stop the program (a failed pre-sync, a failed preparation). */
    record Warning(String message) implements RunEvent {}

    /**
     * Something a talent process that no longer runs left on this machine was removed at this run's start:
     * {@code what} (e.g. the nftables table that dropped new connections to a program's ports during a move),
     * {@code why} (how it was told to be left over).
     */
    record LeftoverRemoved(String what, String why) implements RunEvent {}

    /** An alert concerned this app: what it did ({@code moved}, {@code failed}, {@code stuck}, {@code unaffected}). */
    record AlertHandled(String tag, String reason, String action, String from, String to) implements RunEvent {}

    /** An alert was cleared: its platforms are back in rotation. */
    record AlertCleared(String tag) implements RunEvent {}

    /** The program ended with this status on this platform. */
    record Finished(Platform platform, int status) implements RunEvent {}
}
