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
        description = {"A fleet app's output, whole: each host's part in the order the app ran there. Its stdout is written to"
                + " this command's stdout and its stderr to this command's stderr (as docker logs does); --stream picks one.",
                "Each host keeps the newest 32 MiB of each stream: an older part that was dropped is skipped, and said on stderr."})
public final class LogsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--fleet", paramLabel = "FILE", description = "The fleet file (default: $TALENT_FLEET).") Path fleet;
    @Option(names = {"-f", "--follow"}, description = "Keep writing what comes until the app ends.") boolean follow;
    @Option(names = "--stream", paramLabel = "STREAM", defaultValue = "all",
            description = "all (default), stdout or stderr (that one alone, to this command's stdout).") String stream;
    @Parameters(index = "0", paramLabel = "APP") String app;

    Map<String, String> env = System.getenv();
    /** Where the bytes go (tests); default: this process's stdout and stderr, unconverted. */
    OutputStream sink, errSink;

    @Override
    public Integer call() throws InterruptedException {
        String incarnation = FleetCommands.refusedIncarnation("logs", app);
        if (incarnation != null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), incarnation);
        OutputStream out = sink != null ? sink : new java.io.FileOutputStream(java.io.FileDescriptor.out);
        OutputStream err = errSink != null ? errSink : new java.io.FileOutputStream(java.io.FileDescriptor.err);
        java.io.PrintWriter notices = spec.commandLine().getErr();
        OutputStream toOut, toErr;
        switch (stream) {
            case "all" -> { toOut = out; toErr = err; }
            case "stdout" -> { toOut = out; toErr = null; }
            case "stderr" -> { toOut = null; toErr = out; }
            default -> {
                notices.println("talent logs: --stream is all, stdout or stderr, not '" + stream.replaceAll("[^\\x20-\\x7e]", "?") + "'");
                return ExitCodes.USAGE;
            }
        }
        try (FleetSession s = FleetSession.open(fleet, env)) {
            s.apps.logs(app, toOut, toErr, n -> {
                notices.println("talent logs: " + n);
                notices.flush();
            }, follow, () -> false);
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
