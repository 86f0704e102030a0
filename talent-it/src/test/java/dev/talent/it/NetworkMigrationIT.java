package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code talent run --net}: a server (one request per connection, a counter in its state) gets its own network
 * namespace with an address on a host bridge; socat (a peer nobody here wrote) reaches it at that address from the
 * host before and after every migration, across ISAs, and after a migration that fails at any step (rolled back
 * to the source). The replies must be those of an uninterrupted run (the counter goes on, nothing is served
 * twice), and nothing of the network (namespaces, bridge ports, guard tables, the address lease) may be left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class NetworkMigrationIT {
    private static final List<String> PLATFORMS = List.of("x86_64", "aarch64", "s390x", "i686");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Unique per test JVM, so that runs from other checkouts do not collide; the subnet is this test's own. */
    private static final String BRIDGE = "tnit" + (ProcessHandle.current().pid() % 1_000_000);
    private static final String SUBNET = "10.219.0.0/16";
    private static final int PORT = 8080;

    private Path root;
    private Path program;
    private Path udpProgram;

    @BeforeAll
    void build() throws IOException {
        assumeTrue(Isa.onPath("runc").isPresent() || Files.isExecutable(Path.of("/usr/sbin/runc")), "runc is not installed");
        assumeTrue("0".equals(EnvApp.uid()), "talent run needs root");
        assumeTrue(Isa.onPath("socat").isPresent(), "socat is not installed (apt-get install socat)");
        assumeTrue(Isa.onPath("nft").isPresent() || Files.isExecutable(Path.of("/usr/sbin/nft")),
                "nftables is not installed (apt-get install nftables)");
        for (String p : PLATFORMS) Isa.of(p).assumeAvailable();
        root = ItPaths.workRoot().resolve("network-migration");
        ItPaths.deleteRecursively(root);
        Files.createDirectories(root);
        Path source = root.resolve("netcount.c");
        try (var in = NetworkMigrationIT.class.getResourceAsStream("/network/netcount.c")) {
            Files.copy(in, source);
        }
        ProcessResult built = TalentCli.get().run(root, Duration.ofMinutes(8), List.of("build", "-o", "build", "--isa",
                String.join(",", PLATFORMS), source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        program = root.resolve("build/netcount");
        Path udpSource = root.resolve("udpcount.c");
        try (var in = NetworkMigrationIT.class.getResourceAsStream("/network/udpcount.c")) {
            Files.copy(in, udpSource);
        }
        ProcessResult udpBuilt = TalentCli.get().run(root, Duration.ofMinutes(8), List.of("build", "-o", "build", "--isa",
                String.join(",", PLATFORMS), udpSource.toString()));
        assertThat(udpBuilt.exitCode()).withFailMessage(udpBuilt::describe).isZero();
        udpProgram = root.resolve("build/udpcount");
    }

    @AfterAll
    void removeBridge() throws Exception {
        Processes.run(List.of("ip", "link", "del", BRIDGE), root == null ? Path.of(".") : root, Duration.ofSeconds(30));
    }

    @Test
    void theAddressAndTheListeningPortMoveWithTheAppOverEveryPlatform() throws Exception {
        String app = "netcount-hops-" + ProcessHandle.current().pid();
        String address = "10.219.3.7";
        List<String> hops = List.of("aarch64", "s390x", "i686", "x86_64", "s390x", "aarch64", "x86_64");
        List<String> requests = new ArrayList<>();
        for (int i = 0; i <= hops.size(); i++) requests.add("line-" + i + "-a");
        List<String> expected = uninterrupted(requests, hops.size() + 1);

        Path log = root.resolve("hops.jsonl");
        Process run = start(app, "hops", List.of("--ip", address, "--log", log.toString()));
        List<String> replies = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        try {
            JsonNode status = awaitStatus(app);
            assertThat(status.get("address").asText()).isEqualTo(address);
            ports.addAll(ports());
            ProcessResult text = TalentCli.get().run(root, Duration.ofMinutes(1), List.of("status", app));
            assertThat(text.stdoutText()).contains(" at " + address + " ");
            replies.add(ask(address, requests.get(0)));
            for (int i = 0; i < hops.size(); i++) {
                ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(3), List.of("migrate", app, "--to", hops.get(i)));
                assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                assertThat(m.stdoutText()).contains(" ok");
                String reply = ask(address, requests.get(i + 1));
                assertThat(reply).as("the reply after the hop to %s", hops.get(i)).contains(" " + hops.get(i) + " ");
                replies.add(reply);
            }
            assertThat(ask(address, "quit")).isEqualTo("bye\n");
            assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("hops.stderr"))).isZero();
        // the replies of an uninterrupted run, but for the platform that served each
        assertThat(replies.stream().map(NetworkMigrationIT::withoutPlatform).toList()).isEqualTo(expected);
        assertThat(EnvApp.read(root.resolve("hops.stdout"))).isEqualTo("served " + requests.size() + "\n");
        List<JsonNode> records = EnvApp.records(log);
        assertThat(records).hasSize(hops.size()).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("net_ms").isNumber()).as(r.toString()).isTrue();
            assertThat(r.get("net_ms").asDouble()).as(r.toString()).isNotNegative().isLessThan(r.get("downtime_ms").asDouble());
            assertThat(r.get("sockets").asInt()).as("the listening socket, in " + r).isEqualTo(1);
        });
        assertThat(ports).as("the source's and the prepared destination's bridge ports").hasSize(2);
        assertNothingLeft(app, address, ports);
    }

    @ParameterizedTest(name = "a failure at step {0} leaves the app reachable on the source")
    @ValueSource(strings = {"checkpoint", "sync", "start", "restore"})
    void aFailedMigrationLeavesTheAppReachableAtItsAddress(String step) throws Exception {
        String app = "netcount-fault-" + step + "-" + ProcessHandle.current().pid();
        List<String> requests = List.of("before", "after-failure", "after-retry");
        List<String> expected = uninterrupted(requests, 3);
        Path log = root.resolve("fault-" + step + ".jsonl");
        Process run = start(app, "fault-" + step, List.of("--inject-fault", step, "--log", log.toString()));
        List<String> replies = new ArrayList<>();
        String address;
        List<String> ports = new ArrayList<>();
        try {
            address = awaitStatus(app).get("address").asText();
            ports.addAll(ports());
            assertThat(address).startsWith("10.219.");
            replies.add(ask(address, requests.get(0)));
            ProcessResult failed = TalentCli.get().run(root, Duration.ofMinutes(3), List.of("migrate", app, "--to", "s390x"));
            assertThat(failed.stdoutText() + failed.stderrText()).contains("failed at step " + step);
            String reply = ask(address, requests.get(1));
            assertThat(reply).as("served on the source after the rollback").contains(" x86_64 ");
            replies.add(reply);
            if (!step.equals("checkpoint")) {
                // the fault was one-off (a checkpoint fault stays with that process)
                ProcessResult ok = TalentCli.get().run(root, Duration.ofMinutes(3), List.of("migrate", app, "--to", "s390x"));
                assertThat(ok.exitCode()).withFailMessage(ok::describe).isZero();
                reply = ask(address, requests.get(2));
                assertThat(reply).contains(" s390x ");
            } else {
                reply = ask(address, requests.get(2));
            }
            replies.add(reply);
            assertThat(ask(address, "quit")).isEqualTo("bye\n");
            assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(replies.stream().map(NetworkMigrationIT::withoutPlatform).toList()).isEqualTo(expected);
        JsonNode first = EnvApp.records(log).getFirst();
        assertThat(first.get("ok").asBoolean()).isFalse();
        assertThat(first.get("failed_step").asText()).isEqualTo(step);
        assertNothingLeft(app, address, ports);
    }

    /**
     * A socat peer holds one connection to a line server while it hops x86_64 -> aarch64 -> x86_64 -> aarch64 ->
     * x86_64, sending a line every 2 ms all along (so lines are in flight, unread or unacknowledged, at every
     * checkpoint): every line comes back exactly once, in order, as an uninterrupted run answers them.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aHeldConnectionMovesWithTheAppAcrossIsas() throws Exception {
        Path source = root.resolve("linecount.c");
        try (var in = NetworkMigrationIT.class.getResourceAsStream("/network/linecount.c")) {
            Files.copy(in, source, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessResult built = TalentCli.get().run(root, Duration.ofMinutes(8), List.of("build", "-o", "build", "--isa",
                "x86_64,aarch64", source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        Path lines = root.resolve("build/linecount");
        int atLeast = 500;
        List<String> hops = List.of("aarch64", "x86_64", "aarch64", "x86_64");

        String app = "linecount-" + ProcessHandle.current().pid();
        String address = "10.219.5.3";
        Path log = root.resolve("held.jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet", SUBNET,
                "--ip", address, "--platforms", "x86_64,aarch64", "--state-dir", root.resolve("held-state").toString(),
                "--log", log.toString(), lines.toString(), "--", Integer.toString(PORT)));
        Process run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(root.resolve("held.stdout").toFile()).redirectError(root.resolve("held.stderr").toFile()).start();
        List<String> ports = new ArrayList<>();
        Conversation got;
        try {
            awaitStatus(app);
            ports.addAll(ports());
            got = converse(address + ":" + PORT, atLeast, () -> {
                for (String hop : hops) {
                    ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", hop));
                    assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                    assertThat(m.stdoutText()).contains(" ok");
                }
            });
            assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("held.stderr"))).isZero();
        int count = got.lines();
        // the uninterrupted run: the x86_64 build on the host's loopback, fed the same lines by socat
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process reference = new ProcessBuilder(lines.resolveSibling("linecount.x86_64").toString(), Integer.toString(port))
                .redirectOutput(root.resolve("held-reference.stdout").toFile()).start();
        Conversation expected;
        try {
            expected = converse("127.0.0.1:" + port, got.lines(), () -> { });
            assertThat(reference.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            reference.destroyForcibly();
        }
        assertThat(expected.output()).startsWith("1 line-1\n").endsWith(count + " line-" + count + "\nbye\n");

        assertThat(got.output()).as("what the peer received").isEqualTo(expected.output());
        assertThat(EnvApp.read(root.resolve("held.stdout"))).isEqualTo("served " + count + "\n");
        List<JsonNode> records = EnvApp.records(log);
        assertThat(records).hasSize(hops.size()).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("sockets").asInt()).as("the listener and the connection, in " + r).isEqualTo(2);
        });
        assertNothingLeft(app, address, ports);
    }

    /**
     * One socat connection to {@code hostPort}: lines {@code line-1, line-2...} written every 2 ms, at least
     * {@code atLeast} and for as long as {@code during} runs (started after the first reply), then "quit"; everything
     * socat printed and how many lines were sent.
     */
    private Conversation converse(String hostPort, int atLeast, ThrowingRunnable during) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Process peer = new ProcessBuilder("socat", "-t", "30", "-", "TCP:" + hostPort + ",connect-timeout=5")
                    .redirectError(root.resolve("socat.stderr").toFile()).start();
            var out = new java.io.ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    peer.getInputStream().transferTo(out);
                } catch (IOException e) {
                    // socat ended
                }
            });
            var writer = peer.getOutputStream();
            try {
                writer.write("line-1\n".getBytes(StandardCharsets.UTF_8));
                writer.flush();
            } catch (IOException e) {
                // socat could not connect and ended: tried again below
            }
            long firstBy = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (out.size() == 0 && peer.isAlive() && System.nanoTime() < firstBy) Thread.sleep(10);
            if (out.size() == 0) {
                peer.destroyForcibly();
                reader.join();
                if (System.nanoTime() > deadline) throw new AssertionError("socat never reached " + hostPort);
                Thread.sleep(300);
                continue;
            }
            var writeFailed = new java.util.concurrent.atomic.AtomicReference<Exception>();
            var duringDone = new java.util.concurrent.atomic.AtomicBoolean();
            var sent = new java.util.concurrent.atomic.AtomicInteger(1);
            Thread lines = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 2; i <= atLeast || !duringDone.get(); i++) {
                        writer.write(("line-" + i + "\n").getBytes(StandardCharsets.UTF_8));
                        writer.flush();
                        sent.set(i);
                        Thread.sleep(2);
                    }
                } catch (IOException | InterruptedException e) {
                    writeFailed.set(e);
                }
            });
            try {
                during.run();
            } finally {
                duringDone.set(true);
            }
            lines.join(Duration.ofMinutes(2));
            if (writeFailed.get() != null) throw writeFailed.get();
            writer.write("quit\n".getBytes(StandardCharsets.UTF_8));
            writer.flush();
            assertThat(peer.waitFor(60, TimeUnit.SECONDS)).as("socat ends after bye").isTrue();
            reader.join();
            return new Conversation(out.toString(StandardCharsets.UTF_8), sent.get());
        }
    }

    private record Conversation(String output, int lines) {}

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void anUdpServerKeepsItsPortOnEveryPlatform() throws Exception {
        String app = "udpcount-" + ProcessHandle.current().pid();
        String address = "10.219.4.9";
        List<String> hops = List.of("s390x", "i686", "aarch64", "x86_64");
        List<String> replies = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet", SUBNET,
                "--ip", address, "--platforms", String.join(",", PLATFORMS), "--state-dir", root.resolve("udp-state").toString(),
                "--log", root.resolve("udp.jsonl").toString(),
                udpProgram.toString(), "--", "5353"));
        Process run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(root.resolve("udp.stdout").toFile()).redirectError(root.resolve("udp.stderr").toFile()).start();
        try {
            awaitStatus(app);
            ports.addAll(ports());
            replies.add(askUdp(address, "first"));
            for (String hop : hops) {
                ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(3), List.of("migrate", app, "--to", hop));
                assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                String reply = askUdp(address, "after-" + hop);
                assertThat(reply).contains(" " + hop + " ");
                replies.add(reply);
            }
            assertThat(askUdp(address, "quit")).isEqualTo("bye\n");
            assertThat(run.waitFor(2, TimeUnit.MINUTES)).isTrue();
        } finally {
            stop(run);
        }
        assertThat(replies.stream().map(NetworkMigrationIT::withoutPlatform).toList()).containsExactly("1 first",
                "2 after-s390x", "3 after-i686", "4 after-aarch64", "5 after-x86_64");
        assertThat(EnvApp.read(root.resolve("udp.stdout"))).isEqualTo("served 5\n");
        assertThat(EnvApp.records(root.resolve("udp.jsonl"))).hasSize(hops.size())
                .allSatisfy(r -> assertThat(r.get("sockets").asInt()).as(r.toString()).isEqualTo(1));
        assertNothingLeft(app, address, ports);
    }

    /** One datagram with socat, its answer (retried while the server is not bound yet: a fresh start). */
    private String askUdp(String address, String line) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Path in = Files.writeString(root.resolve("datagram.txt"), line);
        ProcessResult last = null;
        while (System.nanoTime() < deadline) {
            last = Processes.run(List.of("sh", "-c", "socat -t 3 - UDP:" + address + ":5353 < " + in), root,
                    Duration.ofSeconds(20));
            if (last.exitCode() == 0 && last.stdout().length > 0) return new String(last.stdout(), StandardCharsets.UTF_8);
            Thread.sleep(200);
        }
        throw new AssertionError("no UDP reply from " + address + " to " + line + "\n" + (last == null ? "" : last.describe()));
    }

    @Test
    void networkOptionsAreChecked() {
        assertRefused(List.of("run", "--platforms", "x86_64", "--ip", "10.211.0.9", program.toString()), "need --net");
        assertRefused(List.of("run", "--net", "--platforms", "x86_64", "--ip", "192.168.1.2", program.toString()),
                "192.168.1.2 is not a free host address of 10.211.0.0/16");
        assertRefused(List.of("run", "--net", "--platforms", "x86_64", "--subnet", "10.1.2.3/16", program.toString()),
                "host bits set");
        assertRefused(List.of("run", "--net", "--platforms", "x86_64", "--bridge", "a-name-that-is-too-long",
                program.toString()), "1 to 15");
    }

    private void assertRefused(List<String> args, String message) {
        ProcessResult r = TalentCli.get().run(root, Duration.ofMinutes(1), args);
        assertThat(r.exitCode()).withFailMessage(r::describe).isEqualTo(64);
        assertThat(r.stderrText()).contains(message);
    }

    private Process start(String app, String label, List<String> options) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet", SUBNET,
                "--platforms", "x86_64,aarch64,s390x,i686", "--state-dir", root.resolve(label + "-state").toString()));
        args.addAll(options);
        args.addAll(List.of(program.toString(), "--", Integer.toString(PORT)));
        return new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(root.resolve(label + ".stdout").toFile())
                .redirectError(root.resolve(label + ".stderr").toFile()).start();
    }

    /**
     * Ends a talent run that is still running (a failed assertion): SIGTERM first, so that its shutdown hook removes
     * the containers and their namespaces (a SIGKILL leaves them for --resume), then SIGKILL.
     */
    private static void stop(Process run) throws InterruptedException {
        if (!run.isAlive()) return;
        run.destroy();
        if (!run.waitFor(60, TimeUnit.SECONDS)) run.destroyForcibly();
    }

    /** The replies of the x86_64 build run natively on the host's loopback, never migrated. */
    private List<String> uninterrupted(List<String> requests, int count) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process p = new ProcessBuilder(program.resolveSibling("netcount.x86_64").toString(), Integer.toString(port))
                .redirectOutput(root.resolve("reference.stdout").toFile()).redirectErrorStream(false).start();
        List<String> replies = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) replies.add(withoutPlatform(ask("127.0.0.1:" + port, requests.get(i), true)));
            ask("127.0.0.1:" + port, "quit", true);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        return replies;
    }

    /** "3 s390x line" -> "3 line" (the uninterrupted run says "?" for the platform). */
    private static String withoutPlatform(String reply) {
        String[] parts = reply.split(" ", 3);
        return parts.length < 3 ? reply : parts[0] + " " + parts[2];
    }

    private String ask(String address, String line) throws Exception {
        return ask(address + ":" + PORT, line, true);
    }

    /** One request with socat (retried while the listener is not there yet: a fresh start). */
    private String ask(String hostPort, String line, boolean retry) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Path in = Files.writeString(root.resolve("request.txt"), line + "\n");
        ProcessResult last = null;
        while (System.nanoTime() < deadline) {
            last = Processes.run(List.of("sh", "-c", "socat -t 10 - TCP:" + hostPort + ",connect-timeout=5 < " + in),
                    root, Duration.ofSeconds(20));
            if (last.exitCode() == 0 && last.stdout().length > 0) return new String(last.stdout(), StandardCharsets.UTF_8);
            if (!retry) break;
            Thread.sleep(200);
        }
        throw new AssertionError("no reply from " + hostPort + " to " + line + "\n" + (last == null ? "" : last.describe()));
    }

    private JsonNode awaitStatus(String app) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        ProcessResult last = null;
        while (System.nanoTime() < deadline) {
            last = TalentCli.get().run(root, Duration.ofMinutes(1), List.of("status", app, "--json"));
            if (last.exitCode() == 0) {
                JsonNode s = JSON.readTree(last.stdout());
                if (s.hasNonNull("platform") && s.get("state").asText().equals("running")) return s;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("talent status never answered\n" + (last == null ? "" : last.describe()));
    }

    /** The bridge's ports now (one per container of the app: the source and the prepared destination). */
    private List<String> ports() throws Exception {
        ProcessResult r = Processes.run(List.of("ip", "-br", "link", "show", "master", BRIDGE), root, Duration.ofSeconds(30));
        return r.stdoutText().lines().map(l -> l.split("[@ ]")[0]).filter(n -> !n.isBlank()).toList();
    }

    /** No namespace, bridge port, guard table or lease of the app is left after the run. */
    private void assertNothingLeft(String app, String address, List<String> seenPorts) throws Exception {
        ProcessResult ns = Processes.run(List.of("ip", "netns", "list"), root, Duration.ofSeconds(30));
        assertThat(ns.stdoutText()).doesNotContain("talent-" + app);
        ProcessResult ports = Processes.run(List.of("ip", "-br", "link", "show", "master", BRIDGE), root, Duration.ofSeconds(30));
        assertThat(ports.stdoutText().strip()).as("ports left on the bridge").isEmpty();
        ProcessResult tables = Processes.run(List.of("nft", "list", "tables", "bridge"), root, Duration.ofSeconds(30));
        assertThat(seenPorts).isNotEmpty();
        for (String port : seenPorts) assertThat(tables.stdoutText()).as("guard tables").doesNotContain(port);
        assertThat(Path.of("/run/talent/net", BRIDGE, address)).doesNotExist();
    }
}
