package dev.talent.cli.bench;

import dev.talent.cli.LineServerClient;
import dev.talent.container.ContainerException;
import dev.talent.container.HostBridge;
import dev.talent.container.Ipv4;
import dev.talent.container.NetworkConfig;
import dev.talent.migrate.Interval;
import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.NetRequest;
import dev.talent.migrate.Orchestrator;
import dev.talent.migrate.RunEvent;
import dev.talent.migrate.RunRequest;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Platform;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code talent bench network} (issue 12): what a connected peer sees of a --net app's migrations. The bundled line
 * server (network.c: every line comes back as "n line") runs under the orchestrator, in this JVM, with a network
 * namespace of its own; a peer on the host holds one TCP connection to it while the orchestrator migrates the app at
 * random intervals. Two peers ({@link PeerMode}), each in scenarios of its own: the streaming peer sends a request
 * every 1 ms without waiting, and its pause of a migration is the largest gap between two consecutive replies that
 * overlaps it (from its start, before the destination is prepared, to its record); the request/reply peer sends a
 * request and waits for its answer before the next (1 ms apart at the earliest), and its pause is the longest it
 * waited for one answer, over the same window. Each is reported next to the downtime and the network part
 * ({@code net_ms}) the orchestrator recorded. Every reply is checked: reply i must be "i req-i", so that lost or
 * duplicated bytes are counted (the benchmark fails unless both are 0).
 */
final class NetworkBench {

    static final String SOURCE = "network.c";
    static final String NAME = "network";
    static final int PORT = 8080;
    private static final long SPACING_NANOS = 1_000_000;
    /** How long the request/reply peer waits for one answer before the benchmark fails. */
    private static final int ANSWER_TIMEOUT_MS = 60_000;

    record Settings(int migrations, Interval every, long seed, String bridge, String subnet, List<Platform> foreign,
                    List<PeerMode> peers) {}

    /**
     * One scenario's measurements, in the order of the migrations; {@code gapEndMs}: how long before its record
     * reached the bench (after the unlock and the "ready") the largest gap ended, so that a gap at the network lock
     * (ending about when the record comes) can be told from one elsewhere in the window (ending long before it).
     */
    record Scenario(String title, PeerMode peer, List<Platform> platforms, List<Double> pauseMs, List<Double> downtimeMs,
                    List<Double> netMs, List<Double> gapEndMs, int failed, long requests, long lost, long duplicated) {}

    private final BenchWorkspace workspace;

    NetworkBench(BenchWorkspace workspace) { this.workspace = workspace; }

    List<Scenario> run(Settings settings) throws BenchFailedException, IOException, InterruptedException {
        Platform x86 = Platform.glibc(Isa.X86_64);
        Platform musl = Platform.parse("x86_64-musl");
        List<Platform> nativePair = workspace.usable(List.of(x86, musl));
        List<Platform> foreign = workspace.usable(settings.foreign());
        List<Platform> all = new ArrayList<>(nativePair);
        all.addAll(foreign);
        if (nativePair.size() < 2) throw new BenchFailedException("the native scenario needs x86_64 and x86_64-musl");
        Map<Platform, Path> binaries = workspace.buildInstrumented(workspace.extract(SOURCE), NAME, all);
        Path program = binaries.get(x86).resolveSibling(NAME);
        List<Scenario> out = new ArrayList<>();
        int host = 10; // each scenario's app has an address of its own
        // the benchmark's own bridge goes at its end when it made it
        HostBridge.Made bridge;
        try {
            bridge = HostBridge.madeFor(settings.bridge());
        } catch (ContainerException e) {
            throw new BenchFailedException("--bridge: " + e.getMessage(), e);
        }
        try (bridge) {
            for (PeerMode peer : settings.peers()) {
                String suffix = peer == PeerMode.STREAM ? "" : "-rr";
                out.add(scenario("native -> native", "native" + suffix, peer, nativePair, program, settings, host++));
                if (!foreign.isEmpty()) {
                    List<Platform> cross = new ArrayList<>(List.of(x86));
                    cross.addAll(foreign);
                    out.add(scenario("cross-ISA", "cross" + suffix, peer, cross, program, settings, host++));
                }
            }
        }
        return out;
    }

    private Scenario scenario(String title, String label, PeerMode mode, List<Platform> platforms, Path program,
                              Settings settings, int host) throws BenchFailedException, IOException, InterruptedException {
        Path dir = workspace.freshDirectory("network-" + label);
        Path workdir = Files.createDirectories(dir.resolve("work"));
        Path stdout = dir.resolve("stdout.txt");
        NetworkConfig config;
        Ipv4 address;
        try {
            // an IPv6 /64 of its own, apart from talent0's default one
            config = NetworkConfig.of(settings.bridge(), settings.subnet(), null).withSubnet6("fd74:616c:656e:be::/64");
            address = new Ipv4(config.network().value() + host);
            config.checkAppAddress(address);
        } catch (IllegalArgumentException e) {
            throw new BenchFailedException("--bridge/--subnet: " + e.getMessage(), e);
        }
        RunRequest request = new RunRequest("bench-net-" + label + "-" + ProcessHandle.current().pid(), program,
                List.of(Integer.toString(PORT)), platforms, Optional.of(settings.every()), OptionalInt.of(settings.migrations()),
                workdir, dir.resolve("state"), Duration.ofSeconds(30), Optional.empty(), Optional.empty(),
                Optional.of(settings.seed()), Optional.of(stdout), dev.talent.env.SyncLimits.DEFAULT,
                Optional.of(new NetRequest(config, Optional.of(address))));
        List<MigrationRecord> records = new ArrayList<>();
        List<Instant> reported = new ArrayList<>(); // when each record reached us: its migration had ended

        AtomicInteger succeeded = new AtomicInteger();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Thread orchestrator = Thread.ofPlatform().name("bench-network-" + label).start(() -> {
            try {
                status.complete(new Orchestrator(request, Orchestrator.Timeouts.defaults(), event -> {
                    MigrationRecord r = switch (event) {
                        case RunEvent.Migrated m -> m.record();
                        case RunEvent.MigrationFailed f -> f.record();
                        default -> null;
                    };
                    if (r == null) return;
                    synchronized (records) {
                        records.add(r);
                        reported.add(Instant.now());
                    }
                    if (r.ok()) succeeded.incrementAndGet();
                    workspace.events().accept(new BenchEvent.Migration(title + " (" + mode.label() + ")", succeeded.get(), settings.migrations(), r));
                }).run());
            } catch (IOException | InterruptedException | MigrationFailedException | ContainerException | RuntimeException e) {
                status.completeExceptionally(e);
            }
        });
        Peer peer;
        try {
            peer = connect(mode, address.toString(), status);
            long lastChange = System.nanoTime();
            int seen = 0;
            // requests every 1 ms (or one after the other's answer) until the orchestrator has done its migrations (or stalls for a minute)
            while (succeeded.get() < settings.migrations() && !status.isDone()) {
                peer.send();
                int now = records.size();
                if (now != seen) {
                    seen = now;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > Duration.ofMinutes(2).toNanos()) {
                    throw new BenchFailedException(title + ": no migration for two minutes");
                }
            }
            for (int i = 0; i < 200; i++) peer.send(); // a tail after the last migration
            peer.quit();
            int exit = status.get(2, TimeUnit.MINUTES);
            if (exit != 0) throw new BenchFailedException(title + ": the server exited with status " + exit);
        } catch (ExecutionException e) {
            throw new BenchFailedException(title + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new BenchFailedException(title + ": the server did not end after quit", e);
        } finally {
            if (orchestrator.isAlive()) orchestrator.interrupt();
        }
        List<Double> pauses = new ArrayList<>(), downtimes = new ArrayList<>(), net = new ArrayList<>(), gapEnds = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < records.size(); i++) {
            MigrationRecord r = records.get(i);
            if (!r.ok()) {
                failed++;
                continue;
            }
            downtimes.add(r.downtimeMs());
            net.add(r.netMs() == null ? 0.0 : r.netMs());
            // a gap that overlaps the migration, from its start (preparing the destination, before the stop) to its
            // record (after the unlock): the gap of the network lock is one of them, and a gap that begins later is
            // not the migration's (on a loaded machine the server misses replies at any moment)
            Instant end = reported.get(i);
            if (i + 1 < records.size() && records.get(i + 1).at().isBefore(end)) end = records.get(i + 1).at();
            PeerLog.Gap gap = peer.log().largest(r.at(), end);
            pauses.add(gap.ms());
            gapEnds.add(peer.log().msBefore(gap.endNanos(), reported.get(i)));
        }
        long sent = peer.sent();
        return new Scenario(title, mode, platforms, pauses, downtimes, net, gapEnds, failed, sent, peer.log().lost(sent),
                peer.log().duplicated(sent));
    }

    /** The peer's side of the connection: {@link #send()} makes one request (and, waiting, takes its answer). */
    private sealed interface Peer permits StreamPeer, RequestReplyPeer {
        void send() throws IOException, InterruptedException;

        /** Ends the server ("quit", answered "bye") and closes the connection. */
        void quit() throws IOException, InterruptedException;

        /** Requests sent so far, the first one (sent while connecting) included. */
        long sent();

        PeerLog log();
    }

    /** The streaming peer: one connection, a request every 1 ms, the replies read, timed and checked by a thread of their own. */
    private static final class StreamPeer implements Peer {
        private final Socket socket;
        private final OutputStream out;
        private final PeerLog log = new PeerLog();
        private final Thread reader;
        private long sent;
        private long next = System.nanoTime();

        StreamPeer(Socket socket, BufferedReader in, long firstReplyNanos) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.sent = 1;
            log.reply(1);
            this.reader = Thread.ofPlatform().daemon().start(() -> {
                long last = firstReplyNanos;
                try {
                    String line;
                    while ((line = in.readLine()) != null) {
                        long at = System.nanoTime();
                        if (line.equals("bye")) break;
                        log.waited(last, at);
                        log.reply(PeerLog.replyNumber(line));
                        last = at;
                    }
                } catch (IOException e) {
                    log.reply(-1);
                }
            });
        }

        @Override
        public void send() throws IOException, InterruptedException {
            long wait = next - System.nanoTime();
            if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
            sent++;
            out.write(("req-" + sent + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            next += SPACING_NANOS;
            if (next < System.nanoTime() - 50 * SPACING_NANOS) next = System.nanoTime(); // no bursts after a pause
        }

        @Override
        public void quit() throws IOException, InterruptedException {
            out.write("quit\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            reader.join(Duration.ofMinutes(1));
            socket.close();
        }

        @Override public long sent() { return sent; }

        @Override public PeerLog log() { return log; }
    }

    /**
     * The request/reply peer: one connection; it sends a request, waits for its whole answer (a line), checks it and
     * sends the next, 1 ms after the one before at the earliest. What it waited is from each request to its answer.
     */
    private static final class RequestReplyPeer implements Peer {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;
        private final PeerLog log = new PeerLog();
        private long sent = 1;
        private long next = System.nanoTime();

        RequestReplyPeer(Socket socket, BufferedReader in) throws IOException {
            this.socket = socket;
            this.in = in;
            this.out = socket.getOutputStream();
            log.reply(1);
        }

        @Override
        public void send() throws IOException, InterruptedException {
            long wait = next - System.nanoTime();
            if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
            long n = sent + 1;
            long at = System.nanoTime();
            out.write(("req-" + n + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            sent = n;
            String line = in.readLine(); // bounded by the socket's read timeout
            long answered = System.nanoTime();
            if (line == null) throw new IOException("the server closed the connection after request " + n);
            log.waited(at, answered);
            long number = PeerLog.replyNumber(line);
            log.reply(number);
            if (number != n) throw new IOException("request " + n + " was answered '" + line + "'");
            next = Math.max(at + SPACING_NANOS, answered);
        }

        @Override
        public void quit() throws IOException {
            out.write("quit\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String bye = in.readLine();
            socket.close();
            if (!"bye".equals(bye)) throw new IOException("quit was answered '" + bye + "'");
        }

        @Override public long sent() { return sent; }

        @Override public PeerLog log() { return log; }
    }

    private static Peer connect(PeerMode mode, String address, CompletableFuture<Integer> status)
            throws BenchFailedException, InterruptedException {
        return LineServerClient.connect(new InetSocketAddress(address, PORT), "req-1",
                mode == PeerMode.STREAM ? 0 : ANSWER_TIMEOUT_MS, status,
                (s, in, reply, at) -> mode == PeerMode.STREAM ? new StreamPeer(s, in, at) : new RequestReplyPeer(s, in),
                last -> new BenchFailedException("cannot connect to the server at " + address + ":" + PORT
                        + (last == null ? "" : ": " + last.getMessage())));
    }
}
