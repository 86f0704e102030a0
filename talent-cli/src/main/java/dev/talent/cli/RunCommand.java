package dev.talent.cli;

import dev.talent.container.ContainerException;
import dev.talent.container.Ipv4;
import dev.talent.container.NetworkConfig;
import dev.talent.container.Runc;
import dev.talent.env.SyncLimits;
import dev.talent.migrate.Interval;
import dev.talent.migrate.LeftoverRunException;
import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.NetRequest;
import dev.talent.migrate.Orchestrator;
import dev.talent.migrate.RunEvent;
import dev.talent.migrate.RunRequest;
import dev.talent.migrate.RunState;
import dev.talent.migrate.Step;
import dev.talent.migrate.control.ControlException;
import dev.talent.migrate.control.ControlPaths;
import dev.talent.migrate.control.ControlServer;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code talent run}: runs DIR/NAME in a container of the first platform and live-migrates it between the
 * platforms at random intervals, until the program ends. stdout is the program's alone; talent's own lines go
 * to stderr.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run DIR/NAME in OCI containers (runc), migrating it between platforms; exit status is the program's.",
        footer = {"", "Example: talent run --platforms x86_64,aarch64,s390x --every 5s..20s --workdir env/ "
                + "--log migrations.jsonl build/app -- input.txt",
                "From another terminal: talent migrate NAME [--to PLATFORM];  talent status [NAME]",
                "After talent run itself was killed: talent run --resume NAME [--state-dir S]",
                "", "The workdir is copied to the first platform at start and receives the final state when the program ends.",
                "Exit status: the program's; talent's own: 64 bad command line, 69 runc/binary/emulator missing, "
                        + "70 internal error, 74 the program could not be kept running (its checkpoint is kept: resume it with "
                        + "--resume)."})
public final class RunCommand implements Callable<Integer> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    @Spec CommandSpec spec;

    @Option(names = "--name", paramLabel = "N", description = "Name of the app (default: the program's name).")
    String name;

    @Option(names = "--resume", paramLabel = "NAME",
            description = "Adopt what a killed talent run of app NAME left (in --state-dir, default .talent-run/NAME): stop "
                    + "the program if it still runs unsupervised, remove the leftover containers and resume it from its "
                    + "newest checkpoint, with the killed run's options. Takes no DIR/NAME.")
    String resume;

    @Option(names = "--platforms", split = ",", paramLabel = "LIST",
            description = "Platforms to run on, comma-separated; it starts on the first. See: talent platforms.")
    List<String> platforms;

    @Option(names = "--every", paramLabel = "MIN..MAX",
            description = "Migrate at intervals drawn uniformly from MIN..MAX (e.g. 5s..20s, 500ms..2s). "
                    + "Without it: only on request (talent migrate).")
    String every;

    @Option(names = "--migrations", paramLabel = "K", description = "Stop migrating after K successful migrations.")
    Integer migrations;

    @Option(names = "--workdir", paramLabel = "W", description = "The program's working directory (default: a new one).")
    Path workdir;

    @Option(names = "--log", paramLabel = "FILE", description = "Append one JSON line per migration to FILE.")
    Path log;

    @Option(names = "--presync-every", paramLabel = "T", defaultValue = "30s",
            description = "Pre-sync changed files to the prepared destination every T (default: ${DEFAULT-VALUE}).")
    String presyncEvery;

    @Option(names = "--state-dir", paramLabel = "S",
            description = "Replicas, checkpoints, bundles and container logs (default: .talent-run/NAME).")
    Path stateDir;

    @Option(names = "--max-replica-size", paramLabel = "SIZE", defaultValue = "8g",
            description = "The most the working directory may hold (bytes, or with k, m, g, t: KiB...TiB; sparse files "
                    + "count by their data) in every copy talent makes of it (default: ${DEFAULT-VALUE}).")
    String maxReplicaSize;

    @Option(names = "--max-replica-files", paramLabel = "N", defaultValue = "1000000",
            description = "The most entries (files, directories, links) the working directory may hold (default: "
                    + "${DEFAULT-VALUE}).")
    long maxReplicaFiles;

    @Option(names = "--net", description = "Give the program a network namespace of its own with one IPv4 address on a "
            + "host bridge that moves with it (listening TCP and UDP sockets too; see docs/ARCHITECTURE.md, \"Network\").")
    boolean net;

    @Option(names = "--ip", paramLabel = "ADDR", description = "With --net: the app's address (default: the lowest free one "
            + "of the subnet, kept for the app's whole life).")
    String ip;

    @Option(names = "--bridge", paramLabel = "NAME", defaultValue = NetworkConfig.DEFAULT_BRIDGE,
            description = "With --net: the host bridge (created if missing; default: ${DEFAULT-VALUE}).")
    String bridge;

    @Option(names = "--subnet", paramLabel = "CIDR", defaultValue = NetworkConfig.DEFAULT_SUBNET,
            description = "With --net: the bridge's IPv4 subnet (default: ${DEFAULT-VALUE}).")
    String subnet;

    @Option(names = "--gateway", paramLabel = "ADDR",
            description = "With --net: the bridge's own address (default: the subnet's first address).")
    String gateway;

    @Option(names = "--subnet6", paramLabel = "PREFIX/64", defaultValue = NetworkConfig.DEFAULT_SUBNET6,
            description = "With --net: the bridge's unique-local IPv6 /64; the app with IPv4 address a.b.c.d also has "
                    + "<prefix>::a.b.c.d (default: ${DEFAULT-VALUE}; IPv4 only when the host has no IPv6).")
    String subnet6;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Moving-target policy (TOML): platform tags ([platform.NAME] tags = [...]) and the diversity "
                    + "weights of the destination draw ([diversity] weights = { isa = 3, libc = 2, host = 2 }, "
                    + "avoid_recent = 2). See docs/POLICY.md.")
    Path policy;

    @Option(names = "--metrics", paramLabel = "ADDR:PORT",
            description = "Serve Prometheus metrics at http://ADDR:PORT/metrics (e.g. 127.0.0.1:9464).")
    String metrics;

    @Option(names = "--precopy", paramLabel = "ROUNDS", arity = "0..1", fallbackValue = "3", defaultValue = "0",
            description = "Pre-copy before each stop: while the program runs, copy-on-write images of its state are "
                    + "taken (fork at a safe point) and the newest is handed to the prepared destination; at the stop "
                    + "only what changed since is written and moved (a delta), and the destination restores the image "
                    + "plus the delta. Rounds repeat while the change shrinks, at most ROUNDS (default 3 when given "
                    + "without a value; 0: off, the default). Helps programs with large state; costs a fork and a full "
                    + "image write per round while the program runs. Also across ISAs.")
    int precopy;

    @Option(names = "--prestart", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Start each prepared destination ahead of the stop (the default): its container and program "
                    + "(and qemu-user) run and wait for a go on a FIFO, which talent writes once the checkpoint is in "
                    + "place, so that starting them is no part of the downtime. --no-prestart: the destination is only "
                    + "created ahead and started (runc start) inside the downtime.")
    boolean prestart;

    @Option(names = "--ahead", paramLabel = "MODE", defaultValue = "base",
            description = "What a destination started ahead (--prestart) does while it waits for its go: base (the "
                    + "default) makes the pages of the program's large globals present and, with --precopy, restores "
                    + "the newest pre-copy image ahead, so that the stop's delta is all that is decoded inside the "
                    + "downtime (the runtime checks that the delta is against that very image; else it decodes "
                    + "everything, as without it); populate: only the pages; off: neither.")
    String ahead;

    @Option(names = {"-q", "--quiet"}, description = "Only failures and warnings on stderr.")
    boolean quiet;

    @Option(names = "--inject-fault", hidden = true, paramLabel = "STEP",
            description = "Testing: fail the first migration at STEP (checkpoint, sync, start, restore); precopy (with "
                    + "--precopy and --ahead base): the destination restores ahead an image that is not the stop's base.")
    String injectFault;

    @Option(names = "--seed", hidden = true, paramLabel = "N", description = "Testing: seed of the schedule.")
    Long seed;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR/NAME", description = "The program, without the .<platform> suffix.")
    String program;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments of the program (after --).")
    List<String> programArgs = new ArrayList<>();

    RunRequest request() throws IOException {
        if (program == null) throw new ParameterException(spec.commandLine(), "missing the program DIR/NAME (or --resume NAME)");
        if (platforms == null) throw new ParameterException(spec.commandLine(), "missing --platforms LIST");
        List<Platform> list = new ArrayList<>();
        for (String p : platforms) {
            try {
                list.add(Platform.parse(p));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--platforms: " + e.getMessage().replace("unknown ISA",
                        "unknown platform"));
            }
        }
        Optional<Interval> interval = Optional.empty();
        if (every != null) {
            try {
                interval = Optional.of(Interval.parse(every));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--every: " + e.getMessage());
            }
        }
        var presync = parseDuration("--presync-every", presyncEvery);
        if (migrations != null && migrations < 0) {
            throw new ParameterException(spec.commandLine(), "--migrations must be 0 or more, not " + migrations);
        }
        String app = name != null ? name : Path.of(program).getFileName().toString();
        if (!NAME.matcher(app).matches()) {
            throw new ParameterException(spec.commandLine(), "the app name '" + app + "' must be letters, digits, '_', '.', "
                    + "'-' (at most 63, starting with a letter or digit); choose one with --name");
        }
        Path state = (stateDir != null ? stateDir : Path.of(".talent-run", app)).toAbsolutePath();
        if (workdir != null) {
            if (!Files.exists(workdir)) {
                throw new ParameterException(spec.commandLine(), "--workdir " + workdir + ": no such directory");
            }
            if (!Files.isDirectory(workdir)) {
                throw new ParameterException(spec.commandLine(), "--workdir " + workdir + ": not a directory");
            }
        }
        Optional<Step> fault = Optional.empty();
        if (injectFault != null) {
            try {
                fault = Optional.of(Step.parse(injectFault));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--inject-fault: " + e.getMessage());
            }
            // the fleet's aid (talent migrate --inject-fault safepoint); talent run's own faults are the others
            if (fault.get() == Step.SAFE_POINT)
                throw new ParameterException(spec.commandLine(), "--inject-fault safepoint: only a fleet injects it (talent migrate"
                        + " --inject-fault safepoint); talent run fails the stop with --inject-fault checkpoint");
        }
        SyncLimits limits;
        try {
            limits = new SyncLimits(parseSize(maxReplicaSize), maxReplicaFiles);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--max-replica-size/--max-replica-files: " + e.getMessage());
        }
        return new RunRequest(app, Path.of(program).toAbsolutePath(), arguments(), list, interval,
                migrations == null ? OptionalInt.empty() : OptionalInt.of(migrations),
                workdir != null ? workdir.toAbsolutePath() : state.resolve("workdir"), state, presync, Optional.ofNullable(log),
                fault, Optional.ofNullable(seed), Optional.empty(), limits, network());
    }

    /** --net and its options; the others without --net are a mistake worth saying. */
    private Optional<NetRequest> network() {
        boolean custom = ip != null || gateway != null || !bridge.equals(NetworkConfig.DEFAULT_BRIDGE)
                || !subnet.equals(NetworkConfig.DEFAULT_SUBNET) || !subnet6.equals(NetworkConfig.DEFAULT_SUBNET6);
        if (!net) {
            if (custom) {
                throw new ParameterException(spec.commandLine(), "--ip, --bridge, --subnet, --subnet6 and --gateway need --net");
            }
            return Optional.empty();
        }
        try {
            NetworkConfig config = NetworkConfig.of(bridge, subnet, gateway).withSubnet6(subnet6);
            return Optional.of(new NetRequest(config, ip == null ? Optional.empty() : Optional.of(Ipv4.parse(ip))));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--net: " + e.getMessage());
        }
    }

    /** {@code N}, {@code Nk}, {@code Nm}, {@code Ng} or {@code Nt} (powers of 1024). */
    static long parseSize(String text) {
        var m = java.util.regex.Pattern.compile("([0-9]{1,19})([kmgtKMGT]?)").matcher(text.strip());
        if (!m.matches()) throw new IllegalArgumentException("'" + text + "' is not a size (such as 512m or 8g)");
        int shift = switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        long n = Long.parseLong(m.group(1));
        if (n > (Long.MAX_VALUE >> shift)) throw new IllegalArgumentException("'" + text + "' is too large");
        return n << shift;
    }

    private java.time.Duration parseDuration(String option, String text) {
        try {
            Interval i = Interval.parse(text);
            if (!i.min().equals(i.max())) throw new IllegalArgumentException("a single duration is expected, such as 30s");
            return i.min();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    List<String> arguments() {
        return ExecCommand.programArguments(programArgs);
    }

    /** The saved request of the killed run to resume, and the platform it last ran on. */
    private RunState.Saved resumeRequest() throws IOException {
        if (program != null || platforms != null || every != null || migrations != null || workdir != null || log != null
                || injectFault != null || seed != null || name != null || !programArgs.isEmpty()
                || !maxReplicaSize.equals("8g") || maxReplicaFiles != 1_000_000) {
            throw new ParameterException(spec.commandLine(), "--resume takes the killed run's own options and program; "
                    + "give only --state-dir (if it had one) and -q");
        }
        if (!NAME.matcher(resume).matches()) {
            throw new ParameterException(spec.commandLine(), "--resume: '" + resume + "' is not an app name");
        }
        Path state = (stateDir != null ? stateDir : Path.of(".talent-run", resume)).toAbsolutePath();
        RunState.Saved saved = RunState.saved(state).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--resume " + resume + ": no killed run of it in " + state + " (nothing to resume; a run that ended, even "
                        + "by Ctrl-C, leaves nothing)"));
        if (!saved.request().name().equals(resume)) {
            throw new ParameterException(spec.commandLine(), "--resume " + resume + ": the run saved in " + state + " is "
                    + "of app " + saved.request().name());
        }
        return saved;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        RunState.Saved saved = resume != null ? resumeRequest() : null;
        RunRequest request = saved != null ? saved.request() : request();
        List<String> missing = request.missingBinaries().stream().map(Path::toString).toList();
        if (!missing.isEmpty()) {
            err.println("talent run: no binary for every platform; missing: " + String.join(", ", missing));
            err.println("  build them with: talent build -o " + request.program().getParent() + " --isa "
                    + String.join(",", request.platforms().stream().map(Platform::name).toList()) + " --name "
                    + request.program().getFileName() + " FILE.c...");
            return ExitCodes.UNAVAILABLE;
        }
        if (Runc.find().isEmpty()) {
            err.println("talent run: " + Runc.missingMessage());
            return ExitCodes.UNAVAILABLE;
        }
        if (workdir == null && saved == null) {
            Files.createDirectories(request.workdir());
            err.println("talent run: working directory " + request.workdir());
        }
        RunEventRenderer renderer = new RunEventRenderer(err, quiet);
        PolicySetup.Loaded loaded;
        try {
            loaded = PolicySetup.load(Optional.ofNullable(policy), request.platforms());
        } catch (dev.talent.policy.PolicyException e) {
            err.println("talent run: --policy: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        loaded.warnings().forEach(w -> err.println("talent run: warning: " + w));
        Optional<MetricsEndpoint> endpoint;
        try {
            endpoint = metrics == null ? Optional.empty() : Optional.of(MetricsEndpoint.start(metrics));
        } catch (IllegalArgumentException e) {
            err.println("talent run: --metrics: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("talent run: --metrics " + metrics + ": cannot serve there: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
        java.util.function.Consumer<RunEvent> listener = endpoint.isEmpty() ? renderer::render
                : event -> {
                    endpoint.get().metrics().record(request.name(), event);
                    renderer.render(event);
                };
        try {
            Orchestrator orchestrator = saved != null
                    ? Orchestrator.resuming(request, saved.platform(), Orchestrator.Timeouts.defaults(), listener)
                    : new Orchestrator(request, Orchestrator.Timeouts.defaults(), listener);
            if (precopy < 0) throw new ParameterException(spec.commandLine(), "--precopy takes a number of rounds >= 0");
            orchestrator.usePrecopy(precopy);
            orchestrator.usePrestart(prestart);
            try {
                orchestrator.useAhead(ahead);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--ahead: " + e.getMessage());
            }
            orchestrator.usePolicy(loaded.policy(), loaded.diversity(),
                    dev.talent.policy.AlertBook.in(ControlPaths.forCurrentUser().directory()));
            // the socket first: a second run with the same name is refused before it starts anything
            try (ControlServer control = ControlServer.start(ControlPaths.forCurrentUser(), request.name(), orchestrator)) {
                assert control != null;
                return orchestrator.run();
            }
        } catch (ControlException e) {
            err.println("talent run: " + e.getMessage());
            return e.reason() == ControlException.Reason.ALREADY_RUNNING || e.reason() == ControlException.Reason.BAD_NAME
                    ? ExitCodes.USAGE : ExitCodes.UNAVAILABLE;
        } catch (ContainerException e) {
            err.println("talent run: " + e.getMessage());
            if (!e.logTail().isBlank()) err.println("container log:\n" + e.logTail().strip().indent(2).stripTrailing());
            return ExitCodes.IO_ERROR;
        } catch (MigrationFailedException e) {
            err.println("talent run: " + e.step().label() + ": " + e.describe());
            return ExitCodes.IO_ERROR;
        } catch (LeftoverRunException e) {
            err.println("talent run: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("talent run: " + e.getMessage());
            return ExitCodes.IO_ERROR;
        } finally {
            endpoint.ifPresent(MetricsEndpoint::close);
        }
    }
}
