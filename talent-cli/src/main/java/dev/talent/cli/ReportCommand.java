package dev.talent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.format.SafeText;
import dev.talent.migrate.AppHistory;
import dev.talent.migrate.control.ControlJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code talent report APP -o FILE.html}: one self-contained HTML page (inline CSS, JS and SVG; no network) of the
 * app's history ({@code S/history.jsonl}): platform over time, each migration's downtime and phases, alerts on the
 * time axis, a downtime histogram and the table of migrations. Works while the app runs (the history is written as
 * it goes) and after it ended.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write an HTML report of an app's run: timeline, migrations, downtimes, alerts.",
        footer = {"", "Example: talent report app -o report.html",
                "         talent report svc@00000000000000000123 --fleet FILE -o old.html",
                "         (a kept incarnation of svc: talent status --all lists them)",
                "Exit status: 0 written, 66 no history of the app (with --fleet: no such app deployed nor kept, or no such incarnation),"
                        + " 64 bad command line,"
                        + " 69 the fleet cannot be read, 74 I/O error."})
public final class ReportCommand implements Callable<Integer> {
    /** Bounds on the history read: it holds text that came from the program (container log tails). */
    static final int MAX_LINE = 1 << 20;
    static final int MAX_EVENTS = 200_000;
    private static final Set<String> EVENTS = Set.of("start", "migration", "alert", "alert-clear", "end");

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APP", description = "The app's name (talent run --name; with --fleet, deploy --name: the"
            + " deployed app, else its newest incarnation etcd keeps). APP@GENERATION, with --fleet: that kept incarnation of an ended"
            + " app, its generation as talent status --all prints it (leading zeros may be left out).")
    String app;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.html", required = true, description = "Where to write the page.")
    Path output;

    @Option(names = "--state-dir", paramLabel = "S", description = "The run's state directory (default: .talent-run/APP).")
    Path stateDir;

    @Option(names = "--fleet", paramLabel = "FILE", description = "A fleet app's report, from etcd: its kept migration records"
            + " (places as host/platform) and alert history; after undeploy, while the controllers keep its history (--keep-ended). $TALENT_FLEET does not switch this command.")
    Path fleet;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (fleet != null) {
            dev.talent.fleet.apps.AppRef ref;
            try {
                ref = dev.talent.fleet.apps.AppRef.parse(app);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            try {
                java.util.Optional<ArrayNode> events = dev.talent.cli.fleet.FleetReport.read(fleet, Map.of(), ref);
                if (events.isEmpty()) {
                    spec.commandLine().getErr().println("talent report: " + dev.talent.cli.fleet.FleetCommands.missing(ref));
                    return 66;
                }
                return write(ref.toString(), events.get());
            } catch (dev.talent.fleet.FleetException e) {
                spec.commandLine().getErr().println("talent report: " + e.getMessage());
                return ExitCodes.UNAVAILABLE;
            }
        }
        if (dev.talent.fleet.apps.AppRef.hasGeneration(app))
            throw new ParameterException(spec.commandLine(), "'" + SafeText.escape(app) + "': APP@GENERATION names a kept incarnation of"
                    + " an ended fleet app: only with --fleet (a local talent run keeps one history per name)");
        Path history = (stateDir != null ? stateDir : Path.of(".talent-run", app)).resolve(AppHistory.FILE);
        ArrayNode events = ControlJson.MAPPER.createArrayNode();
        int skipped = 0;
        try (BufferedReader in = Files.newBufferedReader(history, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.length() > MAX_LINE || events.size() >= MAX_EVENTS) {
                    skipped++;
                    continue;
                }
                ObjectNode e = event(line);
                if (e == null) skipped++;
                else events.add(e);
            }
        } catch (NoSuchFileException e) {
            spec.commandLine().getErr().println("talent report: no history of app " + SafeText.escape(app) + " at " + history
                    + " (give the run's --state-dir S)");
            return 66;
        }
        if (skipped > 0) {
            spec.commandLine().getErr().println("talent report: skipped " + skipped + " line(s) of " + history
                    + " that are not history events");
        }
        return write(app, events);
    }

    /** The page of {@code title} (the app, or APP@GENERATION) to {@code output}. */
    private int write(String title, ArrayNode events) throws IOException {
        ObjectNode data = ControlJson.MAPPER.createObjectNode();
        data.put("app", title);
        data.put("generated", Instant.now().toString());
        data.set("events", events);
        String page = render(title, data);
        Path target = output.toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), ".report", ".tmp");
        try {
            Files.writeString(tmp, page);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        spec.commandLine().getErr().println("talent report: wrote " + target + " (" + events.size() + " events)");
        return ExitCodes.OK;
    }

    /** One history line as an event the page understands, or null. */
    public static ObjectNode event(String line) {
        JsonNode n;
        try {
            n = ControlJson.MAPPER.readTree(line);
        } catch (IOException e) {
            return null;
        }
        if (n == null || !n.isObject() || !EVENTS.contains(n.path("event").asText()) || !n.path("at").isTextual()) return null;
        try {
            Instant.parse(n.get("at").asText());
        } catch (DateTimeParseException e) {
            return null;
        }
        return (ObjectNode) n;
    }

    /** The page: the template with the data embedded as JSON that cannot end its script element. */
    static String render(String app, ObjectNode data) throws IOException {
        String template;
        try (InputStream in = ReportCommand.class.getResourceAsStream("report.html")) {
            if (in == null) throw new IOException("report.html is missing from talent's classpath");
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String json = data.toString().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
        return template.replace("@@TITLE@@", html(app)).replace("@@DATA@@", json);
    }

    static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
