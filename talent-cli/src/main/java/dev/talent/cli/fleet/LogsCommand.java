package dev.talent.cli.fleet;

import dev.talent.cli.ExitCodes;
import dev.talent.fleet.FleetException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "A fleet app's output (stdout and stderr as it wrote them), whole: each host's part in the order the app ran there.")
public final class LogsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--fleet", paramLabel = "FILE", description = "The fleet file (default: $TALENT_FLEET).") Path fleet;
    @Option(names = {"-f", "--follow"}, description = "Keep writing what comes until the app ends.") boolean follow;
    @Parameters(index = "0", paramLabel = "APP") String app;

    Map<String, String> env = System.getenv();
    /** Where the bytes go (tests); default: this process's stdout, unconverted. */
    OutputStream sink;

    @Override
    public Integer call() throws InterruptedException {
        OutputStream out = sink != null ? sink : new java.io.FileOutputStream(java.io.FileDescriptor.out);
        try (FleetSession s = FleetSession.open(fleet, env)) {
            s.apps.logs(app, out, follow, () -> false);
            return ExitCodes.OK;
        } catch (FleetException e) {
            spec.commandLine().getErr().println("talent logs: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        } catch (IOException e) {
            spec.commandLine().getErr().println("talent logs: cannot write: " + e.getMessage());
            return ExitCodes.IO_ERROR;
        }
    }
}
