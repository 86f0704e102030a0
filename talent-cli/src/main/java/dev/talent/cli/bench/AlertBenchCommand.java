package dev.talent.cli.bench;

import dev.talent.container.Runc;
import dev.talent.migrate.Orchestrator;
import dev.talent.migrate.RunRequest;
import dev.talent.migrate.control.AlertDispatcher;
import dev.talent.migrate.control.ControlClient;
import dev.talent.migrate.control.ControlException;
import dev.talent.migrate.control.ControlPaths;
import dev.talent.migrate.control.ControlServer;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.policy.AlertBook;
import dev.talent.policy.DestinationPolicy;
import dev.talent.policy.Policy;
import dev.talent.policy.PolicyException;
import dev.talent.toolchain.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code talent bench alerts} (issue 16): the time from {@code POST /v1/alerts} to the last affected app running on
 * an untagged platform, with 1, 5 and 20 apps on one host. Every app runs the bundled migration.c under its own
 * orchestrator and control socket (in this JVM) on x86_64, which the policy tags; the alert moves them all to
 * x86_64-musl. The HTTP answer comes when every app has reported its move, and every app's status is then checked
 * to be x86_64-musl. Between rounds the alert is cleared and the apps are moved back; each round starts once every
 * app has its next destination prepared again, as the first round does. Destinations are started ahead
 * as {@code talent run} does by default ({@code --no-prestart}: as {@code talent run --no-prestart}).
 */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = {"Time from POST /v1/alerts to the last affected app running untagged, with 1, 5 and 20 apps "
                + "(target: <= 1 s for 20 apps on one host). Needs root and runc.",
                "With --fleet FILE: the same in a fleet (apps deployed to it, the alert posted to a controller over mutual TLS; "
                        + "the alert's tag is glibc, so it also moves the fleet's other apps on glibc platforms: use a lab of your own)."})
final class AlertBenchCommand extends BenchCommand.Benchmark {
    private static final Platform X86_64 = Platform.parse("x86_64");
    private static final Platform MUSL = Platform.parse("x86_64-musl");

    @Option(names = "--apps", split = ",", paramLabel = "LIST", description = "Numbers of apps (default: 1,5,20).")
    List<Integer> apps = List.of(1, 5, 20);

    @Option(names = "--rounds", paramLabel = "N", description = "Alerts per number of apps (default ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--prestart", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Each app's prepared destination is started ahead and waits for its go, as `talent run` does by "
                    + "default; --no-prestart: runc start inside each move (talent run --no-prestart).")
    boolean prestart;

    @Option(names = "--fleet", paramLabel = "FILE", description = "Measure in this fleet (a lab: `talent lab up`) instead of on "
            + "one host: apps deployed to it, the alert posted to a controller over mutual TLS.")
    Path fleet;

    @Override String name() { return "alerts"; }

    @Override int minimumRuns() { return 1; }

    @Override int runs() { return rounds; }

    @Override String runsOption() { return "--rounds"; }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (apps.isEmpty() || apps.stream().anyMatch(n -> n < 1 || n > 200)) {
            throw new ParameterException(spec.commandLine(), "--apps: numbers from 1 to 200");
        }
        if (Runc.find().isEmpty()) {
            spec.commandLine().getErr().println("talent bench alerts: " + Runc.missingMessage());
            return dev.talent.cli.ExitCodes.UNAVAILABLE;
        }
        return super.call();
    }

    @Override
    String measure(BenchWorkspace workspace) throws BenchFailedException, IOException, InterruptedException {
        if (fleet != null) {
            java.io.PrintWriter err = spec.commandLine().getErr();
            return FleetAlertBench.run(workspace, fleet, apps, rounds, line -> {
                err.println("  " + line);
                err.flush();
            });
        }
        List<Platform> pair = List.of(X86_64, MUSL);
        if (workspace.usable(pair).size() != 2) {
            throw new BenchFailedException("needs x86_64 and x86_64-musl binaries; see `talent platforms`");
        }
        Map<Platform, Path> binaries = workspace.buildInstrumented(workspace.extract(MigrationBench.SOURCE), MigrationBench.NAME, pair);
        Path program = binaries.get(X86_64).resolveSibling(MigrationBench.NAME);
        StringBuilder report = new StringBuilder();
        report.append("talent bench alerts: POST /v1/alerts -> every app on the tagged platform (x86_64) runs on x86_64-musl\n");
        report.append(String.format(Locale.ROOT, "%6s %10s %10s %10s %12s%n", "apps", "median ms", "min ms", "max ms",
                "vs 1 app"));
        Double baseline = null;
        Map<Integer, Phases> phases = new java.util.LinkedHashMap<>();
        for (int n : apps) {
            Phases p = new Phases();
            phases.put(n, p);
            List<Double> times = scenario(workspace, program, n, p);
            double median = Statistics.median(times);
            if (baseline == null) baseline = median;
            report.append(String.format(Locale.ROOT, "%6d %10.0f %10.0f %10.0f %11.2fx%n", n, median,
                    times.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                    times.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), median / baseline));
        }
        report.append("(").append(rounds).append(" alerts per row; destinations ")
                .append(prestart ? "started ahead (--prestart)" : "created ahead, runc start in the move (--no-prestart)")
                .append("; load average ").append(loadAverage())
                .append("; ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs)\n");
        report.append("where the time goes, ms (medians over the rounds; per app: medians over apps and rounds):\n");
        report.append(String.format(Locale.ROOT, "%6s %9s %9s | %7s %8s %8s %7s %7s %7s %7s %9s %7s%n", "apps", "last runs",
                "answer", "queued", "downtime", "safe_pt", "ckpt", "sync", "start", "restore", "pre+commit", "after"));
        phases.forEach((n, p) -> report.append(p.render(n)));
        report.append("""
                  last runs: POST -> the last app's `since` (runs untagged); answer: POST -> its HTTP answer;
                  queued: POST -> its migration began; downtime = safe_pt + ckpt + sync + start + restore;
                  pre+commit: the migration's time outside the downtime until it runs; after: runs -> its effect recorded
                """);
        return report.toString();
    }

    /** Per-phase times of the alert moves of one number of apps, in ms. */
    static final class Phases {
        final List<Double> lastRuns = new ArrayList<>();
        final List<Double> answer = new ArrayList<>();
        final Map<String, List<Double>> perApp = new java.util.LinkedHashMap<>();

        void add(String phase, Double ms) {
            if (ms != null) perApp.computeIfAbsent(phase, k -> new ArrayList<>()).add(ms);
        }

        String render(int n) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%6d %9s %9s |", n, med(lastRuns), med(answer)));
            for (String phase : List.of("queued", "downtime", "safe_pt", "ckpt", "sync", "start", "restore", "pre+commit", "after")) {
                sb.append(String.format(Locale.ROOT, phase.equals("pre+commit") ? " %9s" : phase.equals("downtime") ? " %8s"
                        : phase.equals("safe_pt") ? " %8s" : " %7s", med(perApp.getOrDefault(phase, List.of()))));
            }
            return sb.append('\n').toString();
        }

        private static String med(List<Double> values) {
            return values.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", Statistics.median(values));
        }
    }

    /** Milliseconds from {@code from} to {@code to}. */
    private static double ms(java.time.Instant from, java.time.Instant to) {
        return java.time.Duration.between(from, to).toNanos() / 1e6;
    }

    /** The apps' effects in a POST /v1/alerts answer: app -> when it recorded it. */
    private static Map<String, java.time.Instant> effectTimes(String answer) throws BenchFailedException {
        Map<String, java.time.Instant> at = new java.util.HashMap<>();
        try {
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            for (var e : json.path("alert").path("effects")) at.put(e.path("app").asText(), java.time.Instant.parse(e.path("at").asText()));
        } catch (IOException | RuntimeException e) {
            throw new BenchFailedException("cannot read the effects in the answer: " + e.getMessage(), e);
        }
        return at;
    }

    private List<Double> scenario(BenchWorkspace workspace, Path program, int n, Phases phases)
            throws BenchFailedException, IOException, InterruptedException {
        Path dir = workspace.freshDirectory("alerts-" + n);
        // sockets need a short path (107 bytes)
        Path control = Files.createTempDirectory(Path.of("/tmp"), "tab",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ControlPaths paths = ControlPaths.at(control);
        String tag = "bench-alert-" + ProcessHandle.current().pid();
        DestinationPolicy policy;
        try {
            policy = new DestinationPolicy(Policy.parse("[platform.x86_64]\ntags = [\"" + tag + "\"]\n", "bench"), Map.of());
        } catch (PolicyException e) {
            throw new IllegalStateException(e);
        }
        List<String> names = new ArrayList<>();
        List<ControlServer> servers = new ArrayList<>();
        List<Future<Integer>> runs = new ArrayList<>();
        List<Orchestrator> orchestrators = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        ControlClient client = new ControlClient(paths);
        // daemon threads, not closed: on a failure the command ends at once (the apps' containers are removed by the
        // container host's shutdown hook) instead of waiting for programs that will not end
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-alerts-app");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < n; i++) {
                String name = "ab" + n + "-" + i;
                Path appDir = Files.createDirectories(dir.resolve(name));
                Path stdout = Files.createFile(appDir.resolve("stdout.txt"));
                // it runs until it is terminated after the rounds (a program that ends on its own at its last
                // migration could end before reporting that it runs, failing that migration)
                RunRequest request = new RunRequest(name, program, List.of("100000000", "10", "0"),
                        List.of(X86_64, MUSL), Optional.empty(), OptionalInt.empty(), Files.createDirectories(appDir.resolve("work")),
                        appDir.resolve("state"), Duration.ofSeconds(30), Optional.empty(), Optional.empty(), Optional.of(1L),
                        Optional.of(stdout));
                Orchestrator o = new Orchestrator(request, Orchestrator.Timeouts.defaults(), e -> { });
                o.usePolicy(policy, false, AlertBook.in(control));
                o.usePrestart(prestart);
                try {
                    servers.add(ControlServer.start(paths, name, o));
                } catch (ControlException e) {
                    throw new BenchFailedException(e.getMessage(), e);
                }
                names.add(name);
                orchestrators.add(o);
                runs.add(threads.submit(o::run));
            }
            awaitAll(client, names, X86_64);
            AlertDispatcher dispatcher = new AlertDispatcher(paths);
            for (int r = 0; r < rounds; r++) {
                workspace.events().accept(new BenchEvent.Measuring(n + " apps", r + 1, rounds));
                java.time.Instant posted = java.time.Instant.now();
                long t0 = System.nanoTime();
                String answer = post(paths.socketFor(names.getFirst()), "{\"tag\":\"" + tag + "\",\"reason\":\"bench\"}");
                double ms = (System.nanoTime() - t0) / 1e6;
                if (!answer.startsWith("HTTP/1.1 200")) throw new BenchFailedException("POST /v1/alerts answered:\n" + answer);
                Map<String, java.time.Instant> effects = effectTimes(answer);
                double lastRuns = 0;
                for (String name : names) {
                    var status = client.status(name);
                    String on = status.platform();
                    if (!on.equals(MUSL.name())) {
                        throw new BenchFailedException("after the alert app " + name + " runs on " + on + ", not " + MUSL.name());
                    }
                    MigrationRecord m = status.last().getLast();
                    lastRuns = Math.max(lastRuns, ms(posted, status.since()));
                    phases.add("queued", ms(posted, m.at()));
                    phases.add("downtime", m.downtimeMs());
                    phases.add("safe_pt", m.safePointMs());
                    phases.add("ckpt", m.checkpointMs());
                    phases.add("sync", m.syncMs());
                    phases.add("start", m.startMs());
                    phases.add("restore", m.restoreMs());
                    if (m.downtimeMs() != null) phases.add("pre+commit", ms(m.at(), status.since()) - m.downtimeMs());
                    if (effects.containsKey(name)) phases.add("after", ms(status.since(), effects.get(name)));
                }
                phases.lastRuns.add(lastRuns);
                phases.answer.add(ms);
                times.add(ms);
                dispatcher.clear(tag);
                List<Future<Optional<MigrationRecord>>> back = new ArrayList<>();
                for (String name : names) back.add(threads.submit(() -> client.migrate(name, Optional.of(X86_64.name()), true)));
                for (Future<Optional<MigrationRecord>> f : back) {
                    MigrationRecord m = f.get().orElseThrow();
                    if (!m.ok()) throw new BenchFailedException("moving " + m.app() + " back failed: " + m.error());
                }
                // every round starts as the first does: each app runs with its next destination prepared (and started
                // ahead), not while it is still preparing it after the move back
                awaitAll(client, names, X86_64);
            }
            for (Orchestrator o : orchestrators) o.terminate();
            for (int i = 0; i < n; i++) {
                int status = runs.get(i).get();
                if (status != 143 && status != 0) {
                    throw new BenchFailedException("app " + names.get(i) + " exited with status " + status + "; its output ends:\n"
                            + tail(dir.resolve(names.get(i)).resolve("stdout.txt")));
                }
            }
            threads.shutdown();
            workspace.events().accept(new BenchEvent.Measuring(String.format(Locale.ROOT, "%d apps: median %.0f ms (%s)", n,
                    Statistics.median(times), times.stream().map(t -> String.format(Locale.ROOT, "%.0f", t)).toList()),
                    rounds, rounds));
        } catch (ControlException | PolicyException | dev.talent.container.ContainerException e) {
            throw new BenchFailedException(e.getMessage(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new BenchFailedException("an app failed: " + e.getCause(), e.getCause());
        } finally {
            servers.forEach(ControlServer::close);
            BenchWorkspace.deleteTree(control);
        }
        return times;
    }

    private static void awaitAll(ControlClient client, List<String> names, Platform on)
            throws BenchFailedException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        for (String name : names) {
            while (true) {
                try {
                    var s = client.status(name);
                    if (s.platform() != null && s.platform().equals(on.name()) && s.preparedPlatform() != null) break;
                } catch (ControlException e) {
                    // not answering yet
                }
                if (System.nanoTime() > deadline) throw new BenchFailedException("app " + name + " did not start on " + on);
                Thread.sleep(50);
            }
        }
    }

    /** One HTTP request over the unix socket; the whole answer. */
    static String post(Path socket, String body) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST /v1/alerts HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + b.length + "\r\n\r\n";
            ByteBuffer out = ByteBuffer.wrap((head + body).getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) ch.write(out);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (ch.read(in.clear()) > 0) all.write(in.array(), 0, in.position());
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", -1)[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
