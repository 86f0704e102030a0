package dev.talent.cli.fleet;

import dev.talent.cli.ExitCodes;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.apps.FleetApps;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code talent drain HOST}: the host becomes unschedulable and its apps move to other hosts; one line per app. */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = {"Mark a fleet host drained (unschedulable: no app is placed, restarted or migrated there) and move every "
                + "app off it to other live hosts that have one of its platforms; print one line per app as it leaves "
                + "(or why it stays). `talent undrain HOST` makes it schedulable again; `talent hosts` shows it."},
        footer = {"", "Exit status: 0 every app left the host, 1 some stay (no other host can run them, or their migrations "
                + "failed until --timeout: they run on where they were), 69 no fleet, no leader or no such host."})
public final class DrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--fleet", paramLabel = "FILE", description = "The fleet file (default: $TALENT_FLEET).") Path fleet;
    @Option(names = "--timeout", paramLabel = "S", defaultValue = "300",
            description = "How long to wait for the apps to leave, in seconds (default: ${DEFAULT-VALUE}).") int timeout;
    @Parameters(index = "0", paramLabel = "HOST") String host;

    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (FleetSession s = FleetSession.open(fleet, env)) {
            List<FleetApps.DrainOutcome> all = s.apps.drain(host, Duration.ofSeconds(Math.max(1, timeout)), o -> {
                out.println(line(o));
                out.flush();
            });
            long stay = all.stream().filter(o -> !o.moved()).count();
            out.println(host + " drained: " + (all.size() - stay) + " app(s) left it" + (stay > 0 ? ", " + stay + " stay" : ""));
            out.flush();
            return stay == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
        } catch (FleetException e) {
            spec.commandLine().getErr().println("talent drain: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
    }

    /** {@code APP: FROM -> TO (detail)}, or {@code APP: stays on FROM: why}. */
    static String line(FleetApps.DrainOutcome o) {
        if (!o.moved()) return o.app() + ": stays on " + o.from() + ": " + o.detail();
        if (o.to() == null) return o.app() + ": " + o.detail();
        return o.app() + ": " + o.from() + " -> " + o.to() + " (" + o.detail() + ")";
    }
}
