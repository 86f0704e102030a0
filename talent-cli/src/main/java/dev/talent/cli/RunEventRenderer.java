package dev.talent.cli;

import dev.talent.format.SafeText;
import dev.talent.migrate.RunEvent;
import dev.talent.migrate.control.MigrationRecord;
import java.io.PrintWriter;

/** Renders what {@code talent run} reports, one line each, on stderr (stdout is the program's). */
final class RunEventRenderer {
    private final PrintWriter err;
    private final boolean quiet;

    RunEventRenderer(PrintWriter err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
    }

    synchronized void render(RunEvent event) {
        String line = switch (event) {
            case RunEvent.Running r -> quiet ? null : (r.restarted() ? "running again on " : "running on ") + r.platform().name()
                    + " (container " + r.containerId() + ")";
            case RunEvent.Prepared p -> quiet ? null : "prepared " + p.platform().name() + " in " + p.millis() + " ms ("
                    + p.sync().filesCopied() + " files copied)";
            case RunEvent.Presynced p -> null;
            case RunEvent.Migrated m -> quiet ? null : MigrationLine.of(m.record());
            case RunEvent.MigrationFailed f -> MigrationLine.of(f.record());
            case RunEvent.Warning w -> "warning: " + SafeText.escape(w.message());
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
}
