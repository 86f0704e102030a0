package dev.talent.cli;

import dev.talent.format.SafeText;
import dev.talent.migrate.control.AlertDispatcher;
import dev.talent.migrate.control.ControlException;
import dev.talent.migrate.control.ControlPaths;
import dev.talent.policy.Alert;
import dev.talent.policy.PolicyException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code talent alert --tag T [--app A] [--reason R]} and {@code talent alert clear T}: raise and clear alerts of
 * this user on this host. The same as {@code POST /v1/alerts} on a control socket (docs/POLICY.md).
 */
@Command(name = "alert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Raise an alert: platforms carrying tag T are quarantined until `talent alert clear T`, and every "
                + "running app on one is migrated away at once to a platform without it. Waits until they moved and "
                + "prints what each app did."},
        subcommands = AlertCommand.Clear.class,
        footer = {"", "Example: talent alert --tag CVE-2024-2961 --reason \"IDS: iconv exploit seen\"",
                "In a fleet: talent alert --fleet lab/fleet.conf --tag CVE-2024-2961 (every controller accepts it; the leader moves the apps).",
                "Exit status: 0 raised (and every app concerned moved or was unaffected), 1 an app could not move away, "
                        + "64 bad command line, 74 the alert book cannot be written."})
public final class AlertCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--tag", paramLabel = "T", description = "The tag (a vulnerability id, a C library version, a label, "
            + "a platform or ISA name).")
    String tag;

    @Option(names = "--app", paramLabel = "A", description = "Only app A (default: every app of this user).")
    String app;

    @Option(names = "--reason", paramLabel = "R", defaultValue = "", description = "Why (kept in the apps' history).")
    String reason;

    @Option(names = "--fleet", paramLabel = "FILE", description = "Raise it in the fleet of fleet file FILE (on a "
            + "controller's HTTPS alerts endpoint, with the file's certificate) instead of for this user's apps on this host.")
    java.nio.file.Path fleet;

    /** Where the control sockets and the alert book are; tests point it at their own directory. */
    ControlPaths paths;

    @Override
    public Integer call() throws InterruptedException {
        if (tag == null) throw new ParameterException(spec.commandLine(), "missing --tag T (or: talent alert clear T)");
        String incarnation = dev.talent.cli.fleet.FleetCommands.refusedIncarnation("alert --app", app);
        if (incarnation != null) throw new ParameterException(spec.commandLine(), incarnation);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Alert alert;
        try {
            alert = fleet != null ? FleetAlertCalls.raise(fleet, tag, app, reason)
                    : new AlertDispatcher(paths != null ? paths : ControlPaths.forCurrentUser()).raise(tag, app, reason);
        } catch (FleetAlertCalls.Refused e) {
            if (e.status == 400) throw new ParameterException(spec.commandLine(), e.getMessage());
            err.println("talent alert: " + SafeText.escape(e.getMessage()));
            return ExitCodes.IO_ERROR;
        } catch (dev.talent.fleet.FleetException e) {
            err.println("talent alert: " + SafeText.escape(e.getMessage()));
            return ExitCodes.UNAVAILABLE;
        } catch (PolicyException e) {
            if (e.getCause() instanceof IllegalArgumentException) throw new ParameterException(spec.commandLine(), e.getMessage());
            err.println("talent alert: " + SafeText.escape(e.getMessage()));
            return ExitCodes.IO_ERROR;
        } catch (ControlException e) {
            err.println("talent alert: " + SafeText.escape(e.getMessage()));
            return ExitCodes.IO_ERROR;
        }
        out.println("alert " + SafeText.escape(alert.tag()) + (alert.app() == null ? "" : " (app " + alert.app() + ")")
                + " raised at " + alert.at());
        for (Alert.Effect e : alert.effects()) out.println("  " + AlertsCommand.effectLine(e));
        if (alert.effects().isEmpty()) out.println("  no app running; the quarantine applies to the apps started from now on");
        out.flush();
        boolean stuck = alert.effects().stream().anyMatch(e -> !e.action().equals("moved") && !e.action().equals("unaffected"));
        return stuck ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = "Clear the alerts with tag T: their platforms are back in rotation for every app.")
    static final class Clear implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "T", description = "The tag of the alert.")
        String tag;

        @Option(names = "--fleet", paramLabel = "FILE", description = "Clear it in the fleet of fleet file FILE.")
        java.nio.file.Path fleet;

        ControlPaths paths;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Alert> cleared;
            try {
                cleared = fleet != null ? FleetAlertCalls.clear(fleet, tag)
                        : new AlertDispatcher(paths != null ? paths : ControlPaths.forCurrentUser()).clear(tag);
            } catch (FleetAlertCalls.Refused e) {
                if (e.status == 400) throw new ParameterException(spec.commandLine(), e.getMessage());
                if (e.status == 404) {
                    err.println("talent alert clear: no active alert has tag " + SafeText.escape(tag));
                    return ExitCodes.FAILURE;
                }
                err.println("talent alert clear: " + SafeText.escape(e.getMessage()));
                return ExitCodes.IO_ERROR;
            } catch (dev.talent.fleet.FleetException e) {
                err.println("talent alert clear: " + SafeText.escape(e.getMessage()));
                return ExitCodes.UNAVAILABLE;
            } catch (PolicyException e) {
                if (e.getCause() instanceof IllegalArgumentException) throw new ParameterException(spec.commandLine(), e.getMessage());
                err.println("talent alert clear: " + SafeText.escape(e.getMessage()));
                return ExitCodes.IO_ERROR;
            } catch (ControlException e) {
                err.println("talent alert clear: " + SafeText.escape(e.getMessage()));
                return ExitCodes.IO_ERROR;
            }
            if (cleared.isEmpty()) {
                err.println("talent alert clear: no active alert has tag " + SafeText.escape(tag));
                return ExitCodes.FAILURE;
            }
            out.println("cleared alert " + SafeText.escape(tag) + ": its platforms are back in rotation");
            out.flush();
            return ExitCodes.OK;
        }
    }
}
