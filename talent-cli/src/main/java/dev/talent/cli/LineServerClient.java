package dev.talent.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The client side of the bundled line servers (the demo's and {@code talent bench network}'s): each answers a line
 * {@code L} with {@code "N L"}, N counting the lines of that connection.
 */
public final class LineServerClient {
    private LineServerClient() {}

    /** What the caller makes of a connection whose first line was answered ({@code atNanos}: {@link System#nanoTime}). */
    public interface Opener<T> {
        T open(Socket socket, BufferedReader in, String reply, long atNanos) throws IOException;
    }

    /**
     * Connects to {@code to} and sends {@code line}, tried again every 100 ms for up to 60 s while the server is not
     * there yet (or until {@code serverEnded} is done). A connection counts once the server answered on it: one still
     * in its handshake when a migration stops the server is not carried (the kernel has not completed it). The
     * answered socket reads with {@code readTimeoutMs} afterwards (0: none) and goes to {@code opener}; if that fails
     * the attempt counts as failed and is made again. When no attempt succeeds,
     * {@code unreachable} makes the exception to throw from the last failure (null if none was made).
     */
    public static <T, E extends Exception> T connect(InetSocketAddress to, String line, int readTimeoutMs,
                                                     Future<?> serverEnded, Opener<T> opener,
                                                     Function<IOException, E> unreachable)
            throws E, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline && !serverEnded.isDone()) {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(to, 1000);
                s.setSoTimeout(5000);
                s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                String first = in.readLine();
                long at = System.nanoTime();
                if (!("1 " + line).equals(first)) throw new IOException("first reply '" + first + "'");
                s.setSoTimeout(readTimeoutMs);
                return opener.open(s, in, first, at);
            } catch (IOException e) {
                last = e;
                try {
                    s.close();
                } catch (IOException ignored) {
                    // not connected
                }
                Thread.sleep(100);
            }
        }
        throw unreachable.apply(last);
    }
}
