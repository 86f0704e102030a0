package dev.talent.cli.fleet;

import dev.talent.cli.ExitCodes;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.apps.AppRecords;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "wait", mixinStandardHelpOptions = true,
        description = "Wait until a fleet app ends; exit with its program's status.",
        footer = {"", "Exit status: the program's (0-255); 1 the fleet lost it; 69 no fleet or no such app."})
public final class WaitCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--fleet", paramLabel = "FILE", description = "The fleet file (default: $TALENT_FLEET).") Path fleet;
    @Option(names = "--fetch-workdir", paramLabel = "DIR", description = "Write its final working directory into DIR (absent or empty).") Path fetch;
    @Parameters(index = "0", paramLabel = "APP") String app;

    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws InterruptedException {
        String incarnation = FleetCommands.refusedIncarnation("wait", app);
        if (incarnation != null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), incarnation);
        try (FleetSession s = FleetSession.open(fleet, env)) {
            AppRecords.Ended e = s.apps.await(app, Optional.ofNullable(fetch), () -> false);
            spec.commandLine().getErr().println("talent wait: " + app + ": " + StatusView.ended(e));
            if (e.status() == null) return ExitCodes.FAILURE;
            return e.status() & 0xff;
        } catch (FleetException e) {
            spec.commandLine().getErr().println("talent wait: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
    }
}
