package dev.talent.cli;

import dev.talent.format.SafeText;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code talent}: the command line. Commands render what the core reports; only they print.
 *
 * <p>The top command's picocli model, and that of the commands in {@link #BUILT}, are built in code rather than
 * read from annotations (see {@link CommandSpecs}); {@code CommandSpecEquivalenceTest} checks them against the
 * annotated declarations they replace.
 */
public final class Main implements Runnable {

    static final String DESCRIPTION = "Compile C programs that checkpoint and restart across ISAs, and run them migrating between platforms.";

    /** The subcommands whose model is built in code: by name, a new command object's model. */
    static final java.util.Map<String, java.util.function.Supplier<CommandSpec>> BUILT =
            java.util.Map.of("status", () -> StatusCommand.commandSpec(new StatusCommand()),
                    "exec", () -> ExecCommand.commandSpec(new ExecCommand()));

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

    /**
     * What {@code talent --help} lists of each subcommand without aliases that is not hidden: the first line of its
     * {@code @Command} header, else of its description (the one line picocli lists). Kept here because reading the
     * annotations at run time (reflection makes the JVM generate a proxy class per annotation type, which the AOT
     * cache cannot keep) or the class files (the first resource read opens and indexes the whole shaded jar) was most
     * of {@code talent --help}'s start-up (issue 16). ListingTableTest checks each line against the annotation; a
     * subcommand missing here is listed from its annotation.
     */
    static final java.util.Map<String, String> SUMMARIES = summaries();

    private static java.util.Map<String, String> summaries() {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        m.put("build", "Instrument C sources and build DIR/NAME.<isa> for each ISA (static binaries).");
        m.put("run", "Run DIR/NAME in OCI containers (runc), migrating it between platforms; exit status is the program's.");
        m.put("checkpoint", "Ask a running talent program for a checkpoint at its next site (SIGUSR2; --stop: SIGUSR1, exit 75).");
        m.put("inspect", "Print a checkpoint: header, frames with their variables, heap blocks.");
        m.put("demo", "Build the bundled example and hop it across every available ISA, printing each hop.");
        m.put("platforms", "List the platforms, whether this host can build and run them (also as containers), and what is missing.");
        m.put("migrate", "Ask a running `talent run --name APP` to migrate now; wait until it is done and print its timings.");
        m.put("alert", "Raise an alert: platforms carrying tag T are quarantined until `talent alert clear T`, and every running app on one is migrated away at once to a platform without it. Waits until they moved and prints what each app did.");
        m.put("alerts", "Show the active alerts (quarantined tags) and what each did to the apps.");
        m.put("report", "Write an HTML report of an app's run: timeline, migrations, downtimes, alerts.");
        m.put("bench", "Benchmarks: instrumentation overhead, checkpoint/restore time of a 64 MiB array and of a 1M-node tree, latency of checkpoint requests, final environment sync vs rsync, live-migration downtime, fuzzing of the checkpoint readers.");
        m.put("pki", "The fleet's certificate authority: every connection in the fleet is mutual TLS 1.3 with certificates from it.");
        m.put("lab", "A test fleet on this machine: hosts as network namespaces on one bridge (needs root and etcd-server).");
        m.put("hosts", "The fleet's hosts: address, platforms, agent health (up: its lease is held and it answers over mutual TLS), apps, and which host's controller leads.");
        m.put("agent", "The fleet's daemon on every host (runs until SIGTERM; in production under systemd: talent-agent.service).");
        m.put("controller", "The fleet's controller (runs until SIGTERM; in production under systemd: talent-controller.service). Run one on several hosts: they keep no state of their own, and etcd's election picks the one that leads.");
        m.put("deploy", "Deploy a program to the fleet: each platform's binary (DIR/NAME.<platform>) and the working directory go to the live hosts that can run them (content-addressed, verified by the agents), the app's desired state goes to etcd, and the leading controller starts it and migrates it. Returns once it runs somewhere.");
        m.put("logs", "A fleet app's output, whole: each host's part in the order the app ran there. Its stdout is written to this command's stdout and its stderr to this command's stderr (as docker logs does); --stream picks one.");
        m.put("wait", "Wait until a fleet app ends; exit with its program's status.");
        m.put("undeploy", "Stop a fleet app and remove it from its host and from etcd (its records go with it).");
        m.put("drain", "Mark a fleet host drained (unschedulable: no app is placed, restarted or migrated there) and move every "
                + "app off it to other live hosts that have one of its platforms; print one line per app as it leaves "
                + "(or why it stays). `talent undrain HOST` makes it schedulable again; `talent hosts` shows it.");
        m.put("undrain", "Make a drained fleet host schedulable again (apps moved off it stay where they are).");
        m.put("help", "Display help information about the specified command.");
        return java.util.Collections.unmodifiableMap(m);
    }

    CommandSpec spec;

    /** The top command, {@code talent}, bound to a new Main: as {@code @Command(name = "talent",
     * mixinStandardHelpOptions = true, versionProvider = Version.class, description = DESCRIPTION)} would make it. */
    static CommandSpec topSpec() {
        Main main = new Main();
        CommandSpec spec = CommandSpecs.wrap(main).name("talent").versionProvider(new Version());
        spec.usageMessage().description(DESCRIPTION);
        CommandSpecs.standardHelpOptions(spec);
        main.spec = spec;
        return spec;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, System.out.charset());
        PrintWriter err = new PrintWriter(System.err, true, System.err.charset());
        int status = run(out, err, args);
        out.flush();
        err.flush();
        // A command that succeeded and left no other thread running ends by returning: the JVM then ends as
        // System.exit(0) would (shutdown hooks run, status 0) without Runtime.exit's logging, whose first use looks
        // for a System.LoggerFinder on the class path, which opens the shaded jar and reads its whole index (most
        // of the time after a short command's work; issue 16). Otherwise (another status, or threads a command left
        // behind, which would keep the JVM alive) it exits.
        if (status == ExitCodes.OK && aloneInTheJvm()) return;
        System.exit(status);
    }

    /** Whether no thread but the current one keeps the JVM alive (every other live thread is a daemon). */
    static boolean aloneInTheJvm() {
        Thread self = Thread.currentThread();
        Thread[] threads = new Thread[Thread.activeCount() + 8];
        ThreadGroup root = self.getThreadGroup();
        while (root.getParent() != null) root = root.getParent();
        int n = root.enumerate(threads, true);
        if (n == threads.length) return false; // more threads than counted: do not guess
        for (int i = 0; i < n; i++) {
            if (threads[i] != self && threads[i].isAlive() && !threads[i].isDaemon()) return false;
        }
        return true;
    }

    /** Runs one command line with the given streams; returns the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        try {
            String first = args.length > 0 ? args[0] : "";
            if (first.equals("--aot-training")) return aotTraining(args.length > 1 ? args[1] : "");
            // talentcc: gcc's command-line conventions, not picocli's
            if (first.equals("cc")) return TalentCc.run(err, java.util.Arrays.asList(args).subList(1, args.length));
            boolean one = SUBCOMMANDS.containsKey(first) && !first.equals("help");
            if (one) return execute(commandLine(out, err, java.util.List.of(first)), err, args);
            // (the models built in code are made once for both: the aliases, then the listing)
            java.util.Map<String, CommandSpec> built = builtSpecs();
            return execute(namesNoSubcommand(built, args) ? listingCommandLine(built, out, err) : commandLine(out, err), err, args);
        } catch (OutOfMemoryError e) {
            err.println("talent: out of memory (Java heap: " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB); give it more with JAVA_TOOL_OPTIONS=-Xmx<size>");
            err.flush();
            return ExitCodes.INTERNAL;
        }
    }

    /**
     * Runs {@code args} on {@code cli}. picocli's execution-exception handler (see {@link #configure}) gets the
     * exceptions a command throws, but an {@link Error} (a StackOverflowError, a NoClassDefFoundError, an
     * ExceptionInInitializerError, an AssertionError) passes it by: it is said here, as an internal error with its
     * stack trace and status 70, rather than left to the JVM (its own trace and status 1, which a caller cannot tell from
     * a command's own failure). Running out of memory is said by {@link #run}.
     */
    static int execute(CommandLine cli, PrintWriter err, String... args) {
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (Error e) {
            err.println("talent: internal error: " + SafeText.escape(String.valueOf(e)));
            e.printStackTrace(err);
            err.flush();
            return ExitCodes.INTERNAL;
        }
    }

    /**
     * The training run of the launcher's ahead-of-time cache (JDK 25 -XX:AOTCacheOutput): the short commands a
     * user runs many times, on their help and error paths, and {@code exec} as the launcher runs it up to the
     * launch plan, for every platform, of an empty file in a temporary directory (nothing is started; the
     * directory is removed), so that their classes and lambdas are in the cache. {@code group} names the commands of
     * one of the launcher's per-command caches ({@code help}: talent's own usage and version texts, {@code status},
     * {@code exec}); any other value (the launcher gives none) trains them all, for the cache of every other command.
     * The JVM loads every class of its cache at start, so a command's own cache holds what that command uses alone.
     */
    private static int aotTraining(String group) {
        // written as main writes (an encoder over a file's stream), so that those classes are in the cache too
        PrintWriter sink;
        try {
            sink = new PrintWriter(new java.io.FileOutputStream("/dev/null"), true, System.out.charset());
        } catch (java.io.IOException e) {
            sink = new PrintWriter(java.io.Writer.nullWriter());
        }
        String[][] help = {{"--help"}, {"--version"}, {}};
        String[][] status = {{"status", "--help"}, {"status", "--json", "talent-aot-training"}, {"status"}};
        String[][] exec = {{"exec", "--help"}, {"exec", "--isa", "s390x", "/nonexistent/talent-aot-training"}};
        String[][] others = {{"help"}, {"nosuch"}, {"build", "--help"}, {"run", "--help"}, {"checkpoint", "--help"},
                {"platforms", "--help"}, {"alerts", "--help"}};
        java.util.List<String[]> lines = new java.util.ArrayList<>();
        boolean all = !java.util.List.of("help", "status", "exec").contains(group);
        if (all || group.equals("help")) lines.addAll(java.util.List.of(help));
        if (all) lines.addAll(java.util.List.of(others));
        if (all || group.equals("status")) lines.addAll(java.util.List.of(status));
        if (all || group.equals("exec")) lines.addAll(java.util.List.of(exec));
        for (String[] line : lines) run(sink, sink, line);
        if (all || group.equals("exec")) trainExec(sink);
        return ExitCodes.OK;
    }

    /** {@code exec} up to its launch plan, for every platform (see {@link #aotTraining}). */
    private static void trainExec(PrintWriter sink) {
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
        return namesNoSubcommand(builtSpecs(), args);
    }

    /** A new model of each command of {@link #BUILT}, by name. */
    static java.util.Map<String, CommandSpec> builtSpecs() {
        java.util.Map<String, CommandSpec> built = new java.util.HashMap<>();
        BUILT.forEach((name, spec) -> built.put(name, spec.get()));
        return built;
    }

    private static boolean namesNoSubcommand(java.util.Map<String, CommandSpec> built, String... args) {
        java.util.Set<String> names = new java.util.HashSet<>(SUBCOMMANDS.keySet());
        SUBCOMMANDS.forEach((name, c) -> {
            if (built.containsKey(name)) names.addAll(java.util.List.of(built.get(name).aliases()));
            else if (!SUMMARIES.containsKey(name)) names.addAll(java.util.List.of(c.getAnnotation(Command.class).aliases()));
        });
        for (String arg : args) if (names.contains(arg)) return false;
        return true;
    }

    /**
     * The command line for a line that names no subcommand ({@code talent --help}, {@code --version}, no
     * argument, an unknown command): each subcommand is only what talent's usage lists of it (name, aliases,
     * header, description, hidden): its line of {@link #SUMMARIES}, else read from its {@code @Command} alone, rather
     * than by building its whole model (options, nested subcommands), which took most of {@code talent --help}'s time
     * (issue 16). Nor does it get a {@code CommandLine} of its own (picocli registers its type converters in each,
     * partly by reflection): one subcommand is registered, so that the synopsis and the heading of the listing are
     * those of a command with subcommands, and the listing itself is rendered by picocli's own
     * {@code Help.commandList} from those models. The usage and messages are those of
     * {@link #commandLine(PrintWriter, PrintWriter)} (HelpTextTest compares them).
     */
    static CommandLine listingCommandLine(PrintWriter out, PrintWriter err) {
        return listingCommandLine(builtSpecs(), out, err);
    }

    /** {@link #listingCommandLine(PrintWriter, PrintWriter)} with the models {@code built} (of {@link #builtSpecs}). */
    private static CommandLine listingCommandLine(java.util.Map<String, CommandSpec> built, PrintWriter out, PrintWriter err) {
        // each subcommand: its model, or (a line of SUMMARIES) null: no model is made for those
        java.util.Map<String, CommandSpec> listed = new java.util.LinkedHashMap<>();
        SUBCOMMANDS.forEach((name, type) -> {
            if (built.containsKey(name)) {
                listed.put(name, built.get(name));
            } else if (SUMMARIES.containsKey(name) && !SUMMARIES.get(name).contains("${")) {
                listed.put(name, null);
            } else {
                CommandSpec spec = CommandSpecs.wrap(null).name(name);
                if (SUMMARIES.containsKey(name)) {
                    spec.usageMessage().description(SUMMARIES.get(name));
                } else {
                    Command c = type.getAnnotation(Command.class);
                    spec.aliases(c.aliases()).usageMessage().header(c.header()).description(c.description()).hidden(c.hidden());
                }
                listed.put(name, spec);
            }
        });
        // (the parser never enters it: the command line names no subcommand)
        String first = listed.keySet().iterator().next();
        CommandSpec registered = listed.get(first);
        if (registered == null) {
            registered = CommandSpecs.wrap(null).name(first);
            registered.usageMessage().description(SUMMARIES.get(first));
        }
        CommandLine cli = configure(new CommandLine(topSpec(), CommandSpecs.FACTORY), java.util.Map.of(first, registered), out, err);
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> commandList(help, listed));
        return cli;
    }

    /**
     * What picocli's {@code Help.commandList} renders of the subcommands {@code listed} (hidden ones left out, in their
     * order), with its own text table: a column of the names (each name and its aliases, in the scheme's command
     * style), a wrapped column of each one's header line, else its first description line; a subcommand without a model
     * (a line of {@link #SUMMARIES}: no aliases, not hidden, nothing to interpolate) is listed from that line, without
     * making a model and a {@code Help} of it (most of {@code talent --help}'s time, issue 16).
     */
    @SuppressWarnings("deprecation") // TextTable.forColumns(Ansi, ...): the one Help.commandList uses
    private static String commandList(CommandLine.Help help, java.util.Map<String, CommandSpec> listed) {
        CommandLine.Help.ColorScheme scheme = help.colorScheme();
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.List<CommandLine.Help.Ansi.Text> nameTexts = new java.util.ArrayList<>();
        java.util.List<String> lines = new java.util.ArrayList<>();
        listed.forEach((name, spec) -> {
            if (spec == null) {
                names.add(name);
                nameTexts.add(scheme.commandText(name));
                lines.add(SUMMARIES.get(name));
                return;
            }
            var usage = spec.usageMessage();
            if (usage.hidden()) return;
            names.add(name);
            CommandLine.Help.Ansi.Text text = scheme.commandText(spec.name());
            for (String alias : spec.aliases()) text = text.concat(", ").concat(scheme.commandText(alias));
            nameTexts.add(text);
            lines.add(usage.header().length > 0 ? usage.header()[0] : usage.description().length > 0 ? usage.description()[0] : "");
        });
        if (names.isEmpty()) return "";
        int width = help.commandSpec().usageMessage().width();
        int commandLength = width / 2;
        int longest = 0;
        for (String name : names) longest = Math.max(longest, name.length());
        commandLength = Math.min(longest, commandLength);
        CommandLine.Help.TextTable table = CommandLine.Help.TextTable.forColumns(scheme.ansi(),
                new CommandLine.Help.Column(commandLength + 2, 2, CommandLine.Help.Column.Overflow.SPAN),
                new CommandLine.Help.Column(width - (commandLength + 2), 2, CommandLine.Help.Column.Overflow.WRAP));
        table.setAdjustLineBreaksForWideCJKCharacters(help.commandSpec().usageMessage().adjustLineBreaksForWideCJKCharacters());
        CommandLine.Help.Ansi.Text empty = CommandLine.Help.Ansi.OFF.new Text(0); // picocli's Ansi.EMPTY_TEXT
        for (int i = 0; i < names.size(); i++) {
            CommandLine.Help.Ansi.Text[] rows = scheme.text(formatted(lines.get(i))).splitLines();
            for (int j = 0; j < rows.length; j++) {
                table.addRowValues(j == 0 ? nameTexts.get(i) : empty, rows[j]);
            }
        }
        return table.toString();
    }

    /** A usage text as picocli formats it: String.format without arguments, the text itself when that fails. */
    private static String formatted(String text) {
        try {
            return String.format(text);
        } catch (java.util.IllegalFormatException e) {
            return text;
        }
    }

    /** The command line with the subcommands {@code names} only (each a key of {@link #SUBCOMMANDS}). */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, java.util.Collection<String> names) {
        java.util.Map<String, Object> subcommands = new java.util.LinkedHashMap<>();
        for (String name : names) subcommands.put(name, BUILT.containsKey(name) ? BUILT.get(name).get() : SUBCOMMANDS.get(name));
        return configure(new CommandLine(topSpec(), CommandSpecs.FACTORY), subcommands, out, err);
    }

    /** Streams, handlers and parser settings of talent's command line, on {@code cli} with {@code subcommands}. */
    static CommandLine configure(CommandLine cli, java.util.Map<String, Object> subcommands, PrintWriter out,
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
