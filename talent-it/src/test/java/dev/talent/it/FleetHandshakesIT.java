package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * Issue 12 on the fleet's remote path: a --net line server (linecount6.c) moves host to host on {@code lab up --hosts 2
 * --protocol h2=6} while peers connect. A source agent of protocol 7 (h1) drops new handshakes before the stop and lets
 * the answered ones complete into the carried accept queue, as {@code talent run} does on one host
 * (NetworkMigrationIT's handshake tests); h2, capped at 6, does what the release before did, which shows the
 * difference on the same lab. Afterwards no namespace of the app keeps a rule that drops handshakes, after a move and
 * after a rollback, and the server's output equals an uninterrupted native run's fed the same lines.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(FleetLab.LOCK)
class FleetHandshakesIT {
    private static final String APP = "synfleet";
    private static final String NEW = "h1", OLD = "h2";
    private static final int PORT = 8180;

    private TalentCli talent;
    private Path root, binary;
    private FleetLab lab;

    @BeforeAll
    void labUp() throws IOException {
        FleetLab.assumeLab(false);
        talent = TalentCli.get();
        root = FleetLab.workRoot("fleet-handshakes");
        binary = FleetLab.x86Server(talent, root, "linecount6");
        lab = FleetLab.at(talent, root);
        // every controller honours migrate --inject-fault (the rollback below); h2 speaks what the release before did
        lab.up(List.of("TALENT_FLEET_FAULT=requests"), "--hosts", "2", "--protocol", OLD + "=6");
    }

    /**
     * In order: a handshake answered at the stop completes and is carried from h1 (before: a reset, which the move
     * from h2 still shows); peers connecting all through a move from h1 are all served; a move from h1 failed after the
     * stop leaves no rule behind and the restarted source takes new connections at once; the server's output equals
     * a native run's.
     */
    @Test
    void handshakesAtARemoteStopAreCarriedAndNoRuleIsLeftBehind() throws Exception {
        lab.awaitAgents(2, Duration.ofSeconds(60));
        FleetLab.ok(lab.run("deploy", "--name", APP, "--platforms", "x86_64", "--net", binary.toString(), "--", Integer.toString(PORT)));
        JsonNode s = lab.status(APP);
        String address = s.get("address").asText();
        if (!s.get("host").asText().equals(NEW)) lab.migrate(APP, NEW + "/x86_64");
        var at = new InetSocketAddress(InetAddress.ofLiteral(address), PORT);
        String machine = address.substring(0, address.lastIndexOf('.')) + ".1"; // the machine's address on the lab's bridge
        List<String> lines = new ArrayList<>();

        // 1. from h1 (protocol 7): the late peer's first data, sent once h1 drops new handshakes, completes the
        // handshake before the stop; the connection is carried and answered at h2
        try (var late = new Socket()) {
            withHandshakeHalfDone("late", late, machine, at, () -> {
                CompletableFuture<ProcessResult> move = migrateAsync(OLD + "/x86_64");
                while (!move.isDone() && !dropsNewHandshakes()) Thread.sleep(5);
                assertThat(move.isDone()).as("h1 drops new handshakes before its stop").isFalse();
                late.setSoTimeout(60_000);
                send(late, "after\n");
                FleetLab.ok(move.get(4, TimeUnit.MINUTES));
            });
            assertThat(reader(late).readLine()).as("the answer to the late handshake's peer after the move from h1").isEqualTo("1 after");
            lines.add("after");
        }
        assertThat(awaitNoDropRules()).as("the rules that dropped new handshakes went with h1's namespace").isEmpty();

        // 2. from h2 (capped at protocol 6, the release before): nothing waits for the answered handshake; its peer's
        // first segment reaches h1's new listener, which answers with a reset
        try (var late = new Socket()) {
            withHandshakeHalfDone("old", late, machine, at, () -> FleetLab.ok(lab.run("migrate", APP, "--to", NEW + "/x86_64")));
            late.setSoTimeout(20_000);
            send(late, "lost\n");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> late.getInputStream().read())
                    .as("the late peer after a move from an agent of protocol 6").isInstanceOf(java.net.SocketException.class)
                    .hasMessageContaining("reset");
        }

        // 3. peers connecting one every 40 ms from the moment migrate starts until it ended: each served once
        List<String> got = new ArrayList<>();
        int clients = 0;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<ProcessResult> move = migrateAsync(OLD + "/x86_64");
            List<Future<String>> answers = new ArrayList<>();
            while (!move.isDone() && clients < 1000) {
                String line = "client-" + ++clients;
                answers.add(pool.submit(() -> {
                    try (var c = new Socket()) {
                        c.connect(at, 60_000);
                        c.setSoTimeout(60_000);
                        send(c, line + "\n");
                        return reader(c).readLine();
                    }
                }));
                Thread.sleep(40);
            }
            FleetLab.ok(move.get(4, TimeUnit.MINUTES));
            for (var a : answers) got.add(a.get(2, TimeUnit.MINUTES));
        }
        List<Integer> numbers = new ArrayList<>();
        for (int k = 1; k <= clients; k++) {
            assertThat(got.get(k - 1)).as("the answer to client " + k + " of " + clients).matches("[0-9]+ client-" + k);
            numbers.add(Integer.parseInt(got.get(k - 1).substring(0, got.get(k - 1).indexOf(' '))));
            lines.add("client-" + k);
        }
        assertThat(numbers).as("each line answered once").containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.rangeClosed(2, clients + 1).boxed().toList());
        System.out.println("FleetHandshakesIT: " + clients + " peers connected during the move, all served");

        // 4. a move from h1 failed after its stop: the program runs on at h1, no namespace of the app drops
        // handshakes, and a new peer is answered at once (a dropped SYN is sent again only after 1 s)
        lab.migrate(APP, NEW + "/x86_64");
        ProcessResult failed = lab.run("migrate", APP, "--to", OLD + "/x86_64", "--inject-fault", "checkpoint", "--json");
        assertThat(failed.exitCode()).withFailMessage(failed.describe()).isEqualTo(1);
        assertThat(FleetLab.JSON.readTree(failed.stdout()).get("failed_step").asText()).isEqualTo("checkpoint");
        assertThat(lab.status(APP).get("host").asText()).isEqualTo(NEW);
        assertThat(awaitNoDropRules()).as("no rule dropping handshakes after the rollback").isEmpty();
        try (var c = new Socket()) {
            c.connect(at, 900);
            c.setSoTimeout(60_000);
            var in = reader(c);
            send(c, "last\n");
            assertThat(in.readLine()).isEqualTo((clients + 2) + " last");
            lines.add("last");
            send(c, "quit\n");
            assertThat(in.readLine()).isEqualTo("bye");
        }
        FleetLab.ok(lab.run("wait", APP));
        String output = FleetLab.ok(lab.run("logs", APP)).stdoutText();
        assertThat(output).as("the server's output, as an uninterrupted native run's fed the same lines").isEqualTo(plainOutput(lines));
        FleetLab.ok(lab.run("undeploy", APP));
        assertThat(awaitNoDropRules()).isEmpty();
    }

    /**
     * A server on its host's own network (no --net) that closes each connection first and never sets SO_REUSEADDR
     * (network/timewait.c): every connection it served waits in TIME_WAIT on its port in that host's namespace, and
     * Linux then refuses any bind to the port, the restore's included. A rollback on h1 right after it served, and a
     * move back to h1 while h1 still holds its TIME_WAIT connections (from before its move to h2), both restore in that
     * namespace: h1's agent (protocol 7) ends them first, as talent run does on one host. Before, the rollback failed
     * ("Address already in use") and so did the move back. The answers and the output (the program's own bind after
     * quit included) equal a native run's fed the same requests.
     */
    @Test
    void aServerOnItsHostsNetworkRestoresWhereItsPortHoldsTimeWaitConnections() throws Exception {
        Path source = root.resolve("timewait.c");
        try (var in = FleetHandshakesIT.class.getResourceAsStream("/network/timewait.c")) {
            Files.copy(in, source, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessResult built = talent.run(root, Duration.ofMinutes(5), List.of("build", "-o", "build", "--isa", "x86_64", source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        lab.awaitAgents(2, Duration.ofSeconds(60));
        int port = PORT + 1;
        FleetLab.ok(lab.run("deploy", "--name", "tw", "--platforms", "x86_64", root.resolve("build/timewait").toString(), "--",
                Integer.toString(port)));
        if (!lab.status("tw").get("host").asText().equals(NEW)) lab.migrate("tw", NEW + "/x86_64");
        String h1 = lab.address(1), h2 = lab.address(2);
        List<String> requests = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (String r : List.of("one", "two", "three")) answers.add(ask(h1, port, r, requests));
        ProcessResult failed = lab.run("migrate", "tw", "--to", OLD + "/x86_64", "--inject-fault", "checkpoint", "--json");
        assertThat(failed.exitCode()).withFailMessage(failed.describe()).isEqualTo(1);
        JsonNode r = FleetLab.JSON.readTree(failed.stdout());
        assertThat(r.get("failed_step").asText()).withFailMessage(failed.stdoutText()).isEqualTo("checkpoint");
        JsonNode s = lab.status("tw");
        assertThat(s.get("host").asText()).as("tw rolled back on h1: " + s).isEqualTo(NEW);
        for (String q : List.of("opts", "four", "five")) answers.add(ask(h1, port, q, requests));
        lab.migrate("tw", OLD + "/x86_64");
        for (String q : List.of("six", "seven")) answers.add(ask(h2, port, q, requests));
        // back to h1, whose namespace holds the connections of four and five in TIME_WAIT (60 s)
        lab.migrate("tw", NEW + "/x86_64");
        for (String q : List.of("eight", "opts")) answers.add(ask(h1, port, q, requests));
        answers.add(ask(h1, port, "quit", requests));
        FleetLab.ok(lab.run("wait", "tw"));
        String output = FleetLab.ok(lab.run("logs", "tw")).stdoutText();

        int plainPort;
        try (ServerSocket free = new ServerSocket(0)) {
            plainPort = free.getLocalPort();
        }
        Path out = root.resolve("tw-plain.stdout");
        Process plain = new ProcessBuilder(root.resolve("build/timewait.x86_64").toString(), Integer.toString(plainPort))
                .redirectOutput(out.toFile()).start();
        List<String> expected = new ArrayList<>();
        try {
            for (String q : requests) expected.add(ask("127.0.0.1", plainPort, q, new ArrayList<>()));
            assertThat(plain.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            plain.destroyForcibly();
        }
        assertThat(answers).as("the answers, as a native run's").isEqualTo(expected);
        assertThat(output).as("the output, as a native run's").isEqualTo(Files.readString(out));
        FleetLab.ok(lab.run("undeploy", "tw"));
    }

    /** One request of timewait.c's: {@code line} on a new connection to address:port, its whole answer (the server closes). */
    private static String ask(String address, int port, String line, List<String> asked) throws Exception {
        asked.add(line);
        try (Socket c = connectRetrying(new InetSocketAddress(InetAddress.ofLiteral(address), port))) {
            send(c, line + "\n");
            return new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @AfterAll
    void labDown() {
        if (lab != null) lab.down();
    }

    private CompletableFuture<ProcessResult> migrateAsync(String to) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return lab.run("migrate", APP, "--to", to);
            } catch (RuntimeException e) {
                throw new CompletionException(e);
            }
        });
    }

    /** The stdout of linecount6's x86_64 build run natively, fed {@code lines} in order (each on its own connection), then quit. */
    private String plainOutput(List<String> lines) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path out = root.resolve("plain.stdout");
        Process plain = new ProcessBuilder(root.resolve("build/linecount6.x86_64").toString(), Integer.toString(port))
                .redirectOutput(out.toFile()).redirectErrorStream(false).start();
        try {
            List<String> all = new ArrayList<>(lines);
            all.add("quit");
            for (String line : all) {
                try (Socket c = connectRetrying(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                    send(c, line + "\n");
                    assertThat(reader(c).readLine()).isNotNull();
                }
            }
            assertThat(plain.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            plain.destroyForcibly();
        }
        return Files.readString(out);
    }

    private static Socket connectRetrying(InetSocketAddress at) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Socket c = new Socket();
            try {
                c.connect(at, 5000);
                c.setSoTimeout(30_000);
                return c;
            } catch (java.net.ConnectException e) {
                c.close();
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(50);
            }
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * Connects {@code peer} from the machine's address on the lab's bridge to the app at {@code at} and runs {@code then}
     * while the app's listener holds that handshake half done (SYN_RECV): an nft table of the machine drops the peer's
     * pure ACKs, so the handshake completes only with the peer's first data. The table is removed afterwards.
     */
    private void withHandshakeHalfDone(String label, Socket peer, String machine, InetSocketAddress at, ThrowingRunnable then)
            throws Exception {
        String table = "tfsyn" + label + ProcessHandle.current().pid() % 1_000_000;
        peer.bind(new InetSocketAddress(InetAddress.ofLiteral(machine), 0));
        Path rules = root.resolve(label + ".nft");
        Files.writeString(rules, "table ip " + table + " {\n chain out {\n  type filter hook output priority 0; policy accept;\n"
                + "  ip daddr " + at.getAddress().getHostAddress() + " tcp dport " + at.getPort() + " tcp sport "
                + peer.getLocalPort() + " tcp flags & (fin | syn | rst | psh | ack) == ack drop\n }\n}\n");
        ProcessResult added = Processes.run(List.of("nft", "-f", rules.toString()), root, Duration.ofSeconds(30));
        assertThat(added.exitCode()).withFailMessage(added::describe).isZero();
        try {
            peer.connect(at, 10_000);
            assertThat(halfOpen(peer.getLocalPort())).as("the app's listener holds the handshake in SYN_RECV").isTrue();
            then.run();
        } finally {
            Processes.run(List.of("nft", "delete", "table", "ip", table), root, Duration.ofSeconds(30));
        }
    }

    /** The network namespaces of the app's containers (on any host of the lab: they are all the machine's). */
    private List<String> namespaces() {
        ProcessResult list = Processes.run(List.of("ip", "netns", "list"), root, Duration.ofSeconds(30));
        return list.stdoutText().lines().map(l -> l.split(" ", 2)[0]).filter(n -> n.startsWith("talent-" + APP + "-")).toList();
    }

    /** The rules dropping incoming SYNs in the app's namespaces (IPv4 and IPv6), each as "namespace: rule". */
    private List<String> dropRules() {
        List<String> found = new ArrayList<>();
        for (String ns : namespaces()) {
            for (String tool : List.of("iptables", "ip6tables")) {
                ProcessResult rules = Processes.run(List.of("ip", "netns", "exec", ns, tool, "-w", "-S", "INPUT"), root, Duration.ofSeconds(30));
                rules.stdoutText().lines().filter(l -> l.contains(" SYN ") && l.endsWith("-j DROP")).forEach(l -> found.add(ns + ": " + l));
            }
        }
        return found;
    }

    private boolean dropsNewHandshakes() { return !dropRules().isEmpty(); }

    /**
     * The rules dropping SYNs in the app's namespaces once none is left, or after 20 s (a source's namespace goes with its
     * release, which the leader may send a moment after migrate answered).
     */
    private List<String> awaitNoDropRules() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<String> found = dropRules();
        while (!found.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            found = dropRules();
        }
        return found;
    }

    /** Whether a namespace of the app holds a connection from local port {@code port} in SYN_RECV. */
    private boolean halfOpen(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            for (String ns : namespaces()) {
                ProcessResult ss = Processes.run(List.of("ip", "netns", "exec", ns, "ss", "-Htn", "state", "syn-recv"), root,
                        Duration.ofSeconds(30));
                if (ss.stdoutText().contains(":" + port + " ") || ss.stdoutText().contains(":" + port + "\n")) return true;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return false;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }
}
