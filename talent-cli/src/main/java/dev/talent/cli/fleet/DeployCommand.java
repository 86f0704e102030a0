package dev.talent.cli.fleet;

import dev.talent.cli.ExitCodes;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.apps.AppRecords;
import dev.talent.fleet.apps.AppStore;
import dev.talent.fleet.apps.FleetApps;
import dev.talent.fleet.apps.WorkdirArchive;
import dev.talent.migrate.Interval;
import dev.talent.toolchain.BuildBinding;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "deploy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Deploy a program to the fleet: each platform's binary (DIR/NAME.<platform>) and the working directory"
                + " go to the live hosts that can run them (content-addressed, verified by the agents), the app's desired state"
                + " goes to etcd, and the leading controller starts it and migrates it. Returns once it runs somewhere.",
                "The fleet: --fleet FILE or $TALENT_FLEET."},
        footer = {"", "Exit status: 0 running (or it already ran and ended with status 0), 1 it could not be started or ended at once"
                + " with another status (the reason on stderr), 64 bad command line, 69 no fleet or no live host."})
public final class DeployCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--fleet", paramLabel = "FILE", description = "The fleet file (default: $TALENT_FLEET).") Path fleet;
    @Option(names = "--name", paramLabel = "N", description = "Name of the app (default: the program's name).") String name;
    @Option(names = "--platforms", split = ",", paramLabel = "LIST", required = true,
            description = "Platforms it may run on, comma-separated; it starts on the first that a live host has.") List<String> platforms;
    @Option(names = "--every", paramLabel = "MIN..MAX", description = "Migrate at intervals drawn uniformly from MIN..MAX"
            + " (e.g. 5s..20s), to another host and/or platform. Without it: only on request (talent migrate).") String every;
    @Option(names = "--migrations", paramLabel = "K", description = "Stop migrating on schedule after K successful migrations.") Integer migrations;
    @Option(names = "--net", description = "Give the app an address of its own that moves with it from host to host.") boolean net;
    @Option(names = "--ip", paramLabel = "ADDR", description = "With --net: the app's address (default: allocated by the fleet).") String ip;
    @Option(names = "--workdir", paramLabel = "W", description = "The program's working directory, copied to the hosts"
            + " (default: an empty one).") Path workdir;
    @Option(names = "--on-host-loss", paramLabel = "lost|restart", defaultValue = AppRecords.ON_LOSS_LOST,
            description = "When its host is lost (its agent gone past the controller's --host-grace) and no checkpoint of it"
            + " exists elsewhere: record it lost (default), or restart it from scratch on another host.") String onHostLoss;
    @Option(names = "--precopy", paramLabel = "ROUNDS", arity = "0..1", fallbackValue = "3", defaultValue = "0",
            description = "Pre-copy before each migration's stop, as talent run --precopy: while the program runs, a"
                    + " copy-on-write image of its state is taken and sent to the destination's agent, which keeps it; at the"
                    + " stop only what changed since (a delta) goes over. Rounds repeat while the change shrinks, at most ROUNDS"
                    + " (default 3 when given without a value; 0: off, the default). Its programs run with TALENT_PRECOPY=1."
                    + " A migration involving an agent of protocol 4 or older copies everything at the stop.") int precopy;
    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", description = "How long to wait for it to start"
            + " (default: ${DEFAULT-VALUE}).") int timeout;
    @Parameters(index = "0", paramLabel = "DIR/NAME", description = "The program, without the .<platform> suffix.") String program;
    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments of the program (after --).") List<String> programArgs = new ArrayList<>();

    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        String app = name != null ? name : Path.of(program).getFileName().toString();
        if (!AppRecords.NAME.matcher(app).matches()) throw new ParameterException(spec.commandLine(), "'" + app + "' is not an app name (--name)");
        if (ip != null && !net) throw new ParameterException(spec.commandLine(), "--ip needs --net");
        if (!onHostLoss.equals(AppRecords.ON_LOSS_LOST) && !onHostLoss.equals(AppRecords.ON_LOSS_RESTART))
            throw new ParameterException(spec.commandLine(), "--on-host-loss: lost or restart, not '" + onHostLoss + "'");
        if (migrations != null && migrations < 0) throw new ParameterException(spec.commandLine(), "--migrations: must be 0 or more");
        if (precopy < 0 || precopy > AppRecords.MAX_PRECOPY_ROUNDS)
            throw new ParameterException(spec.commandLine(), "--precopy: 0 to " + AppRecords.MAX_PRECOPY_ROUNDS + " rounds, not " + precopy);
        Long min = null, max = null;
        if (every != null) {
            try {
                Interval i = Interval.parse(every);
                min = i.min().toMillis();
                max = i.max().toMillis();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--every: " + e.getMessage());
            }
        }
        if (workdir != null && !Files.isDirectory(workdir)) throw new ParameterException(spec.commandLine(), "--workdir: " + workdir + " is not a directory");
        Map<String, Path> binaries = new LinkedHashMap<>();
        Map<String, String> digests = new LinkedHashMap<>();
        Path base = Path.of(program);
        for (String p : platforms) {
            Path b = base.resolveSibling(base.getFileName() + "." + p);
            if (!Files.isRegularFile(b)) {
                err.println("talent deploy: no binary for " + p + ": " + b + " (build it with talent build --isa " + String.join(",", platforms) + ")");
                return ExitCodes.UNAVAILABLE;
            }
            binaries.put(p, b);
            digests.put(p, sha256(b));
        }
        // DIR/NAME.binding (talent build): the placement keeps the app to platforms that can restore its checkpoints
        Optional<BuildBinding> binding;
        try {
            binding = BuildBinding.read(base);
        } catch (IOException e) {
            err.println("talent deploy: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
        Path archive = null;
        try (FleetSession fleetSession = FleetSession.open(fleet, env)) {
            String workdirDigest = null;
            if (workdir != null) {
                archive = Files.createTempFile("talent-workdir-", ".zip");
                try (OutputStream o = Files.newOutputStream(archive)) {
                    WorkdirArchive.pack(workdir, o);
                }
                workdirDigest = sha256(archive);
            }
            AppRecords.AppRecord record = new AppRecords.AppRecord(app, digests, programArgs(), workdirDigest, net, ip,
                    platforms, min, max, migrations, System.currentTimeMillis(), false, onHostLoss).withBinding(binding).withPrecopy(precopy);
            AppStore.AppView v = fleetSession.apps.deploy(record, new FleetApps.Blobs(binaries, Optional.ofNullable(archive)),
                    Duration.ofSeconds(timeout));
            return started(app, v, out, err);
        } catch (FleetException e) {
            err.println("talent deploy: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        } finally {
            if (archive != null) Files.deleteIfExists(archive);
        }
    }

    /**
     * What {@code deploy} says once the app runs or ended, and its exit status. A program that ended before this looked
     * (a short one: the leader records its end within a pass of placing it) with status 0 ran: that is said on stdout,
     * status 0. One that ended otherwise at once (another status, or the fleet could not run it) failed: the reason is
     * said on stderr, status 1.
     */
    static int started(String app, AppStore.AppView v, PrintWriter out, PrintWriter err) {
        if (v.ended().isPresent()) {
            AppRecords.Ended e = v.ended().get();
            if (e.error() == null && e.status() != null && e.status() == 0) {
                out.println(app + " ran on " + e.host() + "/" + e.platform() + " and already ended: exit status 0 (talent logs " + app
                        + " shows its output)");
                out.flush();
                return ExitCodes.OK;
            }
            err.println("talent deploy: " + app + " ended at once: " + StatusView.ended(e) + " (talent logs " + app
                    + " shows its output; talent undeploy " + app + " removes it)");
            err.flush();
            return ExitCodes.FAILURE;
        }
        Optional<dev.talent.fleet.apps.FleetAgents.Placement> where = v.where();
        if (where.isEmpty()) {
            err.println("talent deploy: " + app + " is neither placed nor ended (state " + StatusView.state(v) + ")");
            err.flush();
            return ExitCodes.FAILURE;
        }
        out.println(app + " runs on " + where.get());
        out.flush();
        return ExitCodes.OK;
    }

    private List<String> programArgs() {
        return !programArgs.isEmpty() && programArgs.getFirst().equals("--") ? programArgs.subList(1, programArgs.size()) : programArgs;
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
