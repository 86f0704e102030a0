package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Issue 16 on the real fleet lab ({@code talent lab up --hosts 2 --policy}: etcd, agents and controllers as processes):
 * the policy tags the platform x86_64 of every host with a CVE; envapp runs there; {@code talent alert --fleet --tag}
 * moves it off every place carrying the tag within about one of the lab's own requested migrations (measured here, as
 * PolicyAlertIT does), its record says {@code reason: alert TAG}, {@code talent alerts} lists what moved, a request for
 * a tagged place is refused while the alert is active and served once {@code talent alert clear} cleared it; the same
 * alert posted to a controller's {@code POST /v1/alerts} over mutual TLS (curl with the CLI's certificate) moves it
 * again and {@code DELETE /v1/alerts/TAG} clears it. Its output and final working directory equal an uninterrupted
 * run's. After {@code undeploy}, {@code talent status --json} says it ended and {@code talent report} writes its page
 * from the history etcd keeps (its migrations and alerts; checked in headless Chromium when installed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 12, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(FleetLab.LOCK)
class FleetAlertLabIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TAG = "CVE-2024-2961";
    /** envapp's length: every migration and alert happens while it runs (the test prints how far in the last one was). */
    private static final int STEPS = 3000, MS = 70;

    private TalentCli talent;
    private Path root, dir;
    private FleetLab lab;
    /** Whether this class made the stand-in for a killed lab's bridge (tfleet0), removed at the end. */
    private boolean leftover;

    @BeforeAll
    void labUp() throws IOException {
        FleetLab.assumeLab(false);
        assumeTrue(Isa.onPath("musl-gcc").isPresent(), "musl-gcc is not installed (apt-get install musl-tools)");
        assumeTrue(Isa.onPath("curl").isPresent(), "curl is not installed");
        talent = TalentCli.get();
        root = FleetLab.workRoot("fleet-alert-lab");
        Path source = root.resolve("envapp.c");
        try (var in = FleetAlertLabIT.class.getResourceAsStream("/migration/envapp.c")) {
            Files.copy(in, source);
        }
        ProcessResult built = talent.run(root, Duration.ofMinutes(5), List.of("build", "-o", "build", "--isa", "x86_64,x86_64-musl", source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        Path policy = root.resolve("talent-policy.toml");
        Files.writeString(policy, "[platform.x86_64]\ntags = [\"" + TAG + "\", \"rack-1\"]\n");
        lab = FleetLab.at(talent, root);
        dir = lab.dir();
        // what a killed lab leaves (its bridge): this lab goes beside it, as lab 1, and every address below is lab 1's
        // (the lab classes run one at a time: no other lab of the suite is up now)
        leftover = Processes.run(List.of("ip", "link", "show", "tfleet0"), root, Duration.ofSeconds(30)).exitCode() != 0
                && Processes.run(List.of("ip", "link", "add", "tfleet0", "type", "bridge"), root, Duration.ofSeconds(30)).exitCode() == 0;
        ProcessResult r = lab.up(List.of(), "--hosts", "2", "--policy", policy.toString());
        assertThat(lab.index()).withFailMessage(r.describe()).isPositive();
        assertThat(r.stderrText()).contains("lab " + lab.index() + ": bridge tfleet" + lab.index() + " (10.213." + lab.index() + ".0/24)");
    }

    @Test
    void anAlertMovesTheAppOffTaggedPlacesAndItsReportOutlivesUndeploy() throws Exception {
        EnvApp.Reference ref = EnvApp.reference(root.resolve("build/envapp.x86_64"), EnvApp.inputDir(root.resolve("reference")), STEPS, MS);
        Path workdir = EnvApp.inputDir(root.resolve("work"));
        ProcessResult deployed = lab.run("deploy", "--name", "envapp", "--platforms", "x86_64,x86_64-musl", "--workdir", workdir.toString(),
                root.resolve("build/envapp").toString(), "--", Integer.toString(STEPS), Integer.toString(MS));
        assertThat(deployed.exitCode()).withFailMessage(deployed.describe()).isZero();
        Instant started = Instant.now();
        assertThat(lab.status("envapp").get("platform").asText()).isEqualTo("x86_64");

        // the lab's own migration time: requested migrations, from the CLI's start to its answer (as the alert is timed)
        long slowestRequest = 0;
        for (String to : List.of("x86_64-musl", "x86_64")) {
            Instant asked = Instant.now();
            JsonNode m = lab.migrate("envapp", to);
            slowestRequest = Math.max(slowestRequest, Duration.between(asked, Instant.now()).toMillis());
            assertThat(m.get("ok").asBoolean()).withFailMessage("%s", m).isTrue();
            assertThat(m.get("to").asText()).endsWith("/" + to);
        }
        assertThat(lab.status("envapp").get("platform").asText()).isEqualTo("x86_64");

        // the alert from the CLI: every place with x86_64 carries the tag (the policy's [platform.x86_64])
        Instant raised = Instant.now();
        ProcessResult alert = lab.run("alert", "--tag", TAG, "--reason", "IDS: iconv exploit seen");
        long took = Duration.between(raised, Instant.now()).toMillis();
        assertThat(alert.exitCode()).withFailMessage(alert.describe()).isZero();
        JsonNode moved = lastRecord();
        checkMovedByAlert(moved);
        System.out.printf("FleetAlertLabIT: talent alert to envapp moved: %d ms (its downtime %.0f ms); slowest requested migration %d ms%n",
                took, moved.get("downtime_ms").asDouble(), slowestRequest);
        // within one migration time: the alert's command and one migration, as a requested one takes from the CLI,
        // with PolicyAlertIT's margin for a loaded machine; a move left to a schedule would never come (no --every)
        assertThat(took).as("alert to envapp moved (ms), against the slowest requested migration's %d ms", slowestRequest)
                .isLessThan(2 * slowestRequest + 3_000);
        JsonNode alerts = JSON.readTree(lab.ok("alerts", "--json").stdout());
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).get("tag").asText()).isEqualTo(TAG);
        assertThat(alerts.get(0).get("reason").asText()).isEqualTo("IDS: iconv exploit seen");
        JsonNode effect = alerts.get(0).get("effects").get(0);
        assertThat(effect.get("app").asText()).isEqualTo("envapp");
        assertThat(effect.get("action").asText()).isEqualTo("moved");
        assertThat(effect.get("from").asText()).isEqualTo(moved.get("from").asText());
        assertThat(effect.get("to").asText()).isEqualTo(moved.get("to").asText());
        assertThat(lab.ok("alerts").stdoutText()).contains(TAG).contains("moved");

        // quarantined: a request for a tagged place is refused; after the clear it is served
        ProcessResult refused = lab.run("migrate", "envapp", "--to", "x86_64", "--json");
        assertThat(refused.exitCode()).withFailMessage(refused.describe()).isNotZero();
        assertThat(refused.stderrText()).contains(TAG);
        lab.ok("alert", "clear", TAG);
        assertThat(JSON.readTree(lab.ok("alerts", "--json").stdout())).isEmpty();
        assertThat(lab.migrate("envapp", "x86_64").get("ok").asBoolean()).isTrue();

        // the same over HTTPS with mutual TLS, as an IDS posts it: the CLI's client certificate, the fleet's CA
        Instant posted = Instant.now();
        ProcessResult post = curl("-X", "POST", "-H", "Content-Type: application/json",
                "--data-binary", "{\"tag\":\"" + TAG + "\",\"reason\":\"IDS over mutual TLS\"}", "https://" + lab.address(1) + ":7444/v1/alerts");
        long tookPost = Duration.between(posted, Instant.now()).toMillis();
        assertThat(post.exitCode()).withFailMessage(post.describe() + "\n" + post.stdoutText()).isZero();
        JsonNode answer = JSON.readTree(post.stdout());
        assertThat(answer.get("alert").get("tag").asText()).isEqualTo(TAG);
        assertThat(answer.get("alert").get("effects").findValuesAsText("action")).containsExactly("moved");
        JsonNode movedAgain = lastRecord();
        checkMovedByAlert(movedAgain);
        System.out.printf("FleetAlertLabIT: POST /v1/alerts to envapp moved: %d ms (its downtime %.0f ms)%n", tookPost,
                movedAgain.get("downtime_ms").asDouble());
        assertThat(tookPost).isLessThan(2 * slowestRequest + 3_000);
        // without a client certificate the endpoint refuses the handshake
        ProcessResult anonymous = Processes.run(List.of("curl", "-sS", "--max-time", "20", "--cacert", dir.resolve("pki/ca.crt").toString(),
                "https://" + lab.address(1) + ":7444/v1/alerts"), root, Duration.ofSeconds(60));
        assertThat(anonymous.exitCode()).withFailMessage(anonymous.describe()).isNotZero();
        JsonNode listed = JSON.readTree(FleetLab.ok(curl("https://" + lab.address(2) + ":7444/v1/alerts")).stdout());
        assertThat(listed.toString()).contains(TAG).contains("IDS over mutual TLS");
        FleetLab.ok(curl("-X", "DELETE", "https://" + lab.address(2) + ":7444/v1/alerts/" + TAG));
        assertThat(JSON.readTree(lab.ok("alerts", "--json").stdout())).isEmpty();
        lab.ok("report", "envapp", "-o", root.resolve("running.html").toString());
        System.out.printf("FleetAlertLabIT: the last migration %d ms after the app started (it runs at least %d ms)%n",
                Duration.between(started, Instant.now()).toMillis(), (long) STEPS * MS);

        Path fetched = root.resolve("fetched");
        lab.ok("wait", "envapp", "--fetch-workdir", fetched.toString());
        assertThat(lab.ok("logs", "envapp").stdoutText()).as("the output across the alerts' moves").isEqualTo(ref.stdout());
        assertThat(EnvApp.tree(fetched)).as("the final working directory").isEqualTo(ref.files());
        JsonNode before = lab.status("envapp");
        lab.ok("undeploy", "envapp");

        // after undeploy: its history is kept; status says it ended, the report is written from it
        JsonNode after = lab.status("envapp");
        System.out.println("FleetAlertLabIT: status after undeploy: " + after);
        assertThat(after.get("state").asText()).isEqualTo("ended");
        assertThat(after.get("archived").asBoolean()).isTrue();
        assertThat(after.get("status").asInt()).isZero();
        assertThat(after.get("undeployed").asText()).isNotEmpty();
        assertThat(after.get("migrations")).isEqualTo(before.get("migrations"));
        assertThat(after.get("alert_history")).isEqualTo(before.get("alert_history"));
        assertThat(after.get("migrations").findValuesAsText("reason"))
                .containsExactly("request", "request", "alert " + TAG, "request", "alert " + TAG);
        assertThat(after.get("alert_history").findValuesAsText("event")).containsExactly("alert", "alert-clear", "alert", "alert-clear");
        // an operator who forgot its name finds it: status --all lists the ended apps etcd keeps
        JsonNode kept = endedEnvapps("--all");
        assertThat(kept).hasSize(1);
        assertThat(kept.get(0).get("how").asText()).isEqualTo("exit");
        assertThat(kept.get(0).get("status").asInt()).isZero();
        assertThat(kept.get(0).get("platform").asText()).isEqualTo(after.get("platform").asText());
        assertThat(kept.get(0).get("migration_count").asInt()).isEqualTo(5);
        Path page = root.resolve("after.html");
        lab.ok("report", "envapp", "-o", page.toString());
        assertThat(Files.readString(page)).contains("IDS over mutual TLS").contains("alert " + TAG);
        Path chromium = Path.of("/usr/bin/chromium");
        if (Files.isExecutable(chromium)) {
            Map<String, String> rows = ReportBrowser.render(chromium, page, root);
            assertThat(rows.get("migrations")).isEqualTo("5");
            assertThat(Integer.parseInt(rows.get("alerts"))).isGreaterThanOrEqualTo(2);
            assertThat(rows.get("state")).startsWith("ended");
        } else {
            System.out.println("FleetAlertLabIT: chromium is not installed: the page after undeploy is not rendered");
        }
        // a new app of the same name is a new one: its status is its own, not the ended one's
        ProcessResult again = lab.run("deploy", "--name", "envapp", "--platforms", "x86_64-musl", "--workdir",
                EnvApp.inputDir(root.resolve("work-again")).toString(), root.resolve("build/envapp").toString(), "--", "10", "1");
        assertThat(again.exitCode()).withFailMessage(again.describe()).isZero();
        JsonNode fresh = lab.status("envapp");
        assertThat(fresh.has("archived")).isFalse();
        lab.ok("wait", "envapp");
        lab.ok("undeploy", "envapp");
        assertThat(lab.status("envapp").get("migrations")).isEmpty();
        // both incarnations are kept and listed apart, the newest first
        JsonNode both = endedEnvapps("--ended");
        assertThat(both).hasSize(2);
        assertThat(both.get(0).get("generation").asText()).isGreaterThan(both.get(1).get("generation").asText());
        assertThat(both.get(0).get("platform").asText()).isEqualTo("x86_64-musl");
        assertThat(lab.ok("status", "--ended").stdoutText()).contains("envapp: ended, undeployed ");
        // the older one by its generation: its own history (the five migrations), not the newer one's
        String older = "envapp@" + both.get(1).get("generation").asText();
        JsonNode first = JSON.readTree(lab.ok("status", older, "--json").stdout());
        assertThat(first.get("generation").asText()).isEqualTo(both.get(1).get("generation").asText());
        assertThat(first.get("archived").asBoolean()).isTrue();
        assertThat(first.get("migrations")).hasSize(5);
        Path olderPage = root.resolve("older.html");
        lab.ok("report", older, "-o", olderPage.toString());
        assertThat(Files.readString(olderPage)).contains("IDS over mutual TLS");
    }

    /** The archived envapps of {@code status OPTION --json}. */
    private JsonNode endedEnvapps(String option) throws IOException {
        JsonNode all = JSON.readTree(lab.ok("status", option, "--json").stdout());
        var kept = JSON.createArrayNode();
        for (JsonNode a : all) if (a.get("name").asText().equals("envapp") && a.path("archived").asBoolean()) kept.add(a);
        return kept;
    }

    private void checkMovedByAlert(JsonNode r) throws IOException {
        assertThat(r.get("ok").asBoolean()).withFailMessage("%s", r).isTrue();
        assertThat(r.get("reason").asText()).isEqualTo("alert " + TAG);
        assertThat(r.get("from").asText()).endsWith("/x86_64");
        assertThat(r.get("to").asText()).as("never to a tagged place").endsWith("/x86_64-musl");
        assertThat(lab.status("envapp").get("platform").asText()).isEqualTo("x86_64-musl");
    }

    private JsonNode lastRecord() throws IOException {
        JsonNode m = lab.status("envapp").get("migrations");
        return m.get(m.size() - 1);
    }

    private ProcessResult curl(String... args) {
        List<String> c = new ArrayList<>(List.of("curl", "-sS", "--fail-with-body", "--max-time", "90",
                "--cert", dir.resolve("pki/cli.crt").toString(), "--key", dir.resolve("pki/cli.key").toString(),
                "--cacert", dir.resolve("pki/ca.crt").toString()));
        c.addAll(List.of(args));
        return Processes.run(c, root, Duration.ofMinutes(2));
    }

    @AfterAll
    void labDown() {
        try {
            if (lab != null && lab.isUp()) {
                lab.down();
                // lab down removes its own lab's names only: lab 0's bridge is not its lab's
                if (leftover) assertThat(Processes.run(List.of("ip", "link", "show", "tfleet0"), root, Duration.ofSeconds(30)).exitCode()).isZero();
            }
        } finally {
            if (leftover) Processes.run(List.of("ip", "link", "del", "tfleet0"), root, Duration.ofSeconds(30));
        }
    }
}
