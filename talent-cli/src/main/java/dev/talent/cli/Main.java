package dev.talent.cli;

import dev.talent.format.SafeText;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code talent}: the command line. Commands render what the core reports; only they print. */
@Command(name = "talent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Compile C programs that checkpoint and restart across ISAs, and run them migrating between platforms.")
public final class Main implements Runnable {

    /**
     * The subcommands, by name, in the order --help lists them. They are registered here rather than in the
     * annotation so that a command line naming one of them builds (and loads the classes of) that one alone:
     * picocli reads every registered command's annotations, which is most of the start-up time of a short
     * command such as {@code talent status} (issue 16).
     */
    static final java.util.Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private static java.util.Map<String, Class<?>> subcommands() {
        java.util.Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
        m.put("build", BuildCommand.class);
        m.put("exec", ExecCommand.class);
        m.put("run", RunCommand.class);
        m.put("checkpoint", CheckpointCommand.class);
        m.put("inspect", InspectCommand.class);
        m.put("demo", DemoCommand.class);
        m.put("platforms", PlatformsCommand.class);
        m.put("migrate", MigrateCommand.class);
        m.put("status", StatusCommand.class);
        m.put("alert", AlertCommand.class);
        m.put("alerts", AlertsCommand.class);
        m.put("report", ReportCommand.class);
        m.put("bench", dev.talent.cli.bench.BenchCommand.class);
        m.put("pki", dev.talent.cli.fleet.PkiCommand.class);
        m.put("lab", dev.talent.cli.fleet.LabCommand.class);
        m.put("hosts", dev.talent.cli.fleet.HostsCommand.class);
        m.put("agent", dev.talent.cli.fleet.AgentCommand.class);
        m.put("controller", dev.talent.cli.fleet.ControllerCommand.class);
        m.put("deploy", dev.talent.cli.fleet.DeployCommand.class);
        m.put("logs", dev.talent.cli.fleet.LogsCommand.class);
        m.put("wait", dev.talent.cli.fleet.WaitCommand.class);
        m.put("undeploy", dev.talent.cli.fleet.UndeployCommand.class);
        m.put("drain", dev.talent.cli.fleet.DrainCommand.class);
        m.put("undrain", dev.talent.cli.fleet.UndrainCommand.class);
        m.put("help", CommandLine.HelpCommand.class);
        return java.util.Collections.unmodifiableMap(m);
    }

    @Spec CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true, System.out.charset()), new PrintWriter(System.err, true, System.err.charset()), args));
    }

    /** Runs one command line with the given streams; returns the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        try {
            String first = args.length > 0 ? args[0] : "";
            if (first.equals("--aot-training")) return aotTraining();
            // talentcc: gcc's command-line conventions, not picocli's
            if (first.equals("cc")) return TalentCc.run(err, java.util.Arrays.asList(args).subList(1, args.length));
            boolean one = SUBCOMMANDS.containsKey(first) && !first.equals("help");
            if (one) return commandLine(out, err, java.util.List.of(first)).execute(args);
            return (namesNoSubcommand(args) ? listingCommandLine(out, err) : commandLine(out, err)).execute(args);
        } catch (OutOfMemoryError e) {
            err.println("talent: out of memory (Java heap: " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB); give it more with JAVA_TOOL_OPTIONS=-Xmx<size>");
            err.flush();
            return ExitCodes.INTERNAL;
        }
    }

    /**
     * The training run of the launcher's ahead-of-time cache (JDK 25 -XX:AOTCacheOutput): the short commands a
     * user runs many times, on their help and error paths, and {@code exec} as the launcher runs it up to the
     * launch plan, for every platform, of an empty file in a temporary directory (nothing is started; the
     * directory is removed), so that their classes and lambdas are in the cache.
     */
    private static int aotTraining() {
        PrintWriter sink = new PrintWriter(java.io.Writer.nullWriter());
        String[][] lines = {{"--help"}, {"--version"}, {}, {"nosuch"}, {"status", "--help"}, {"exec", "--help"},
                {"build", "--help"}, {"run", "--help"}, {"checkpoint", "--help"}, {"platforms", "--help"},
                {"alerts", "--help"}, {"exec", "--isa", "s390x", "/nonexistent/talent-aot-training"},
                {"status", "--json", "talent-aot-training"}, {"status"}};
        for (String[] line : lines) run(sink, sink, line);
        java.nio.file.Path dir = null;
        try {
            dir = java.nio.file.Files.createTempDirectory("talent-aot-training");
            String program = dir.resolve("p").toString();
            for (dev.talent.toolchain.Platform p : dev.talent.toolchain.Platform.KNOWN) {
                java.nio.file.Files.createFile(dir.resolve("p." + p.name()));
                run(sink, sink, "exec", "--launch-plan", dir.resolve("plan").toString(), "--isa", p.name(),
                        "--checkpoint-dir", dir.resolve("checkpoints").toString(), program, "an-argument");
            }
        } catch (java.io.IOException e) {
            // no temporary directory: the cache is made without exec's launch path
        } finally {
            if (dir != null) deleteTree(dir);
        }
        return ExitCodes.OK;
    }

    private static void deleteTree(java.nio.file.Path dir) {
        try (var walk = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            // left in the temporary directory
        }
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, SUBCOMMANDS.keySet());
    }

    /** Whether no word of the command line is a subcommand's name or alias: parsing then never enters one. */
    static boolean namesNoSubcommand(String... args) {
        java.util.Set<String> names = new java.util.HashSet<>(SUBCOMMANDS.keySet());
        for (Class<?> c : SUBCOMMANDS.values()) names.addAll(java.util.List.of(c.getAnnotation(Command.class).aliases()));
        for (String arg : args) if (names.contains(arg)) return false;
        return true;
    }

    /**
     * The command line for a line that names no subcommand ({@code talent --help}, {@code --version}, no
     * argument, an unknown command): each subcommand is only what talent's usage lists of it (name, aliases,
     * header, description, hidden), read from its {@code @Command} alone rather than by building its whole model
     * (options, nested subcommands), which took most of {@code talent --help}'s time (issue 16). The usage and
     * messages are those of {@link #commandLine(PrintWriter, PrintWriter)} (HelpTextTest compares them).
     */
    static CommandLine listingCommandLine(PrintWriter out, PrintWriter err) {
        java.util.Map<String, Object> listed = new java.util.LinkedHashMap<>();
        SUBCOMMANDS.forEach((name, type) -> {
            Command c = type.getAnnotation(Command.class);
            CommandSpec spec = CommandSpec.create().name(name).aliases(c.aliases());
            spec.usageMessage().header(c.header()).description(c.description()).hidden(c.hidden());
            listed.put(name, spec);
        });
        return configure(new CommandLine(new Main()), listed, out, err);
    }

    /** The command line with the subcommands {@code names} only (each a key of {@link #SUBCOMMANDS}). */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, java.util.Collection<String> names) {
        java.util.Map<String, Object> subcommands = new java.util.LinkedHashMap<>();
        for (String name : names) subcommands.put(name, SUBCOMMANDS.get(name));
        return configure(new CommandLine(new Main()), subcommands, out, err);
    }

    private static CommandLine configure(CommandLine cli, java.util.Map<String, Object> subcommands, PrintWriter out,
            PrintWriter err) {
        subcommands.forEach(cli::addSubcommand);
        cli.setOut(out);
        cli.setErr(err);
        // exec passes the program's arguments through untouched: everything after the program is the program's.
        for (String name : java.util.List.of("exec", "run")) {
            if (cli.getSubcommands().containsKey(name)) cli.getSubcommands().get(name).setStopAtPositional(true);
        }
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
