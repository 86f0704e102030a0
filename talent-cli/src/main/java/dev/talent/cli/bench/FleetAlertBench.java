package dev.talent.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.talent.cli.fleet.DeployCommand;
import dev.talent.cli.fleet.FleetSession;
import dev.talent.fleet.FleetConfig;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Records;
import dev.talent.fleet.apps.AlertClient;
import dev.talent.fleet.apps.AppRecords;
import dev.talent.fleet.apps.AppStore;
import dev.talent.fleet.apps.FleetApps;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code talent bench alerts --fleet FILE}: the alert benchmark in a fleet. N apps (the migration benchmark's
 * program, x86_64 and x86_64-musl, no schedule) are deployed; before each round every app is moved to x86_64 on the
 * host it runs on; then {@code POST /v1/alerts} with the tag {@code glibc} (an implicit tag of every glibc platform:
 * here x86_64, not x86_64-musl) goes to a controller over mutual TLS as {@code talent alert --fleet} sends it, and the
 * leader moves every app to x86_64-musl. Measured per round: the controller's receipt of the alert (its {@code at})
 * to the last app's placement on an untagged place ({@code since}, the leader's record); and the POST to its answer
 * at the client, which includes the client's look-up of the endpoints in etcd and its TLS handshake. Every app's
 * placement is checked to be untagged after the answer; the alert is cleared after each round.
 */
final class FleetAlertBench {
    static final String TAG = "glibc";
    private static final Platform X86_64 = Platform.parse("x86_64");
    private static final Platform MUSL = Platform.parse("x86_64-musl");

    private FleetAlertBench() {}

    /** Times of one number of apps, in ms. */
    record Round(double lastRuns, double answer, double firstEffect) {}

    static String run(BenchWorkspace workspace, Path fleetFile, List<Integer> appCounts, int rounds, Consumer<String> progress)
            throws BenchFailedException, IOException, InterruptedException {
        String file = fleetFile != null ? fleetFile.toString() : System.getenv("TALENT_FLEET");
        if (file == null || file.isBlank()) throw new BenchFailedException("which fleet? give --fleet FILE or set TALENT_FLEET");
        List<Platform> pair = List.of(X86_64, MUSL);
        if (workspace.usable(pair).size() != 2) throw new BenchFailedException("needs x86_64 and x86_64-musl binaries; see `talent platforms`");
        Map<Platform, Path> bins = workspace.buildInstrumented(workspace.extract(MigrationBench.SOURCE), MigrationBench.NAME, pair);
        Map<String, Path> byName = new LinkedHashMap<>();
        Map<String, String> digests = new LinkedHashMap<>();
        for (var e : bins.entrySet()) {
            byName.put(e.getKey().name(), e.getValue());
            digests.put(e.getKey().name(), DeployCommand.sha256(e.getValue()));
        }
        StringBuilder report = new StringBuilder();
        report.append("talent bench alerts --fleet: POST /v1/alerts (mutual TLS, tag ").append(TAG)
                .append(") -> every app on x86_64 runs on x86_64-musl\n");
        report.append(String.format(Locale.ROOT, "%6s %14s %10s %10s %16s %14s%n", "apps", "last runs ms", "min ms", "max ms",
                "first effect ms", "answer ms"));
        try {
            FleetConfig config = FleetConfig.read(Path.of(file));
            try (FleetSession session = FleetSession.open(Path.of(file), Map.of())) {
                FleetApps apps = session.apps();
                for (int n : appCounts) {
                    List<Round> measured = scenario(config, apps, byName, digests, n, rounds, progress);
                    List<Double> last = measured.stream().map(Round::lastRuns).toList();
                    report.append(String.format(Locale.ROOT, "%6d %14.0f %10.0f %10.0f %16.0f %14.0f%n", n, Statistics.median(last),
                            last.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                            last.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
                            Statistics.median(measured.stream().map(Round::firstEffect).filter(d -> !d.isNaN()).toList()),
                            Statistics.median(measured.stream().map(Round::answer).toList())));
                }
            }
        } catch (FleetException e) {
            throw new BenchFailedException(e.getMessage(), e);
        }
        report.append("(medians over ").append(rounds).append(" alerts per row; last runs: the controller's receipt of the alert ->"
                + " the last app placed untagged (the leader's record); first effect: receipt -> the first app's effect recorded;"
                + " answer: POST -> its answer at the client, etcd look-up of the endpoints and TLS handshake included; load average ")
                .append(loadAverage()).append("; ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs)\n");
        return report.toString();
    }

    private static List<Round> scenario(FleetConfig config, FleetApps apps, Map<String, Path> byName, Map<String, String> digests,
            int n, int rounds, Consumer<String> progress) throws FleetException, BenchFailedException, IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        List<Round> out = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String name = "bench-alert-" + ProcessHandle.current().pid() + "-" + n + "-" + i;
                var record = new AppRecords.AppRecord(name, digests, List.of("100000000", "10", "0"), null, false, null,
                        List.of(X86_64.name(), MUSL.name()), null, null, null, System.currentTimeMillis(), false);
                apps.deploy(record, new FleetApps.Blobs(byName, Optional.empty()), Duration.ofMinutes(3));
                names.add(name);
            }
            for (int r = 0; r < rounds; r++) {
                for (String name : names) {
                    Records.Placement p = placement(apps, name);
                    if (!p.platform().equals(X86_64.name())) {
                        MigrationRecord m = apps.migrate(name, p.host(), X86_64.name(), Duration.ofMinutes(2));
                        if (!m.ok()) throw new BenchFailedException("moving " + name + " to " + p.host() + "/x86_64 failed: " + m.error());
                    }
                }
                // the leader prepares nothing ahead in a fleet; a short pause lets the moves' clean-up end
                Thread.sleep(2000);
                long t0 = System.nanoTime();
                AlertClient.Answer answer = AlertClient.call(config, "POST", "/v1/alerts",
                        ("{\"tag\":\"" + TAG + "\",\"reason\":\"talent bench alerts --fleet\"}").getBytes(StandardCharsets.UTF_8));
                double answerMs = (System.nanoTime() - t0) / 1e6;
                if (answer.status() != 200) throw new BenchFailedException("POST /v1/alerts answered " + answer.status() + ": " + answer.body());
                JsonNode alert = answer.body().path("alert");
                Instant raised = Instant.parse(alert.path("at").asText());
                double firstEffect = Double.MAX_VALUE;
                for (JsonNode e : alert.path("effects")) {
                    if (!names.contains(e.path("app").asText())) continue;
                    if (!e.path("action").asText().equals("moved"))
                        throw new BenchFailedException("the alert's effect on " + e.path("app").asText() + ": " + e);
                    firstEffect = Math.min(firstEffect, ms(raised, Instant.parse(e.path("at").asText())));
                }
                double last = 0;
                for (String name : names) {
                    Records.Placement p = placement(apps, name);
                    if (!p.platform().equals(MUSL.name()))
                        throw new BenchFailedException("after the alert's answer " + name + " runs on " + p.host() + "/" + p.platform());
                    last = Math.max(last, ms(raised, Instant.ofEpochMilli(p.sinceMs())));
                }
                out.add(new Round(last, answerMs, firstEffect == Double.MAX_VALUE ? Double.NaN : firstEffect));
                progress.accept(String.format(Locale.ROOT, "%d apps, alert %d of %d: last runs untagged %.0f ms after the receipt,"
                        + " answer %.0f ms", n, r + 1, rounds, last, answerMs));
                AlertClient.Answer cleared = AlertClient.call(config, "DELETE", "/v1/alerts/" + TAG, null);
                if (cleared.status() != 200) throw new BenchFailedException("DELETE /v1/alerts/" + TAG + " answered " + cleared.status());
            }
        } finally {
            for (String name : names) {
                try {
                    apps.undeploy(name, Duration.ofMinutes(1));
                } catch (FleetException e) {
                    progress.accept("could not undeploy " + name + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    private static Records.Placement placement(FleetApps apps, String name) throws FleetException, InterruptedException, BenchFailedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<AppStore.AppView> v = apps.view(name);
            if (v.isEmpty()) throw new BenchFailedException(name + " is not deployed any more");
            if (v.get().ended().isPresent()) throw new BenchFailedException(name + " ended: " + v.get().ended().get());
            if (v.get().placement().isPresent() && v.get().inFlight().isEmpty()) return v.get().placement().get().value();
            Thread.sleep(100);
        }
        throw new BenchFailedException(name + " has no placement after 2 minutes");
    }

    private static double ms(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    /** The first field of /proc/loadavg. */
    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ", -1)[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
