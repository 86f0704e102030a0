package dev.talent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client of the line server (resources network/linecount.c) connecting in a tight loop, one connection at a time:
 * connect, send "c-K", read the answer, close. With several addresses (a host-network app that moves host to host) it
 * connects to the one that answered last, and to the next when that one refuses. What it got instead of an answer is
 * kept as a failure: a connection refused by every address, reset, cut or ended without a line. The largest time
 * between two answers is kept too. It gives up after 200 failures.
 */
final class TightLoopClient {
    private static final int MAX_FAILURES = 200;

    private final List<InetSocketAddress> addresses;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> answers = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private volatile long largestGapNanos;
    private Thread thread;

    TightLoopClient(List<InetSocketAddress> addresses) {
        if (addresses.isEmpty()) throw new IllegalArgumentException("no address to connect to");
        this.addresses = List.copyOf(addresses);
    }

    TightLoopClient(InetSocketAddress at) { this(List.of(at)); }

    /** The first address. */
    InetSocketAddress at() { return addresses.get(0); }

    void start() {
        thread = Thread.ofPlatform().name("tight-loop-client").start(() -> {
            int first = 0;
            long last = System.nanoTime();
            for (int k = 1; !stop.get() && failures.size() <= MAX_FAILURES; k++) {
                List<String> refused = new ArrayList<>();
                for (int t = 0; t < addresses.size(); t++) {
                    int h = (first + t) % addresses.size();
                    InetSocketAddress to = addresses.get(h);
                    try (var s = new Socket()) {
                        // a SYN dropped while the server moves is sent again after 1 s, then 3 s, 7 s...
                        s.connect(to, 30_000);
                        s.setSoTimeout(30_000);
                        s.getOutputStream().write(("c-" + k + "\n").getBytes(StandardCharsets.US_ASCII));
                        String a = reader(s).readLine();
                        if (a == null) failures.add("connection " + k + " to " + to + ": end of stream, no answer");
                        else {
                            answers.add(a);
                            long now = System.nanoTime();
                            largestGapNanos = Math.max(largestGapNanos, now - last);
                            last = now;
                            first = h;
                        }
                        refused.clear();
                        break;
                    } catch (ConnectException e) {
                        refused.add(to + ": " + e.getMessage());
                    } catch (IOException e) {
                        failures.add("connection " + k + " to " + to + ": " + e);
                        refused.clear();
                        break;
                    }
                }
                if (!refused.isEmpty()) failures.add("connection " + k + " refused by every address: " + refused);
            }
        });
    }

    int answered() { return answers.size(); }

    List<String> answers() { return List.copyOf(answers); }

    List<String> failures() { return List.copyOf(failures); }

    /** The largest time between two answers since the last call. */
    long takeLargestGapMillis() {
        long g = largestGapNanos;
        largestGapNanos = 0;
        return TimeUnit.NANOSECONDS.toMillis(g);
    }

    /** Until {@code n} answers came, {@code within} passed or the client gave up. */
    void awaitAnswers(int n, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (answers.size() < n && System.nanoTime() < deadline && thread.isAlive()) Thread.sleep(10);
    }

    void stop() throws InterruptedException {
        stop.set(true);
        if (thread != null) thread.join(Duration.ofMinutes(1));
    }

    /** "1 c-1" ... "n c-n": what the line server answers to the first {@code n} connections. */
    static List<String> numbered(int n) {
        List<String> l = new ArrayList<>();
        for (int i = 1; i <= n; i++) l.add(i + " c-" + i);
        return l;
    }

    /** A reader of the socket's input, US-ASCII lines. */
    static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }
}
