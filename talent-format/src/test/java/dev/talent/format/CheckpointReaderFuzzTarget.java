package dev.talent.format;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The fuzz target over the Java checkpoint reader, shared by Jazzer's standalone driver ({@code talent bench fuzz},
 * FuzzIT: {@code --target_class=dev.talent.format.CheckpointReaderFuzzTarget}) and {@link CheckpointReaderFuzzTest}.
 * The twin of the C target talent-runtime/src/test/fuzz/checkpoint_fuzz.c: each input is read as it is and with its
 * CRCs recomputed ({@link #resealed}), so that mutations get past the framing checks into the sections.
 *
 * <p>A checkpoint is hostile input: the reader may answer only with a checkpoint (which {@code talent inspect} must
 * then be able to render) or with its documented refusal, {@link CorruptCheckpointException} with a message. Any other
 * throwable escapes and is a finding; so are a timeout and memory beyond the driver's limits.
 */
public final class CheckpointReaderFuzzTarget {

    private CheckpointReaderFuzzTarget() {}

    public static void fuzzerTestOneInput(byte[] data) {
        readOne(data);
        byte[] resealed = resealed(data);
        if (resealed != null) readOne(resealed);
    }

    private static void readOne(byte[] data) {
        Checkpoint c;
        try {
            c = CheckpointReader.read(data, "fuzz.tck");
        } catch (CorruptCheckpointException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError("a refusal without a reason", e);
            return;
        }
        InspectRenderer.text(c);
        new InspectJson(c).document();
    }

    /**
     * A copy of {@code data} with the header's and every section's CRC32C recomputed (docs/FORMAT.md), as far as the
     * section lengths lead within the input; null when that changes nothing.
     */
    static byte[] resealed(byte[] data) {
        if (data.length < 24) return null;
        byte[] f = data.clone();
        ByteBuffer b = ByteBuffer.wrap(f);
        CRC32C crc = new CRC32C();
        crc.update(f, 0, 20);
        b.putInt(20, (int) crc.getValue());
        long off = 24;
        while (f.length - off >= 16) {
            long len = b.getLong((int) off + 4);
            if (len < 0 || len > f.length - off - 16) break;
            crc.reset();
            crc.update(f, (int) off, 12 + (int) len);
            b.putInt((int) (off + 12 + len), (int) crc.getValue());
            off += 16 + len;
        }
        return java.util.Arrays.equals(f, data) ? null : f;
    }
}
