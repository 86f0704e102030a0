package dev.talent.format;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Measurement aid for issue 10 item 12 (not a test): {@code write FILE MIB} writes a checkpoint holding a heap block
 * of MIB mebibytes of doubles and an untyped block of MIB/4 mebibytes (streamed, never held in memory);
 * {@code inspect FILE [json]} reads it as {@code talent inspect} does and prints the text's length and the heap used.
 * Run with {@code java -Xmx256m -cp target/classes:target/test-classes dev.talent.format.LargeCheckpointMain ...}.
 */
public final class LargeCheckpointMain {
    private LargeCheckpointMain() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        if (args[0].equals("write")) {
            write(file, Long.parseLong(args[2]) << 20);
            return;
        }
        long start = System.nanoTime();
        Checkpoint c = CheckpointReader.read(file);
        long read = System.nanoTime();
        String text = args.length > 2 ? InspectRenderer.json(c) : InspectRenderer.text(c);
        long end = System.nanoTime();
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.printf("file %d MiB: read+validate %d ms, render %d ms, %d characters, heap used after %d MiB (max %d MiB)%n",
                Files.size(file) >> 20, (read - start) / 1_000_000, (end - read) / 1_000_000, text.length(),
                (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20);
        System.out.println(text.lines().filter(l -> l.contains("heap#9")).map(l -> l.length() > 200 ? l.substring(0, 200) : l).toList());
    }

    /** Fixtures.full() plus two blocks whose values are streamed into the file. */
    static void write(Path file, long bytes) throws Exception {
        long doubles = bytes / 8, raw = bytes / 4;
        Checkpoint full = Fixtures.full();
        List<HeapBlock> heap = new ArrayList<>(full.heap());
        heap.add(new HeapBlock(98, "big.c:1:1", true, Fixtures.UCHAR, List.of(), ByteString.of(new byte[0])));
        heap.add(new HeapBlock(99, "big.c:2:1", Fixtures.DOUBLE, List.of()));
        Checkpoint c = new Checkpoint(full.meta(), full.types(), full.strings(), full.globals(), full.frames(), heap,
                full.files(), full.pendingWait());
        byte[] written = CheckpointWriter.write(c);
        Sections s = Sections.of(written);
        byte[] payload = s.sections().get(s.indexOf("HEAP")).payload();
        // split the HEAP payload at the two (empty) blocks' counts: each count is followed by no values
        int raw98 = indexOf(payload, "big.c:1:1") + 9 + 1 + 4;
        int raw99 = indexOf(payload, "big.c:2:1") + 9 + 1 + 4;
        try (OutputStream out = Files.newOutputStream(file)) {
            List<Sections.Section> list = s.sections();
            ByteBuffer head = ByteBuffer.allocate(24);
            head.put("TALENTCK".getBytes(StandardCharsets.US_ASCII)).putShort(ByteBuffer.wrap(written).getShort(8)).putShort((short) 0)
                    .putInt(list.size()).putInt(0);
            CRC32C hc = new CRC32C();
            hc.update(head.array(), 0, 20);
            head.putInt((int) hc.getValue());
            out.write(head.array());
            for (Sections.Section sec : list) {
                boolean big = sec.tag().equals("HEAP");
                long length = sec.payload().length + (big ? raw + doubles * 8 : 0);
                ByteBuffer h = ByteBuffer.allocate(12).put(sec.tag().getBytes(StandardCharsets.US_ASCII)).putLong(length);
                CRC32C crc = new CRC32C();
                crc.update(h.array());
                out.write(h.array());
                if (!big) {
                    crc.update(sec.payload());
                    out.write(sec.payload());
                } else {
                    byte[] p = sec.payload();
                    ByteBuffer.wrap(p).putLong(raw98, raw).putLong(raw99, doubles);
                    emit(out, crc, p, 0, raw98 + 8);
                    byte[] chunk = new byte[1 << 20];
                    for (long done = 0; done < raw; done += chunk.length) {
                        for (int k = 0; k < chunk.length; k++) chunk[k] = (byte) (k * 31L + done);
                        emit(out, crc, chunk, 0, (int) Math.min(chunk.length, raw - done));
                    }
                    emit(out, crc, p, raw98 + 8, raw99 + 8 - (raw98 + 8));
                    ByteBuffer d = ByteBuffer.allocate(1 << 20);
                    for (long done = 0; done < doubles; ) {
                        d.clear();
                        while (d.hasRemaining() && done < doubles) d.putDouble(done++ * 0.5);
                        emit(out, crc, d.array(), 0, d.position());
                    }
                    emit(out, crc, p, raw99 + 8, p.length - (raw99 + 8));
                }
                out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
            }
        }
    }

    private static void emit(OutputStream out, CRC32C crc, byte[] b, int off, int len) throws Exception {
        crc.update(b, off, len);
        out.write(b, off, len);
    }

    private static int indexOf(byte[] data, String s) {
        byte[] find = s.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int k = 0; k + find.length <= data.length; k++) {
            for (int j = 0; j < find.length; j++) if (data[k + j] != find[j]) continue outer;
            return k;
        }
        throw new IllegalArgumentException(s);
    }
}
