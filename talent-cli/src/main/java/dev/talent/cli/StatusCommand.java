package dev.talent.cli;

import dev.talent.format.SafeText;
import dev.talent.migrate.control.AppListing;
import dev.talent.migrate.control.ControlClient;
import dev.talent.migrate.control.ControlException;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.migrate.control.StatusReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code talent status [APP] [--json]}: what the running {@code talent run}s of this user are doing, asked
 * through their control sockets.
 *
 * <p>Its picocli model is built in code ({@link #commandSpec}), not read from annotations: {@code talent status}
 * is run many times a minute and reading annotations was most of its start-up (issue 16; {@code
 * StatusCommandSpecTest} checks that it parses, prints and exits as the annotated declaration did).
 */
public final class StatusCommand implements Callable<Integer> {
    /** Made when a time is first shown, not when the class is loaded ({@code talent --help} loads it; issue 16). */
    private static final class Formats {
        static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
        static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    }

    CommandSpec spec;

    boolean json;

    String app;

    Path fleet;

    boolean all;

    boolean ended;

    /** The command {@code status} bound to {@code c}: its options, usage text and help options. */
    static CommandSpec commandSpec(StatusCommand c) {
        CommandSpec spec = CommandSpecs.wrap(c).name("status");
        spec.usageMessage().sortOptions(false)
                .description("Show the running `talent run`s: one line each; with APP, also its recent migrations and their timings.")
                .footer("", "Exit status: 0 shown (also when nothing runs), 1 an app did not answer or answered an error, "
                        + "64 bad command line, 69 no app with that name, 77 not permitted.");
        CommandSpecs.Binding jsonBinding = new CommandSpecs.Binding(() -> c.json, v -> c.json = (Boolean) v);
        spec.addOption(OptionSpec.builder("--json").type(boolean.class).initialValue(false)
                .description("Print the status as JSON (with APP: one object; without: an array).")
                .setter(jsonBinding).getter(jsonBinding).build());
        CommandSpecs.Binding appBinding = new CommandSpecs.Binding(() -> c.app, v -> c.app = (String) v);
        spec.addPositional(PositionalParamSpec.builder().index("0").arity("0..1").paramLabel("APP").type(String.class)
                .description(APP_DESCRIPTION).setter(appBinding).getter(appBinding).build());
        CommandSpecs.Binding fleetBinding = new CommandSpecs.Binding(() -> c.fleet, v -> c.fleet = (Path) v);
        spec.addOption(OptionSpec.builder("--fleet").paramLabel("FILE").type(Path.class).converters(CommandSpecs.PATH)
                .description("Show the apps of this fleet (default: $TALENT_FLEET when set; without either: the local talent runs).")
                .setter(fleetBinding).getter(fleetBinding).build());
        CommandSpecs.Binding allBinding = new CommandSpecs.Binding(() -> c.all, v -> c.all = (Boolean) v);
        spec.addOption(OptionSpec.builder("--all").type(boolean.class).initialValue(false)
                .description(ALL_DESCRIPTION).setter(allBinding).getter(allBinding).build());
        CommandSpecs.Binding endedBinding = new CommandSpecs.Binding(() -> c.ended, v -> c.ended = (Boolean) v);
        spec.addOption(OptionSpec.builder("--ended").type(boolean.class).initialValue(false)
                .description(ENDED_DESCRIPTION).setter(endedBinding).getter(endedBinding).build());
        CommandSpecs.standardHelpOptions(spec);
        c.spec = spec;
        return spec;
    }

    static final String APP_DESCRIPTION = "The app's name (talent run --name; in a fleet, deploy --name: the deployed app, else"
            + " its newest incarnation etcd keeps). APP@GENERATION, in a fleet: that kept incarnation of an ended app, its"
            + " generation as status --all prints it (leading zeros may be left out).";
    static final String ALL_DESCRIPTION = "A fleet's apps, without APP: the deployed ones and the ended ones etcd keeps after"
            + " undeploy (talent controller --keep-ended), each incarnation with its generation, how and when it ended and where"
            + " it last ran.";
    static final String ENDED_DESCRIPTION = "A fleet's ended apps, without APP: the deployed ones whose program ended, and"
            + " the undeployed ones etcd keeps.";

    /** Where the apps are; tests point it at their own directory. */
    ControlClient client;

    /** The environment ($TALENT_FLEET); tests replace it. */
    java.util.Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws InterruptedException {
        if (all && ended) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--all or --ended, not both");
        if ((all || ended) && app != null)
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), (all ? "--all" : "--ended")
                    + " lists apps: without APP (talent status APP shows one, ended or not)");
        if (dev.talent.cli.fleet.FleetSession.configured(fleet, env)) {
            var listing = all ? dev.talent.cli.fleet.FleetCommands.Listing.ALL
                    : ended ? dev.talent.cli.fleet.FleetCommands.Listing.ENDED : dev.talent.cli.fleet.FleetCommands.Listing.DEPLOYED;
            return dev.talent.cli.fleet.FleetCommands.status(spec.commandLine().getOut(), spec.commandLine().getErr(), fleet, env, app,
                    json, listing);
        }
        if (all || ended)
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), (all ? "--all" : "--ended")
                    + " lists the ended apps a fleet keeps (--fleet FILE or $TALENT_FLEET): a local talent run keeps none");
        if (app != null && app.indexOf('@') >= 0)
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "APP@GENERATION names a kept incarnation of an ended"
                    + " fleet app (--fleet FILE or $TALENT_FLEET): a local talent run keeps none");
        ControlClient control = client != null ? client : ControlClient.forCurrentUser();
        return app == null ? all(control) : one(control);
    }

    private Integer one(ControlClient control) {
        PrintWriter out = spec.commandLine().getOut();
        StatusReport report;
        try {
            report = control.status(app);
        } catch (ControlException e) {
            return failed(e);
        }
        out.print(json ? report.toJsonLine() + "\n" : details(report, Instant.now(), ZoneId.systemDefault()));
        out.flush();
        return ExitCodes.OK;
    }

    private Integer all(ControlClient control) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AppListing listing;
        try {
            listing = control.listApps();
        } catch (ControlException e) {
            return failed(e);
        }
        for (Path stale : listing.stale()) {
            err.println("talent status: ignoring stale socket " + stale + " (its app ended without removing it)");
        }
        List<StatusReport> reports = new ArrayList<>();
        int status = ExitCodes.OK;
        for (String name : listing.running()) {
            try {
                reports.add(control.status(name));
            } catch (ControlException e) {
                // The app may have ended since the listing; the others are still worth showing.
                if (e.reason() != ControlException.Reason.NOT_RUNNING) status = failed(e);
            }
        }
        if (json) {
            out.println(reports.stream().map(StatusReport::toJsonLine).collect(Collectors.joining(",", "[", "]")));
        } else if (reports.isEmpty() && status == ExitCodes.OK) {
            err.println("talent status: no talent run is running (control directory " + control.paths().directory() + ")");
        } else {
            Instant now = Instant.now();
            ZoneId zone = ZoneId.systemDefault();
            reports.forEach(r -> out.println(summary(r, now, zone)));
        }
        out.flush();
        err.flush();
        return status;
    }

    private int failed(ControlException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("talent status: " + SafeText.escape(e.getMessage()));
        err.flush();
        return MigrateCommand.exitStatus(e);
    }

    /**
     * One app in one line: {@code counter: s390x since 14:00:05 (2m 30s), pid 4242, running, 3 migrations
     * (1 failed), next in 26s}.
     */
    static String summary(StatusReport r, Instant now, ZoneId zone) {
        StringBuilder line = new StringBuilder(SafeText.escape(r.app())).append(": ").append(SafeText.escape(r.platform()));
        if (r.address() != null) line.append(" at ").append(SafeText.escape(r.address()));
        line.append(" since ").append(clock(r.since(), now, zone)).append(" (").append(duration(Duration.between(r.since(), now)))
                .append("), pid ").append(r.pid()).append(", ").append(r.state().label());
        if (r.state() == StatusReport.State.PREPARING && r.preparedPlatform() != null) line.append(' ').append(SafeText.escape(r.preparedPlatform()));
        line.append(", ").append(r.migrationsDone()).append(r.migrationsDone() == 1 ? " migration" : " migrations");
        if (r.migrationsFailed() > 0) line.append(" (").append(r.migrationsFailed()).append(" failed)");
        line.append(", ").append(next(r.nextMigrationAt(), now));
        return line.toString();
    }

    /** The summary, when the run started, the prepared platform, and the recent migrations, one per line. */
    static String details(StatusReport r, Instant now, ZoneId zone) {
        StringBuilder text = new StringBuilder(summary(r, now, zone)).append('\n');
        text.append("  started ").append(clock(r.started(), now, zone)).append(" (").append(duration(Duration.between(r.started(), now)))
                .append(" ago)");
        if (r.preparedPlatform() != null) text.append(", prepared: ").append(SafeText.escape(r.preparedPlatform()));
        text.append('\n');
        if (r.byteOrder() != null) text.append("  byte order: ").append(SafeText.escape(r.byteOrder())).append('\n');
        if (r.last().isEmpty()) return text.append("  no migrations yet\n").toString();
        text.append("  last migrations:\n");
        for (MigrationRecord m : r.last()) {
            text.append("    ").append(clock(m.at(), now, zone)).append(' ').append(MigrationLine.body(m).replace("\n", "\n  "));
            if (m.ok() && m.syncMode() != null) {
                text.append("; synced ").append(m.syncFiles()).append(m.syncFiles() == 1 ? " file, " : " files, ")
                        .append(DemoCommand.size(m.syncBytes())).append(" (").append(SafeText.escape(m.syncMode())).append(')');
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static String next(Instant at, Instant now) {
        if (at == null) return "no migration scheduled";
        Duration left = Duration.between(now, at);
        return left.isPositive() ? "next in " + duration(left) : "next due now";
    }

    /** Local time of day, with the date when it is not today. */
    static String clock(Instant at, Instant now, ZoneId zone) {
        ZonedDateTime local = at.atZone(zone);
        return (local.toLocalDate().equals(LocalDate.ofInstant(now, zone)) ? Formats.TIME : Formats.DATE_TIME).format(local);
    }

    /** 45s, 2m 30s, 3h 05m, 2d 04h: the two largest units. */
    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m " + (s % 60) + "s";
        if (s < 86_400) return (s / 3600) + "h " + String.format("%02dm", (s % 3600) / 60);
        return (s / 86_400) + "d " + String.format("%02dh", (s % 86_400) / 3600);
    }
}
