package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
@org.junit.jupiter.api.extension.ExtendWith(NetworkStateOnFailure.class)
class NetworkMigrationIT {
    private static final List<String> PLATFORMS = List.of("x86_64", "aarch64", "s390x", "i686");
    private static final List<String> ALL_PLATFORMS = List.of("x86_64", "aarch64", "s390x", "riscv64", "i686");
    /** Unique per test JVM, so that runs from other checkouts do not collide; the subnet is this test's own. */
    private static final String BRIDGE = "tnit" + (ProcessHandle.current().pid() % 1_000_000);
    private static final String SUBNET = "10.219.0.0/16";
    private static final String SUBNET6 = "fd74:616c:656e:219::/64";
    private static final String GATEWAY6 = "fd74:616c:656e:219::1";
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
        for (String p : ALL_PLATFORMS) Isa.of(p).assumeAvailable();
        subnetLock = lockSubnet();
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
        dualStackProgram = buildResource("linecount6", "x86_64,aarch64,s390x");
    }

    private Path dualStackProgram;

    /** network/NAME.c built for ISAS into build/ (its DIR/NAME). */
    private Path buildResource(String name, String isas) throws IOException {
        Path source = root.resolve(name + ".c");
        try (var in = NetworkMigrationIT.class.getResourceAsStream("/network/" + name + ".c")) {
            Files.copy(in, source, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessResult built = TalentCli.get().run(root, Duration.ofMinutes(8), List.of("build", "-o", "build", "--isa", isas,
                source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        return root.resolve("build/" + name);
    }

    @AfterAll
    void removeBridge() throws Exception {
        Processes.run(List.of("ip", "link", "del", BRIDGE), root == null ? Path.of(".") : root, Duration.ofSeconds(30));
        if (subnetLock != null) subnetLock.channel().close();
    }

    private java.nio.channels.FileLock subnetLock;

    /**
     * SUBNET is this class's, but two JVMs running it at once (two checkouts, or a checkout and CI) put it on two
     * bridges, and the host's route to it then goes to one of them ("No route to host" for the other's apps): one
     * JVM at a time, waiting up to 10 minutes for another.
     */
    private static java.nio.channels.FileLock lockSubnet() throws IOException {
        var channel = java.nio.channels.FileChannel.open(Path.of(System.getProperty("java.io.tmpdir"),
                "talent-network-migration-it.lock"), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        try {
            while (true) {
                var lock = channel.tryLock();
                if (lock != null) return lock;
                if (System.nanoTime() > deadline) throw new IOException("another NetworkMigrationIT held " + SUBNET + " for 10 minutes");
                Thread.sleep(500);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            channel.close();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw e instanceof IOException io ? io : new IOException(e);
        }
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
        heldConnection("held", "10.219.5.3", SOCAT, List.of("aarch64", "x86_64", "aarch64", "x86_64"), 500);
    }

    /**
     * A peer that waits for each answer before it sends its next line (as curl, a database client or an RPC stub
     * does): a request it sends while the app moves met the network lock and was dropped, and nothing made it send
     * again before its retransmission timer (200 ms at least), so every hop cost it about 210 ms whatever the
     * downtime. Now the destination holds what peers send from the lock on and lets it go to the restored
     * connections: over 6 hops, the peer's longest wait around each hop, less the hop's recorded downtime, has a
     * median under 100 ms (without the hold it is about 200 ms: a retransmission at every hop). Answers are checked
     * one by one.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aPeerWaitingForEachAnswerPausesAboutTheDowntime() throws Exception {
        Path lines = lineServer();
        String app = "wait-" + ProcessHandle.current().pid();
        Path log = root.resolve("wait.jsonl");
        List<String> hops = List.of("aarch64", "x86_64", "aarch64", "x86_64", "aarch64", "x86_64");
        Process run = startApp(app, "wait", "10.219.5.9", hops, log, lines, List.of(Integer.toString(PORT)));
        List<long[]> windows = new ArrayList<>();
        List<Double> beyond;
        try {
            awaitStatus(app);
            try (java.net.Socket socket = new java.net.Socket("10.219.5.9", PORT)) {
                socket.setSoTimeout(60_000);
                WaitingPeer peer = new WaitingPeer(socket);
                try {
                    Thread.sleep(1500);
                    for (String hop : hops) {
                        long from = System.nanoTime();
                        ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", hop));
                        windows.add(new long[] {from, System.nanoTime()});
                        assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                        Thread.sleep(1200);
                    }
                } finally {
                    peer.stop();
                }
                assertThat(peer.wrong()).as("every answer in order").isNull();
                assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
                List<JsonNode> records = EnvApp.records(log);
                assertThat(records).hasSize(hops.size()).allSatisfy(r -> assertThat(r.get("ok").asBoolean()).isTrue());
                beyond = peer.beyondDowntimes(windows, records.stream().map(r -> r.get("downtime_ms").asDouble()).toList());
            }
        } finally {
            stop(run);
        }
        List<Double> sorted = beyond.stream().sorted().toList();
        double median = (sorted.get(2) + sorted.get(3)) / 2;
        assertThat(median).as("the peer's longest wait around each hop less its downtime, ms: " + beyond).isLessThan(100);
    }

    /**
     * One socat connection held across 10 migrations over all five platforms, a line every 2 ms all along (lines
     * in flight at every checkpoint): every line comes back exactly once, in order, as an uninterrupted run
     * answers them.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aHeldConnectionSurvivesTenMigrationsOverEveryPlatform() throws Exception {
        heldConnection("held10", "10.219.5.4", SOCAT, List.of("aarch64", "riscv64", "s390x", "i686", "x86_64", "riscv64",
                "i686", "aarch64", "s390x", "x86_64"), 300);
    }

    /** The same with netcat (netcat-openbsd's nc, -N: it shuts its side down at the end of its input). */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aHeldNetcatConnectionMovesWithTheAppAcrossIsas() throws Exception {
        assumeTrue(Isa.onPath("nc").isPresent(), "netcat is not installed (apt-get install netcat-openbsd)");
        heldConnection("heldnc", "10.219.5.5", hostPort -> {
            int colon = hostPort.lastIndexOf(':');
            return List.of("nc", "-N", "-w", "30", hostPort.substring(0, colon), hostPort.substring(colon + 1));
        }, List.of("s390x", "i686", "x86_64"), 300);
    }

    /**
     * An OpenSSH session (Debian's ssh and sshd, peers nobody here wrote) runs over both connections of a relay app
     * (network/relay.c): ssh connects to the app, which connects on to an sshd on the host (at the bridge's gateway)
     * and copies bytes both ways; the remote command is {@code cat}. While the app hops over all five platforms the
     * session sends a line every 2 ms, and with a rekey limit of 32 KiB key exchanges run all along: a byte lost,
     * duplicated or reordered in either direction over either connection fails SSH's MAC check and ends the session.
     * Ten hops, as {@link #aHeldConnectionSurvivesTenMigrationsOverEveryPlatform}. What ssh printed must be its
     * input, as through the x86_64 build of the relay run natively.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void anSshSessionThroughARelayAppSurvivesMigrationsOverEveryIsa() throws Exception {
        Path sshdBinary = Path.of("/usr/sbin/sshd");
        assumeTrue(Files.isExecutable(sshdBinary), "sshd is not installed (apt-get install openssh-server)");
        assumeTrue(Isa.onPath("ssh").isPresent() && Isa.onPath("ssh-keygen").isPresent(),
                "the ssh client is not installed (apt-get install openssh-client)");
        Path relay = buildResource("relay", String.join(",", ALL_PLATFORMS));
        Path dir = root.resolve("ssh");
        ItPaths.deleteRecursively(dir);
        Files.createDirectories(dir);
        for (String key : List.of("host_key", "client_key")) {
            ProcessResult k = Processes.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "talent-it",
                    "-f", dir.resolve(key).toString()), dir, Duration.ofSeconds(30));
            assertThat(k.exitCode()).withFailMessage(k::describe).isZero();
        }
        Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
        // the host key pinned under an alias: ssh talks to this sshd whichever relay it goes through
        Files.writeString(dir.resolve("known_hosts"), "talent-it-sshd " + Files.readString(dir.resolve("host_key.pub")));
        int sshdPort;
        try (ServerSocket free = new ServerSocket(0)) {
            sshdPort = free.getLocalPort();
        }
        String gateway = "10.219.0.1";
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + sshdPort, "ListenAddress " + gateway, "HostKey " + dir.resolve("host_key"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PermitRootLogin prohibit-password",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
                "PidFile none", ""));
        Files.createDirectories(Path.of("/run/sshd"));
        Peer ssh = hostPort -> {
            int colon = hostPort.lastIndexOf(':');
            return List.of("ssh", "-F", "/dev/null", "-T", "-i", dir.resolve("client_key").toString(), "-o", "IdentitiesOnly=yes",
                    "-o", "UserKnownHostsFile=" + dir.resolve("known_hosts"), "-o", "HostKeyAlias=talent-it-sshd",
                    "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=20",
                    "-o", "RekeyLimit=32K", "-p", hostPort.substring(colon + 1), "root@" + hostPort.substring(0, colon), "cat");
        };

        String app = "relayssh-" + ProcessHandle.current().pid();
        String address = "10.219.7.2";
        List<String> hops = List.of("aarch64", "riscv64", "s390x", "i686", "x86_64", "riscv64", "i686", "aarch64", "s390x",
                "x86_64");
        Path log = root.resolve("ssh.jsonl");
        Process run = startApp(app, "relayssh", address, hops, log, relay,
                List.of(Integer.toString(PORT), gateway, Integer.toString(sshdPort)));
        List<String> ports = new ArrayList<>();
        Conversation got;
        Process sshd = null;
        try {
            awaitStatus(app);
            ports.addAll(ports());
            // the bridge (and so the gateway's address) exists once the app runs
            sshd = startSshd(sshdBinary, dir, gateway, sshdPort);
            got = converse(ssh, address + ":" + PORT, 300, () -> {
                for (String hop : hops) {
                    ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", hop));
                    assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                    assertThat(m.stdoutText()).contains(" ok");
                }
            }, true);
            assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
            assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("relayssh.stderr"))).isZero();
            assertThat(EnvApp.read(root.resolve("relayssh.stdout"))).matches("relayed [1-9][0-9]* [1-9][0-9]*\n");

            // the uninterrupted run: the x86_64 build on the host's loopback, between the same ssh and sshd
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Process reference = new ProcessBuilder(relay.resolveSibling("relay.x86_64").toString(), Integer.toString(port),
                    gateway, Integer.toString(sshdPort)).redirectOutput(root.resolve("relayssh-reference.stdout").toFile())
                    .redirectError(root.resolve("relayssh-reference.stderr").toFile()).start();
            Conversation expected;
            try {
                expected = converse(ssh, "127.0.0.1:" + port, got.lines(), () -> { }, false);
                assertThat(reference.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                reference.destroyForcibly();
            }
            StringBuilder input = new StringBuilder();
            for (int i = 1; i <= got.lines(); i++) input.append("line-").append(i).append('\n');
            input.append("quit\n");
            assertThat(expected.output()).as("what cat sent back through the native relay").isEqualTo(input.toString());
            assertThat(got.output()).as("what cat sent back through the migrating relay").isEqualTo(expected.output());
        } finally {
            stop(run);
            if (sshd != null) {
                // a session's own sshd too (a child of the listener), which a failed session leaves running
                sshd.descendants().forEach(ProcessHandle::destroy);
                sshd.destroy();
                if (!sshd.waitFor(10, TimeUnit.SECONDS)) sshd.destroyForcibly();
            }
        }
        List<JsonNode> records = EnvApp.records(log);
        assertThat(records).hasSize(hops.size()).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("sockets").asInt()).as("the accepted and the outgoing connection, in " + r).isEqualTo(2);
        });
        assertNothingLeft(app, address, ports);
    }

    /** sshd in the foreground on address:port with DIR/sshd_config, its log in DIR/sshd.log, once it listens. */
    private static Process startSshd(Path binary, Path dir, String address, int port) throws Exception {
        Path log = dir.resolve("sshd.log");
        Process sshd = new ProcessBuilder(binary.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!EnvApp.read(log).contains("Server listening on " + address + " port " + port)) {
            if (!sshd.isAlive() || System.nanoTime() > deadline) {
                sshd.destroyForcibly();
                throw new AssertionError("sshd did not start:\n" + EnvApp.read(log));
            }
            Thread.sleep(50);
        }
        return sshd;
    }

    /**
     * A handshake half done at the stop: the peer's final ACK is dropped (an nft rule on the host), so the app's
     * listener holds the connection in SYN_RECV, kernel state without a descriptor that TCP repair cannot carry
     * (talent-container/README.md, "SYN_RECV"). After the move the peer, connected as far as it knows, must be told
     * by a reset at its first segment, not left waiting, and the app must serve the next connection as an
     * uninterrupted run would. (Without a move the source would have completed the handshake with that segment:
     * this checks the documented difference, it does not hide it.)
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aHandshakeHalfDoneAtTheStopEndsInAResetForThePeer() throws Exception {
        Path lines = lineServer();
        String app = "synrecv-" + ProcessHandle.current().pid();
        String address = "10.219.5.8";
        Path log = root.resolve("synrecv.jsonl");
        Process run = startApp(app, "synrecv", address, List.of("aarch64"), log, lines, List.of(Integer.toString(PORT)));
        List<String> ports = new ArrayList<>();
        var at = new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral(address), PORT);
        try (var half = new java.net.Socket()) {
            awaitStatus(app);
            ports.addAll(ports());
            withHandshakeHalfDone(app, "synrecv", half, at, () -> {
                ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", "aarch64"));
                assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
            });
            half.setSoTimeout(20_000);
            send(half, "after\n");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> half.getInputStream().read())
                    .as("the peer of the half-done handshake, after the move").isInstanceOf(java.net.SocketException.class)
                    .hasMessageContaining("reset");
            try (var next = connect(at)) {
                var in = reader(next);
                send(next, "line-1\n");
                assertThat(in.readLine()).isEqualTo("1 line-1");
                send(next, "quit\n");
                assertThat(in.readLine()).isEqualTo("bye");
            }
            assertThat(run.waitFor(1, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("synrecv.stderr"))).isZero();
        assertThat(EnvApp.read(root.resolve("synrecv.stdout"))).isEqualTo("served 1\n");
        assertThat(EnvApp.records(log)).hasSize(1).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("sockets").asInt()).as("the listener alone, in " + r).isEqualTo(1);
        });
        assertNothingLeft(app, address, ports);
    }

    /**
     * A handshake answered at the stop whose peer's final ACK comes late (issue 12): the app's listener holds it in
     * SYN_RECV when the move begins, and the peer's first segment (its data, which completes the handshake) comes
     * only once the source drops new handshakes to let the answered ones complete (talent-container/README.md,
     * "SYN_RECV"). The connection completes into the listener's accept queue before the stop and is carried: the peer
     * gets its line answered as the x86_64 build answers it natively ("1 after", then "bye"), never a reset. Before,
     * the move did not wait for it: the peer's segment reached the destination's listener, which answered with a reset.
     * (Sent once the move has finished when the source never drops new handshakes, as before.)
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aHandshakeAnsweredAtTheStopCompletesAndIsCarried() throws Exception {
        Path lines = lineServer();
        String app = "synlate-" + ProcessHandle.current().pid();
        String address = "10.219.5.10";
        Path log = root.resolve("synlate.jsonl");
        Process run = startApp(app, "synlate", address, List.of("aarch64"), log, lines, List.of(Integer.toString(PORT)));
        List<String> ports = new ArrayList<>();
        var at = new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral(address), PORT);
        try (var late = new java.net.Socket()) {
            awaitStatus(app);
            ports.addAll(ports());
            withHandshakeHalfDone(app, "synlate", late, at, () -> {
                var move = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", "aarch64"));
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
                while (!move.isDone() && !dropsNewHandshakes(app)) Thread.sleep(5);
                late.setSoTimeout(60_000);
                send(late, "after\n");
                ProcessResult m = move.get(3, TimeUnit.MINUTES);
                assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
            });
            var in = reader(late);
            assertThat(in.readLine()).as("the answer to the peer of the late handshake, after the move").isEqualTo("1 after");
            send(late, "quit\n");
            assertThat(in.readLine()).isEqualTo("bye");
            assertThat(run.waitFor(1, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("synlate.stderr"))).isZero();
        assertThat(EnvApp.read(root.resolve("synlate.stdout"))).isEqualTo("served 1\n");
        assertThat(EnvApp.records(log)).hasSize(1).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("sockets").asInt()).as("the listener and the connection it completed, in " + r).isEqualTo(2);
        });
        assertNothingLeft(app, address, ports);
    }

    /**
     * Issue 12: clients connecting in a burst while the app moves x86_64 -> s390x (one every 30 ms from the moment
     * {@code talent migrate} starts, through the drop of new handshakes, the stop and the restore): none sees a reset
     * or loses its connection. Each sends one line and gets it answered once, numbered as the line server numbers
     * lines natively (1 to 100, each once, whatever the order), and the server says it served 100.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void clientsConnectingDuringTheMoveAreAllServed() throws Exception {
        Path lines = lineServer();
        String app = "synburst-" + ProcessHandle.current().pid();
        String address = "10.219.5.11";
        Path log = root.resolve("synburst.jsonl");
        int clients = 100;
        Process run = startApp(app, "synburst", address, List.of("s390x"), log, lines, List.of(Integer.toString(PORT)));
        List<String> ports = new ArrayList<>();
        var at = new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral(address), PORT);
        List<String> got = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            awaitStatus(app);
            ports.addAll(ports());
            var move = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", "s390x"));
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
            for (int i = 1; i <= clients; i++) {
                int k = i;
                answers.add(pool.submit(() -> {
                    try (var s = new java.net.Socket()) {
                        s.connect(at, 60_000);
                        s.setSoTimeout(60_000);
                        send(s, "client-" + k + "\n");
                        return reader(s).readLine();
                    }
                }));
                Thread.sleep(30);
            }
            ProcessResult m = move.get(3, TimeUnit.MINUTES);
            assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
            for (var a : answers) got.add(a.get(2, TimeUnit.MINUTES));
            try (var last = connect(at)) {
                send(last, "quit\n");
                assertThat(reader(last).readLine()).isEqualTo("bye");
            }
            assertThat(run.waitFor(1, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        List<Integer> numbers = new ArrayList<>();
        for (int k = 1; k <= clients; k++) {
            String answer = got.get(k - 1);
            assertThat(answer).as("the answer to client " + k).matches("[0-9]+ client-" + k);
            numbers.add(Integer.parseInt(answer.substring(0, answer.indexOf(' '))));
        }
        assertThat(numbers).as("each line answered once").containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.rangeClosed(1, clients).boxed().toList());
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("synburst.stderr"))).isZero();
        assertThat(EnvApp.read(root.resolve("synburst.stdout"))).isEqualTo("served " + clients + "\n");
        assertThat(EnvApp.records(log)).hasSize(1).allSatisfy(r -> assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue());
        assertNothingLeft(app, address, ports);
    }

    /**
     * Connects {@code peer} (not bound yet) from the host's bridge address to the app at {@code at} and runs
     * {@code then} while the app's listener holds that handshake half done (SYN_RECV): an nft table of the host
     * drops the peer's pure ACKs to the app, so the handshake completes only with the peer's first data. The table
     * (named after {@code label}) is removed afterwards.
     */
    private void withHandshakeHalfDone(String app, String label, java.net.Socket peer, java.net.InetSocketAddress at,
            ThrowingRunnable then) throws Exception {
        String table = "tn" + label + ProcessHandle.current().pid() % 1_000_000;
        peer.bind(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("10.219.0.1"), 0));
        Path rules = root.resolve(label + ".nft");
        Files.writeString(rules, "table ip " + table + " {\n chain out {\n  type filter hook output priority 0; policy accept;\n"
                + "  ip daddr " + at.getAddress().getHostAddress() + " tcp dport " + at.getPort() + " tcp sport "
                + peer.getLocalPort() + " tcp flags & (fin | syn | rst | psh | ack) == ack drop\n }\n}\n");
        ProcessResult added = Processes.run(List.of("nft", "-f", rules.toString()), root, Duration.ofSeconds(30));
        assertThat(added.exitCode()).withFailMessage(added::describe).isZero();
        try {
            peer.connect(at, 10_000);
            assertThat(halfOpen(app, peer.getLocalPort())).as("the app's listener holds the handshake in SYN_RECV").isTrue();
            then.run();
        } finally {
            Processes.run(List.of("nft", "delete", "table", "ip", table), root, Duration.ofSeconds(30));
        }
    }

    /** Whether a network namespace of the app drops incoming SYNs (a source about to stop). */
    private boolean dropsNewHandshakes(String app) throws Exception {
        ProcessResult list = Processes.run(List.of("ip", "netns", "list"), root, Duration.ofSeconds(30));
        for (String line : list.stdoutText().lines().toList()) {
            String ns = line.split(" ", 2)[0];
            if (!ns.contains(app)) continue;
            ProcessResult rules = Processes.run(List.of("ip", "netns", "exec", ns, "iptables", "-w", "-S", "INPUT"), root,
                    Duration.ofSeconds(30));
            if (rules.stdoutText().lines().anyMatch(l -> l.contains(" SYN ") && l.endsWith("-j DROP"))) return true;
        }
        return false;
    }

    /** Whether a network namespace of the app holds a connection from local port {@code port} in SYN_RECV. */
    private boolean halfOpen(String app, int port) throws Exception {
        ProcessResult list = Processes.run(List.of("ip", "netns", "list"), root, Duration.ofSeconds(30));
        for (String line : list.stdoutText().lines().toList()) {
            String ns = line.split(" ", 2)[0];
            if (!ns.contains(app)) continue;
            ProcessResult ss = Processes.run(List.of("ip", "netns", "exec", ns, "ss", "-Htn", "state", "syn-recv"), root,
                    Duration.ofSeconds(30));
            if (ss.stdoutText().contains(":" + port + " ") || ss.stdoutText().contains(":" + port + "\n")) return true;
        }
        return false;
    }

    /**
     * A peer ({@code peer}: its command line for a host:port) holds one connection to the line server (started on
     * x86_64) while it hops to each of {@code hops}, sending a line every 2 ms all along and at least
     * {@code atLeast}: what it received must be what the x86_64 build answers natively to as many lines.
     */
    private void heldConnection(String label, String address, Peer peer, List<String> hops, int atLeast) throws Exception {
        Path lines = lineServer();
        String app = "line" + label + "-" + ProcessHandle.current().pid();
        Path log = root.resolve(label + ".jsonl");
        Process run = startApp(app, label, address, hops, log, lines, List.of(Integer.toString(PORT)));
        List<String> ports = new ArrayList<>();
        Conversation got;
        try {
            awaitStatus(app);
            ports.addAll(ports());
            got = converse(peer, address + ":" + PORT, atLeast, () -> {
                for (String hop : hops) {
                    ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", hop));
                    assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                    assertThat(m.stdoutText()).contains(" ok");
                }
            }, true);
            assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve(label + ".stderr"))).isZero();
        int count = got.lines();
        // the uninterrupted run: the x86_64 build on the host's loopback, fed the same lines by the same peer
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process reference = new ProcessBuilder(lines.resolveSibling("linecount.x86_64").toString(), Integer.toString(port))
                .redirectOutput(root.resolve(label + "-reference.stdout").toFile()).start();
        Conversation expected;
        try {
            expected = converse(peer, "127.0.0.1:" + port, got.lines(), () -> { }, false);
            assertThat(reference.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            reference.destroyForcibly();
        }
        assertThat(expected.output()).startsWith("1 line-1\n").endsWith(count + " line-" + count + "\nbye\n");

        assertThat(got.output()).as("what the peer received").isEqualTo(expected.output());
        assertThat(EnvApp.read(root.resolve(label + ".stdout"))).isEqualTo("served " + count + "\n");
        List<JsonNode> records = EnvApp.records(log);
        assertThat(records).hasSize(hops.size()).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("sockets").asInt()).as("the listener and the connection, in " + r).isEqualTo(2);
        });
        assertNothingLeft(app, address, ports);
    }

    /**
     * {@code talent run --net} of {@code program} (started on x86_64, allowed on x86_64 and every platform of
     * {@code hops}) at {@code address}, its output in LABEL.stdout and LABEL.stderr, its records in {@code log}.
     */
    private Process startApp(String app, String label, String address, List<String> hops, Path log, Path program,
            List<String> programArgs) throws IOException {
        var platforms = new java.util.LinkedHashSet<String>();
        platforms.add("x86_64");
        platforms.addAll(hops);
        List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet", SUBNET,
                "--subnet6", SUBNET6, "--ip", address, "--platforms", String.join(",", platforms), "--state-dir",
                root.resolve(label + "-state").toString(), "--log", log.toString(), program.toString(), "--"));
        args.addAll(programArgs);
        return new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(root.resolve(label + ".stdout").toFile())
                .redirectError(root.resolve(label + ".stderr").toFile()).start();
    }

    /**
     * A socat peer holds a connection to the line server (a line every 2 ms) while a migration to aarch64 fails at
     * {@code step} (TALENT_FAULT through --inject-fault): the rollback keeps the connection on the source, the peer
     * sees neither reset nor end, and every line comes back once, in order, as an uninterrupted run answers them;
     * then a migration succeeds (except after a checkpoint fault, which stays with the process) with the same peer.
     */
    // two steps, to keep the CI's time: the first after the TCP hand-over, the last after the destination started;
    // every step is covered without a held connection by aFailedMigrationLeavesTheAppReachableAtItsAddress
    @ParameterizedTest(name = "a held connection survives a failure at step {0}")
    @ValueSource(strings = {"checkpoint", "restore"})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aHeldConnectionSurvivesAFailedMigration(String step) throws Exception {
        Path lines = lineServer();
        String app = "linefault-" + step + "-" + ProcessHandle.current().pid();
        String address = "10.219.8." + (10 + List.of("checkpoint", "sync", "start", "restore").indexOf(step));
        Path log = root.resolve("heldfault-" + step + ".jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet", SUBNET,
                "--subnet6", SUBNET6, "--ip", address, "--platforms", "x86_64,aarch64", "--inject-fault", step,
                "--state-dir", root.resolve("heldfault-" + step + "-state").toString(), "--log", log.toString(),
                lines.toString(), "--", Integer.toString(PORT)));
        Process run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(root.resolve("heldfault.stdout").toFile())
                .redirectError(root.resolve("heldfault-" + step + ".stderr").toFile()).start();
        List<String> ports = new ArrayList<>();
        Conversation got;
        try {
            awaitStatus(app);
            ports.addAll(ports());
            got = converse(address + ":" + PORT, 300, () -> {
                ProcessResult failed = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", "aarch64"));
                assertThat(failed.stdoutText() + failed.stderrText()).contains("failed at step " + step);
                Thread.sleep(200);          // lines served on the source after the rollback
                if (!step.equals("checkpoint")) {
                    ProcessResult ok = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", "aarch64"));
                    assertThat(ok.exitCode()).withFailMessage(ok::describe).isZero();
                }
            });
            assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("heldfault-" + step + ".stderr"))).isZero();
        assertThat(EnvApp.read(root.resolve("socat.stderr"))).as("socat saw no reset").doesNotContain("reset");
        assertThat(got.output()).as("what the peer received").isEqualTo(uninterruptedLines(lines, got.lines()).output());
        List<JsonNode> records = EnvApp.records(log);
        assertThat(records.getFirst().get("ok").asBoolean()).isFalse();
        assertThat(records.getFirst().get("failed_step").asText()).isEqualTo(step);
        assertThat(records).hasSize(step.equals("checkpoint") ? 1 : 2);
        assertNothingLeft(app, address, ports);
    }

    /** The x86_64 line server run natively on the host's loopback, fed {@code count} lines by socat. */
    private Conversation uninterruptedLines(Path lines, int count) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process reference = new ProcessBuilder(lines.resolveSibling("linecount.x86_64").toString(), Integer.toString(port))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Conversation expected = converse("127.0.0.1:" + port, count, () -> { }, false);
            assertThat(reference.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(expected.output()).startsWith("1 line-1\n").endsWith(count + " line-" + count + "\nbye\n");
            return expected;
        } finally {
            reference.destroyForcibly();
        }
    }

    /**
     * Clients connected to a listener but not accepted yet at the checkpoint: the backlog server (started on x86_64)
     * accepts nothing but its control connection until told to, while 70 clients connect and send their line (more
     * than the runtime takes from a backlog at a time); it hops to s390x, 30 more clients connect, it hops to
     * aarch64, and only then is it told to serve them all: every client is accepted on aarch64, in the order it
     * connected, and gets its answer, as the x86_64 build answers natively without migrations.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void connectionsWaitingInTheBacklogAreAcceptedOnTheDestination() throws Exception {
        Path server = buildResource("backlog", "x86_64,s390x,aarch64");
        String app = "backlog-" + ProcessHandle.current().pid();
        String address = "10.219.11.3";
        Path log = root.resolve("backlog.jsonl");
        Process run = startApp(app, "backlog", address, List.of("s390x", "aarch64"), log, server, List.of(Integer.toString(PORT)));
        List<String> ports = new ArrayList<>();
        String got;
        try {
            awaitStatus(app);
            ports.addAll(ports());
            got = backlogExchange(new java.net.InetSocketAddress(address, PORT), hop -> {
                ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(1), List.of("migrate", app, "--to", hop));
                assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                assertThat(m.stdoutText()).contains(" ok");
            });
            assertThat(run.waitFor(1, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("backlog.stderr"))).isZero();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path referenceOut = root.resolve("backlog-reference.stdout");
        Process reference = new ProcessBuilder(server.resolveSibling("backlog.x86_64").toString(), Integer.toString(port))
                .redirectOutput(referenceOut.toFile()).start();
        String expected;
        try {
            expected = backlogExchange(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), port), hop -> { });
            assertThat(reference.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            reference.destroyForcibly();
        }
        assertThat(expected).startsWith("1 client-1\n2 client-2\n").endsWith("100 client-100\ndone 100 ?\nbye\n");
        assertThat(got).as("what the clients and the control connection received").isEqualTo(expected.replace("done 100 ?", "done 100 aarch64"));
        assertThat(EnvApp.read(root.resolve("backlog.stdout"))).isEqualTo(EnvApp.read(referenceOut)).isEqualTo("served 100\n");
        List<JsonNode> records = EnvApp.records(log);
        assertThat(records).hasSize(2).allSatisfy(r -> assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue());
        assertThat(records.stream().map(r -> r.get("sockets").asInt()).toList())
                .as("the listener, the control connection and the clients waiting in the backlog").containsExactly(72, 102);
        assertNothingLeft(app, address, ports);
    }

    /**
     * The exchange of {@link #connectionsWaitingInTheBacklogAreAcceptedOnTheDestination} with the backlog server at
     * {@code server}, {@code hop} called with "s390x" after 70 clients connected and "aarch64" after 30 more: what
     * every client received, in the order they connected, then what the control connection received.
     */
    private static String backlogExchange(java.net.InetSocketAddress server, ThrowingConsumer<String> hop) throws Exception {
        List<java.net.Socket> clients = new ArrayList<>();
        StringBuilder got = new StringBuilder();
        try (var control = connect(server)) {
            var controlIn = reader(control);
            try {
                for (int i = 1; i <= 100; i++) {
                    var c = connect(server);
                    clients.add(c);
                    send(c, "client-" + i + "\n");
                    if (i == 70) hop.accept("s390x");
                }
                hop.accept("aarch64");
                send(control, "serve 100\n");
                for (var c : clients) got.append(readToEnd(reader(c)));
                got.append(controlIn.readLine()).append('\n');
                send(control, "quit\n");
                got.append(readToEnd(controlIn));
            } finally {
                for (var c : clients) c.close();
            }
        }
        return got.toString();
    }

    /**
     * curl holds one keep-alive connection to a slow HTTP/1.1 server (each answer chunked in three parts 40 ms
     * apart) for 250 requests while it hops x86_64 -> aarch64 -> s390x -> x86_64 (parts of an answer or a request in
     * flight at every checkpoint): curl connects once, and everything it received (bodies, status, how many
     * connections it made for each transfer) is what the x86_64 build answers natively.
     */
    // room for the stall of the held connection once seen after its last hop (docs/COVERAGE.md, cause not found)
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void curlKeepsItsConnectionAliveAcrossIsas() throws Exception {
        Path server = buildResource("chunked", "x86_64,aarch64,s390x");
        String app = "chunked-" + ProcessHandle.current().pid();
        String address = "10.219.12.3";
        Path log = root.resolve("chunked.jsonl");
        List<String> hops = List.of("aarch64", "s390x", "x86_64");
        Process run = startApp(app, "chunked", address, hops, log, server, List.of(Integer.toString(PORT), "40"));
        List<String> ports = new ArrayList<>();
        String got;
        try {
            awaitStatus(app);
            ports.addAll(ports());
            Process curl = curl(address + ":" + PORT, "curl");
            // the first answers came: curl is connected
            long by = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (Files.size(root.resolve("curl.stdout")) == 0 && System.nanoTime() < by) Thread.sleep(20);
            for (String hop : hops) {
                ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(1), List.of("migrate", app, "--to", hop));
                assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                assertThat(curl.isAlive()).as("curl still transferring after the hop to %s", hop).isTrue();
            }
            got = curlResult(curl, "curl");
            assertThat(run.waitFor(1, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("chunked.stderr"))).isZero();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process reference = new ProcessBuilder(server.resolveSibling("chunked.x86_64").toString(), Integer.toString(port))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String expected;
        try {
            expected = curlResult(curl("127.0.0.1:" + port, "curl-reference"), "curl-reference");
            assertThat(reference.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            reference.destroyForcibly();
        }
        assertThat(expected).startsWith("1 /r1 1\n1 /r1 2\n1 /r1 3\n[1 200]\n2 /r2 1\n")
                .endsWith("250 /r250 3\n[0 200]\nbye\n[0 200]\n");
        assertThat(got).as("what curl received").isEqualTo(expected);
        assertThat(EnvApp.read(root.resolve("chunked.stdout"))).isEqualTo("served 250\n");
        assertThat(EnvApp.records(log)).hasSize(hops.size()).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("sockets").asInt()).as("the listener and curl's connection, in " + r).isEqualTo(2);
        });
        assertNothingLeft(app, address, ports);
    }

    /** curl fetching /r1 .. /r250 and /quit from hostPort one after the other (one connection, kept alive). */
    private Process curl(String hostPort, String label) throws IOException {
        return new ProcessBuilder("curl", "-sS", "--no-progress-meter", "--max-time", "240", "--retry", "0", "-w",
                "[%{num_connects} %{http_code}]\\n", "http://" + hostPort + "/r[1-250]", "http://" + hostPort + "/quit")
                .redirectOutput(root.resolve(label + ".stdout").toFile()).redirectError(root.resolve(label + ".stderr").toFile())
                .start();
    }

    /** What curl wrote, once it ended well. */
    private String curlResult(Process curl, String label) throws Exception {
        assertThat(curl.waitFor(240, TimeUnit.SECONDS)).as("curl ends").isTrue();
        String err = EnvApp.read(root.resolve(label + ".stderr"));
        assertThat(curl.exitValue()).withFailMessage(() -> "curl failed: " + err).isZero();
        return EnvApp.read(root.resolve(label + ".stdout"));
    }

    private Path lineServer;

    /** linecount.c built for every platform (once). */
    private synchronized Path lineServer() throws IOException {
        if (lineServer == null) lineServer = buildResource("linecount", String.join(",", ALL_PLATFORMS));
        return lineServer;
    }

    /**
     * A poll() server holds two socat connections at once while it hops x86_64 -> s390x -> x86_64, both peers sending
     * a line every 2 ms all along: each peer gets every line back exactly once, in order, numbered per connection as
     * the x86_64 build answers natively.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aPollServerKeepsTwoClientsAcrossIsas() throws Exception {
        lineServerKeepsTwoClients("polllines", "10.219.7.4");
    }

    /**
     * The same with an epoll server (issue 12, resources/network/epolllines.c): two epoll instances, the second
     * watched by the first; one connection registered edge-triggered with data.ptr (a heap block only the
     * registration points to), the other level-triggered with data.fd. Instances and registrations are rebuilt on
     * each platform, data.ptr translated to the destination's addresses.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void anEpollServerKeepsTwoClientsAcrossIsas() throws Exception {
        lineServerKeepsTwoClients("epolllines", "10.219.7.5");
    }

    private void lineServerKeepsTwoClients(String name, String address) throws Exception {
        Path source = root.resolve(name + ".c");
        try (var in = NetworkMigrationIT.class.getResourceAsStream("/network/" + name + ".c")) {
            Files.copy(in, source, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessResult built = TalentCli.get().run(root, Duration.ofMinutes(8), List.of("build", "-o", "build", "--isa",
                "x86_64,s390x", source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        Path server = root.resolve("build/" + name);
        List<String> hops = List.of("s390x", "x86_64");
        String app = name + "-" + ProcessHandle.current().pid();
        Path log = root.resolve(name + ".jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet", SUBNET,
                "--subnet6", SUBNET6, "--ip", address, "--platforms", "x86_64,s390x", "--state-dir",
                root.resolve(name + "-state").toString(), "--log", log.toString(), server.toString(), "--", Integer.toString(PORT)));
        Process run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(root.resolve(name + ".stdout").toFile()).redirectError(root.resolve(name + ".stderr").toFile()).start();
        List<String> ports = new ArrayList<>();
        Conversation first;
        Conversation second;
        try {
            awaitStatus(app);
            ports.addAll(ports());
            var migrated = new java.util.concurrent.CountDownLatch(1);
            var other = new java.util.concurrent.CompletableFuture<Conversation>();
            Thread.ofPlatform().start(() -> {
                try {
                    other.complete(converse(address + ":" + PORT, 200, migrated::await));
                } catch (Throwable e) {
                    other.completeExceptionally(e);
                }
            });
            try {
                first = converse(address + ":" + PORT, 200, () -> {
                    Thread.sleep(300);      // the other peer connected too
                    for (String hop : hops) {
                        ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", hop));
                        assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                    }
                });
            } finally {
                migrated.countDown();
            }
            second = other.get(2, TimeUnit.MINUTES);
            assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve(name + ".stderr"))).isZero();
        // the uninterrupted run: the x86_64 build on the host's loopback, the same lines from each peer
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process reference = new ProcessBuilder(server.resolveSibling(name + ".x86_64").toString(), Integer.toString(port))
                .redirectOutput(root.resolve(name + "-reference.stdout").toFile()).start();
        try {
            // both connected before either can quit (the server ends at a quit with no connection left)
            var refOther = new java.util.concurrent.CompletableFuture<Conversation>();
            var firstIn = new java.util.concurrent.CountDownLatch(1);
            var otherIn = new java.util.concurrent.CountDownLatch(1);
            Thread.ofPlatform().start(() -> {
                try {
                    refOther.complete(converse("127.0.0.1:" + port, second.lines(), () -> {
                        otherIn.countDown();
                        firstIn.await();
                    }, false));
                } catch (Throwable e) {
                    refOther.completeExceptionally(e);
                }
            });
            Conversation refFirst;
            try {
                refFirst = converse("127.0.0.1:" + port, first.lines(), () -> {
                    firstIn.countDown();
                    otherIn.await();
                }, false);
            } finally {
                firstIn.countDown();
            }
            assertThat(first.output()).as("what the first peer received").isEqualTo(refFirst.output());
            assertThat(second.output()).as("what the second peer received").isEqualTo(refOther.get(2, TimeUnit.MINUTES).output());
            assertThat(reference.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            reference.destroyForcibly();
        }
        assertThat(first.output()).startsWith("1 line-1\n").endsWith(first.lines() + " line-" + first.lines() + "\nbye\n");
        assertThat(EnvApp.read(root.resolve(name + ".stdout"))).isEqualTo("served " + (first.lines() + second.lines()) + "\n");
        assertThat(EnvApp.records(log)).hasSize(hops.size()).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("sockets").asInt()).as("the listener and two connections, in " + r).isEqualTo(3);
        });
        assertNothingLeft(app, address, ports);
    }

    /**
     * The app is a client: it first tries a listener that never answers (a stop while that connect() is in
     * progress carries it to aarch64, where it goes on getting no answer until the app gives up), then connects (non-blocking connect, completion waited for with poll)
     * to a service on the host at the bridge's gateway address and exchanges a line every 2 ms with it while it hops x86_64 -> s390x ->
     * aarch64 -> x86_64; the service then ends the exchange. Everything the app printed (each reply and a running
     * sum) must be what the x86_64 build prints natively against the same service ending after as many exchanges.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void anOutgoingConnectionMovesWithTheClientApp() throws Exception {
        Path client = clientProgram();
        List<String> hops = List.of("s390x", "aarch64", "x86_64");
        String app = "netclient-" + ProcessHandle.current().pid();
        Path log = root.resolve("client.jsonl");
        int exchanges;
        List<String> ports = new ArrayList<>();
        String address = "10.219.6.5";
        try (FullListener full = new FullListener();
                PingService service = new PingService(new java.net.InetSocketAddress("0.0.0.0", 0), 300, false)) {
            List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet",
                    SUBNET, "--subnet6", SUBNET6, "--ip", address, "--platforms", "x86_64,aarch64,s390x", "--state-dir",
                    root.resolve("client-state").toString(), "--log", log.toString(), client.toString(), "--",
                    "10.219.0.1", Integer.toString(full.port()), "10.219.0.1", Integer.toString(service.port())));
            Process run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(root.resolve("client.stdout").toFile())
                    .redirectError(root.resolve("client.stderr").toFile()).start();
            try {
                awaitStatus(app);
                ports.addAll(ports());
                // the app's first connect() gets no answer (8 s): a stop meanwhile carries it, still in progress
                ProcessResult connecting = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", "aarch64"));
                assertThat(service.connections()).as("the stop came while the first connect() was in progress").isZero();
                assertThat(connecting.exitCode()).withFailMessage(connecting::describe).isZero();
                awaitExchanges(service, 20, "after the move with a connect() in progress");
                for (String hop : hops) {
                    ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", hop));
                    assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                    assertThat(m.stdoutText()).contains(" ok");
                    int before = service.exchanges();
                    awaitExchanges(service, before + 20, "after the move to " + hop);
                }
                exchanges = service.end();
                assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
            } finally {
                stop(run);
            }
            assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("client.stderr"))).isZero();
            assertThat(service.connections()).as("one connection, never re-made").isEqualTo(1);
        }
        String got = EnvApp.read(root.resolve("client.stdout"));
        String expected;
        try (FullListener full = new FullListener();
                PingService reference = new PingService(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), 0), exchanges, true)) {
            ProcessResult r = Processes.run(List.of(client.resolveSibling("netclient.x86_64").toString(), "127.0.0.1",
                    Integer.toString(full.port()), "127.0.0.1", Integer.toString(reference.port())), root, Duration.ofSeconds(60));
            assertThat(r.exitCode()).withFailMessage(r::describe).isZero();
            expected = r.stdoutText();
        }
        assertThat(expected).startsWith("no connection to host 1\nconnected\n1 pong 1 ")
                .endsWith("exchanges " + exchanges + "\n");
        assertThat(got).as("what the migrated client printed").isEqualTo(expected);
        List<JsonNode> records = EnvApp.records(log);
        assertThat(records).hasSize(hops.size() + 1);
        assertThat(records).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("sockets").asInt()).as("the outgoing connection (in progress at the first), in " + r).isEqualTo(1);
        });
        assertNothingLeft(app, address, ports);
    }

    /**
     * A connect() in progress at the stop completes after the move: the app (a client) connects, non-blocking, to a
     * service on the host whose accept queue is full, so its SYN goes unanswered; it is stopped then and moves
     * x86_64 -> s390x, the service starts accepting, and the connection the restored socket makes (the same SYN
     * again) is the one the app exchanges lines over, then x86_64 again with it established. What the app printed
     * must be what the x86_64 build prints natively against the same service, opened after a second.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aConnectInProgressCompletesAfterTheMove() throws Exception {
        Path client = clientProgram();
        String app = "netconnecting-" + ProcessHandle.current().pid();
        Path log = root.resolve("connecting.jsonl");
        int exchanges;
        List<String> ports = new ArrayList<>();
        String address = "10.219.6.7";
        try (PingService service = PingService.gated(new java.net.InetSocketAddress("0.0.0.0", 0), 200)) {
            List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet",
                    SUBNET, "--subnet6", SUBNET6, "--ip", address, "--platforms", "x86_64,s390x", "--state-dir",
                    root.resolve("connecting-state").toString(), "--log", log.toString(), client.toString(), "--",
                    "-w60000", "10.219.0.1", Integer.toString(service.port())));
            Process run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(root.resolve("connecting.stdout").toFile())
                    .redirectError(root.resolve("connecting.stderr").toFile()).start();
            try {
                awaitStatus(app);
                ports.addAll(ports());
                ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", "s390x"));
                assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                assertThat(service.connections()).as("nothing was accepted before the move").isZero();
                service.open();
                awaitExchanges(service, 20, "after the move with a connect() in progress", "connecting");
                m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", "x86_64"));
                assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                int before = service.exchanges();
                awaitExchanges(service, before + 20, "after the move back", "connecting");
                exchanges = service.end();
                assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
            } finally {
                stop(run);
            }
            assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("connecting.stderr"))).isZero();
            assertThat(service.connections()).as("one connection, never re-made").isEqualTo(1);
            assertThat(service.peer()).isEqualTo(address);
        }
        String got = EnvApp.read(root.resolve("connecting.stdout"));
        String expected;
        try (PingService reference = PingService.gated(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), 0), exchanges)) {
            reference.ending.set(true);
            Process r = new ProcessBuilder(client.resolveSibling("netclient.x86_64").toString(), "-w60000", "127.0.0.1",
                    Integer.toString(reference.port())).redirectErrorStream(true).start();
            Thread.sleep(1000);
            reference.open();
            String out = new String(r.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(r.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(r.exitValue()).as(out).isZero();
            expected = out;
        }
        assertThat(expected).startsWith("connected\n1 pong 1 ").endsWith("exchanges " + exchanges + "\n");
        assertThat(got).as("what the migrated client printed").isEqualTo(expected);
        List<JsonNode> records = EnvApp.records(log);
        assertThat(records).hasSize(2).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("sockets").asInt()).as("the connection (in progress at the first), in " + r).isEqualTo(1);
        });
        assertNothingLeft(app, address, ports);
    }

    /**
     * Issue 12: the options a program set on its established connection (buffers, linger, timeouts, low-water marks,
     * keepalive, user timeout, TOS, priority, TTL...) move with it. The app, a client of a service on the host, sets
     * them after connecting and prints what getsockopt reads before and after hopping x86_64 -> s390x -> aarch64
     * with the connection: both lines, and every exchange, equal the x86_64 build's run natively against the same
     * service. Before the SOPT entries of connections every option but TCP_NODELAY and the keepalive ones came back
     * as the kernel's default (and SO_REUSEADDR on).
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theOptionsSetOnAConnectionMoveWithItAcrossIsas() throws Exception {
        optionsMove("netoptions-", "options", "10.219.6.11");
    }

    /**
     * Issue 12: options set where talent does not see them (optclient's "pointer": every setsockopt through a pointer,
     * in a function talent does not instrument, as a library built without talent) move with the connection
     * x86_64 -> s390x -> aarch64 too: the runtime reads the kernel's own record of the locked buffer sizes
     * (SO_BUF_LOCK) and compares the other options with a new socket's. Before, the buffers came back autotuned
     * ({@code rcvbuf=131072 sndbuf=69120} after the hops instead of {@code rcvbuf=100000 sndbuf=80000}; every other
     * option was carried).
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void optionsSetWhereTalentDoesNotSeeThemMoveWithTheConnection() throws Exception {
        optionsMove("netunseen-", "unseen", "10.219.6.14", "pointer");
    }

    /**
     * optclient (with extra arguments) as the app, a client of a PingService on the host, hopped x86_64 -> s390x ->
     * aarch64: what it printed equals the x86_64 build's uninterrupted run's, over one connection.
     */
    private void optionsMove(String appPrefix, String name, String address, String... extra) throws Exception {
        Path client = optionsClientProgram();
        List<String> hops = List.of("s390x", "aarch64");
        String app = appPrefix + ProcessHandle.current().pid();
        Path log = root.resolve(name + ".jsonl");
        int exchanges;
        List<String> ports = new ArrayList<>();
        try (PingService service = new PingService(new java.net.InetSocketAddress("0.0.0.0", 0), 200, false)) {
            List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet",
                    SUBNET, "--subnet6", SUBNET6, "--ip", address, "--platforms", "x86_64,aarch64,s390x", "--state-dir",
                    root.resolve(name + "-state").toString(), "--log", log.toString(), client.toString(), "--",
                    "10.219.0.1", Integer.toString(service.port())));
            args.addAll(List.of(extra));
            Process run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(root.resolve(name + ".stdout").toFile())
                    .redirectError(root.resolve(name + ".stderr").toFile()).start();
            try {
                awaitStatus(app);
                ports.addAll(ports());
                awaitExchanges(service, 20, "before the first move", name);
                for (String hop : hops) {
                    ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", hop));
                    assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                    assertThat(m.stdoutText()).contains(" ok");
                    int before = service.exchanges();
                    awaitExchanges(service, before + 20, "after the move to " + hop, name);
                }
                exchanges = service.end();
                assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
            } finally {
                stop(run);
            }
            assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve(name + ".stderr"))).isZero();
            assertThat(service.connections()).as("one connection, never re-made").isEqualTo(1);
        }
        String got = EnvApp.read(root.resolve(name + ".stdout"));
        String expected;
        try (PingService reference = new PingService(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), 0),
                exchanges, true)) {
            List<String> command = new ArrayList<>(List.of(client.resolveSibling("optclient.x86_64").toString(), "127.0.0.1",
                    Integer.toString(reference.port())));
            command.addAll(List.of(extra));
            ProcessResult r = Processes.run(command, root, Duration.ofSeconds(60));
            assertThat(r.exitCode()).withFailMessage(r::describe).isZero();
            expected = r.stdoutText();
        }
        assertThat(expected).startsWith("options before: rcvbuf=100000 sndbuf=80000 ")
                .contains("\noptions after: rcvbuf=100000 sndbuf=80000 ")
                .endsWith("exchanges " + exchanges + "\n");
        assertThat(got).as("what the migrated client printed").isEqualTo(expected);
        List<JsonNode> records = EnvApp.records(log);
        assertThat(records).hasSize(hops.size()).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("sockets").asInt()).as("the connection, in " + r).isEqualTo(1);
        });
        assertNothingLeft(app, address, ports);
    }

    /**
     * Issue 12: an option a connection cannot have set again (TCP_FASTOPEN, set by the client before connecting) is
     * refused by name, never dropped: the move fails saying so, and the app goes on with its connection, printing
     * what the x86_64 build prints natively.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void anOptionAConnectionCannotKeepRefusesTheMoveByName() throws Exception {
        Path client = optionsClientProgram();
        String app = "netfastopen-" + ProcessHandle.current().pid();
        int exchanges;
        List<String> ports = new ArrayList<>();
        String address = "10.219.6.12";
        String refusal;
        try (PingService service = new PingService(new java.net.InetSocketAddress("0.0.0.0", 0), 100, false)) {
            List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet",
                    SUBNET, "--subnet6", SUBNET6, "--ip", address, "--platforms", "x86_64,s390x", "--state-dir",
                    root.resolve("fastopen-state").toString(), client.toString(), "--", "10.219.0.1",
                    Integer.toString(service.port()), "fastopen"));
            Process run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(root.resolve("fastopen.stdout").toFile())
                    .redirectError(root.resolve("fastopen.stderr").toFile()).start();
            try {
                awaitStatus(app);
                ports.addAll(ports());
                awaitExchanges(service, 20, "before the move", "fastopen");
                ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", "s390x"));
                assertThat(m.exitCode()).as("the move of a connection with TCP_FASTOPEN").withFailMessage(m::describe).isNotZero();
                refusal = m.stdoutText() + m.stderrText();
                int before = service.exchanges();
                awaitExchanges(service, before + 20, "after the refused move", "fastopen");
                exchanges = service.end();
                assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
            } finally {
                stop(run);
            }
            assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("fastopen.stderr"))).isZero();
            assertThat(service.connections()).as("one connection").isEqualTo(1);
        }
        assertThat(refusal).contains("option TCP_FASTOPEN (5) is not carried");
        String got = EnvApp.read(root.resolve("fastopen.stdout"));
        String expected;
        try (PingService reference = new PingService(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), 0),
                exchanges, true)) {
            ProcessResult r = Processes.run(List.of(client.resolveSibling("optclient.x86_64").toString(), "127.0.0.1",
                    Integer.toString(reference.port()), "fastopen"), root, Duration.ofSeconds(60));
            assertThat(r.exitCode()).withFailMessage(r::describe).isZero();
            expected = r.stdoutText();
        }
        assertThat(got).as("what the client printed").isEqualTo(expected);
        assertNothingLeft(app, address, ports);
    }

    /**
     * Issue 12: a connection inherits the buffer sizes its listener was given, and keeps them across a move. The app
     * (optclient -l) sets SO_RCVBUF and SO_SNDBUF on its listener only, accepts the test's connection and prints what
     * getsockopt reads on it before and after hopping x86_64 -> s390x -> aarch64: equal to the x86_64 build's run
     * natively (without the inheritance recorded at accept the restored connection autotunes them).
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void buffersAConnectionInheritedFromItsListenerMoveWithIt() throws Exception {
        Path program = optionsClientProgram();
        String app = "netinherit-" + ProcessHandle.current().pid();
        String address = "10.219.6.13";
        List<String> ports = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet",
                SUBNET, "--subnet6", SUBNET6, "--ip", address, "--platforms", "x86_64,aarch64,s390x", "--state-dir",
                root.resolve("inherit-state").toString(), program.toString(), "--", "-l", Integer.toString(PORT)));
        Process run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(root.resolve("inherit.stdout").toFile())
                .redirectError(root.resolve("inherit.stderr").toFile()).start();
        try {
            awaitStatus(app);
            ports.addAll(ports());
            pingServer(new java.net.InetSocketAddress(address, PORT), List.of("s390x", "aarch64"), app);
            assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("inherit.stderr"))).isZero();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process reference = new ProcessBuilder(program.resolveSibling("optclient.x86_64").toString(), "-l",
                Integer.toString(port)).redirectOutput(root.resolve("inherit-reference.stdout").toFile()).start();
        try {
            pingServer(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), port), List.of("-", "-"), null);
            assertThat(reference.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            reference.destroyForcibly();
        }
        String expected = EnvApp.read(root.resolve("inherit-reference.stdout"));
        assertThat(expected).contains("options accepted: rcvbuf=100000 sndbuf=80000 ").endsWith("served 60\n");
        assertThat(EnvApp.read(root.resolve("inherit.stdout"))).as("what the migrated server printed").isEqualTo(expected);
        assertNothingLeft(app, address, ports);
    }

    /**
     * 20 pings to optclient -l, then for each hop a move of app (none when app is null) and 20 more, then "end"
     * (connecting until it listens).
     */
    private void pingServer(java.net.InetSocketAddress at, List<String> hops, String app) throws Exception {
        java.net.Socket s = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (s == null) {
            try {
                s = new java.net.Socket();
                s.connect(at, 2000);
            } catch (IOException e) {
                s.close();
                s = null;
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(200);
            }
        }
        try (var socket = s) {
            socket.setSoTimeout(60_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            var out = socket.getOutputStream();
            int i = 0;
            for (int round = 0; round <= hops.size(); round++) {
                if (round > 0 && app != null) {
                    ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to",
                            hops.get(round - 1)));
                    assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                }
                for (int k = 0; k < 20; k++) {
                    i++;
                    out.write(("ping " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    assertThat(in.readLine()).isEqualTo("pong " + i);
                }
            }
            out.write("end\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(in.readLine()).isEqualTo("bye");
        }
    }

    private Path optionsClientProgram;

    /** optclient.c built for x86_64, aarch64 and s390x (once). */
    private synchronized Path optionsClientProgram() throws IOException {
        if (optionsClientProgram == null) optionsClientProgram = buildResource("optclient", "x86_64,aarch64,s390x");
        return optionsClientProgram;
    }

    /** As {@link PingService#awaitExchanges}; a failure says what the app and {@code talent run} printed. */
    private void awaitExchanges(PingService service, int n, String when) throws Exception {
        awaitExchanges(service, n, when, "client");
    }

    /** As above, the app's output in {@code name}.stdout and .stderr. */
    private void awaitExchanges(PingService service, int n, String when, String name) throws Exception {
        try {
            service.awaitExchanges(n, Duration.ofSeconds(30));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " " + when + " (connections accepted: " + service.connections()
                    + ")\n--- the app's stdout (talent run's):\n" + EnvApp.read(root.resolve(name + ".stdout"))
                    + "\n--- talent run's stderr:\n" + EnvApp.read(root.resolve(name + ".stderr")), e);
        }
    }

    /**
     * A listener on the host whose accept queue is full (backlog 1, filled, never accepted): the kernel drops the
     * SYNs of further connects, which stay in progress (SYN_SENT) until they give up. No route or address is
     * involved, so this is the same from the app's namespace and from the host.
     */
    private static final class FullListener implements AutoCloseable {
        private final ServerSocket server;
        private final List<java.net.Socket> fillers = new ArrayList<>();

        FullListener() throws IOException {
            server = new ServerSocket(0, 1, java.net.InetAddress.getByName("0.0.0.0"));
            // a backlog of 1 holds two connections; a connect that then gets no answer within 1.5 s (a lost SYN is
            // sent again after 1 s) shows the queue is full, not that this machine was slow to answer
            for (int i = 0; i < 6; i++) {
                var s = new java.net.Socket();
                try {
                    s.connect(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), server.getLocalPort()), 1500);
                    fillers.add(s);
                } catch (java.net.SocketTimeoutException e) {
                    s.close();
                    if (fillers.size() >= 2) return;
                }
            }
            throw new IOException("the listener's accept queue never filled (" + fillers.size() + " connections)");
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (var s : fillers) s.close();
            server.close();
        }
    }

    private Path clientProgram;

    /** netclient.c built for x86_64, aarch64 and s390x (once). */
    private synchronized Path clientProgram() throws IOException {
        if (clientProgram != null) return clientProgram;
        Path source = root.resolve("netclient.c");
        try (var in = NetworkMigrationIT.class.getResourceAsStream("/network/netclient.c")) {
            Files.copy(in, source, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        ProcessResult built = TalentCli.get().run(root, Duration.ofMinutes(8), List.of("build", "-o", "build", "--isa",
                "x86_64,aarch64,s390x", source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        clientProgram = root.resolve("build/netclient");
        return clientProgram;
    }

    /**
     * IPv6: the app (IPv4 address {@code 10.219.6.9}) also has {@code <SUBNET6>::a db:609}; as a client of a service
     * at the bridge's IPv6 address it hops x86_64 -> aarch64 -> x86_64 holding that IPv6 connection, and prints what
     * the x86_64 build prints natively over the host's IPv6 loopback.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void anIpv6ConnectionMovesWithTheApp() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6"))
                && Files.readString(Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6")).strip().equals("0"),
                "the host has no IPv6");
        Path client = clientProgram();
        List<String> hops = List.of("aarch64", "x86_64");
        String app = "netclient6-" + ProcessHandle.current().pid();
        String address = "10.219.6.9";
        Path log = root.resolve("client6.jsonl");
        int exchanges;
        List<String> ports = new ArrayList<>();
        try (PingService service = new PingService(new java.net.InetSocketAddress("::", 0), 200, false)) {
            List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet",
                    SUBNET, "--subnet6", SUBNET6, "--ip", address, "--platforms", "x86_64,aarch64", "--state-dir",
                    root.resolve("client6-state").toString(), "--log", log.toString(), client.toString(), "--",
                    GATEWAY6, Integer.toString(service.port())));
            Process run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(root.resolve("client6.stdout").toFile())
                    .redirectError(root.resolve("client6.stderr").toFile()).start();
            try {
                awaitStatus(app);
                ports.addAll(ports());
                service.awaitExchanges(20, Duration.ofSeconds(30));
                assertThat(service.peer()).as("the app's IPv6 address").isEqualTo("fd74:616c:656e:219:0:0:adb:609");
                for (String hop : hops) {
                    ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(2), List.of("migrate", app, "--to", hop));
                    assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                    int before = service.exchanges();
                    awaitExchanges(service, before + 20, "after the move to " + hop);
                }
                exchanges = service.end();
                assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("talent run ends").isTrue();
            } finally {
                stop(run);
            }
            assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("client6.stderr"))).isZero();
            assertThat(service.connections()).isEqualTo(1);
        }
        String expected;
        try (PingService reference = new PingService(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("::1"), 0), exchanges, true)) {
            ProcessResult r = Processes.run(List.of(client.resolveSibling("netclient.x86_64").toString(), "::1",
                    Integer.toString(reference.port())), root, Duration.ofSeconds(60));
            assertThat(r.exitCode()).withFailMessage(r::describe).isZero();
            expected = r.stdoutText();
        }
        assertThat(expected).startsWith("connected\n1 pong 1 ").endsWith("exchanges " + exchanges + "\n");
        assertThat(EnvApp.read(root.resolve("client6.stdout"))).isEqualTo(expected);
        assertThat(EnvApp.records(log)).hasSize(hops.size()).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("sockets").asInt()).as(r.toString()).isEqualTo(1);
        });
        assertNothingLeft(app, address, ports);
    }

    /**
     * IPv6 the other way: a dual-stack line server (listening on [::]) is reached by a socat peer on the host at the
     * app's IPv6 address ({@code <SUBNET6>::adb:904} for 10.219.9.4); the peer holds that connection, a line every
     * 2 ms, while the app hops x86_64 -> s390x -> aarch64 -> x86_64: every line comes back once, in order, as the
     * x86_64 build answers natively over the host's IPv6 loopback.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIncomingIpv6ConnectionMovesWithTheServer() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6"))
                && Files.readString(Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6")).strip().equals("0"),
                "the host has no IPv6");
        List<String> hops = List.of("s390x", "aarch64", "x86_64");
        String app = "linecount6-" + ProcessHandle.current().pid();
        String address = "10.219.9.4";
        String address6 = "[fd74:616c:656e:219::adb:904]";
        Path log = root.resolve("server6.jsonl");
        List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet", SUBNET,
                "--subnet6", SUBNET6, "--ip", address, "--platforms", "x86_64,s390x,aarch64", "--state-dir",
                root.resolve("server6-state").toString(), "--log", log.toString(), dualStackProgram.toString(), "--",
                Integer.toString(PORT)));
        Process run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(root.resolve("server6.stdout").toFile())
                .redirectError(root.resolve("server6.stderr").toFile()).start();
        List<String> ports = new ArrayList<>();
        Conversation got;
        try {
            awaitStatus(app);
            ports.addAll(ports());
            got = converse(address6 + ":" + PORT, 200, () -> {
                for (String hop : hops) {
                    ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(1), List.of("migrate", app, "--to", hop));
                    assertThat(m.exitCode()).withFailMessage(m::describe).isZero();
                    assertThat(m.stdoutText()).contains(" ok");
                }
            });
            assertThat(run.waitFor(1, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("server6.stderr"))).isZero();
        int count = got.lines();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process reference = new ProcessBuilder(dualStackProgram.resolveSibling("linecount6.x86_64").toString(),
                Integer.toString(port)).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Conversation expected;
        try {
            expected = converse("[::1]:" + port, count, () -> { }, false);
            assertThat(reference.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            reference.destroyForcibly();
        }
        assertThat(expected.output()).startsWith("1 line-1\n").endsWith(count + " line-" + count + "\nbye\n");
        assertThat(got.output()).as("what the IPv6 peer received").isEqualTo(expected.output());
        assertThat(EnvApp.read(root.resolve("server6.stdout"))).isEqualTo("served " + count + "\n");
        assertThat(EnvApp.records(log)).hasSize(hops.size()).allSatisfy(r -> {
            assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.get("sockets").asInt()).as("the listener and the IPv6 connection, in " + r).isEqualTo(2);
        });
        assertNothingLeft(app, address, ports);
    }

    /**
     * Half-closed connections move with the app, x86_64 <-> s390x at each moment: the peer has shut its side down and
     * the app has read the end of file (CLOSE_WAIT; the app then still writes to it); the app has shut its own side
     * down and goes on reading (FIN_WAIT2; the peer then sends more and closes); the peer has sent lines and shut its
     * side down while the app does not read (CLOSE_WAIT with data and the end of file unread: after the move the app
     * reads those lines, then the end of file). Everything the peers received and the app printed must be what the
     * x86_64 build answers natively to the same exchange without migrations.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void halfClosedConnectionsMoveWithTheApp() throws Exception {
        // the listener, and the half-closed (peer-closed, app-closed, unread) or held connection
        Moved m = movedAtMoments("halfclose", "10.219.10.6", NetworkMigrationIT::halfClosedExchange,
                List.of("peer-closed", "between", "app-closed", "unread", "held"),
                List.of("s390x", "x86_64", "s390x", "x86_64", "s390x"), List.of(2, 1, 2, 2, 2),
                "after shut: 2 lines\nserved 10\n");
        String expected = m.expected();
        assertThat(expected).isEqualTo("""
                1 a1
                2 a2
                3 a3
                |total 3
                |bye next
                |4 b1
                5 b2
                |6 h1
                held
                rest 2: d1 d2
                |bye again
                |9 z1
                10 z2
                bye
                """);
        assertThat(m.got()).as("what the peers received").isEqualTo(expected);
    }

    /**
     * The exchange of {@link #halfClosedConnectionsMoveWithTheApp} with the halfclose server at {@code server};
     * {@code at} is called at the moments "peer-closed" (a connection the peer shut down for writing is pending, its
     * end of file read), "between" (none), "app-closed" (the server shut its side down and is reading), "unread"
     * (the peer sent two lines and shut its side down; the server has read neither) and "held" (an established
     * connection). Returns what the peers received, each connection's part ended by '|'.
     */
    private static String halfClosedExchange(java.net.InetSocketAddress server, ThrowingConsumer<String> at) throws Exception {
        StringBuilder got = new StringBuilder();
        try (var a = connect(server)) {
            var in = reader(a);
            for (int i = 1; i <= 3; i++) {
                send(a, "a" + i + "\n");
                got.append(in.readLine()).append('\n');
            }
            got.append('|');
            a.shutdownOutput();
            Thread.sleep(100);
            at.accept("peer-closed");
            try (var b = connect(server)) {
                send(b, "next\n");
                got.append(readToEnd(in)).append('|');
                got.append(readToEnd(reader(b))).append('|');
            }
        }
        at.accept("between");
        try (var a = connect(server)) {
            var in = reader(a);
            for (int i = 1; i <= 2; i++) {
                send(a, "b" + i + "\n");
                got.append(in.readLine()).append('\n');
            }
            send(a, "shut\n");
            got.append(readToEnd(in)).append('|');          // the server's end of stream: it shut its side down
            at.accept("app-closed");
            send(a, "c1\nc2\n");
        }
        try (var a = connect(server)) {
            var in = reader(a);
            send(a, "h1\n");
            got.append(in.readLine()).append('\n');
            send(a, "hold\n");
            got.append(in.readLine()).append('\n');
            send(a, "d1\nd2\n");
            a.shutdownOutput();
            Thread.sleep(100);
            at.accept("unread");
            try (var b = connect(server)) {
                send(b, "again\n");
                got.append(readToEnd(in)).append('|');
                got.append(readToEnd(reader(b))).append('|');
            }
        }
        try (var c = connect(server)) {
            var in = reader(c);
            send(c, "z1\n");
            got.append(in.readLine()).append('\n');          // served: the half-closed connection is done with
            at.accept("held");
            send(c, "z2\nquit\n");
            got.append(readToEnd(in));
        }
        return got.toString();
    }

    /** A connection to {@code to}, tried again for up to 10 s while nothing answers (nothing was sent yet). */
    private static java.net.Socket connect(java.net.InetSocketAddress to) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            var s = new java.net.Socket();
            try {
                s.connect(to, 10_000);
                s.setSoTimeout(60_000);
                return s;
            } catch (java.net.ConnectException | java.net.NoRouteToHostException e) {
                s.close();
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(200);
            }
        }
    }

    private static java.io.BufferedReader reader(java.net.Socket s) throws IOException {
        return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Connections the program shut down for reading stay so across a move (network/shutrd.c, x86_64 -> s390x ->
     * x86_64): one shut with {@code shutdown(SHUT_RD)}, the peer's line after it queued unread at the stop, must
     * deliver that line and then end of file at once on the destination (a restored socket that forgot it would
     * wait for more); one shut down both ways (FIN_WAIT2) must answer the peer's data after the move with a reset,
     * as the source's kernel would. What every connection received must be what the x86_64 build answers natively.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void connectionsShutDownForReadingStaySoAfterTheMove() throws Exception {
        // the listener and the connection shut for reading
        Moved m = movedAtMoments("shutrd", "10.219.10.7", NetworkMigrationIT::shutReadExchange, List.of("rd", "rdwr"),
                List.of("s390x", "x86_64"), List.of(2, 2), "served 3\n");
        assertThat(m.expected()).isEqualTo("""
                a: shut-rd
                b: rd 5 end
                b: shut-rdwr
                b: (end)
                a: after
                a: (end)
                c: rdwr 0 reset
                c: bye
                """);
        assertThat(m.got()).as("what the peers received across the moves").isEqualTo(m.expected());
    }

    /**
     * The peers' side of {@link #connectionsShutDownForReadingStaySoAfterTheMove}: a asks for "rd" and sends a line
     * after the answer ({@code moment} "rd" then), b asks for "rdwr" (moment "rdwr" once it has the server's end of
     * file) and then sends a line, which the server's kernel must reset, c ends the server. What each received, a line
     * per line read ("(end)" for an end of file).
     */
    private static String shutReadExchange(java.net.InetSocketAddress at, ThrowingConsumer<String> moment) throws Exception {
        StringBuilder got = new StringBuilder();
        try (var a = connect(at)) {
            var ain = reader(a);
            send(a, "rd\n");
            got.append("a: ").append(ain.readLine()).append('\n');
            send(a, "late\n");
            Thread.sleep(200);
            moment.accept("rd");
            try (var b = connect(at)) {
                var bin = reader(b);
                send(b, "rdwr\n");
                for (String line; (line = bin.readLine()) != null; ) got.append("b: ").append(line).append('\n');
                got.append("b: (end)\n");
                for (String line; (line = ain.readLine()) != null; ) got.append("a: ").append(line).append('\n');
                got.append("a: (end)\n");
                moment.accept("rdwr");
                send(b, "late\n");
                Thread.sleep(300);
                try (var c = connect(at)) {
                    var cin = reader(c);
                    send(c, "quit\n");
                    for (String line; (line = cin.readLine()) != null; ) got.append("c: ").append(line).append('\n');
                }
            }
        }
        return got.toString();
    }

    /**
     * Connections closed in both directions that the server still holds (state CLOSE) move with it (network/closed.c,
     * x86_64 -> s390x -> x86_64): one the server shut first and the peer closed after sending a line (active close),
     * one the peer shut first (passive close), one the peer reset after a line (the server has read the error). On
     * the destinations poll() reports what it reported on the source, reads return the unread line and then end of
     * file, writes fail with EPIPE (and SIGPIPE), close() works, each at its descriptor number: everything the server
     * answers must be what the x86_64 build answers natively, without a move.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void connectionsClosedInBothDirectionsMoveWithTheApp() throws Exception {
        // the listener and the three closed connections
        Moved m = movedAtMoments("closed", "10.219.10.8", NetworkMigrationIT::closedExchange, List.of("closed", "polled"),
                List.of("s390x", "x86_64"), List.of(4, 4), "served 7\n");
        assertThat(m.expected()).isEqualTo("""
                a: shut-wr
                a: (end)
                b: bye-peer
                b: (end)
                c: ready
                status: kept 3
                poll: fin fd listener+1 poll in,out,rdhup,hup,
                poll: peerfin fd listener+2 poll in,out,rdhup,hup,
                poll: rst fd listener+3 poll in,out,rdhup,hup,
                check: fin fd listener+1 poll in,out,rdhup,hup,
                check: fin read 9 'unread-a' end, then end
                check: fin send -1 EPIPE
                check: fin write -1 EPIPE sigpipe 1
                check: fin close 0
                check: peerfin fd listener+2 poll in,out,rdhup,hup,
                check: peerfin read 9 'unread-b' end, then end
                check: peerfin send -1 EPIPE
                check: peerfin write -1 EPIPE sigpipe 1
                check: peerfin close 0
                check: rst fd listener+3 poll in,out,rdhup,hup,
                check: rst read 9 'unread-c' end, then end
                check: rst send -1 EPIPE
                check: rst write -1 EPIPE sigpipe 1
                check: rst close 0
                quit: bye
                """);
        assertThat(m.got()).as("what the server answered across the moves").isEqualTo(m.expected());
    }

    /**
     * Issue 12, TIME_WAIT: a server that closes each connection first and never sets SO_REUSEADDR
     * (network/timewait.c) moves while its port holds its closed connections in TIME_WAIT, sharing the host's
     * network (no --net), x86_64 -> s390x -> i686. Its listener must be recreated on the same port and behave as
     * natively afterwards: getsockopt reports SO_REUSEADDR and SO_REUSEPORT off on the listener and on a connection
     * it accepted (the restore's own bind turned SO_REUSEADDR on), and a bind to the port once the listener is closed
     * fails with EADDRINUSE (the connections served since wait in TIME_WAIT there). Before, the move failed: Linux
     * refuses every bind to a port whose TIME_WAIT sockets were connections without SO_REUSEADDR, even a bind with
     * it, so the restore could not recreate the listener.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aServerWhosePortHoldsTimeWaitConnectionsMovesOnTheHostsNetwork() throws Exception {
        Moved m = movedAtMoments("timewait", null, NetworkMigrationIT::timeWaitExchange, List.of("waiting", "again"),
                List.of("s390x", "i686"), List.of(1, 1), "served 3\nbind again: EADDRINUSE\n");
        assertThat(m.expected()).isEqualTo(TIME_WAIT_ANSWERS);
        assertThat(m.got()).as("what the peers received across the moves").isEqualTo(m.expected());
    }

    /**
     * The same server moving with a network of its own (--net, x86_64 -> s390x -> x86_64): the destination's namespace
     * holds none of the source's TIME_WAIT connections (talent-container/README.md, "TIME_WAIT"), and everything the
     * program observes is what it observes natively.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aServerWhosePortHoldsTimeWaitConnectionsMovesWithItsAddress() throws Exception {
        Moved m = movedAtMoments("timewait", "10.219.13.3", NetworkMigrationIT::timeWaitExchange, List.of("waiting", "again"),
                List.of("s390x", "x86_64"), List.of(1, 1), "served 3\nbind again: EADDRINUSE\n");
        assertThat(m.expected()).isEqualTo(TIME_WAIT_ANSWERS);
        assertThat(m.got()).as("what the peers received across the moves").isEqualTo(m.expected());
    }

    private static final String TIME_WAIT_ANSWERS = """
            1 a
            2 b
            listener reuseaddr 0 reuseport 0, connection reuseaddr 0 reuseport 0
            3 c
            listener reuseaddr 0 reuseport 0, connection reuseaddr 0 reuseport 0
            bye
            """;

    /**
     * The peers' side of the TIME_WAIT tests: a request per connection, each answered and closed by the server first;
     * the moments "waiting" and "again" come once the server's port holds connections in TIME_WAIT (checked where the
     * host sees them: the server on the host's network).
     */
    private static String timeWaitExchange(java.net.InetSocketAddress at, ThrowingConsumer<String> moment) throws Exception {
        StringBuilder got = new StringBuilder();
        got.append(request(at, "a")).append(request(at, "b"));
        assertTimeWait(at);
        moment.accept("waiting");
        got.append(request(at, "opts")).append(request(at, "c"));
        assertTimeWait(at);
        moment.accept("again");
        got.append(request(at, "opts")).append(request(at, "quit"));
        return got.toString();
    }

    /** One line on a connection of its own: what came back until the server closed the connection. */
    private static String request(java.net.InetSocketAddress at, String line) throws Exception {
        try (var s = connect(at)) {
            send(s, line + "\n");
            return readToEnd(reader(s));
        }
    }

    private static void assertTimeWait(java.net.InetSocketAddress at) throws Exception {
        if (!at.getAddress().isLoopbackAddress()) return; // --net: they are in the app's namespace
        ProcessResult tw = Processes.run(List.of("ss", "-Htn", "state", "time-wait", "sport", "=", ":" + at.getPort()),
                Path.of("."), Duration.ofSeconds(30));
        assertThat(tw.stdoutText()).as("the server's closed connections waiting in TIME_WAIT on its port").isNotBlank();
    }

    /** A peers' side of an exchange with a server, run with {@code moment} called at the moments it names. */
    @FunctionalInterface
    private interface Exchange {
        String run(java.net.InetSocketAddress at, ThrowingConsumer<String> moment) throws Exception;
    }

    /** What the peers got from the app across its moves, and from the x86_64 build run natively. */
    private record Moved(String got, String expected) {}

    /**
     * Builds network/NAME.c for x86_64 and the platforms of {@code to}, runs it with talent run (started on x86_64)
     * and runs {@code exchange} with it, moving the app at each of the moments {@code atMoments} names to the platform
     * {@code to} gives for it; then runs the same exchange with the x86_64 build natively, on the host's loopback.
     * With an {@code address} the app has a network of its own (--net) at that address; with null it shares the
     * host's and is reached on the loopback. Checks the moments, that both runs printed {@code served}, that each
     * move succeeded carrying the number of sockets {@code sockets} gives for it, and that nothing of the app is left.
     */
    private Moved movedAtMoments(String name, String address, Exchange exchange, List<String> atMoments, List<String> to,
                                 List<Integer> sockets, String served) throws Exception {
        var isas = new java.util.LinkedHashSet<String>();
        isas.add("x86_64");
        isas.addAll(to);
        Path program = buildResource(name, String.join(",", isas));
        // the files of a run: a program may be run both ways
        String label = address == null ? name + "-host" : name;
        String app = label + "-" + ProcessHandle.current().pid();
        Path log = root.resolve(label + ".jsonl");
        java.net.InetSocketAddress at;
        Process run;
        if (address != null) {
            at = new java.net.InetSocketAddress(address, PORT);
            run = startApp(app, label, address, to, log, program, List.of(Integer.toString(PORT)));
        } else {
            at = new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), freePort());
            List<String> args = List.of("run", "--name", app, "--platforms", String.join(",", isas), "--state-dir",
                    root.resolve(label + "-state").toString(), "--log", log.toString(), program.toString(), "--",
                    Integer.toString(at.getPort()));
            run = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(root.resolve(label + ".stdout").toFile())
                    .redirectError(root.resolve(label + ".stderr").toFile()).start();
        }
        List<String> ports = new ArrayList<>();
        List<String> moments = new ArrayList<>();
        String got;
        try {
            awaitStatus(app);
            if (address != null) ports.addAll(ports());
            got = exchange.run(at, moment -> {
                String hop = to.get(Math.min(moments.size(), to.size() - 1));
                moments.add(moment);
                ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(1), List.of("migrate", app, "--to", hop));
                assertThat(m.exitCode()).as("the move at " + moment).withFailMessage(m::describe).isZero();
                assertThat(m.stdoutText()).contains(" ok");
            });
            assertThat(run.waitFor(1, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve(label + ".stderr"))).isZero();
        assertThat(moments).isEqualTo(atMoments);

        int port = freePort();
        Path referenceOut = root.resolve(label + "-reference.stdout");
        Process reference = new ProcessBuilder(program.resolveSibling(name + ".x86_64").toString(), Integer.toString(port))
                .redirectOutput(referenceOut.toFile()).start();
        String expected;
        try {
            expected = exchange.run(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), port), moment -> { });
            assertThat(reference.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            reference.destroyForcibly();
        }
        assertThat(EnvApp.read(root.resolve(label + ".stdout"))).isEqualTo(EnvApp.read(referenceOut)).isEqualTo(served);
        List<JsonNode> records = EnvApp.records(log);
        assertThat(records).hasSize(atMoments.size()).allSatisfy(r -> assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue());
        assertThat(records.stream().map(r -> r.get("sockets").asInt()).toList()).as("the sockets each move carried")
                .isEqualTo(sockets);
        if (address != null) assertNothingLeft(app, address, ports);
        return new Moved(got, expected);
    }

    /** A TCP port of the host's that nothing listens on now. */
    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /**
     * A connection closed by a reset whose error the program has not read yet is not moved (its error could only be
     * read by clearing it, and a rollback would then lose it): the migration is refused naming the descriptor and the
     * state, the program goes on at the source and gets the unread line and then ECONNRESET, as the native run does.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aResetWhoseErrorIsUnreadRefusesTheMove() throws Exception {
        Path program = buildResource("closed", "x86_64,s390x");
        String app = "rstpending-" + ProcessHandle.current().pid();
        String address = "10.219.10.9";
        Path log = root.resolve("rstpending.jsonl");
        Process run = startApp(app, "rstpending", address, List.of("s390x"), log, program, List.of(Integer.toString(PORT)));
        List<String> refusals = new ArrayList<>();
        String got;
        try {
            awaitStatus(app);
            got = resetPendingExchange(new java.net.InetSocketAddress(address, PORT), () -> {
                ProcessResult m = TalentCli.get().run(root, Duration.ofMinutes(1), List.of("migrate", app, "--to", "s390x"));
                assertThat(m.exitCode()).as("the move with an unread reset").withFailMessage(m::describe).isNotZero();
                refusals.add(m.stdoutText() + m.stderrText());
            });
            assertThat(run.waitFor(1, TimeUnit.MINUTES)).as("talent run ends").isTrue();
        } finally {
            stop(run);
        }
        assertThat(run.exitValue()).withFailMessage(() -> EnvApp.read(root.resolve("rstpending.stderr"))).isZero();
        assertThat(refusals).singleElement().asString()
                .containsPattern("descriptor \\d+ \\(10\\.219\\.10\\.9:" + PORT + " -> [0-9.]+:\\d+\\) is a TCP connection closed by a reset")
                .contains("CLOSE with a pending socket error");

        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process reference = new ProcessBuilder(program.resolveSibling("closed.x86_64").toString(), Integer.toString(port))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String expected;
        try {
            expected = resetPendingExchange(new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), port),
                    () -> { });
            assertThat(reference.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            reference.destroyForcibly();
        }
        assertThat(expected).isEqualTo("""
                c: ready
                check: rstpending fd listener+1 poll in,out,rdhup,hup,err,
                check: rstpending read 9 'unread-d' ECONNRESET, then end
                check: rstpending send -1 EPIPE
                check: rstpending write -1 EPIPE sigpipe 1
                check: rstpending close 0
                quit: bye
                """);
        assertThat(got).as("what the server answered after the refused move").isEqualTo(expected);
    }

    private static String resetPendingExchange(java.net.InetSocketAddress at, ThrowingRunnable move) throws Exception {
        StringBuilder got = new StringBuilder();
        try (var c = connect(at)) {
            var in = reader(c);
            send(c, "rstpending\n");
            got.append("c: ").append(in.readLine()).append('\n');
            send(c, "unread-d\n");
            Thread.sleep(200);
            c.setSoLinger(true, 0);
        }
        for (String ask : List.of("status", "check", "quit")) {
            if (ask.equals("check")) move.run();
            try (var d = connect(at)) {
                var in = reader(d);
                send(d, ask + "\n");
                for (String line; (line = in.readLine()) != null; ) {
                    if (!ask.equals("status")) got.append(ask).append(": ").append(line).append('\n');
                }
            }
        }
        return got.toString();
    }

    /**
     * The peers' side of {@link #connectionsClosedInBothDirectionsMoveWithTheApp}: a, b and c leave the server three
     * closed connections with a line unread each (moment "closed" once it has them), "poll" asks what poll() says of
     * them (moment "polled"), "check" what reads, writes and close() do. What the server answered, a line per line.
     */
    private static String closedExchange(java.net.InetSocketAddress at, ThrowingConsumer<String> moment) throws Exception {
        StringBuilder got = new StringBuilder();
        try (var a = connect(at)) {
            var in = reader(a);
            send(a, "fin\n");
            for (String line; (line = in.readLine()) != null; ) got.append("a: ").append(line).append('\n');
            got.append("a: (end)\n");
            send(a, "unread-a\n");
        }
        try (var b = connect(at)) {
            var in = reader(b);
            send(b, "peerfin\nunread-b\n");
            b.shutdownOutput();
            for (String line; (line = in.readLine()) != null; ) got.append("b: ").append(line).append('\n');
            got.append("b: (end)\n");
        }
        try (var c = connect(at)) {
            var in = reader(c);
            send(c, "rst\n");
            got.append("c: ").append(in.readLine()).append('\n');
            send(c, "unread-c\n");
            Thread.sleep(200);
            c.setSoLinger(true, 0);
        }
        for (String ask : List.of("status", "poll", "check", "quit")) {
            if (ask.equals("poll")) moment.accept("closed");
            if (ask.equals("check")) moment.accept("polled");
            try (var d = connect(at)) {
                var in = reader(d);
                send(d, ask + "\n");
                for (String line; (line = in.readLine()) != null; ) got.append(ask).append(": ").append(line).append('\n');
            }
        }
        return got.toString();
    }

    private static void send(java.net.Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    private static String readToEnd(java.io.BufferedReader in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) b.append((char) c);
        return b.toString();
    }

    @FunctionalInterface
    private interface ThrowingConsumer<T> {
        void accept(T value) throws Exception;
    }

    /**
     * A line service on the host for {@link #anOutgoingConnectionMovesWithTheClientApp}: to each "ping i" it answers
     * "pong i k" (k a number from its own count of exchanges), and "end" once asked to and at least {@code atLeast}
     * exchanges were made. A line that is not the next ping (lost, duplicated, reordered) fails the exchange.
     */
    private static final class PingService implements AutoCloseable {
        private final ServerSocket server;
        private final int atLeast;
        private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicBoolean ending = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.CompletableFuture<Integer> ended = new java.util.concurrent.CompletableFuture<>();
        private final Thread thread;
        private volatile String peer = "";

        private final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        private final List<java.net.Socket> fillers = new ArrayList<>();

        PingService(java.net.InetSocketAddress at, int atLeast, boolean endAtOnce) throws IOException {
            this(at, atLeast, endAtOnce, false);
        }

        private PingService(java.net.InetSocketAddress at, int atLeast, boolean endAtOnce, boolean gated) throws IOException {
            this.server = new ServerSocket();
            server.bind(at, gated ? 1 : 50);
            this.atLeast = atLeast;
            ending.set(endAtOnce);
            if (gated) {
                fill();
            } else {
                gate.countDown();
            }
            this.thread = Thread.ofPlatform().daemon().start(this::serve);
        }

        /**
         * A service whose accept queue is full until {@link #open}: the SYNs of connects to it go unanswered (as
         * with {@link FullListener}); then it accepts the connections that filled it (closing them) and serves the
         * next one.
         */
        static PingService gated(java.net.InetSocketAddress at, int atLeast) throws IOException {
            return new PingService(at, atLeast, false, true);
        }

        private void fill() throws IOException {
            var to = new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), server.getLocalPort());
            for (int i = 0; i < 6; i++) {
                var s = new java.net.Socket();
                try {
                    s.connect(to, 1500);
                    fillers.add(s);
                } catch (java.net.SocketTimeoutException e) {
                    s.close();
                    if (fillers.size() >= 2) return;
                }
            }
            throw new IOException("the service's accept queue never filled (" + fillers.size() + " connections)");
        }

        void open() {
            gate.countDown();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            try {
                gate.await();
                for (int i = 0; i < fillers.size(); i++) server.accept().close();
                for (var f : fillers) f.close();
            } catch (IOException | InterruptedException e) {
                ended.completeExceptionally(e);
                return;
            }
            try (var s = server.accept()) {
                accepted.incrementAndGet();
                peer = s.getInetAddress().getHostAddress();
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                var out = s.getOutputStream();
                for (String line; (line = in.readLine()) != null; ) {
                    int n = count.get() + 1;
                    if (!line.equals("ping " + n)) throw new IOException("expected ping " + n + ", got " + line);
                    if (n > atLeast && ending.get()) {
                        out.write("end\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        ended.complete(n - 1);
                        in.readLine();
                        return;
                    }
                    out.write(("pong " + n + " " + (n * 7919L % 1000) + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    count.set(n);
                }
                ended.completeExceptionally(new IOException("the client closed after " + count.get()));
            } catch (IOException e) {
                ended.completeExceptionally(e);
            }
        }

        int exchanges() {
            return count.get();
        }

        /** The address the connection came from. */
        String peer() {
            return peer;
        }

        int connections() {
            return accepted.get();
        }

        void awaitExchanges(int n, Duration within) throws Exception {
            long deadline = System.nanoTime() + within.toNanos();
            while (count.get() < n) {
                if (ended.isDone()) ended.get();
                if (System.nanoTime() > deadline) throw new AssertionError("only " + count.get() + " exchanges, waited for " + n);
                Thread.sleep(10);
            }
        }

        /** Ends the exchange; how many there were. */
        int end() throws Exception {
            ending.set(true);
            return ended.get(60, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            server.close();
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One socat connection to {@code hostPort}: lines {@code line-1, line-2...} written every 2 ms, at least
     * {@code atLeast} and for as long as {@code during} runs (started after the first reply), then "quit"; everything
     * socat printed and how many lines were sent.
     */
    private Conversation converse(String hostPort, int atLeast, ThrowingRunnable during) throws Exception {
        return converse(SOCAT, hostPort, atLeast, during, true);
    }

    /**
     * As above; unpaced (no 2 ms between lines) for an uninterrupted reference run, which sends exactly {@code atLeast}
     * lines however long {@code during} takes (it may wait for another peer to connect).
     */
    private Conversation converse(String hostPort, int atLeast, ThrowingRunnable during, boolean paced) throws Exception {
        return converse(SOCAT, hostPort, atLeast, during, paced);
    }

    /** A peer program: its command line for a connection to host:port, copying its input there and what it gets out. */
    @FunctionalInterface
    private interface Peer {
        List<String> command(String hostPort);
    }

    private static final Peer SOCAT = hostPort -> List.of("socat", "-t", "30", "-", "TCP:" + hostPort + ",connect-timeout=5");

    /** As above with {@code command}'s peer; its stderr goes to NAME.stderr (NAME: the command's name). */
    private Conversation converse(Peer command, String hostPort, int atLeast, ThrowingRunnable during, boolean paced)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<String> line = command.command(hostPort);
            Process peer = new ProcessBuilder(line).redirectError(root.resolve(line.getFirst() + ".stderr").toFile()).start();
            var out = new java.io.ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    peer.getInputStream().transferTo(out);
                } catch (IOException e) {
                    // the peer ended
                }
            });
            var writer = peer.getOutputStream();
            try {
                writer.write("line-1\n".getBytes(StandardCharsets.UTF_8));
                writer.flush();
            } catch (IOException e) {
                // the peer could not connect and ended: tried again below
            }
            long firstBy = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (out.size() == 0 && peer.isAlive() && System.nanoTime() < firstBy) Thread.sleep(10);
            if (out.size() == 0) {
                peer.destroyForcibly();
                reader.join();
                if (System.nanoTime() > deadline) throw new AssertionError(line.getFirst() + " never reached " + hostPort);
                Thread.sleep(300);
                continue;
            }
            var writeFailed = new java.util.concurrent.atomic.AtomicReference<Exception>();
            var duringDone = new java.util.concurrent.atomic.AtomicBoolean();
            var sent = new java.util.concurrent.atomic.AtomicInteger(1);
            Thread lines = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 2; i <= atLeast || (paced && !duringDone.get()); i++) {
                        writer.write(("line-" + i + "\n").getBytes(StandardCharsets.UTF_8));
                        writer.flush();
                        sent.set(i);
                        if (paced) Thread.sleep(2);
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
            // the end of socat's input: it shuts its side of the connection down and ends at the server's close (with
            // its input left open it waited its whole -t 30 s after the server's "bye" and close)
            writer.close();
            boolean ended = peer.waitFor(60, TimeUnit.SECONDS);
            if (!ended) peer.destroyForcibly(); // not left behind by a failed test
            assertThat(ended).as("%s ends after bye", line.getFirst()).isTrue();
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
        List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet", SUBNET, "--subnet6", SUBNET6,
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
        List<String> args = new ArrayList<>(List.of("run", "--name", app, "--net", "--bridge", BRIDGE, "--subnet", SUBNET, "--subnet6", SUBNET6,
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

    /**
     * One request with socat, retried only while socat could not connect (the listener is not there yet: a fresh
     * start). Once connected the request may have been served: it is never sent twice (a retry after a slow reply
     * was once seen as a stray request under heavy load), and the reply is waited for up to 30 s.
     */
    private String ask(String hostPort, String line, boolean retry) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Path in = Files.writeString(root.resolve("request.txt"), line + "\n");
        ProcessResult last = null;
        while (System.nanoTime() < deadline) {
            last = Processes.run(List.of("sh", "-c", "socat -t 30 - TCP:" + hostPort + ",connect-timeout=5 < " + in),
                    root, Duration.ofSeconds(45));
            if (last.exitCode() == 0 && last.stdout().length > 0) return new String(last.stdout(), StandardCharsets.UTF_8);
            boolean notConnected = last.exitCode() != 0 && last.stderrText().contains("connect(");
            if (!retry || !notConnected) break;
            Thread.sleep(200);
        }
        throw new AssertionError("no reply from " + hostPort + " to " + line + "\n" + (last == null ? "" : last.describe()));
    }

    private JsonNode awaitStatus(String app) throws Exception {
        return TalentCli.get().awaitRunning(root, app);
    }

    /** The bridge's ports now (one per container of the app: the source and the prepared destination). */
    private List<String> ports() throws Exception {
        ProcessResult r = Processes.run(List.of("ip", "-br", "link", "show", "master", BRIDGE), root, Duration.ofSeconds(30));
        return r.stdoutText().lines().map(l -> l.split("[@ ]", -1)[0]).filter(n -> !n.isBlank()).toList();
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
