package dev.talent.cli;

import dev.talent.container.ContainerException;
import dev.talent.container.HostBridge;
import dev.talent.container.Ipv4;
import dev.talent.container.NetworkConfig;
import dev.talent.env.SyncLimits;
import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.NetRequest;
import dev.talent.migrate.Orchestrator;
import dev.talent.migrate.RunEvent;
import dev.talent.migrate.RunRequest;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Launcher;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformUnavailableException;
import dev.talent.toolchain.ToolchainProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The network step of {@code talent demo}: the bundled line server (bench/network.c: every line comes back as
 * "n line") runs as {@code talent run --net} would run it (the orchestrator in this JVM, a network namespace of its
 * own on the demo's bridge); a client on the host holds one TCP connection to it, sending a line every 2 ms, while
 * the app hops home -> up to two other platforms -> home. Each hop is reported with the downtime the orchestrator
 * recorded and the longest the client waited for a reply. At the end the client's replies must be, exactly once and
 * in order, what the home platform's build answers uninterrupted (on the host's loopback) to the same number of lines.
 *
 * <p>The demo uses a bridge and subnets of its own ({@link #BRIDGE}, 10.214.0.0/16, fd74:616c:656e:214::/64), so
 * that it never touches talent0's apps; it removes the bridge again when it created it (also on Ctrl-C), and the
 * orchestrator removes the app's namespaces, bridge ports and guard tables as at the end of any run.
 */
public final class DemoNetwork {

    public static final String SOURCE_RESOURCE = "bench/network.c";
    public static final String BRIDGE = "tndemo0";
    static final String SUBNET = "10.214.0.0/16";
    static final String SUBNET6 = "fd74:616c:656e:214::/64";
    static final int PORT = 7000;
    private static final long SPACING_MS = 2;
    /** Replies the client waits for after each hop (the connection works again) before the next. */
    private static final int AFTER_HOP = 25;

    private final ToolchainProbe probe;
    private final ProgramBuilder builder;

    public DemoNetwork(ToolchainProbe probe, ProgramBuilder builder) {
        this.probe = probe;
        this.builder = builder;
    }

    /** The hops over {@code usable}: from the first to at most two others, then back to the first. */
    static List<Platform> hops(List<Platform> usable) {
        List<Platform> hops = new ArrayList<>(usable.subList(1, Math.min(3, usable.size())));
        hops.add(usable.getFirst());
        return hops;
    }

    /**
     * Runs the step in {@code dir} over {@code usable} (the platforms the demo builds and runs; the first is home);
     * returns whether the client's replies were those of the uninterrupted run.
     */
    public boolean run(Path dir, List<Platform> usable, Consumer<DemoEvent> events)
            throws DemoFailedException, BuildFailedException, IOException, InterruptedException {
        if (usable.size() < 2) throw new IllegalArgumentException("the network step needs two platforms");
        Platform home = usable.getFirst();
        List<Platform> hops = hops(usable);
        List<Platform> platforms = new ArrayList<>(List.of(home));
        hops.stream().filter(p -> !platforms.contains(p)).forEach(platforms::add);

        NetworkConfig config = NetworkConfig.of(BRIDGE, SUBNET, null).withSubnet6(SUBNET6);
        // an address of its own per demo process, so that two demos at once do not collide
        Ipv4 address = new Ipv4(config.network().value() + 10 + (int) (ProcessHandle.current().pid() % 60_000));
        config.checkAppAddress(address);
        Path netDir = dir.resolve("net");
        dev.talent.base.FileTrees.deleteRecursively(netDir);
        Files.createDirectories(netDir.resolve("work"));
        Path source = netDir.resolve("network.c");
        try (InputStream in = DemoNetwork.class.getResourceAsStream(SOURCE_RESOURCE)) {
            if (in == null) throw new IllegalStateException("network.c is missing from talent's resources");
            Files.write(source, in.readAllBytes());
        }
        BuildRequest build = new BuildRequest(List.of(source), CcOptions.NONE, netDir, "netlines", Optional.of(platforms));
        builder.build(build, event -> {});

        // the bridge the demo makes goes at its end, or at a Ctrl-C (when the container host's own hook removes the app's
        // containers, namespaces, ports and guard tables); this hook the app's address lease (the run's end is not reached)
        HostBridge.Made bridge;
        try {
            bridge = HostBridge.madeFor(BRIDGE);
        } catch (ContainerException e) {
            throw new DemoFailedException(e.getMessage(), e);
        }
        Thread removeLease = new Thread(() -> {
            try {
                Files.deleteIfExists(Path.of("/run/talent/net", BRIDGE, address.toString()));
            } catch (IOException e) {
                // it expires
            }
        }, "talent-demo-lease");
        Runtime.getRuntime().addShutdownHook(removeLease);
        Path stdout = netDir.resolve("server.stdout");
        RunRequest request = new RunRequest("demo-net-" + ProcessHandle.current().pid(), netDir.resolve("netlines"),
                List.of(Integer.toString(PORT)), platforms, Optional.empty(), OptionalInt.empty(), netDir.resolve("work"),
                netDir.resolve("state"), Duration.ofSeconds(30), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(stdout), SyncLimits.DEFAULT, Optional.of(new NetRequest(config, Optional.of(address))));
        CompletableFuture<Void> running = new CompletableFuture<>();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Orchestrator orchestrator = new Orchestrator(request, Orchestrator.Timeouts.defaults(), event -> {
            if (event instanceof RunEvent.Running) running.complete(null);
        });
        Thread runner = Thread.ofPlatform().name("talent-demo-net").start(() -> {
            try {
                status.complete(orchestrator.run());
            } catch (IOException | InterruptedException | MigrationFailedException | ContainerException | RuntimeException e) {
                status.completeExceptionally(e);
            }
            running.complete(null);
        });
        Client client = null;
        List<String> got;
        int sent;
        try {
            running.get(2, TimeUnit.MINUTES);
            if (status.isDone()) status.get();
            events.accept(new DemoEvent.NetStarted(address.toString(), PORT, BRIDGE, home, hops));
            client = Client.connect(new InetSocketAddress(address.toString(), PORT), status);
            client.startSending();
            String from = home.name();
            int number = 0;
            for (Platform to : hops) {
                number++;
                long startedAt = System.nanoTime();
                MigrationRecord r = orchestrator.requestMigration(Optional.of(to)).get(3, TimeUnit.MINUTES);
                if (!r.ok()) {
                    throw new DemoFailedException("network hop " + number + " " + from + " -> " + to.name() + " failed at step "
                            + r.failedStep() + ": " + r.error());
                }
                int seen = client.replies();
                client.awaitReplies(seen + AFTER_HOP, Duration.ofSeconds(20));
                events.accept(new DemoEvent.NetHop(number, from, to.name(), r.downtimeMs(), r.netMs(), r.sockets(),
                        client.largestGapMsSince(startedAt)));
                from = to.name();
            }
            got = client.finish();
            sent = client.sent();
            int exit = status.get(1, TimeUnit.MINUTES);
            if (exit != 0) throw new DemoFailedException("the network demo's server exited with status " + exit);
        } catch (ExecutionException e) {
            throw new DemoFailedException("the network step failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new DemoFailedException("the network step timed out", e);
        } finally {
            if (client != null) client.close();
            if (runner.isAlive()) {
                try {
                    orchestrator.terminate();
                } catch (ContainerException e) {
                    runner.interrupt();
                }
                runner.join(Duration.ofSeconds(60));
            }
            bridge.close();
            try {
                Runtime.getRuntime().removeShutdownHook(removeLease);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
        List<String> expected = uninterrupted(build.binary(home), home, sent, netDir.resolve("reference.stdout"));
        String served = Files.readString(stdout);
        boolean identical = got.size() == sent && got.equals(expected) && served.equals("served " + sent + "\n")
                && Files.readString(netDir.resolve("reference.stdout")).equals(served);
        events.accept(new DemoEvent.NetCompared(sent, got.size(), home, identical));
        return identical;
    }

    /** The replies of {@code binary} run uninterrupted on the host's loopback to lines 1..count, sent at once. */
    private List<String> uninterrupted(Path binary, Platform platform, int count, Path stdout)
            throws DemoFailedException, IOException, InterruptedException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command;
        try {
            command = Launcher.forPlatform(platform, probe).command(binary, List.of(Integer.toString(port)));
        } catch (PlatformUnavailableException e) {
            throw new DemoFailedException(e.getMessage(), e);
        }
        Process server = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (Client client = Client.connect(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port), new CompletableFuture<>())) {
            client.sendUnpaced(count);
            List<String> replies = client.finish();
            if (!server.waitFor(30, TimeUnit.SECONDS)) throw new DemoFailedException("the uninterrupted run did not end at quit");
            return replies;
        } finally {
            server.destroyForcibly();
        }
    }

    /**
     * The client on the host: one connection; line-1 is exchanged first, then line-2, line-3... every 2 ms from a
     * thread of its own while a reader takes the replies with the time each came.
     */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final List<String> replies = new ArrayList<>();
        private final List<Long> replyNanos = new ArrayList<>();
        private final Thread reader;
        private final AtomicBoolean sending = new AtomicBoolean();
        private final AtomicInteger sent = new AtomicInteger(1);
        private final CompletableFuture<Void> senderDone = new CompletableFuture<>();
        private volatile IOException failure;
        private boolean senderStarted;

        private Client(Socket socket, BufferedReader in, String first) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            replies.add(first);
            replyNanos.add(System.nanoTime());
            this.reader = Thread.ofPlatform().daemon().name("talent-demo-client").start(() -> {
                try {
                    for (String line; (line = in.readLine()) != null && !line.equals("bye"); ) {
                        synchronized (replies) {
                            replies.add(line);
                            replyNanos.add(System.nanoTime());
                        }
                    }
                } catch (IOException e) {
                    failure = e;
                }
            });
        }

        /** Connects (tried again for up to 60 s while the server is not there yet) and exchanges line-1. */
        static Client connect(InetSocketAddress to, CompletableFuture<Integer> serverEnded)
                throws DemoFailedException, InterruptedException {
            return LineServerClient.connect(to, "line-1", 60_000, serverEnded, (s, in, reply, at) -> new Client(s, in, reply),
                    last -> new DemoFailedException("the client cannot reach the server at " + to
                            + (last == null ? "" : ": " + last.getMessage())));
        }

        void startSending() {
            senderStarted = true;
            sending.set(true);
            Thread.ofPlatform().daemon().name("talent-demo-sender").start(() -> {
                try {
                    while (sending.get()) {
                        write("line-" + (sent.get() + 1) + "\n");
                        sent.incrementAndGet();
                        Thread.sleep(SPACING_MS);
                    }
                    senderDone.complete(null);
                } catch (IOException | InterruptedException e) {
                    senderDone.completeExceptionally(e);
                }
            });
        }

        void sendUnpaced(int count) throws IOException {
            StringBuilder b = new StringBuilder();
            for (int i = 2; i <= count; i++) b.append("line-").append(i).append('\n');
            write(b.toString());
            sent.set(count);
        }

        private void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        int replies() {
            synchronized (replies) {
                return replies.size();
            }
        }

        void awaitReplies(int n, Duration within) throws DemoFailedException, InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (replies() < n) {
                if (failure != null || !reader.isAlive()) {
                    throw new DemoFailedException("the client's connection broke"
                            + (failure == null ? " (the server closed it)" : ": " + failure.getMessage()));
                }
                if (System.nanoTime() > deadline) throw new DemoFailedException("the client got no reply for " + within.toSeconds() + " s");
                Thread.sleep(5);
            }
        }

        /** The longest wait between two replies since {@code since} (System.nanoTime), in ms. */
        double largestGapMsSince(long since) {
            long best = 0;
            synchronized (replies) {
                for (int i = 1; i < replyNanos.size(); i++) {
                    if (replyNanos.get(i) >= since) best = Math.max(best, replyNanos.get(i) - Math.max(since, replyNanos.get(i - 1)));
                }
            }
            return best / 1e6;
        }

        /** Stops sending, says quit, reads the remaining replies up to "bye"; every reply, one per line sent. */
        List<String> finish() throws DemoFailedException, IOException, InterruptedException {
            sending.set(false);
            if (senderStarted) {
                try {
                    senderDone.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw new DemoFailedException("the client could not send: " + e.getCause().getMessage(), e.getCause());
                } catch (TimeoutException e) {
                    throw new DemoFailedException("the client's sender did not stop", e);
                }
            }
            write("quit\n");
            reader.join(Duration.ofMinutes(1));
            if (reader.isAlive()) throw new DemoFailedException("no 'bye' from the server within a minute of quit");
            if (failure != null) throw new DemoFailedException("the client's connection broke: " + failure.getMessage(), failure);
            synchronized (replies) {
                return List.copyOf(replies);
            }
        }

        int sent() {
            return sent.get();
        }

        @Override
        public void close() {
            sending.set(false);
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
