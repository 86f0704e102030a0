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

@Command(name = "undeploy", mixinStandardHelpOptions = true,
        description = "Stop a fleet app and remove it from its host and from etcd (its records go with it).")
public final class UndeployCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--fleet", paramLabel = "FILE", description = "The fleet file (default: $TALENT_FLEET).") Path fleet;
    @Parameters(index = "0", paramLabel = "APP") String app;

    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws InterruptedException {
        String incarnation = FleetCommands.refusedIncarnation("undeploy", app);
        if (incarnation != null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), incarnation);
        try (FleetSession s = FleetSession.open(fleet, env)) {
            s.apps.undeploy(app, Duration.ofSeconds(60));
            spec.commandLine().getOut().println(app + " undeployed");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        } catch (FleetException e) {
            spec.commandLine().getErr().println("talent undeploy: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
    }
}
