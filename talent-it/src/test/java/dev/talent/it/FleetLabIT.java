package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The test fleet (issue 15): {@code lab up --hosts 3}, then what the fleet must do without apps: three agents up and
 * exactly one leading controller; a killed leader replaced within 3 s; a killed agent restarted within 2 s; clients
 * without a certificate refused by the agents and by etcd; {@code lab down} leaving nothing behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class FleetLabIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND = Duration.ofMinutes(4);
    private static final Pattern FAILOVER = Pattern.compile("leads after (\\d+) ms");
    private static final Pattern AGENT_LOSS = Pattern.compile("etcd dropped it after (\\d+) ms");

    private TalentCli talent;
    private Path dir;
    private boolean up;

    @BeforeAll
    void labUp() throws IOException {
        assumeTrue("0".equals(EnvApp.uid()), "talent lab needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/etcd")), "etcd is not installed (apt-get install etcd-server etcd-client)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/etcdctl")), "etcdctl is not installed (apt-get install etcd-client)");
        assumeTrue(Isa.onPath("openssl").isPresent(), "openssl is not installed");
        talent = TalentCli.get();
        dir = ItPaths.workRoot().resolve("fleet-lab");
        ItPaths.deleteRecursively(dir);
        ProcessResult r = talent.run(ItPaths.workRoot(), COMMAND, List.of("lab", "up", "--hosts", "3", "--dir", dir.toString()));
        assertThat(r.exitCode()).withFailMessage(r.describe()).isZero();
        up = true;
        List<String> lines = r.stdoutText().lines().toList();
        assertThat(lines.getLast()).isEqualTo("export TALENT_FLEET=" + dir.resolve("fleet.conf"));
    }

    private JsonNode hosts() throws IOException {
        ProcessResult r = talent.run(dir, COMMAND, List.of("hosts", "--json", "--fleet", dir.resolve("fleet.conf").toString()));
        assertThat(r.exitCode()).withFailMessage(r.describe()).isZero();
        return JSON.readTree(r.stdout());
    }

    @Test
    @Order(1)
    void threeHostsUpAndExactlyOneLeader() throws IOException {
        JsonNode hosts = hosts();
        assertThat(hosts).hasSize(3);
        int leaders = 0;
        for (int k = 1; k <= 3; k++) {
            JsonNode h = hosts.get(k - 1);
            assertThat(h.get("name").asText()).isEqualTo("h" + k);
            assertThat(h.get("address").asText()).isEqualTo("10.213.0." + (10 + k));
            assertThat(h.get("agent").asText()).isEqualTo("up");
            assertThat(h.get("platforms")).isNotEmpty();
            assertThat(h.get("apps")).isEmpty();
            assertThat(h.get("controller_pid").isNumber()).isTrue();
            assertThat(ProcessHandle.of(h.get("controller_pid").asLong())).isPresent();
            if (h.get("leader").asBoolean()) leaders++;
        }
        assertThat(leaders).isEqualTo(1);
    }

    @Test
    @Order(2)
    void killingTheLeadingControllerElectsAnotherWithinThreeSecondsAndADeadAgentIsSeen() {
        ProcessResult r = talent.run(dir, COMMAND, List.of("bench", "fleet", "--kills", "1", "--agent-loss", "h3",
                "--fleet", dir.resolve("fleet.conf").toString()));
        assertThat(r.exitCode()).withFailMessage(r.describe()).isZero();
        Matcher m = FAILOVER.matcher(r.stdoutText());
        List<Long> ms = new ArrayList<>();
        while (m.find()) ms.add(Long.parseLong(m.group(1)));
        System.out.println("FleetLabIT: controller failover " + ms + " ms");
        assertThat(ms).hasSize(1).allSatisfy(t -> assertThat(t).isLessThan(3000));
        // a frozen agent's lease (TTL 3 s) expires: etcd drops it within seconds
        Matcher loss = AGENT_LOSS.matcher(r.stdoutText());
        assertThat(loss.find()).withFailMessage(r.describe()).isTrue();
        System.out.println("FleetLabIT: a frozen agent dropped by etcd after " + loss.group(1) + " ms");
        assertThat(Long.parseLong(loss.group(1))).isBetween(1000L, 6000L);
    }

    @Test
    @Order(3)
    void aKilledAgentIsRestartedWithinTwoSeconds() throws Exception {
        Path pidFile = dir.resolve("run/agent-h2.pid");
        long old = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle agent = ProcessHandle.of(old).orElseThrow();
        long t0 = System.nanoTime();
        agent.destroyForcibly();
        long now = old;
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10)) {
            now = Long.parseLong(Files.readString(pidFile).strip());
            if (now != old && ProcessHandle.of(now).isPresent()) break;
            Thread.sleep(20);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("FleetLabIT: agent restarted as pid " + now + " after " + ms + " ms");
        assertThat(now).isNotEqualTo(old);
        assertThat(ms).isLessThan(2000);
    }

    @Test
    @Order(4)
    void clientsWithoutCertificateAreRefused() {
        Path ca = dir.resolve("pki/ca.crt");
        // the agent: TLS 1.3 completes on the client's side, then the server's alert says "certificate required"
        ProcessResult agent = Processes.run(List.of("sh", "-c", "(sleep 1; echo hello) | openssl s_client -connect 10.213.0.11:7443 -tls1_3 -CAfile " + ca + " 2>&1"),
                dir, Duration.ofSeconds(30));
        assertThat(agent.stdoutText()).contains("Verify return code: 0 (ok)").contains("alert certificate required");
        // etcd without a client certificate: refused; with the CLI's: answers
        String endpoint = "--endpoints=https://10.213.0.11:2379";
        ProcessResult without = Processes.run(List.of("etcdctl", endpoint, "--cacert=" + ca, "--dial-timeout=3s", "--command-timeout=5s",
                "get", "/talent/leader"), dir, Duration.ofSeconds(30));
        assertThat(without.exitCode()).withFailMessage(without.describe()).isNotZero();
        ProcessResult with = Processes.run(List.of("etcdctl", endpoint, "--cacert=" + ca, "--cert=" + dir.resolve("pki/cli.crt"),
                "--key=" + dir.resolve("pki/cli.key"), "--dial-timeout=3s", "--command-timeout=5s", "get", "/talent/leader"), dir, Duration.ofSeconds(30));
        assertThat(with.exitCode()).withFailMessage(with.describe()).isZero();
        assertThat(with.stdoutText()).contains("/talent/leader").contains("\"pid\"");
    }

    @Test
    @Order(5)
    void labDownLeavesNothingBehind() throws IOException {
        ProcessResult r = talent.run(ItPaths.workRoot(), COMMAND, List.of("lab", "down", "--dir", dir.toString()));
        up = false;
        assertThat(r.exitCode()).withFailMessage(r.describe()).isZero();
        assertThat(dir).doesNotExist();
        ProcessResult ns = Processes.run(List.of("ip", "netns", "list"), ItPaths.workRoot(), Duration.ofSeconds(30));
        assertThat(ns.stdoutText()).doesNotContain("tfleet-");
        ProcessResult links = Processes.run(List.of("ip", "-o", "link", "show"), ItPaths.workRoot(), Duration.ofSeconds(30));
        assertThat(links.stdoutText()).doesNotContain("tfleet");
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)).doesNotContain("/run/netns/tfleet-").doesNotContain(dir.toString());
        String needle = dir + "/";
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(needle)).orElse(false)).toList()).isEmpty();
    }

    @AfterAll
    void downIfStillUp() {
        if (up) talent.run(ItPaths.workRoot(), COMMAND, List.of("lab", "down", "--dir", dir.toString()));
    }
}
