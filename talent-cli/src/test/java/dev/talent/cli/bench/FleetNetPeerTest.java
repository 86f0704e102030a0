package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code talent bench fleet --net}'s client ({@link FleetNetPeer}) against a line server on this machine that answers
 * as {@code network.c} does ({@code "<n> <line>"}), or pauses, or answers wrong; and the option's usage.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FleetNetPeerTest {
    /**
     * A line server on a free port of 127.0.0.1 for one connection: it answers line k (from 1) with {@code number(k)}
     * and the line, after {@code pauseMs} ms before line {@code pauseAt}.
     */
    private static ServerSocket server(LongUnaryOperator number, long pauseAt, long pauseMs) throws Exception {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            try (Socket s = listener.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                String line;
                for (long k = 1; (line = in.readLine()) != null; k++) {
                    if (k == pauseAt) Thread.sleep(pauseMs);
                    out.write((number.applyAsLong(k) + " " + line + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (Exception e) {
                // the peer closed
            }
        });
        return listener;
    }

    @Test
    void countsAnswersInOrderAndMeasuresThePauseOfAMigration() throws Exception {
        try (ServerSocket listener = server(k -> k, 60, 300)) {
            FleetNetPeer peer = FleetNetPeer.start("127.0.0.1", listener.getLocalPort());
            try {
                while (peer.answered() < 20) Thread.sleep(5);
                peer.before();
                // the server pauses 300 ms before its 60th answer
                while (peer.answered() < 80) Thread.sleep(5);
                Double pause = peer.after();
                assertThat(pause).isBetween(290.0, 5000.0);
                peer.before();
                Thread.sleep(50);
                assertThat(peer.after()).as("no pause since").isLessThan(250.0);
                peer.check();
            } finally {
                peer.close();
            }
        }
    }

    @Test
    void anAnswerOutOfOrderFailsTheBench() throws Exception {
        // the 30th answer repeats the 29th's number: a line duplicated (or one lost)
        try (ServerSocket listener = server(k -> k == 30 ? 29 : k, -1, 0)) {
            FleetNetPeer peer = FleetNetPeer.start("127.0.0.1", listener.getLocalPort());
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (peer.after() != null && System.nanoTime() < deadline) Thread.sleep(5);
                assertThat(peer.after()).as("no pause is reported once the stream failed").isNull();
                assertThat(peer.answered()).isEqualTo(29);
                assertThatThrownBy(peer::check).isInstanceOf(BenchFailedException.class)
                        .hasMessageContaining("after 29 answers").hasMessageContaining("request 30 was answered '29 req-30'");
            } finally {
                peer.close();
            }
        }
    }

    @Test
    void netWithoutMigrationsIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new FleetBenchCommand());
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("--net", "--fleet", "/nonexistent/fleet.conf")).isEqualTo(dev.talent.cli.ExitCodes.USAGE);
        assertThat(err.toString()).contains("--net needs --migrations N");
    }
}
