package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The commands whose picocli model is built in code ({@code talent} itself, {@code status}, {@code exec}) against the annotated
 * declarations they replace (copied here as they were): for many command lines, the same usage text, output, error
 * messages, exit status and parsed values.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CommandSpecEquivalenceTest {

    /** talent's top command as it was declared. */
    @Command(name = "talent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Compile C programs that checkpoint and restart across ISAs, and run them migrating between platforms.")
    static final class AnnotatedMain implements Runnable {
        @Spec CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getErr());
            throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
        }
    }

    /** talent status as it was declared (its call() is not run here: the values it got are compared). */
    @Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Show the running `talent run`s: one line each; with APP, also its recent migrations and their timings."},
            footer = {"", "Exit status: 0 shown (also when nothing runs), 1 an app did not answer or answered an error, "
                    + "64 bad command line, 69 no app with that name, 77 not permitted."})
    static final class AnnotatedStatus implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--json", description = "Print the status as JSON (with APP: one object; without: an array).")
        boolean json;

        @Parameters(index = "0", arity = "0..1", paramLabel = "APP", description = StatusCommand.APP_DESCRIPTION)
        String app;

        @Option(names = "--fleet", paramLabel = "FILE", description = "Show the apps of this fleet (default: $TALENT_FLEET when set;"
                + " without either: the local talent runs).")
        Path fleet;

        @Option(names = "--all", description = StatusCommand.ALL_DESCRIPTION)
        boolean all;

        @Option(names = "--ended", description = StatusCommand.ENDED_DESCRIPTION)
        boolean ended;

        @Override
        public Integer call() {
            throw new AssertionError("not run in this test");
        }
    }

    /** talent exec as it was declared. */
    @Command(name = "exec", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Run DIR/NAME.<isa>, natively or under qemu-<arch>-static; exit status is the program's.",
            footer = {"", "Exit status: the program's; 75 checkpoint written; runtime errors: 64 bad configuration,",
                    "65 cannot restore here, 66 no valid checkpoint, 70 internal, 74 I/O error.",
                    "talent's own: 64 bad command line, 69 binary or emulator missing.",
                    "", "Configuration: ./talent.conf (or --config FILE), then TALENT_* variables, then these flags, the later "
                            + "overriding the earlier; keys: talent-runtime/src/main/c/README.md.",
                    "", "Through ./talent the program replaces talent's process: signal that PID (or: talent checkpoint PID). "
                            + "SIGUSR1: checkpoint at the next site and exit 75; SIGUSR2: checkpoint and keep running."})
    static final class AnnotatedExec implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Option(names = "--isa", required = true, paramLabel = "ISA", description = "Platform to run on.")
        String isa;

        @Option(names = "--checkpoint-dir", paramLabel = "D", description = "Directory of checkpoints (TALENT_CHECKPOINT_DIR; default: the current directory).")
        Path checkpointDir;

        @Option(names = "--stop-after", paramLabel = "N",
                description = "At the N-th visit of any checkpoint site, write a checkpoint and exit 75 (TALENT_STOP_AFTER).")
        Long stopAfter;

        @Option(names = "--restart", description = "Resume from the newest valid checkpoint in D; argv comes from it "
                + "(ARGS, if given, must be the same).")
        boolean restart;

        @Option(names = "--keep", paramLabel = "K", description = "Keep the newest K checkpoints (TALENT_KEEP, default 2).")
        Integer keep;

        @Option(names = "--every-visits", paramLabel = "N",
                description = "Also write a checkpoint every N site visits and keep running (TALENT_EVERY_VISITS).")
        Long everyVisits;

        @Option(names = "--every-seconds", paramLabel = "T",
                description = "Also write a checkpoint every T seconds (decimals allowed) and keep running (TALENT_EVERY_SECONDS).")
        Double everySeconds;

        @Option(names = "--config", paramLabel = "FILE",
                description = "Configuration file instead of ./talent.conf (TALENT_CONFIG); environment variables and these flags override it.")
        Path config;

        @Option(names = {"-v", "--verbose"}, description = "Runtime messages on stderr (TALENT_VERBOSE).")
        boolean verbose;

        /** Set by the ./talent launcher: write the command to this file instead of running it (see LaunchPlan). */
        @Option(names = "--launch-plan", hidden = true, paramLabel = "FILE")
        Path launchPlan;

        @Parameters(index = "0", paramLabel = "DIR/NAME", description = "The program, without the .<isa> suffix.")
        String program;

        @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments of the program (after --).")
        List<String> programArgs = new ArrayList<>();

        @Override
        public Integer call() {
            throw new AssertionError("not run in this test");
        }

        String values() {
            return String.join(" ", "isa=" + isa, "dir=" + checkpointDir, "stop=" + stopAfter, "restart=" + restart, "keep=" + keep,
                    "visits=" + everyVisits, "seconds=" + everySeconds, "config=" + config, "verbose=" + verbose, "plan=" + launchPlan,
                    "program=" + program, "args=" + programArgs);
        }
    }

    private static final String[][] LINES = {
            {}, {"--help"}, {"-h"}, {"-V"}, {"--version"}, {"-hV"}, {"--nosuch"}, {"nosuch"}, {"-x"},
            {"status"}, {"status", "--help"}, {"status", "-h"}, {"status", "-V"}, {"status", "--version"},
            {"status", "--json"}, {"status", "--json=true"}, {"status", "--json=false"}, {"status", "--json", "--json"},
            {"status", "app"}, {"status", "app", "--json"}, {"status", "--json", "app"}, {"status", "a", "b"},
            {"status", "--fleet"}, {"status", "--fleet", "f.conf"}, {"status", "--fleet=f.conf", "app"},
            {"status", "--fleet", "a", "--fleet", "b"}, {"status", "--nosuch"}, {"status", "-j"}, {"status", "--"},
            {"status", "--", "--json"}, {"status", "-hV"}, {"status", "-Vh"}, {"status", "--json", "-h"},
            {"status", "--jso"}, {"status", "--JSON"}, {"status", "app", "--fleet"}, {"status", ""}, {"status", "-"},
            {"--help", "status"}, {"-V", "status"}, {"status", "--help", "app"}, {"status", "--fleet", "--json"},
            {"status", "--all"}, {"status", "--ended", "--json"}, {"status", "--all=false", "--fleet", "f"}, {"status", "--al"},
            {"exec"}, {"exec", "--help"}, {"exec", "-V"}, {"exec", "app"}, {"exec", "--isa"}, {"exec", "--isa", "s390x"},
            {"exec", "--isa", "s390x", "b/app"}, {"exec", "--isa=x86_64", "b/app", "a1", "--", "-x", "--isa"},
            {"exec", "--isa", "x86_64", "--", "b/app", "--", "y"}, {"exec", "b/app", "--isa", "x86_64"},
            {"exec", "--isa", "i686", "--checkpoint-dir", "ck", "--stop-after", "40", "--keep", "3", "--every-visits", "100",
                    "--every-seconds", "0.5", "--config", "c.conf", "-v", "--launch-plan", "p", "--restart", "b/app", "x"},
            {"exec", "--isa", "i686", "--stop-after", "x", "b/app"}, {"exec", "--isa", "i686", "--keep", "1.5", "b/app"},
            {"exec", "--isa", "i686", "--every-seconds", "abc", "b/app"}, {"exec", "--isa", "i686", "--verbose=true", "b/app"},
            {"exec", "--isa", "a", "--isa", "b", "c"}, {"exec", "--nosuch", "--isa", "a", "b"}, {"exec", "--isa", "a", "-vh", "b"},
            {"exec", "--launch-plan"}, {"exec", "-v", "--isa", "a", "b", "-v", "--keep", "2"}, {"exec", "--restart=false", "--isa", "a", "b"},
            {"exec", "--stop-after", "9999999999999", "--isa", "a", "b"}, {"exec", "--keep", "99999999999", "--isa", "a", "b"},
            {"exec", "--isa", "", ""}, {"exec", "--every-visits", "-1", "--isa", "a", "b"}, {"help", "exec"},
    };

    @Test
    void theBuiltCommandsBehaveAsTheAnnotatedOnes() {
        PrintStream saved = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8)); // picocli's tracer writes here
        try {
            for (String[] line : LINES) {
                String annotated = run(line, false);
                String built = run(line, true);
                assertThat(built).as("talent %s", String.join(" ", line)).isEqualTo(annotated);
            }
        } finally {
            System.setErr(saved);
        }
        assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
        // the lines above do reach the status command and its values
        assertThat(run(new String[] {"status", "--json", "--fleet", "f.conf", "app"}, true))
                .contains("json=true app=app fleet=f.conf");
        assertThat(run(new String[] {"exec", "--isa=x86_64", "b/app", "a1", "--", "-x", "--isa"}, true))
                .contains("isa=x86_64 ", "program=b/app args=[a1, --, -x, --isa]");
    }

    @Test
    void theUsageTextsAreTheSame() {
        CommandLine annotated = new CommandLine(new AnnotatedMain()).addSubcommand("status", new AnnotatedStatus())
                .addSubcommand("exec", new AnnotatedExec());
        CommandLine built = new CommandLine(Main.topSpec()).addSubcommand("status", Main.BUILT.get("status").get())
                .addSubcommand("exec", Main.BUILT.get("exec").get());
        assertThat(built.getSubcommands().get("exec").getUsageMessage(CommandLine.Help.Ansi.OFF))
                .isEqualTo(annotated.getSubcommands().get("exec").getUsageMessage(CommandLine.Help.Ansi.OFF));
        assertThat(built.getUsageMessage(CommandLine.Help.Ansi.OFF)).isEqualTo(annotated.getUsageMessage(CommandLine.Help.Ansi.OFF));
        assertThat(built.getSubcommands().get("status").getUsageMessage(CommandLine.Help.Ansi.OFF))
                .isEqualTo(annotated.getSubcommands().get("status").getUsageMessage(CommandLine.Help.Ansi.OFF))
                .contains("--fleet=FILE", "Exit status: 0");
        assertThat(built.getUsageMessage(CommandLine.Help.Ansi.ON)).isEqualTo(annotated.getUsageMessage(CommandLine.Help.Ansi.ON));
    }

    @Test
    void theListingAndTheFullCommandLineUseTheBuiltStatus() {
        StringWriter out = new StringWriter();
        CommandLine full = Main.commandLine(new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertThat(full.getSubcommands().get("status").getCommandSpec().userObject()).isInstanceOf(StatusCommand.class);
        assertThat(full.getSubcommands().get("status").getUsageMessage(CommandLine.Help.Ansi.OFF))
                .isEqualTo(new CommandLine(new AnnotatedMain()).addSubcommand("status", new AnnotatedStatus())
                        .getSubcommands().get("status").getUsageMessage(CommandLine.Help.Ansi.OFF));
        assertThat(full.execute("help", "status")).isZero();
        assertThat(out.toString()).startsWith("Usage: talent status [-hV] [--all] [--ended] [--json] [--fleet=FILE] [APP]");
    }

    /**
     * Runs {@code line} on talent's configured command line with either the annotated or the built commands; instead
     * of status's call(), prints the values it got. Returns the exit status, stdout and stderr.
     */
    private static String run(String[] line, boolean built) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err);
        Map<String, Object> subcommands = new LinkedHashMap<>();
        subcommands.put("status", built ? Main.BUILT.get("status").get() : new AnnotatedStatus());
        subcommands.put("exec", built ? Main.BUILT.get("exec").get() : new AnnotatedExec());
        subcommands.put("help", CommandLine.HelpCommand.class);
        CommandLine cli = Main.configure(new CommandLine(built ? Main.topSpec() : new AnnotatedMain()), subcommands, o, e);
        cli.setExecutionStrategy(parseResult -> {
            Integer help = CommandLine.executeHelpRequest(parseResult);
            if (help != null) return help;
            List<CommandLine> parsed = parseResult.asCommandLineList();
            Object command = parsed.get(parsed.size() - 1).getCommandSpec().userObject();
            if (command instanceof StatusCommand s) {
                o.println("json=" + s.json + " app=" + s.app + " fleet=" + s.fleet + " all=" + s.all + " ended=" + s.ended);
                return 0;
            }
            if (command instanceof AnnotatedStatus s) {
                o.println("json=" + s.json + " app=" + s.app + " fleet=" + s.fleet + " all=" + s.all + " ended=" + s.ended);
                return 0;
            }
            if (command instanceof ExecCommand x) {
                o.println(String.join(" ", "isa=" + x.isa, "dir=" + x.checkpointDir, "stop=" + x.stopAfter, "restart=" + x.restart,
                        "keep=" + x.keep, "visits=" + x.everyVisits, "seconds=" + x.everySeconds, "config=" + x.config,
                        "verbose=" + x.verbose, "plan=" + x.launchPlan, "program=" + x.program, "args=" + x.programArgs));
                return 0;
            }
            if (command instanceof AnnotatedExec x) {
                o.println(x.values());
                return 0;
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        int status = cli.execute(line);
        o.flush();
        e.flush();
        return "status " + status + "\nout:\n" + out + "err:\n" + err;
    }
}
