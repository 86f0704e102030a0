package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A checkpoint read while it arrives ({@link ChunkPipe}): every byte in order, bounded, and a break-off is the reader's to see. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ChunkPipeTest {
    @Test
    void theReaderGetsEveryChunkInOrderWhileTheWriterIsHeldToTheBound() throws Exception {
        byte[] all = new byte[(1 << 20) + 123];
        new Random(7).nextBytes(all);
        ChunkPipe pipe = new ChunkPipe(4);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (pipe) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buf = new byte[5000];
                for (int n; (n = pipe.read(buf, 0, buf.length)) > 0; ) out.write(buf, 0, n);
                return out.toByteArray();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        for (int off = 0; off < all.length; off += 32 * 1024) pipe.put(Arrays.copyOfRange(all, off, Math.min(all.length, off + 32 * 1024)));
        pipe.end();
        assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(all);
    }

    @Test
    void aWriterBeyondTheBoundWaitsForTheReader() throws Exception {
        ChunkPipe pipe = new ChunkPipe(2);
        pipe.put(new byte[] {1});
        pipe.put(new byte[] {2});
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> {
            try {
                pipe.put(new byte[] {3});
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(third).as("two chunks wait to be read").isNotDone();
        assertThat(pipe.read()).isEqualTo(1);
        third.get(10, TimeUnit.SECONDS);
        pipe.end();
        assertThat(pipe.readAllBytes()).containsExactly(2, 3);
    }

    @Test
    void aBrokenOffStreamFailsTheReaderAndAGoneReaderDropsWhatComes() throws Exception {
        ChunkPipe pipe = new ChunkPipe(2);
        pipe.put(new byte[] {1, 2});
        pipe.fail(new IOException("the checkpoint's stream broke off"));
        assertThatThrownBy(pipe::read).isInstanceOf(IOException.class).hasMessageContaining("broke off");

        ChunkPipe gone = new ChunkPipe(1);
        gone.close();
        gone.put(new byte[] {1});
        gone.put(new byte[] {2}); // not held: nobody reads any more
        gone.end();
    }
}
