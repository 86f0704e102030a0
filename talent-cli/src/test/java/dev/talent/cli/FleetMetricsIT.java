package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.talent.fleet.FleetConfig;
import dev.talent.fleet.Pki;
import dev.talent.toolchain.CapturedRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real fleet on loopback addresses without the lab: an etcd of its own (mutual TLS, free ports), two
 * {@code talent agent --metrics} (h1 on 127.0.0.2, h2 on 127.0.0.3) and a {@code talent controller --metrics}, all
 * processes of the packaged jar. envapp is deployed on h1, migrated to h2 on request and ends there with the output of
 * an uninterrupted run; the three metrics endpoints are then scraped and parsed by the Prometheus project's parser, and
 * {@code talent hosts --json} shows each host's detected facts.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class FleetMetricsIT {

    private static final String STEPS = "2500";

    @TempDir Path dir;
    private final List<Process> daemons = new ArrayList<>();
    /** The daemons' command lines by label, and their processes: one that exits is started again, as the lab's supervisor does. */
    private final Map<String, String[]> specs = new java.util.LinkedHashMap<>();
    private final Map<String, Process> running = new HashMap<>();

    @AfterEach
    void stop() throws Exception {
        // the apps first (an agent leaves its apps running when it stops), then the daemons, etcd last
        if (Files.exists(dir.resolve("cli.conf"))) TalentJar.run(dir, "undeploy", "--fleet", dir.resolve("cli.conf").toString(), "envapp");
        List<Process> all = new ArrayList<>(running.values());
        all.addAll(daemons);
        for (Process p : all.reversed()) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        }
    }

    @Test
    void agentsAndControllerServeTheirMetricsAfterAMigrationAndHostsShowTheirFacts() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the agents run runc containers: root only");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")), "runc is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/etcd")), "etcd-server is not installed");
        Files.copy(Path.of("..", "talent-it", "src", "test", "resources", "migration", "envapp.c"), dir.resolve("envapp.c"));
        CapturedRun build = TalentJar.run(dir, "build", "-o", "build/", "--isa", "x86_64", "envapp.c");
        assertThat(build.exitCode()).as(build.stderr()).isZero();
        Path input = Files.createDirectories(dir.resolve("input"));
        StringBuilder numbers = new StringBuilder();
        for (int i = 0; i < 40; i++) numbers.append(i * 7 % 23 + 1).append(i % 5 == 4 ? "\n" : " ");
        Files.writeString(input.resolve("input.txt"), numbers.toString());

        Pki pki = Pki.at(dir.resolve("pki"));
        pki.init("fleet metrics IT");
        pki.issue("h1", Pki.Usage.HOST, List.of("127.0.0.1", "127.0.0.2"), List.of());
        pki.issue("h2", Pki.Usage.HOST, List.of("127.0.0.3"), List.of());
        pki.issue("cli", Pki.Usage.CLIENT, List.of(), List.of());
        int client = freePort(), peer = freePort();
        String etcdUrl = "https://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        daemons.add(new ProcessBuilder("etcd", "--name", "e1", "--data-dir", dir.resolve("etcd").toString(),
                "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl, "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl, "--initial-cluster", "e1=" + peerUrl, "--log-level", "error",
                "--client-cert-auth", "--trusted-ca-file", pki.caCertificate().toString(),
                "--cert-file", pki.certificate("h1").toString(), "--key-file", pki.key("h1").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start());
        for (String n : List.of("h1", "h2", "cli"))
            new FleetConfig(List.of(URI.create(etcdUrl)), pki.caCertificate(), pki.certificate(n), pki.key(n)).write(dir.resolve(n + ".conf"));
        String cli = dir.resolve("cli.conf").toString();
        int m1 = freePort(), m2 = freePort(), mc = freePort();
        daemon("agent-h1", "agent", "--name", "h1", "--address", "127.0.0.2", "--port", "0", "--fleet", dir.resolve("h1.conf").toString(),
                "--state", dir.resolve("state-h1").toString(), "--platforms", "x86_64", "--metrics", "127.0.0.1:" + m1);
        daemon("agent-h2", "agent", "--name", "h2", "--address", "127.0.0.3", "--port", "0", "--fleet", dir.resolve("h2.conf").toString(),
                "--state", dir.resolve("state-h2").toString(), "--platforms", "x86_64", "--metrics", "127.0.0.1:" + m2);
        daemon("controller-h1", "controller", "--host", "h1", "--fleet", dir.resolve("h1.conf").toString(), "--metrics", "127.0.0.1:" + mc);

        // both hosts up, each with the facts its agent detected
        JsonNode hosts = null;
        long by = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < by) {
            revive();
            CapturedRun h = TalentJar.run(dir, "hosts", "--json", "--fleet", cli);
            if (h.stdout().startsWith("[")) {
                hosts = new ObjectMapper().readTree(h.stdout());
                if (hosts.size() == 2 && h.exitCode() == 0) break;
            }
            Thread.sleep(500);
        }
        assertThat(hosts).as(logs()).isNotNull();
        assertThat(hosts.size()).as(logs()).isEqualTo(2);
        for (JsonNode h : hosts) {
            assertThat(h.get("agent").asText()).isEqualTo("up");
            assertThat(h.has("controller_pid") && h.has("drained") && h.has("leader") && h.has("apps") && h.has("address")).isTrue();
            JsonNode f = h.get("facts");
            assertThat(f.size()).as(h.toString()).isEqualTo(1);
            assertThat(f.get(0).get("platform").asText()).isEqualTo("x86_64");
            assertThat(f.get(0).get("isa").asText()).isEqualTo("x86_64");
            assertThat(f.get(0).get("word_bits").asInt()).isEqualTo(64);
            assertThat(f.get(0).get("byte_order").asText()).isEqualTo("little");
            assertThat(f.get(0).get("libc").asText()).isEqualTo("glibc");
            assertThat(f.get(0).get("kernel").asText()).startsWith("Linux ");
            assertThat(f.get(0).get("host").asText()).isEqualTo(InetAddress.getLocalHost().getHostName());
        }
        CapturedRun shortForm = TalentJar.run(dir, "hosts", "--fleet", cli);
        assertThat(shortForm.stdout()).contains("x86_64 (x86_64 64 le glibc-");
        // the same facts as places, with the tags the controller gives them (implicit only: no --policy)
        CapturedRun places = TalentJar.run(dir, "platforms", "--fleet", cli, "--json");
        assertThat(places.exitCode()).as(places.stderr()).isZero();
        JsonNode ps = new ObjectMapper().readTree(places.stdout());
        assertThat(ps.size()).as(places.stdout()).isEqualTo(2);
        for (JsonNode p : ps) {
            String host = p.get("host").asText();
            assertThat(p.get("platform").asText()).isEqualTo("x86_64");
            assertThat(p.get("facts").get("libc").asText()).isEqualTo("glibc");
            List<String> tags = new java.util.ArrayList<>();
            p.get("tags").forEach(t -> tags.add(t.asText()));
            assertThat(tags).as(p.toString()).contains("x86_64", "glibc", host, "glibc-" + p.get("facts").get("libc_version").asText())
                    .anyMatch(t -> t.matches("linux-\\d+\\.\\d+"));
            assertThat(p.get("policy").isNull()).isTrue();
        }

        // envapp on h1, moved to h2 on request, ends there; the uninterrupted run beside it (STEPS x 10 ms: long enough
        // for the commands' JVMs to start on a loaded machine before it ends)
        revive();
        Files.createDirectories(dir.resolve("ref"));
        Files.copy(input.resolve("input.txt"), dir.resolve("ref/input.txt"));
        Process ref = new ProcessBuilder(dir.resolve("build/envapp.x86_64").toString(), STEPS, "10")
                .directory(dir.resolve("ref").toFile()).redirectErrorStream(true).start();
        CapturedRun deploy = TalentJar.run(dir, "deploy", "--fleet", cli, "--name", "envapp", "--platforms", "x86_64", "--workdir",
                "input", "build/envapp", "--", STEPS, "10");
        assertThat(deploy.exitCode()).as(deploy.stderr() + logs()).isZero();
        JsonNode placed = null;
        String said = "";
        for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); System.nanoTime() < until; Thread.sleep(500)) {
            CapturedRun status = TalentJar.run(dir, "status", "envapp", "--json", "--fleet", cli);
            said = status.stdout() + status.stderr();
            if (status.exitCode() == 0 && status.stdout().startsWith("{")) {
                placed = new ObjectMapper().readTree(status.stdout()).get("host");
                if (placed != null && !placed.isNull()) break;
            }
        }
        assertThat(placed).as("status --json: %s%s", said, logs()).isNotNull();
        String from = placed.asText();
        String to = from.equals("h1") ? "h2" : "h1";
        CapturedRun migrate = TalentJar.run(dir, "migrate", "envapp", "--fleet", cli, "--to", to);
        assertThat(migrate.exitCode()).as(migrate.stdout() + migrate.stderr() + logs()).isZero();
        int destinationPort = to.equals("h1") ? m1 : m2, sourcePort = to.equals("h1") ? m2 : m1;
        Map<String, Double> running = scrape(destinationPort);
        CapturedRun wait = TalentJar.run(dir, "wait", "envapp", "--fleet", cli);
        assertThat(wait.exitCode()).as(wait.stderr()).isZero();
        CapturedRun out = TalentJar.run(dir, "logs", "envapp", "--fleet", cli, "--stream", "stdout");
        String uninterrupted = new String(ref.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ref.waitFor()).isZero();
        assertThat(out.stdout()).as("output across the migration").isEqualTo(uninterrupted);
        // the app's report page from etcd: its move between the hosts, its end
        CapturedRun report = TalentJar.run(dir, "report", "envapp", "--fleet", cli, "-o", dir.resolve("report.html").toString());
        assertThat(report.exitCode()).as(report.stderr()).isZero();
        String page = Files.readString(dir.resolve("report.html"));
        assertThat(page).contains("\"event\":\"migration\"").contains("\"to\":\"" + to + "/x86_64\"").contains("\"event\":\"end\"");

        Map<String, Double> controller = scrape(mc), source = scrape(sourcePort), destination = scrape(destinationPort);
        assertThat(controller.get("talent_migrations_total{app=\"envapp\",outcome=\"ok\",reason=\"request\",step=\"none\"}"))
                .as("%s", controller.keySet()).isEqualTo(1.0);
        assertThat(controller.get("talent_migration_downtime_seconds_count{app=\"envapp\"}")).isEqualTo(1.0);
        assertThat(controller.get("talent_migration_phase_seconds_count{app=\"envapp\",phase=\"restore\"}")).isEqualTo(1.0);
        assertThat(controller.get("talent_controller_leader{host=\"h1\"}")).isEqualTo(1.0);
        assertThat(controller.get("talent_fleet_hosts{state=\"up\"}")).isEqualTo(2.0);
        assertThat(controller.get("talent_fleet_hosts{state=\"drained\"}")).isEqualTo(0.0);

        String s = "app=\"envapp\",host=\"" + from + "\"", d = "app=\"envapp\",host=\"" + to + "\"";
        assertThat(source.get("talent_agent_checkpoints_total{" + s + ",outcome=\"taken\"}")).as("%s", source.keySet()).isEqualTo(1.0);
        assertThat(source.get("talent_agent_checkpoint_seconds_count{" + s + "}")).isEqualTo(1.0);
        assertThat(source.get("talent_agent_sync_bytes_total{" + s.replace(",host", ",direction=\"sent\",host") + "}")).isPositive();
        assertThat(source.get("talent_agent_rpcs_total{host=\"" + from + "\",method=\"TakeCheckpoint\",outcome=\"ok\"}")).isEqualTo(1.0);
        assertThat(destination.get("talent_agent_restores_total{" + d + ",outcome=\"ok\"}")).as("%s", destination.keySet()).isEqualTo(1.0);
        assertThat(destination.get("talent_agent_restore_seconds_count{" + d + "}")).isEqualTo(1.0);
        assertThat(destination.get("talent_agent_sync_files_total{" + d.replace(",host", ",direction=\"received\",host") + "}")).isPositive();
        assertThat(destination.get("talent_agent_rpcs_total{host=\"" + to + "\",method=\"Op/before-start-and-start\",outcome=\"ok\"}")).isPositive();
        // while it ran on the destination
        assertThat(running.get("talent_app_platform{" + d + ",platform=\"x86_64\"}")).as("%s", running.keySet()).isEqualTo(1.0);
        assertThat(running.get("talent_agent_apps_running{host=\"" + to + "\"}")).isEqualTo(1.0);
        assertThat(destination.get("talent_agent_apps_running{host=\"" + to + "\"}")).as("ended").isEqualTo(0.0);
    }

    private void daemon(String label, String... args) throws IOException {
        specs.put(label, args);
        running.put(label, start(label, args));
    }

    /** Starts again a daemon that exited (a controller whose lease expired on a loaded machine exits 1). */
    private void revive() throws IOException {
        for (var e : specs.entrySet())
            if (!running.get(e.getKey()).isAlive()) running.put(e.getKey(), start(e.getKey(), e.getValue()));
    }

    private Process start(String label, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                TalentJar.JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(label + ".log").toFile()));
        b.environment().put("TALENT_CACHE_DIR", TalentJar.CACHE.toString());
        return b.start();
    }

    private String logs() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String l : List.of("etcd", "agent-h1", "agent-h2", "controller-h1")) {
            Path f = dir.resolve(l + ".log");
            if (Files.exists(f)) b.append("\n== ").append(l).append('\n').append(Files.readString(f));
        }
        return b.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); }
    }

    /**
     * Scrapes /metrics (format 0.0.4) and parses it with the Prometheus project's own parser (Debian's
     * python3-prometheus-client, through talent-it/scripts/prom-samples.py): "name{sorted labels}" to value; a
     * malformed exposition or a family without a TYPE fails.
     */
    private static Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> r;
        try (HttpClient http = HttpClient.newHttpClient()) {
            r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        }
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(Path.of("/usr/lib/python3/dist-packages/prometheus_client")).withFailMessage(
                "the Prometheus parser is not installed (apt-get install python3-prometheus-client)").isDirectory();
        Path script = Path.of("../talent-it/scripts/prom-samples.py").toAbsolutePath().normalize();
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(r.body().getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the parser ended").isTrue();
        assertThat(p.exitValue()).withFailMessage("the Prometheus parser refused the exposition: %s%n%s", out, r.body()).isZero();
        Map<String, Double> samples = new HashMap<>();
        for (String line : out.split("\n", -1)) {
            if (line.isEmpty()) continue;
            int tab = line.lastIndexOf('\t');
            samples.put(line.substring(0, tab), Double.parseDouble(line.substring(tab + 1)));
        }
        return samples;
    }
}
