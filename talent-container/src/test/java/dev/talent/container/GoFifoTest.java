package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The host side of the go FIFO, against a reader thread of this JVM standing in for the waiting runtime. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class GoFifoTest {
    @TempDir
    Path dir;

    /** Reads the FIFO as the runtime does: blocks in the open until a writer comes, then reads to end of file. */
    private static CompletableFuture<byte[]> reader(Path fifo) {
        CompletableFuture<byte[]> read = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                read.complete(in.readAllBytes());
            } catch (IOException e) {
                read.completeExceptionally(e);
            }
        });
        return read;
    }

    @Test
    void theWriteEndOpensOnlyWhileSomeoneWaitsAndTheGoIsOneLine() throws Exception {
        Path fifo = dir.resolve("go");
        GoFifo.create(fifo);
        try (GoFifo go = new GoFifo(fifo)) {
            assertThat(go.open()).as("nobody waits yet").isFalse();
            CompletableFuture<byte[]> read = reader(fifo);
            long by = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!go.open()) {
                assertThat(System.nanoTime() - by).as("the reader comes").isNegative();
                Thread.sleep(1);
            }
            assertThat(go.open()).as("stays open").isTrue();
            assertThat(read).isNotDone();
            go.send();
            assertThat(read.get(20, TimeUnit.SECONDS)).asString().isEqualTo("go\n");
            assertThatThrownBy(go::send).isInstanceOf(IOException.class).hasMessageContaining("is not open");
        }
    }

    @Test
    void baseLinesComeBeforeTheGoOnTheSameOpenWriteEnd() throws Exception {
        Path fifo = dir.resolve("go");
        GoFifo.create(fifo);
        CompletableFuture<byte[]> read = reader(fifo);
        try (GoFifo go = new GoFifo(fifo)) {
            assertThatThrownBy(() -> go.sendBase("pre-000003.tck")).isInstanceOf(IOException.class)
                    .hasMessageContaining("is not open");
            while (!go.open()) Thread.sleep(1);
            go.sendBase("pre-000003.tck");
            go.sendBase("pre-000004.tck");
            assertThat(read).as("the write end stays open after a base line").isNotDone();
            for (String bad : new String[] {"ckpt-000004.tdl", "../pre-000004.tck", "pre-000004.tck\ngo", "pre-4.tck"}) {
                assertThatThrownBy(() -> go.sendBase(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            }
            go.send();
        }
        assertThat(read.get(20, TimeUnit.SECONDS)).asString().isEqualTo("base pre-000003.tck\nbase pre-000004.tck\ngo\n");
    }

    @Test
    void closingWithoutAGoGivesTheReaderEndOfFileAndNothingElse() throws Exception {
        Path fifo = dir.resolve("go");
        GoFifo.create(fifo);
        CompletableFuture<byte[]> read = reader(fifo);
        try (GoFifo go = new GoFifo(fifo)) {
            while (!go.open()) Thread.sleep(1);
        }
        assertThat(read.get(20, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aFifoIsNotMadeOverAnExistingFile() throws IOException {
        Path taken = Files.writeString(dir.resolve("go"), "x");
        assertThatThrownBy(() -> GoFifo.create(taken)).isInstanceOf(NativeCallException.class)
                .hasMessageContaining("cannot create the go FIFO");
    }
}
