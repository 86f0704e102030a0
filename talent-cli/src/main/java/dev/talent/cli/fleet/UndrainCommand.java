package dev.talent.cli.fleet;

import dev.talent.cli.ExitCodes;
import dev.talent.fleet.FleetException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code talent undrain HOST}: a drained host is schedulable again (its apps do not come back by themselves). */
@Command(name = "undrain", mixinStandardHelpOptions = true,
        description = "Make a drained fleet host schedulable again (apps moved off it stay where they are).")
public final class UndrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--fleet", paramLabel = "FILE", description = "The fleet file (default: $TALENT_FLEET).") Path fleet;
    @Parameters(index = "0", paramLabel = "HOST") String host;

    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws InterruptedException {
        try (FleetSession s = FleetSession.open(fleet, env)) {
            s.apps.undrain(host, Duration.ofSeconds(60));
            spec.commandLine().getOut().println(host + " undrained");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        } catch (FleetException e) {
            spec.commandLine().getErr().println("talent undrain: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
    }
}
