package dev.talent.cli;

import dev.talent.format.SafeText;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.migrate.control.ControlClient;
import dev.talent.migrate.control.ControlException;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Platform;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code talent migrate APP [--to PLATFORM] [--no-wait] [--json]}: asks a running {@code talent run} to migrate
 * now, through its control socket. Prints nothing on stdout until the migration is over, then one line.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Ask a running `talent run --name APP` to migrate now; wait until it is done and print its timings."},
        footer = {"", "Only the user who started the app can control it (its socket is in $XDG_RUNTIME_DIR/talent/ "
                + "or /tmp/talent-<uid>/).",
                "", "Exit status: 0 migrated (with --no-wait: requested), 1 the migration failed (the program keeps running "
                + "where it was) or the app declined or did not answer, 64 bad command line, 69 no app with that name, "
                + "77 not permitted (another user's app)."})
public final class MigrateCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--to", paramLabel = "PLATFORM", description = "Migrate to this platform (one of the run's --platforms); "
            + "default: the app chooses, as for a scheduled migration.")
    String to;

    @Option(names = "--no-wait", description = "Return once the app has accepted the request.")
    boolean noWait;

    @Option(names = "--json", description = "Print the migration's record as JSON (the line talent run writes to its --log).")
    boolean json;

    @Parameters(index = "0", paramLabel = "APP", description = "The app's name (talent run --name; see talent status).")
    String app;

    @Option(names = "--fleet", paramLabel = "FILE", description = "Migrate an app of this fleet (default: $TALENT_FLEET when set;"
            + " without either: a local talent run). In a fleet, --to takes HOST, PLATFORM or HOST/PLATFORM.")
    Path fleet;

    @Option(names = "--inject-fault", hidden = true, paramLabel = "STEP",
            description = "Testing, fleet only: fail this migration at STEP (prepare, precopy, safepoint, checkpoint, sync, start, restore, commit); the "
                    + "controllers honour it only when started with TALENT_FLEET_FAULT=requests.")
    String injectFault;

    /** Where the apps are; tests point it at their own directory. */
    ControlClient client;

    /** The environment ($TALENT_FLEET); tests replace it. */
    java.util.Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws InterruptedException {
        String incarnation = dev.talent.cli.fleet.FleetCommands.refusedIncarnation("migrate", app);
        if (incarnation != null) throw new ParameterException(spec.commandLine(), incarnation);
        if (dev.talent.cli.fleet.FleetSession.configured(fleet, env)) {
            if (noWait) throw new ParameterException(spec.commandLine(), "--no-wait: not with a fleet (the fleet's migrate waits for its record)");
            Optional<String> refused = injectFault == null ? Optional.empty() : dev.talent.fleet.apps.AppRecords.refusedFault(injectFault);
            if (refused.isPresent()) throw new ParameterException(spec.commandLine(), refused.get());
            return dev.talent.cli.fleet.FleetCommands.migrate(spec.commandLine().getOut(), spec.commandLine().getErr(), fleet, env, app, to, json,
                    Optional.ofNullable(injectFault));
        }
        if (injectFault != null) throw new ParameterException(spec.commandLine(), "--inject-fault: only with a fleet (talent run has its own)");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> platform = Optional.ofNullable(to).map(this::platformName);
        ControlClient control = client != null ? client : ControlClient.forCurrentUser();
        Optional<MigrationRecord> record;
        try {
            record = control.migrate(app, platform, !noWait);
        } catch (ControlException e) {
            err.println("talent migrate: " + SafeText.escape(e.getMessage()));
            err.flush();
            return exitStatus(e);
        }
        if (record.isEmpty()) {
            out.println(json ? queuedJson(app, platform)
                    : app + ": migration" + platform.map(p -> " to " + p).orElse("") + " requested");
        } else {
            out.println(json ? record.get().toJsonLine() : MigrationLine.of(record.get()));
        }
        out.flush();
        return record.map(r -> r.ok() ? ExitCodes.OK : ExitCodes.FAILURE).orElse(ExitCodes.OK);
    }

    static String queuedJson(String app, Optional<String> platform) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("app", app);
        json.put("queued", true);
        json.put("to", platform.orElse(null));
        return json.toString();
    }

    private String platformName(String name) {
        try {
            return Platform.parse(name).name();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--to: " + e.getMessage());
        }
    }

    /** The exit status for a control-channel failure (shared with talent status). */
    static int exitStatus(ControlException e) {
        return switch (e.reason()) {
            case BAD_NAME -> ExitCodes.USAGE;
            case NOT_RUNNING -> ExitCodes.UNAVAILABLE;
            case PERMISSION_DENIED, UNSAFE_DIRECTORY -> ExitCodes.NO_PERMISSION;
            case INTERNAL -> ExitCodes.INTERNAL;
            case ALREADY_RUNNING, TIMEOUT, REFUSED, PROTOCOL, IO -> ExitCodes.FAILURE;
        };
    }
}
