package dev.talent.cli;

import dev.talent.format.SafeText;
import dev.talent.migrate.control.ControlException;
import dev.talent.migrate.control.ControlJson;
import dev.talent.migrate.control.ControlPaths;
import dev.talent.policy.Alert;
import dev.talent.policy.AlertBook;
import dev.talent.policy.PolicyException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code talent alerts [--json]}: the active alerts of this user and what moved because of each. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "Show the active alerts (quarantined tags) and what each did to the apps.")
public final class AlertsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "A JSON array of the alerts, each with its effects.")
    boolean json;

    @Option(names = "--fleet", paramLabel = "FILE", description = "The alerts of the fleet of fleet file FILE (from a "
            + "controller's HTTPS alerts endpoint) instead of this user's on this host.")
    java.nio.file.Path fleet;

    ControlPaths paths;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Alert> alerts;
        if (fleet != null) {
            try {
                alerts = FleetAlertCalls.active(fleet);
            } catch (FleetAlertCalls.Refused | dev.talent.fleet.FleetException e) {
                spec.commandLine().getErr().println("talent alerts: " + SafeText.escape(e.getMessage()));
                return e instanceof FleetAlertCalls.Refused ? ExitCodes.IO_ERROR : ExitCodes.UNAVAILABLE;
            }
            return print(out, alerts);
        }
        ControlPaths where = paths != null ? paths : ControlPaths.forCurrentUser();
        try {
            alerts = where.checkDirectory() ? AlertBook.in(where.directory()).active() : List.of();
        } catch (PolicyException | ControlException e) {
            spec.commandLine().getErr().println("talent alerts: " + SafeText.escape(e.getMessage()));
            return ExitCodes.IO_ERROR;
        }
        return print(out, alerts);
    }

    private int print(PrintWriter out, List<Alert> alerts) throws java.io.IOException {
        if (json) {
            out.println(ControlJson.MAPPER.writeValueAsString(alerts));
        } else if (alerts.isEmpty()) {
            out.println("no active alert");
        } else {
            for (Alert a : alerts) {
                out.println(SafeText.escape(a.tag()) + (a.app() == null ? "" : " (app " + SafeText.escape(a.app()) + ")")
                        + "  since " + a.at() + (a.reason().isEmpty() ? "" : "  " + SafeText.escape(a.reason())));
                for (Alert.Effect e : a.effects()) out.println("  " + effectLine(e));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    static String effectLine(Alert.Effect e) {
        String app = SafeText.escape(e.app());
        return switch (e.action()) {
            case "moved" -> app + ": moved " + SafeText.escape(e.from()) + " -> " + SafeText.escape(e.to())
                    + (e.detail() == null ? "" : " (" + SafeText.escape(e.detail()) + ")");
            case "unaffected" -> app + ": unaffected" + (e.from() == null ? "" : " (runs on " + SafeText.escape(e.from()) + ")");
            default -> app + ": " + e.action() + (e.from() == null ? "" : " on " + SafeText.escape(e.from()))
                    + (e.detail() == null ? "" : ": " + SafeText.escape(e.detail()));
        };
    }
}
