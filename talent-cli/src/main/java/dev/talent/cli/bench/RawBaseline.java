package dev.talent.cli.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What the hardware allows for the bytes of a checkpoint, measured next to it in the same run: copying them in
 * memory (a native {@code memcpy} through {@link MemorySegment#copy}), writing them to a file in the checkpoint's
 * directory in 8 MiB writes with and without {@code fsync} (what {@code dd bs=8M [conv=fsync]} does), and
 * reading them back (from the page cache, as a restore right after the checkpoint does).
 *
 * @param bytes the number of bytes (the checkpoint file's size)
 */
public record RawBaseline(long bytes, Samples memcpyMs, Samples writeMs, Samples writeFsyncMs, Samples readMs) {

    private static final int CHUNK = 8 << 20;

    /** Runs each measurement {@code runs} times with the file in {@code dir} (deleted afterwards). */
    public static RawBaseline measure(Path dir, long bytes, int runs) throws IOException {
        List<Double> copy = new ArrayList<>(), write = new ArrayList<>(), sync = new ArrayList<>(), read = new ArrayList<>();
        Path file = dir.resolve("raw-baseline.bin");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment from = arena.allocate(bytes, 64), to = arena.allocate(bytes, 64);
            for (long i = 0; i < bytes; i += 4096) from.set(ValueLayout.JAVA_BYTE, i, (byte) (i >>> 12));
            to.fill((byte) 1);   // touch every page: the copy measures copying, not page faults
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
            for (int run = 0; run < runs; run++) {
                long t0 = System.nanoTime();
                MemorySegment.copy(from, 0, to, 0, bytes);
                copy.add(ms(t0));
                write.add(writeFile(file, from, chunk, false));
                sync.add(writeFile(file, from, chunk, true));
                t0 = System.nanoTime();
                try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                    long offset = 0;
                    while (offset < bytes) {
                        chunk.clear();
                        int n = in.read(chunk);
                        if (n < 0) throw new IOException(file + " ended at " + offset + " of " + bytes + " bytes");
                        MemorySegment.copy(MemorySegment.ofBuffer(chunk.flip()), 0, to, offset, n);
                        offset += n;
                    }
                }
                read.add(ms(t0));
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return new RawBaseline(bytes, new Samples(copy), new Samples(write), new Samples(sync), new Samples(read));
    }

    private static double writeFile(Path file, MemorySegment from, ByteBuffer chunk, boolean fsync) throws IOException {
        Files.deleteIfExists(file);
        long t0 = System.nanoTime();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long bytes = from.byteSize();
            for (long offset = 0; offset < bytes; offset += CHUNK) {
                int n = (int) Math.min(CHUNK, bytes - offset);
                chunk.clear();
                MemorySegment.copy(from, offset, MemorySegment.ofBuffer(chunk), 0, n);
                chunk.limit(n);
                while (chunk.hasRemaining()) out.write(chunk);
            }
            if (fsync) out.force(true);
        }
        return ms(t0);
    }

    private static double ms(long t0) { return (System.nanoTime() - t0) / 1e6; }

    /** Throughput in MB/s (10^6 bytes per second) of moving {@code bytes} in {@code ms} milliseconds. */
    public static double mbPerSecond(long bytes, double ms) { return ms > 0 ? bytes / ms / 1000.0 : Double.NaN; }
}
