package dev.talent.cli;

import dev.talent.toolchain.Launcher;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformUnavailableException;
import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code talent exec}: runs {@code DIR/NAME.<isa>} natively or under qemu with the runtime configured by
 * environment variables. It writes nothing to stdout (that is the program's), and exits with the program's
 * status: 75 after a checkpoint, the runtime's 64-74 codes for its errors.
 */
public final class ExecCommand implements Callable<Integer> {

    CommandSpec spec;

    String isa;

    Path checkpointDir;

    Long stopAfter;

    boolean restart;

    Integer keep;

    Long everyVisits;

    Double everySeconds;

    Path config;

    boolean verbose;

    /** Set by the ./talent launcher: write the command to this file instead of running it (see LaunchPlan). */
    Path launchPlan;

    String program;

    List<String> programArgs = new ArrayList<>();

    /**
     * The command {@code exec} bound to {@code c}. Built in code, not read from annotations: {@code talent exec} is on
     * the path of every program start and reading annotations was most of its start-up (issue 16);
     * CommandSpecEquivalenceTest checks it against the annotated declaration it replaces.
     */
    static CommandSpec commandSpec(ExecCommand c) {
        CommandSpec spec = CommandSpecs.wrap(c).name("exec");
        spec.usageMessage().sortOptions(false)
                .description("Run DIR/NAME.<isa>, natively or under qemu-<arch>-static; exit status is the program's.")
                .footer("", "Exit status: the program's; 75 checkpoint written; runtime errors: 64 bad configuration,",
                        "65 cannot restore here, 66 no valid checkpoint, 70 internal, 74 I/O error.",
                        "talent's own: 64 bad command line, 69 binary or emulator missing.",
                        "", "Configuration: ./talent.conf (or --config FILE), then TALENT_* variables, then these flags, the later "
                                + "overriding the earlier; keys: talent-runtime/src/main/c/README.md.",
                        "", "Through ./talent the program replaces talent's process: signal that PID (or: talent checkpoint PID). "
                                + "SIGUSR1: checkpoint at the next site and exit 75; SIGUSR2: checkpoint and keep running.");
        spec.addOption(option(OptionSpec.builder("--isa").required(true).paramLabel("ISA").description("Platform to run on."),
                String.class, () -> c.isa, v -> c.isa = (String) v));
        spec.addOption(option(OptionSpec.builder("--checkpoint-dir").paramLabel("D")
                .description("Directory of checkpoints (TALENT_CHECKPOINT_DIR; default: the current directory)."),
                Path.class, () -> c.checkpointDir, v -> c.checkpointDir = (Path) v));
        spec.addOption(option(OptionSpec.builder("--stop-after").paramLabel("N")
                .description("At the N-th visit of any checkpoint site, write a checkpoint and exit 75 (TALENT_STOP_AFTER)."),
                Long.class, () -> c.stopAfter, v -> c.stopAfter = (Long) v));
        spec.addOption(option(OptionSpec.builder("--restart").initialValue(false)
                .description("Resume from the newest valid checkpoint in D; argv comes from it (ARGS, if given, must be the same)."),
                boolean.class, () -> c.restart, v -> c.restart = (Boolean) v));
        spec.addOption(option(OptionSpec.builder("--keep").paramLabel("K").description("Keep the newest K checkpoints (TALENT_KEEP, default 2)."),
                Integer.class, () -> c.keep, v -> c.keep = (Integer) v));
        spec.addOption(option(OptionSpec.builder("--every-visits").paramLabel("N")
                .description("Also write a checkpoint every N site visits and keep running (TALENT_EVERY_VISITS)."),
                Long.class, () -> c.everyVisits, v -> c.everyVisits = (Long) v));
        spec.addOption(option(OptionSpec.builder("--every-seconds").paramLabel("T")
                .description("Also write a checkpoint every T seconds (decimals allowed) and keep running (TALENT_EVERY_SECONDS)."),
                Double.class, () -> c.everySeconds, v -> c.everySeconds = (Double) v));
        spec.addOption(option(OptionSpec.builder("--config").paramLabel("FILE")
                .description("Configuration file instead of ./talent.conf (TALENT_CONFIG); environment variables and these flags override it."),
                Path.class, () -> c.config, v -> c.config = (Path) v));
        spec.addOption(option(OptionSpec.builder("-v", "--verbose").initialValue(false).description("Runtime messages on stderr (TALENT_VERBOSE)."),
                boolean.class, () -> c.verbose, v -> c.verbose = (Boolean) v));
        spec.addOption(option(OptionSpec.builder("--launch-plan").hidden(true).paramLabel("FILE"),
                Path.class, () -> c.launchPlan, v -> c.launchPlan = (Path) v));
        CommandSpecs.Binding program = new CommandSpecs.Binding(() -> c.program, v -> c.program = (String) v);
        spec.addPositional(PositionalParamSpec.builder().index("0").required(true).paramLabel("DIR/NAME").type(String.class)
                .description("The program, without the .<isa> suffix.").setter(program).getter(program).build());
        @SuppressWarnings("unchecked")
        CommandSpecs.Binding args = new CommandSpecs.Binding(() -> c.programArgs, v -> c.programArgs = (List<String>) v);
        spec.addPositional(PositionalParamSpec.builder().index("1..*").arity("0..*").paramLabel("ARGS").type(List.class).auxiliaryTypes(String.class)
                .initialValue(c.programArgs).description("Arguments of the program (after --).").setter(args).getter(args).build());
        CommandSpecs.standardHelpOptions(spec);
        c.spec = spec;
        return spec;
    }

    private static OptionSpec option(OptionSpec.Builder b, Class<?> type, java.util.function.Supplier<Object> get,
            java.util.function.Consumer<Object> set) {
        CommandSpecs.Binding binding = new CommandSpecs.Binding(get, set);
        if (type == Path.class) b.converters(CommandSpecs.PATH);
        return b.type(type).setter(binding).getter(binding).build();
    }

    /** The caller's environment (where the runtime would find TALENT_CHECKPOINT_DIR etc.); replaced by tests. */
    Map<String, String> callerEnvironment = System.getenv();

    /** The program's arguments: a leading "--" only separates them from talent's options. */
    List<String> arguments() {
        return programArguments(programArgs);
    }

    /** The program's arguments out of the positionals after DIR/NAME (also for talent run). */
    static List<String> programArguments(List<String> positionals) {
        if (!positionals.isEmpty() && positionals.getFirst().equals("--")) return positionals.subList(1, positionals.size());
        return positionals;
    }

    /** The ranges are the runtime's (talent-runtime/src/main/c/config.c), checked here to name the flag. */
    static final int MAX_KEEP = 1_000_000;
    static final double MIN_SECONDS = 0.001;
    static final double MAX_SECONDS = 31_536_000;

    RuntimeEnvironment environment(Platform platform) {
        if (stopAfter != null && stopAfter < 1) {
            throw new ParameterException(spec.commandLine(), "--stop-after must be at least 1, not " + stopAfter);
        }
        if (keep != null && (keep < 1 || keep > MAX_KEEP)) {
            throw new ParameterException(spec.commandLine(), "--keep must be from 1 to " + MAX_KEEP + ", not " + keep);
        }
        if (everyVisits != null && everyVisits < 1) {
            throw new ParameterException(spec.commandLine(), "--every-visits must be at least 1, not " + everyVisits);
        }
        if (everySeconds != null && !(everySeconds >= MIN_SECONDS && everySeconds <= MAX_SECONDS)) {
            throw new ParameterException(spec.commandLine(), "--every-seconds must be from 0.001 to 31536000 (one year), not "
                    + spec.findOption("--every-seconds").originalStringValues().getLast());
        }
        if (checkpointDir != null && Files.exists(checkpointDir) && !Files.isDirectory(checkpointDir)) {
            throw new ParameterException(spec.commandLine(), "--checkpoint-dir " + checkpointDir + ": exists and is not a directory");
        }
        if (config != null && !Files.isRegularFile(config)) {
            throw new ParameterException(spec.commandLine(), "--config " + config + ": "
                    + (Files.exists(config) ? "not a regular file" : "no such file"));
        }
        if (config != null && !Files.isReadable(config)) {
            throw new ParameterException(spec.commandLine(), "--config " + config + ": not readable (permission denied)");
        }
        if (restart) {
            RestartArguments.Source source = RestartArguments.source(Optional.ofNullable(checkpointDir),
                    Optional.ofNullable(config), callerEnvironment);
            RestartArguments.refusal(arguments(), source).ifPresent(why -> {
                throw new ParameterException(spec.commandLine(), why);
            });
        }
        return new RuntimeEnvironment(platform, Optional.ofNullable(checkpointDir),
                stopAfter == null ? OptionalLong.empty() : OptionalLong.of(stopAfter), restart,
                keep == null ? OptionalInt.empty() : OptionalInt.of(keep), verbose, Optional.ofNullable(config),
                everyVisits == null ? OptionalLong.empty() : OptionalLong.of(everyVisits),
                everySeconds == null ? OptionalDouble.empty() : OptionalDouble.of(everySeconds));
    }

    Platform platform() {
        try {
            return Platform.parse(isa);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Platform platform = platform();
        RuntimeEnvironment env = environment(platform);
        Path binary = Path.of(program + "." + platform.name());
        if (!Files.isRegularFile(binary)) {
            err.println("talent exec: no " + binary + " (the program built for " + platform + ")" + otherBuilds(binary));
            err.println("  build it with: talent build -o " + Optional.ofNullable(Path.of(program).getParent()).orElse(Path.of("."))
                    + " --isa " + platform + " --name " + Path.of(program).getFileName() + " FILE.c...");
            return ExitCodes.UNAVAILABLE;
        }
        Launcher launcher;
        try {
            launcher = Launcher.forPlatform(platform, ToolchainProbe.ofHost());
        } catch (PlatformUnavailableException e) {
            err.println("talent exec: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
        if (env.checkpointDir().isPresent() && !restart) Files.createDirectories(env.checkpointDir().get());
        err.flush();
        if (launchPlan != null) {
            LaunchPlan plan = new LaunchPlan(launcher.command(binary.toAbsolutePath(), arguments()), env.inheriting());
            Files.write(launchPlan, plan.encode());
            return ExitCodes.OK;
        }
        return launcher.run(binary.toAbsolutePath(), arguments(), env.inheriting(), null);
    }

    private static String otherBuilds(Path binary) throws IOException {
        Path dir = Optional.ofNullable(binary.toAbsolutePath().getParent()).orElse(Path.of("/"));
        String stem = binary.getFileName().toString();
        stem = stem.substring(0, stem.lastIndexOf('.') + 1);
        if (!Files.isDirectory(dir)) return "";
        final String prefix = stem;
        try (Stream<Path> files = Files.list(dir)) {
            String found = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix) && Platform.fromName(n.substring(prefix.length())).isPresent())
                    .map(n -> n.substring(prefix.length())).sorted().collect(Collectors.joining(", "));
            return found.isEmpty() ? "" : "; built for: " + found;
        }
    }
}
