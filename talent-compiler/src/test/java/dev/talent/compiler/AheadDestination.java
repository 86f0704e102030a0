package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A restart started ahead of the stop (TALENT_RESTART with TALENT_AWAIT_GO), as the pre-copy ITs drive it: started
 * with its own stdout and stderr files, waiting on a FIFO it reads its base lines and its go from. {@link #close()}
 * kills it if it still runs and releases a write end of the FIFO still opening, so a failed test leaves nothing behind.
 */
final class AheadDestination implements AutoCloseable {
    private final Process process;
    private final Path fifo;
    private final Path out;
    private final Path err;
    private final CompletableFuture<OutputStream> writer;

    private AheadDestination(Process process, Path fifo, Path out, Path err) {
        this.process = process;
        this.fifo = fifo;
        this.out = out;
        this.err = err;
        // the write end's open returns once the destination waits on the FIFO
        this.writer = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.newOutputStream(fifo);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Starts {@code exe} for {@code to} in {@code work} as a restart from {@code checkpoints}, waiting on a new FIFO. */
    static AheadDestination start(Path work, Target to, Path exe, Path checkpoints, Map<String, String> extraEnv)
            throws Exception {
        Path fifo = work.resolve("go");
        assertThat(new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).start().waitFor()).isZero();
        Path out = work.resolve("dst.out"), err = work.resolve("dst.err");
        ProcessBuilder pb = new ProcessBuilder(command(to, exe)).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = new HashMap<>(Map.of("TALENT_CHECKPOINT_DIR", checkpoints.toString(),
                "TALENT_RESTART", "1", "TALENT_AWAIT_GO", fifo.toString(), "TALENT_VERBOSE", "1"));
        env.putAll(extraEnv);
        pb.environment().putAll(env);
        return new AheadDestination(pb.start(), fifo, out, err);
    }

    /** The FIFO's write end, once the destination has done its work ahead and waits for its go. */
    OutputStream waiting() throws Exception {
        return writer.get(120, TimeUnit.SECONDS);
    }

    boolean isAlive() { return process.isAlive(); }

    /** What the destination has written to its stderr so far. */
    String err() throws IOException { return Files.readString(err, StandardCharsets.ISO_8859_1); }

    /** Waits for the destination to end and returns its run. */
    Run finish(long seconds) throws Exception {
        assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("the destination ends").isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1), err());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // a write end still opening is released by a reader's open
        if (!writer.isDone()) {
            try (InputStream _ = Files.newInputStream(fifo, StandardOpenOption.READ)) {
                // nothing
            } catch (IOException e) {
                // gone
            }
        }
    }

    /** Plain gcc's uninterrupted output of {@code src}, the reference every migration is compared with. */
    static String gccOutput(Path work, Path src) throws Exception {
        Path orig = work.resolve(src.getFileName() + ".orig");
        Run gcc = run(List.of("gcc", "-O2", "-Wall", "-o", orig.toString(), src.toString()), Map.of(), null);
        assertThat(gcc.rc()).as(gcc.err()).isZero();
        Run plain = run(List.of(orig.toString()), Map.of(), null);
        assertThat(plain.rc()).isZero();
        return plain.out();
    }

    /** Damages {@code file}: its middle byte flipped, as a forged or torn checkpoint would be. */
    static void flipMiddleByte(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = c.size() / 2;
            ByteBuffer b = ByteBuffer.allocate(1);
            c.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
            c.write(b, at);
        }
    }
}
