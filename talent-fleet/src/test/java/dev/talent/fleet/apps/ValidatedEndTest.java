package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A checkpoint sent before its source validated it ({@link ValidatedEnd}): its bytes go as they come, but its end (which
 * ends the upload's stream, and only then lets the destination place the file) waits for the validation's verdict; a
 * refusal, or no verdict in time, is a failure of the read, which cuts the stream instead of ending it.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ValidatedEndTest {
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void close() { pool.shutdownNow(); }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) i;
        return b;
    }

    @Test
    void theBytesGoAtOnceAndTheEndWaitsForTheValidation() throws Exception {
        CompletableFuture<Void> validated = new CompletableFuture<>();
        ValidatedEnd in = new ValidatedEnd(new ByteArrayInputStream(bytes(100)), validated);
        byte[] buf = new byte[64];
        // as an upload reads it: whole chunks, then the last partial one, without waiting for the verdict
        assertThat(in.readNBytes(buf, 0, 64)).isEqualTo(64);
        assertThat(in.readNBytes(buf, 0, 64)).isEqualTo(36);
        assertThat(buf[35]).isEqualTo((byte) 99);
        Future<Integer> end = pool.submit(() -> in.readNBytes(buf, 0, 64));
        Thread.sleep(200);
        assertThat(end).as("the end is held until the validation passed").isNotDone();
        validated.complete(null);
        assertThat(end.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(in.read()).isEqualTo(-1);
        assertThat(in.read(buf, 0, 1)).isEqualTo(-1);
    }

    @Test
    void aRefusalFailsTheEndWithItsReason() throws Exception {
        CompletableFuture<Void> validated = new CompletableFuture<>();
        ValidatedEnd in = new ValidatedEnd(new ByteArrayInputStream(bytes(10)), validated);
        assertThat(in.read(new byte[10], 0, 10)).isEqualTo(10);
        validated.completeExceptionally(new IOException("ckpt-000004.tck is not a valid checkpoint"));
        assertThatThrownBy(in::read).isInstanceOf(IOException.class)
                .hasMessageContaining("refused at its source").hasMessageContaining("ckpt-000004.tck is not a valid checkpoint");
        assertThatThrownBy(() -> in.readNBytes(new byte[4], 0, 4)).isInstanceOf(IOException.class);
        assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
    }

    @Test
    void noVerdictInTimeFailsTheEnd() throws Exception {
        ValidatedEnd in = new ValidatedEnd(new ByteArrayInputStream(bytes(3)), new CompletableFuture<>(), 100);
        assertThat(in.readNBytes(3)).hasSize(3);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("did not end within 100 ms");
    }
}
