package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TcpRepair.count on state files a container could have written: only a TLTCP2 header with at most 250 is read. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class TcpStateCountTest {
    @TempDir
    Path dir;

    private Path state(String magic, int... count) throws IOException {
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[m.length + count.length];
        System.arraycopy(m, 0, b, 0, m.length);
        for (int i = 0; i < count.length; i++) b[m.length + i] = (byte) count[i];
        return Files.write(dir.resolve("tcp.state"), b);
    }

    @Test
    void aStateFileOfThisVersionIsCounted() throws IOException {
        assertThat(TcpRepair.count(state("TLTCP2\n", 0, 0, 0, 3))).isEqualTo(3);
        assertThat(TcpRepair.count(state("TLTCP2\n", 0, 0, 0, 250))).isEqualTo(250);
        assertThat(TcpRepair.count(dir.resolve("absent"))).isZero();
    }

    @Test
    void anOlderForgedTruncatedOrOversizedHeaderIsRefused() throws IOException {
        Path old = state("TLTCP1\n", 0, 0, 0, 1);
        assertThatThrownBy(() -> TcpRepair.count(old)).hasMessageContaining("is not a TCP state file");
        Path truncated = state("TLTCP2\n", 0, 0);
        assertThatThrownBy(() -> TcpRepair.count(truncated)).hasMessageContaining("is not a TCP state file");
        Path many = state("TLTCP2\n", 0, 0, 0, 251);
        assertThatThrownBy(() -> TcpRepair.count(many)).hasMessageContaining("lists 251 connections (at most 250)");
        Path huge = state("TLTCP2\n", 0xFF, 0xFF, 0xFF, 0xFF);
        assertThatThrownBy(() -> TcpRepair.count(huge)).hasMessageContaining("lists 4294967295 connections");
    }
}
