package dev.talent.cli;

import dev.talent.format.SafeText;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code talent}: the command line. Commands render what the core reports; only they print. */
@Command(name = "talent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Compile C programs that checkpoint and restart across ISAs, and run them migrating between platforms.",
        subcommands = {BuildCommand.class, ExecCommand.class, RunCommand.class, CheckpointCommand.class, InspectCommand.class, DemoCommand.class,
                PlatformsCommand.class, MigrateCommand.class, StatusCommand.class, AlertCommand.class, AlertsCommand.class, ReportCommand.class, dev.talent.cli.bench.BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Spec CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line with the given streams; returns the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        try {
            return commandLine(out, err).execute(args);
        } catch (OutOfMemoryError e) {
            err.println("talent: out of memory (Java heap: " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB); give it more with JAVA_TOOL_OPTIONS=-Xmx<size>");
            err.flush();
            return ExitCodes.INTERNAL;
        }
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        // exec passes the program's arguments through untouched: everything after the program is the program's.
        cli.getSubcommands().get("exec").setStopAtPositional(true);
        cli.getSubcommands().get("run").setStopAtPositional(true);
        // Like cc: a repeated option (-O2 ... -O3, -std=...) means the last one.
        cli.setOverwrittenOptionsAllowed(true);
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("talent: " + e.getMessage());
            failed.getErr().println("usage: " + failed.getCommandSpec().qualifiedName()
                    + " --help  for the options");
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, failed, parseResult) -> {
            // A missing, unreadable or misplaced file is the user's to fix: a line that names it, no stack trace.
            var rendered = UserErrors.render(e);
            if (rendered.isPresent()) {
                failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": "
                        + rendered.get().message());
                return rendered.get().status();
            }
            failed.getErr().println("talent: internal error: " + SafeText.escape(String.valueOf(e)));
            e.printStackTrace(failed.getErr());
            return ExitCodes.INTERNAL;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"talent " + (v == null ? "(development build)" : v)};
        }
    }
}
