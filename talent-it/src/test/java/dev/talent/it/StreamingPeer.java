package dev.talent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A peer that talks without waiting for answers, of a line server (linecount.c, linecount6.c: every line comes back as
 * "N LINE"): one thread sends "s-I" every {@code every}, another reads the answers and checks that the K-th ends with
 * " s-K" (every line answered, in order, none missing). {@link #stop()} sends "quit" and waits for "bye". What it sent
 * is what an uninterrupted run is fed to compare ({@link #sent()}, {@link #answers()}).
 */
final class StreamingPeer {
    private final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<String> answers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicReference<String> wrong = new AtomicReference<>();
    private final Thread writer;
    private final Thread reader;

    /** Starts talking on {@code peer} (connected); an answer that does not come within {@code stall} is a stall. */
    StreamingPeer(Socket peer, Duration every, Duration stall) throws IOException {
        peer.setTcpNoDelay(true);
        peer.setSoTimeout((int) stall.toMillis());
        BufferedReader in = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = peer.getOutputStream();
        writer = Thread.ofPlatform().name("streaming-peer-out").start(() -> {
            try {
                for (int i = 1; !done.get(); i++) {
                    String line = "s-" + i;
                    out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    sent.add(line);
                    Thread.sleep(every);
                }
                out.write("quit\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException | InterruptedException e) {
                wrong.compareAndSet(null, "writing: " + e);
            }
        });
        reader = Thread.ofPlatform().name("streaming-peer-in").start(() -> {
            try {
                for (int k = 1; ; k++) {
                    String answer = in.readLine();
                    if (answer == null) {
                        wrong.compareAndSet(null, "the connection ended after " + answers.size() + " answers");
                        return;
                    }
                    answers.add(answer);
                    if (answer.equals("bye")) return;
                    if (!answer.endsWith(" s-" + k)) {
                        wrong.compareAndSet(null, "answer " + k + " is " + answer);
                        return;
                    }
                }
            } catch (IOException e) {
                wrong.compareAndSet(null, "reading after " + answers.size() + " answers of " + sent.size() + " lines sent: " + e);
            }
        });
    }

    /** Stops sending, says quit and waits for the answers up to "bye" (or the stall). */
    void stop() throws InterruptedException {
        done.set(true);
        writer.join(60_000);
        reader.join(120_000);
    }

    /** What went wrong (a wrong or missing answer, a stall, an I/O error), or null. */
    String wrong() { return wrong.get(); }

    List<String> sent() { return List.copyOf(sent); }

    List<String> answers() { return List.copyOf(answers); }
}
