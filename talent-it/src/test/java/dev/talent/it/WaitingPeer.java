package dev.talent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A peer that waits for each answer (a request/reply client) of a line server (linecount.c, linecount6.c: every line
 * comes back as "N LINE"): it sends "line-I", waits for its answer, checks it and sends the next 1 ms later, until
 * {@link #stop()}, which ends with "quit". What a migration costs it is its longest wait for one answer around the
 * migration ({@link #beyondDowntimes}), to be compared with the migration's recorded downtime.
 */
final class WaitingPeer {
    private final List<Long> answers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicReference<String> wrong = new AtomicReference<>();
    private final Thread talker;

    /** Starts talking on {@code peer} (connected; its timeouts are the caller's). */
    WaitingPeer(Socket peer) throws IOException {
        peer.setTcpNoDelay(true);
        BufferedReader in = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = peer.getOutputStream();
        talker = Thread.ofPlatform().name("waiting-peer").start(() -> {
            try {
                for (int i = 1; !done.get(); i++) {
                    out.write(("line-" + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    String answer = in.readLine();
                    if (answer == null || !answer.endsWith(" line-" + i)) {
                        wrong.set("line " + i + " answered " + answer);
                        return;
                    }
                    answers.add(System.nanoTime());
                    Thread.sleep(1);
                }
                out.write("quit\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException | InterruptedException e) {
                wrong.set(e.toString());
            }
        });
    }

    /** Stops after the answer it waits for (at most 60 s more). */
    void stop() throws InterruptedException {
        done.set(true);
        talker.join(60_000);
    }

    /** What went wrong (a wrong or missing answer, an I/O error), or null: every answer came, in order. */
    String wrong() { return wrong.get(); }

    /**
     * For each migration, the longest wait for one answer that overlaps its window ({@code windows}: System.nanoTime()
     * before and after it was asked for and done), in ms, less its recorded downtime ({@code downtimesMs}).
     */
    List<Double> beyondDowntimes(List<long[]> windows, List<Double> downtimesMs) {
        List<Long> times = new ArrayList<>(answers);
        List<Double> beyond = new ArrayList<>();
        for (int k = 0; k < windows.size(); k++) {
            long from = windows.get(k)[0], to = windows.get(k)[1];
            long longest = 0;
            for (int i = 1; i < times.size(); i++)
                if (times.get(i) >= from && times.get(i - 1) <= to) longest = Math.max(longest, times.get(i) - times.get(i - 1));
            beyond.add(longest / 1e6 - downtimesMs.get(k));
        }
        return beyond;
    }
}
