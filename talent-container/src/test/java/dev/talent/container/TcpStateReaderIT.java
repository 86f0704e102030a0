package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C reader of the TCP state files a container's helper writes (talent-tcp.c, read_state): hostile input. The
 * flags byte of a connection (FIN_SENT 1, FIN_RCVD 2, CONNECTING 4, SHUT_READ 8, CLOSED 16) is refused outside its
 * mask and in combinations no socket has (read shut down after the peer's FIN; a closed connection with another flag,
 * TCP options or bytes to send); a truncated record is refused; a valid one is read.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TcpStateReaderIT {
    @TempDir
    static Path dir;
    static Path helper;

    @BeforeAll
    static void compile() throws Exception {
        Path src = dir.resolve("talent-tcp.c");
        try (InputStream in = TcpRepair.class.getResourceAsStream(TcpRepair.SOURCE_RESOURCE)) {
            Files.write(src, in.readAllBytes());
        }
        helper = dir.resolve("talent-tcp");
        Process gcc = new ProcessBuilder("gcc", "-Wall", "-O2", "-o", helper.toString(), src.toString())
                .redirectErrorStream(true).start();
        String log = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor()).as(log).isZero();
    }

    /** One IPv4 connection, established, no queued bytes, with this flags byte. */
    private static byte[] state(int flags, boolean truncated) {
        return state(flags, 0, 0, truncated);
    }

    /** The same with these TCP options (1 timestamps, 2 SACK, 4 window scaling) and this many bytes to send. */
    private static byte[] state(int flags, int opts, int sendQueue, boolean truncated) {
        ByteBuffer b = ByteBuffer.allocate(256);
        b.put("TLTCP2\n".getBytes(StandardCharsets.US_ASCII)).putInt(1);
        b.putInt(5).put((byte) 4).put(new byte[] {127, 0, 0, 1}).put(new byte[12]).putShort((short) 8080)
                .put(new byte[] {127, 0, 0, 1}).put(new byte[12]).putShort((short) 40000);
        b.putInt(1000).putInt(2000).putInt(1460).put((byte) opts).put((byte) 7).put((byte) 7);
        b.putInt(0).putInt(0).putInt(65535).putInt(65535).putInt(65535).putInt(2000);
        b.put((byte) 0).put((byte) 0).put((byte) flags);
        b.putInt(0).putInt(0).putInt(0);
        if (!truncated) {
            b.putInt(sendQueue).putInt(0).putInt(0);
            b.put(new byte[sendQueue]);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private record Shown(int rc, String out) {}

    private static Shown show(byte[] bytes, String name) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        Process p = new ProcessBuilder(List.of(helper.toString(), "show", file.toString())).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        return new Shown(p.waitFor(), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aConnectionShutForReadingIsRead() throws Exception {
        Shown s = show(state(8, false), "shut-read");
        assertThat(s.rc()).as(s.out()).isZero();
        assertThat(s.out()).contains("1 connections", "fd 5 127.0.0.1:8080 -> 127.0.0.1:40000", "flags 8");
    }

    @Test
    void flagsNoSocketHasAreRefused() throws Exception {
        for (int flags : new int[] {8 | 2, 32, 255, 4 | 8, 16 | 1, 16 | 2, 16 | 4, 16 | 8}) {
            Shown s = show(state(flags, false), "flags-" + flags);
            assertThat(s.rc()).as("flags " + flags + ": " + s.out()).isEqualTo(2);
            assertThat(s.out()).contains("connection 0 has a field out of range");
        }
    }

    @Test
    void aConnectionClosedInBothDirectionsIsRead() throws Exception {
        Shown s = show(state(16, false), "closed");
        assertThat(s.rc()).as(s.out()).isZero();
        assertThat(s.out()).contains("1 connections", "fd 5 127.0.0.1:8080 -> 127.0.0.1:40000", "flags 16");
    }

    @Test
    void aClosedConnectionWithOptionsOrBytesToSendIsRefused() throws Exception {
        for (int[] forged : new int[][] {{1, 0}, {4, 0}, {7, 0}, {0, 4}}) {
            Shown s = show(state(16, forged[0], forged[1], false), "closed-" + forged[0] + "-" + forged[1]);
            assertThat(s.rc()).as(s.out()).isEqualTo(2);
            assertThat(s.out()).contains("connection 0 has a field out of range");
        }
        Shown open = show(state(0, 7, 4, false), "open-with-queue");
        assertThat(open.rc()).as("the same fields on an established connection: " + open.out()).isZero();
    }

    @Test
    void aTruncatedRecordIsRefused() throws Exception {
        Shown s = show(state(8, true), "truncated");
        assertThat(s.rc()).as(s.out()).isEqualTo(2);
        assertThat(s.out()).doesNotContain("flags 8");
    }
}
