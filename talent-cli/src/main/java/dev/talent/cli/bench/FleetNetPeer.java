package dev.talent.cli.bench;

import dev.talent.cli.LineServerClient;
import dev.talent.fleet.apps.HostToHostBench;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The client of {@code talent bench fleet --net}: one connection held to the deployed line server ({@code network.c})
 * for the whole run, a request/reply stream on it (a request, its whole answer checked, the next 1 ms later at the
 * earliest) while the app migrates; per migration, the largest pause between two answers while it was under way.
 * Any answer that is not the next one in order (a request lost, duplicated or answered wrong) or a read that waits
 * longer than a minute ends the stream, and the bench fails ({@link #check}).
 */
final class FleetNetPeer implements HostToHostBench.Watch {
    private static final long SPACING_NANOS = 1_000_000;
    private static final int ANSWER_TIMEOUT_MS = 60_000;

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final Thread thread;
    private volatile boolean stop;
    private volatile Exception failure;
    /** Guarded by this: the last answer's time, and the largest gap between answers since {@link #before}. */
    private long lastAnswer;
    private long largestGap;
    private long answered = 1;

    private FleetNetPeer(Socket socket, BufferedReader in, long firstAnswer) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.lastAnswer = firstAnswer;
        this.thread = Thread.ofPlatform().daemon().name("bench-fleet-net-peer").unstarted(this::loop);
    }

    /** Connects to the line server at {@code address}:{@code port} (tried for up to a minute) and starts the stream. */
    static FleetNetPeer start(String address, int port) throws BenchFailedException, InterruptedException {
        FleetNetPeer peer = LineServerClient.connect(new InetSocketAddress(address, port), "req-1", ANSWER_TIMEOUT_MS,
                new CompletableFuture<Void>(), (s, r, reply, at) -> new FleetNetPeer(s, r, at),
                last -> new BenchFailedException("cannot connect to the --net app at " + address + ":" + port
                        + (last == null ? "" : ": " + last.getMessage())));
        peer.thread.start();
        return peer;
    }

    private void loop() {
        long next = System.nanoTime();
        try {
            for (long n = 2; !stop; n++) {
                long wait = next - System.nanoTime();
                if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
                long at = System.nanoTime();
                out.write(("req-" + n + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String line = in.readLine();
                long now = System.nanoTime();
                if (line == null) throw new IOException("the app closed the connection after request " + (n - 1));
                // the server numbers the lines of every connection: this one is its only one
                if (PeerLog.replyNumber(line) != n) throw new IOException("request " + n + " was answered '" + line + "'");
                synchronized (this) {
                    largestGap = Math.max(largestGap, now - lastAnswer);
                    lastAnswer = now;
                    answered = n;
                }
                next = Math.max(at + SPACING_NANOS, now);
            }
        } catch (IOException | InterruptedException e) {
            if (!stop) failure = e;
        }
    }

    @Override
    public synchronized void before() {
        largestGap = 0;
    }

    /** The largest pause between two answers since {@link #before}, up to now (ms); null once the stream failed. */
    @Override
    public Double after() {
        long now = System.nanoTime();
        synchronized (this) {
            if (failure != null) return null;
            return Math.max(largestGap, now - lastAnswer) / 1e6;
        }
    }

    /** Requests answered in order so far (the first, made at the connection, included). */
    synchronized long answered() {
        return answered;
    }

    /** Throws if the stream ended early: an answer missing, out of order or wrong, or the connection lost. */
    void check() throws BenchFailedException {
        Exception f = failure;
        if (f != null) throw new BenchFailedException("the --net app's peer after " + answered() + " answers: " + f.getMessage());
        if (!thread.isAlive()) throw new BenchFailedException("the --net app's peer stopped after " + answered() + " answers");
    }

    /** Ends the stream: closes the connection (the app goes on serving) and waits for the client's thread. */
    void close() throws InterruptedException {
        stop = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        thread.join(Duration.ofSeconds(5));
    }
}
