package dev.talent.cli;

import dev.talent.format.SafeText;
import dev.talent.migrate.RunEvent;
import dev.talent.migrate.control.MigrationRecord;
import java.io.PrintWriter;

/**
 * Renders what {@code talent run} reports, one line each, on stderr (stdout is the program's). The progress of the
 * first full copy of the working directory is shown only when stderr is a terminal (and not with --quiet): one line
 * rewritten in place, and only when the copy lasts long enough to report before it ends.
 */
final class RunEventRenderer {
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean terminal;
    private int progressWidth = -1;

    RunEventRenderer(PrintWriter err, boolean quiet) {
        this(err, quiet, Terminals.stderrIsTerminal());
    }

    RunEventRenderer(PrintWriter err, boolean quiet, boolean terminal) {
        this.err = err;
        this.quiet = quiet;
        this.terminal = terminal;
    }

    synchronized void render(RunEvent event) {
        if (event instanceof RunEvent.Copying c) {
            copying(c);
            return;
        }
        String line = switch (event) {
            case RunEvent.Copying c -> null;
            case RunEvent.Running r -> quiet ? null : (r.restarted() ? "running again on " : "running on ") + r.platform().name()
                    + " (container " + r.containerId() + ")";
            case RunEvent.Prepared p -> quiet ? null : "prepared " + p.platform().name() + " in " + p.millis() + " ms ("
                    + p.sync().filesCopied() + " files copied)";
            case RunEvent.Presynced p -> null;
            case RunEvent.Migrated m -> quiet ? null : MigrationLine.of(m.record());
            case RunEvent.MigrationFailed f -> MigrationLine.of(f.record());
            case RunEvent.Warning w -> "warning: " + SafeText.escape(w.message());
            case RunEvent.LeftoverRemoved l -> "removed " + SafeText.escape(l.what()) + ": " + SafeText.escape(l.why());
            case RunEvent.AlertHandled a -> "alert " + SafeText.escape(a.tag()) + ": " + switch (a.action()) {
                case "moved" -> "moved from " + a.from() + " to " + a.to();
                case "unaffected" -> "runs on " + a.from() + ", which does not carry it; its platforms are quarantined";
                default -> a.action() + " on " + a.from();
            } + (a.reason().isEmpty() ? "" : " (" + SafeText.escape(a.reason()) + ")");
            case RunEvent.AlertCleared c -> "alert " + SafeText.escape(c.tag()) + " cleared: its platforms are back in rotation";
            case RunEvent.Finished f -> quiet ? null : "the program ended on " + f.platform().name() + " with status " + f.status();
        };
        if (line != null) {
            err.println("talent run: " + line);
            err.flush();
        }
    }

    private void copying(RunEvent.Copying c) {
        if (quiet || !terminal || (c.done() && progressWidth < 0)) return;
        String line = "talent run: " + (c.done() ? "copied" : "copying") + " the working directory: " + c.files()
                + (c.files() == 1 ? " file, " : " files, ") + BuildProgress.megabytes(c.bytes());
        err.print("\r" + line + " ".repeat(Math.max(0, progressWidth - line.length())));
        progressWidth = line.length();
        if (c.done()) {
            err.println();
            progressWidth = -1;
        }
        err.flush();
    }
}
