package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12, an app on the host's own network (talent run without --net, reached on the loopback): a client that
 * connects in a tight loop while the server moves between platforms must never get a reset or a refusal, as it gets
 * none from the same server run natively without moves. Before, each stop closed the listener with the source: what
 * its accept queue held (connections the client saw completed) and its half-done handshakes were reset, and until the
 * copy listened every SYN was refused; now new handshakes are dropped from before the stop until the copy listens
 * (the client's SYN is sent again a second later) and the program is given time to finish what its listeners hold
 * (talent-container/README.md, "SYN_RECV"). Run under {@code flock /tmp/net.lock}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class HostNetworkHandshakesIT {
    private static final List<String> HOPS = List.of("s390x", "i686", "x86_64");

    private Path root;
    private Path program;

    @BeforeAll
    void build() throws IOException {
        assumeTrue(Isa.onPath("runc").isPresent() || Files.isExecutable(Path.of("/usr/sbin/runc")), "runc is not installed");
        assumeTrue("0".equals(EnvApp.uid()), "talent run needs root");
        assumeTrue(Isa.onPath("nft").isPresent() || Files.isExecutable(Path.of("/usr/sbin/nft")),
                "nftables is not installed (apt-get install nftables)");
        for (String p : List.of("x86_64", "s390x", "i686")) Isa.of(p).assumeAvailable();
        root = ItPaths.workRoot().resolve("host-network-handshakes");
        ItPaths.deleteRecursively(root);
        Files.createDirectories(root);
        Path source = root.resolve("linecount.c");
        try (var in = HostNetworkHandshakesIT.class.getResourceAsStream("/network/linecount.c")) {
            Files.copy(in, source);
        }
        ProcessResult built = TalentCli.get().run(root, Duration.ofMinutes(8), List.of("build", "-o", "build", "--isa",
                "x86_64,s390x,i686", source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        program = root.resolve("build/linecount");
    }

    /**
     * The line server (one connection at a time, numbering the lines of all connections) moves x86_64 -> s390x -> i686
     * -> x86_64 while a client connects in a tight loop on the loopback, one line per connection: every connection is
     * answered with the next number (none reset, refused or cut), as the x86_64 build run natively answers the same
     * loop, and each move succeeds.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aClientConnectingInATightLoopIsNeverResetWhileTheServerMoves() throws Exception {
        String app = "synloop-" + ProcessHandle.current().pid();
        List<String> moves = new ArrayList<>();
        TightLoopClient loop = moveWhileLooping(app, "synloop", List.of(), HOPS, moves);
        int n = loop.answered();
        assertThat(loop.failures()).as("what the client got instead of an answer, in " + n + " connections while the server "
                + "moved (" + moves + ")").isEmpty();
        assertThat(moves).as("the moves").allSatisfy(m -> assertThat(m).endsWith(": exit 0"));
        assertThat(loop.answers()).as("every connection answered once, numbered in order").isEqualTo(TightLoopClient.numbered(n));
        assertThat(EnvApp.read(root.resolve("synloop.stdout"))).isEqualTo("served " + n + "\n");
        List<JsonNode> records = EnvApp.records(root.resolve("synloop.jsonl"));
        assertThat(records).hasSize(HOPS.size()).allSatisfy(r -> assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue());

        // the same loop against the x86_64 build natively, never moved: as many connections, none reset
        int nativePort = freePort();
        Path referenceOut = root.resolve("synloop-reference.stdout");
        Process reference = new ProcessBuilder(program.resolveSibling("linecount.x86_64").toString(),
                Integer.toString(nativePort)).redirectOutput(referenceOut.toFile()).start();
        try {
            TightLoopClient nativeLoop = new TightLoopClient(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), nativePort));
            awaitListening(nativeLoop.at(), Duration.ofSeconds(30));
            nativeLoop.start();
            nativeLoop.awaitAnswers(n, Duration.ofMinutes(2));
            nativeLoop.stop();
            int m = nativeLoop.answered();
            try (var last = new Socket()) {
                last.connect(nativeLoop.at(), 30_000);
                last.setSoTimeout(30_000);
                last.getOutputStream().write("quit\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(TightLoopClient.reader(last).readLine()).isEqualTo("bye");
            }
            assertThat(reference.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(nativeLoop.failures()).as("the native run's failures").isEmpty();
            assertThat(nativeLoop.answers()).isEqualTo(TightLoopClient.numbered(m));
            assertThat(EnvApp.read(referenceOut)).isEqualTo("served " + m + "\n");
        } finally {
            reference.destroyForcibly();
        }
        ProcessResult rules = Processes.run(List.of("nft", "list", "tables"), root, Duration.ofSeconds(30));
        assertThat(rules.stdoutText()).as("no table dropping handshakes left").doesNotContain("talent_syn_");
    }

    /**
     * A move that fails at {@code step} (talent run's --inject-fault), after the stop (restore: the program is restarted
     * on the source) or before it (checkpoint: it goes on there), while the client connects in a tight loop: no reset
     * or refusal either, and the handshakes are let in again (no table left); after a failure at restore a second move
     * succeeds.
     */
    @ParameterizedTest(name = "a move failing at step {0}")
    @ValueSource(strings = {"checkpoint", "restore"})
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aFailedMoveResetsNoClientEither(String step) throws Exception {
        String app = "synfault-" + step + "-" + ProcessHandle.current().pid();
        List<String> moves = new ArrayList<>();
        List<String> hops = step.equals("restore") ? List.of("s390x", "s390x") : List.of("s390x");
        TightLoopClient loop = moveWhileLooping(app, "synfault-" + step, List.of("--inject-fault", step), hops, moves);
        int n = loop.answered();
        assertThat(loop.failures()).as("what the client got instead of an answer, in " + n + " connections (" + moves + ")")
                .isEmpty();
        assertThat(moves.getFirst()).as("the move with the fault").doesNotEndWith(": exit 0").contains("failed at step " + step);
        if (hops.size() > 1) assertThat(moves.get(1)).as("the move after it").endsWith(": exit 0");
        assertThat(loop.answers()).as("every connection answered once, numbered in order").isEqualTo(TightLoopClient.numbered(n));
        assertThat(EnvApp.read(root.resolve("synfault-" + step + ".stdout"))).isEqualTo("served " + n + "\n");
        List<JsonNode> records = EnvApp.records(root.resolve("synfault-" + step + ".jsonl"));
        assertThat(records).hasSize(hops.size());
        assertThat(records.getFirst().get("failed_step").asText()).isEqualTo(step);
        ProcessResult rules = Processes.run(List.of("nft", "list", "tables"), root, Duration.ofSeconds(30));
        assertThat(rules.stdoutText()).as("no table dropping handshakes left").doesNotContain("talent_syn_");
    }

    /**
     * talent run killed (SIGKILL) in the middle of a move, while its table drops new handshakes to the server's port
     * (the source waits for a client it is serving): nothing removes the table then, and every new client of the
     * server, which runs on unsupervised, is dropped (its connect times out). The next talent run (here the
     * --resume of the app) removes it, says so, and the server answers new clients again; a table whose talent
     * process runs (this test's JVM, named as talent names it) is kept. Before, the table stayed for good and the
     * resumed server answered no new client.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aTableLeftByARunKilledInTheMiddleOfAMoveIsRemovedByTheNextRun() throws Exception {
        String app = "synkilled-" + ProcessHandle.current().pid();
        Path state = root.resolve("synkilled-state");
        int port = freePort();
        InetSocketAddress at = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port);
        Process run = startServer(app, state, port, "synkilled-1");
        Process migrate = null;
        Process resumed = null;
        // a table of a talent process that runs: this JVM's pid and start time (/proc/self/stat, field 22)
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String live = "talent_syn_" + ProcessHandle.current().pid() + "_"
                + stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1)[19] + "_1";
        try {
            awaitStatus(app);
            String left;
            try (var served = new Socket()) {
                served.connect(at, 30_000);
                served.setSoTimeout(30_000);
                served.getOutputStream().write("c-1\n".getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = TightLoopClient.reader(served);
                assertThat(in.readLine()).isEqualTo("1 c-1");
                // the source now waits (3.5 s at most) for this connection to end, its table in place
                migrate = new ProcessBuilder(TalentCli.get().commandLine(List.of("migrate", app, "--to", "s390x")))
                        .directory(root.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(root.resolve("synkilled-migrate.out").toFile())
                        .redirectErrorStream(true).start();
                left = awaitSynTable(Duration.ofMinutes(1));
                run.destroyForcibly(); // SIGKILL: no shutdown hook runs
                assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(migrate.waitFor(1, TimeUnit.MINUTES)).as("talent migrate ends with the run").isTrue();
            assertThat(nftTables()).as("the killed run's table").contains(left);
            // what it does to the server, which runs on: a new client's handshake is dropped
            try (var dropped = new Socket()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> dropped.connect(at, 2_500))
                        .isInstanceOf(java.net.SocketTimeoutException.class);
            }
            ProcessResult made = Processes.run(List.of("nft", "add", "table", "inet", live), root, Duration.ofSeconds(30));
            assertThat(made.exitCode()).withFailMessage(made::describe).isZero();

            Path err = root.resolve("synkilled-2.stderr");
            resumed = new ProcessBuilder(TalentCli.get().commandLine(List.of("run", "--resume", app, "--state-dir",
                    state.toString()))).directory(root.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(root.resolve("synkilled-2.stdout").toFile()).redirectError(err.toFile()).start();
            awaitStatus(app);
            assertThat(EnvApp.read(err)).contains("talent run: removed the nft table " + left
                    + " that dropped new connections to a program's ports during a move: its talent process "
                    + run.pid() + " no longer runs");
            assertThat(nftTables()).as("the tables after the next run started").doesNotContain(left).contains(live);
            try (var again = new Socket()) {
                again.connect(at, 30_000);
                again.setSoTimeout(30_000);
                again.getOutputStream().write("c-2\nquit\n".getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = TightLoopClient.reader(again);
                assertThat(in.readLine()).as("a new client of the resumed server").isEqualTo("2 c-2");
                assertThat(in.readLine()).isEqualTo("bye");
            }
            assertThat(resumed.waitFor(1, TimeUnit.MINUTES)).as("talent run --resume ends").isTrue();
            assertThat(resumed.exitValue()).withFailMessage(() -> EnvApp.read(err)).isZero();
            assertThat(EnvApp.read(root.resolve("synkilled-2.stdout"))).isEqualTo("served 2\n");
        } finally {
            for (Process p : java.util.Arrays.asList(run, migrate, resumed)) {
                if (p != null && p.isAlive()) {
                    p.destroy();
                    if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
                }
            }
            Processes.run(List.of("nft", "delete", "table", "inet", live), root, Duration.ofSeconds(30));
        }
        assertThat(nftTables()).as("no table dropping handshakes left").doesNotContain("talent_syn_");
    }

    /**
     * talent run ended by SIGTERM in the middle of a move, while its table drops new handshakes to the server's port:
     * its shutdown removes the table (and the program with its containers), before any other talent process starts.
     * Passed before too (and without HostSynDrop's shutdown hook): the program's end, which the container host's hook
     * brings, ends the move, whose end removes the table while the JVM still shuts down; the hook makes that
     * removal not depend on the move's thread getting there before the JVM halts.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aRunEndedBySigtermInTheMiddleOfAMoveRemovesItsTable() throws Exception {
        String app = "synterm-" + ProcessHandle.current().pid();
        Path state = root.resolve("synterm-state");
        int port = freePort();
        InetSocketAddress at = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port);
        Process run = startServer(app, state, port, "synterm");
        Process migrate = null;
        try {
            awaitStatus(app);
            try (var served = new Socket()) {
                served.connect(at, 30_000);
                served.setSoTimeout(30_000);
                served.getOutputStream().write("c-1\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(TightLoopClient.reader(served).readLine()).isEqualTo("1 c-1");
                migrate = new ProcessBuilder(TalentCli.get().commandLine(List.of("migrate", app, "--to", "s390x")))
                        .directory(root.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(root.resolve("synterm-migrate.out").toFile())
                        .redirectErrorStream(true).start();
                String table = awaitSynTable(Duration.ofMinutes(1));
                run.destroy(); // SIGTERM
                assertThat(run.waitFor(1, TimeUnit.MINUTES)).as("talent run ends").isTrue();
                assertThat(nftTables()).as("the tables once talent run ended").doesNotContain(table);
            }
            assertThat(migrate.waitFor(1, TimeUnit.MINUTES)).as("talent migrate ends with the run").isTrue();
        } finally {
            for (Process p : java.util.Arrays.asList(run, migrate)) {
                if (p != null && p.isAlive()) {
                    p.destroy();
                    if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
                }
            }
        }
        assertThat(nftTables()).as("no table dropping handshakes left").doesNotContain("talent_syn_");
    }

    /** {@code nft list tables}' output. */
    private String nftTables() {
        ProcessResult r = Processes.run(List.of("nft", "list", "tables"), root, Duration.ofSeconds(30));
        assertThat(r.exitCode()).withFailMessage(r::describe).isZero();
        return r.stdoutText();
    }

    /** The name of the first table dropping handshakes that appears within {@code within}. */
    private String awaitSynTable(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            java.util.Optional<String> t = nftTables().lines().map(String::strip).filter(l -> l.startsWith("table inet talent_syn_"))
                    .map(l -> l.substring("table inet ".length())).findFirst();
            if (t.isPresent()) return t.get();
            Thread.sleep(10);
        }
        throw new AssertionError("no talent_syn_ table within " + within);
    }

    /**
     * Runs the line server as {@code app} (talent run on the host's network, {@code extra} options) on a free port,
     * starts the tight-loop client and moves the app to each of {@code hops} (what each move's talent migrate said goes
     * to {@code moves}), then ends the client and the server; returns the client.
     */
    private TightLoopClient moveWhileLooping(String app, String label, List<String> extra, List<String> hops, List<String> moves)
            throws Exception {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("run", "--name", app, "--platforms", "x86_64,s390x,i686", "--state-dir",
                root.resolve(label + "-state").toString(), "--log", root.resolve(label + ".jsonl").toString()));
        args.addAll(extra);
        args.addAll(List.of(program.toString(), "--", Integer.toString(port)));
        Process run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(root.resolve(label + ".stdout").toFile())
                .redirectError(root.resolve(label + ".stderr").toFile()).start();
        TightLoopClient loop = new TightLoopClient(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port));
        try {
            awaitStatus(app);
            loop.start();
            loop.awaitAnswers(20, Duration.ofMinutes(1));
            for (String hop : hops) {
                ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", hop));
                moves.add(hop + ": " + (m.exitCode() == 0 ? "" : m.stdoutText() + m.stderrText()) + "exit " + m.exitCode());
                loop.awaitAnswers(loop.answered() + 20, Duration.ofMinutes(1));
            }
            loop.stop();
            try (var last = new Socket()) {
                last.connect(loop.at(), 30_000);
                last.setSoTimeout(30_000);
                last.getOutputStream().write("quit\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(TightLoopClient.reader(last).readLine()).isEqualTo("bye");
            }
            assertThat(run.waitFor(1, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            loop.stop();
            if (run.isAlive()) {
                run.destroy();
                if (!run.waitFor(60, TimeUnit.SECONDS)) run.destroyForcibly();
            }
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve(label + ".stderr"))).isZero();
        return loop;
    }

    /** Once a connection to {@code at} succeeds (closed at once without a line: the line server counts none). */
    private static void awaitListening(InetSocketAddress at, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try (var s = new Socket()) {
                s.connect(at, 1_000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) throw new AssertionError("nothing listens on " + at, e);
                Thread.sleep(20);
            }
        }
    }

    /**
     * talent run of the line server as {@code app} on the host's network (x86_64 and s390x, state in {@code state},
     * emptied first) listening on {@code port}, left running; its stdout and stderr in LOG.stdout and LOG.stderr.
     */
    private Process startServer(String app, Path state, int port, String log) throws IOException {
        ItPaths.deleteRecursively(state);
        return new ProcessBuilder(TalentCli.get().commandLine(List.of("run", "--name", app, "--platforms", "x86_64,s390x",
                "--state-dir", state.toString(), program.toString(), "--", Integer.toString(port))))
                .directory(root.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(root.resolve(log + ".stdout").toFile())
                .redirectError(root.resolve(log + ".stderr").toFile()).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    private JsonNode awaitStatus(String app) throws Exception {
        return TalentCli.get().awaitRunning(root, app);
    }
}
