package dev.talent.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Checkpoint deltas (docs/FORMAT.md "Delta"): a checkpoint written as the bytes that changed since a base checkpoint
 * file of the same directory, as the C runtime writes them after pre-copy rounds ({@code ckpt-<seq>.tdl},
 * {@code pre-<round>.tdl}). A delta is hostile input: {@link #apply} checks its framing, its CRC, the identity of the
 * base, every operation's range and that the operations make exactly the image, before it returns the rebuilt image,
 * which the caller then validates like any checkpoint file ({@link #read}).
 */
public final class CheckpointDelta {
    static final byte[] MAGIC = "TALENTDL".getBytes(StandardCharsets.US_ASCII);
    static final int OP_COPY = 1;
    static final int OP_DATA = 2;
    static final int OP_BYTES = 17;
    /** Longest base file name (the C runtime's TL_DELTA_MAX_NAME). */
    static final int MAX_NAME = 64;
    /** Comparison granularity of {@link #build} (the C runtime's TL_DELTA_CHUNK). */
    static final int CHUNK = 4096;
    private static final Pattern BASE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*\\.tck");

    private CheckpointDelta() {}

    /** The fields of a delta's header, validated. */
    private record Head(String baseName, long baseLength, int baseCrc, long imageLength, int imageCrc, int ops,
            int opsOffset, int dataOffset, long dataLength) {}

    /** The base file name a delta refers to, after its framing and CRC were checked. */
    public static String baseName(byte[] delta, String fileName) throws CorruptCheckpointException {
        return head(delta, fileName).baseName();
    }

    /** Reads the delta file and its base from the same directory, rebuilds the image and validates it as a checkpoint. */
    public static Checkpoint read(Path deltaFile) throws IOException, CorruptCheckpointException {
        String name = deltaFile.toString();
        byte[] delta = readRegular(deltaFile, name);
        String baseName = baseName(delta, name);
        Path dir = deltaFile.toAbsolutePath().getParent();
        Path basePath = dir.resolve(baseName);
        byte[] base = readRegular(basePath, basePath.toString());
        return CheckpointReader.read(apply(delta, base, name), name);
    }

    private static byte[] readRegular(Path file, String name) throws IOException, CorruptCheckpointException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new CorruptCheckpointException(name, null, 0, "not a regular file (or a symbolic link)");
        }
        if (Files.size(file) > CheckpointReader.MAX_FILE_SIZE) {
            throw new CorruptCheckpointException(name, null, 0, "larger than this reader supports (2 GiB)");
        }
        return Files.readAllBytes(file);
    }

    private static CorruptCheckpointException bad(String file, long offset, String problem) {
        return new CorruptCheckpointException(file, null, offset, "delta: " + problem);
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    private static Head head(byte[] d, String file) throws CorruptCheckpointException {
        if (d.length > CheckpointReader.MAX_FILE_SIZE) throw bad(file, 0, "larger than the 2 GiB limit");
        if (d.length < 20 || !Arrays.equals(d, 0, 8, MAGIC, 0, 8)) {
            throw bad(file, 0, "not a talent checkpoint delta (bad magic or too short)");
        }
        ByteBuffer b = ByteBuffer.wrap(d, 0, d.length - 4);
        int major = Short.toUnsignedInt(b.getShort(8));
        if (major != 1) throw bad(file, 8, "unsupported major version " + major);
        int stored = ByteBuffer.wrap(d).getInt(d.length - 4);
        if (crc(d, 0, d.length - 4) != stored) throw bad(file, d.length - 4, "CRC mismatch");
        if (b.getInt(12) != 0) throw bad(file, 12, "flags must be 0");
        int limit = d.length - 4;
        try {
            b.position(16);
            long nameLength = Integer.toUnsignedLong(b.getInt());
            if (nameLength > MAX_NAME || nameLength > b.remaining()) {
                throw bad(file, 16, "base name of " + nameLength + " bytes (at most " + MAX_NAME + ")");
            }
            byte[] nameBytes = new byte[(int) nameLength];
            b.get(nameBytes);
            String baseName = new String(nameBytes, StandardCharsets.US_ASCII);
            if (!BASE_NAME.matcher(baseName).matches() || nameLength < 5) {
                throw bad(file, 16, "the base is not a plain .tck file name of the same directory");
            }
            long baseLength = b.getLong();
            int baseCrc = b.getInt();
            long imageLength = b.getLong();
            int imageCrc = b.getInt();
            long ops = Integer.toUnsignedLong(b.getInt());
            int opsOffset = b.position();
            if (imageLength < 0 || imageLength > CheckpointReader.MAX_FILE_SIZE || baseLength < 0
                    || baseLength > CheckpointReader.MAX_FILE_SIZE) {
                throw bad(file, opsOffset - 28, "image or base length beyond the 2 GiB limit");
            }
            if (ops * OP_BYTES + 8 > limit - opsOffset) {
                throw bad(file, opsOffset - 4, ops + " operations do not fit the " + (limit - opsOffset) + " bytes left");
            }
            b.position(opsOffset + (int) ops * OP_BYTES);
            long dataLength = b.getLong();
            int dataOffset = b.position();
            if (dataLength != limit - dataOffset) {
                throw bad(file, dataOffset - 8, "data length " + Long.toUnsignedString(dataLength) + ", but "
                        + (limit - dataOffset) + " bytes are left before the CRC");
            }
            return new Head(baseName, baseLength, baseCrc, imageLength, imageCrc, (int) ops, opsOffset, dataOffset,
                    dataLength);
        } catch (java.nio.BufferUnderflowException e) {
            throw bad(file, limit, "ends inside its header");
        }
    }

    /**
     * Validates {@code delta} against {@code base} and returns the image it describes (not yet validated as a
     * checkpoint: pass it to {@link CheckpointReader#read(byte[], String)}).
     */
    public static byte[] apply(byte[] delta, byte[] base, String fileName) throws CorruptCheckpointException {
        Head h = head(delta, fileName);
        if (h.baseLength() != base.length || crc(base, 0, base.length) != h.baseCrc()) {
            throw bad(fileName, -1, "its base " + h.baseName() + " is not the file it was made from (length "
                    + h.baseLength() + " and CRC " + Integer.toHexString(h.baseCrc()) + " expected, " + base.length
                    + " bytes found)");
        }
        checkOps(h, delta, base.length, fileName);
        ByteBuffer b = ByteBuffer.wrap(delta);
        byte[] image = new byte[(int) h.imageLength()];
        int pos = 0;
        for (int i = 0; i < h.ops(); i++) {
            int at = h.opsOffset() + i * OP_BYTES;
            int a = (int) b.getLong(at + 1);
            int len = (int) b.getLong(at + 9);
            if (delta[at] == OP_COPY) System.arraycopy(base, a, image, pos, len);
            else System.arraycopy(delta, h.dataOffset() + a, image, pos, len);
            pos += len;
        }
        if (crc(image, 0, image.length) != h.imageCrc()) {
            throw bad(fileName, -1, "the rebuilt image does not match its CRC " + Integer.toHexString(h.imageCrc()));
        }
        return image;
    }

    /** Every operation of the delta in range, and together exactly the image and all of the data. */
    private static void checkOps(Head h, byte[] delta, long baseLength, String fileName) throws CorruptCheckpointException {
        ByteBuffer b = ByteBuffer.wrap(delta);
        long filled = 0;
        long cursor = 0;
        for (int i = 0; i < h.ops(); i++) {
            int at = h.opsOffset() + i * OP_BYTES;
            int kind = Byte.toUnsignedInt(delta[at]);
            long a = b.getLong(at + 1);
            long len = b.getLong(at + 9);
            if (kind != OP_COPY && kind != OP_DATA) throw bad(fileName, at, "operation kind " + kind + " (1 COPY, 2 DATA)");
            if (len <= 0 || len > h.imageLength() - filled) {
                throw bad(fileName, at, "operation of " + Long.toUnsignedString(len) + " bytes beyond the image of "
                        + h.imageLength() + " bytes");
            }
            if (kind == OP_COPY && (a < 0 || a > baseLength || len > baseLength - a)) {
                throw bad(fileName, at, "COPY of " + len + " bytes at " + Long.toUnsignedString(a)
                        + " outside the base of " + baseLength + " bytes");
            }
            if (kind == OP_DATA && (a != cursor || len > h.dataLength() - cursor)) {
                throw bad(fileName, at, "DATA at " + Long.toUnsignedString(a) + " of " + len + " bytes, expected at "
                        + cursor + " within " + h.dataLength() + " bytes");
            }
            if (kind == OP_DATA) cursor += len;
            filled += len;
        }
        if (filled != h.imageLength() || cursor != h.dataLength()) {
            throw bad(fileName, -1, "operations make " + filled + " of " + h.imageLength() + " image bytes and use "
                    + cursor + " of " + h.dataLength() + " data bytes");
        }
    }

    /** Bytes of a file mapped at once by {@link #crcOf}. */
    private static final long MAP_BYTES = 1L << 28;

    /** CRC32C of the first length bytes of the file open as ch, read through mappings of at most {@link #MAP_BYTES}. */
    private static int crcOf(FileChannel ch, long length) throws IOException {
        CRC32C c = new CRC32C();
        for (long at = 0; at < length; at += MAP_BYTES) {
            c.update(ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(MAP_BYTES, length - at)));
        }
        return (int) c.getValue();
    }

    /**
     * As {@link #apply}, with the base and the image as files: the same checks, in the same order, with the same
     * messages, but the base is read only for its CRC and the image is made by the file system's copy of the COPY
     * ranges ({@link FileChannel#transferTo}, which the kernel may do without a copy through this process) and writes
     * of the DATA ones, then its CRC checked over the file written. {@code image} must not exist; it is removed again
     * when anything fails. Nothing is written before the delta and its base are checked.
     */
    public static void applyToFile(byte[] delta, Path base, Path image, String fileName)
            throws IOException, CorruptCheckpointException {
        Head h = head(delta, fileName);
        if (!Files.isRegularFile(base, LinkOption.NOFOLLOW_LINKS)) {
            throw new CorruptCheckpointException(base.toString(), null, 0, "not a regular file (or a symbolic link)");
        }
        try (FileChannel in = FileChannel.open(base, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long baseLength = in.size();
            if (h.baseLength() != baseLength || crcOf(in, baseLength) != h.baseCrc()) {
                throw bad(fileName, -1, "its base " + h.baseName() + " is not the file it was made from (length "
                        + h.baseLength() + " and CRC " + Integer.toHexString(h.baseCrc()) + " expected, " + baseLength
                        + " bytes found)");
            }
            checkOps(h, delta, baseLength, fileName);
            boolean done = false;
            // created here (never one that was there before), so removed again on failure
            FileChannel created = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try (FileChannel out = created) {
                ByteBuffer b = ByteBuffer.wrap(delta);
                long pos = 0;
                for (int i = 0; i < h.ops(); i++) {
                    int at = h.opsOffset() + i * OP_BYTES;
                    long a = b.getLong(at + 1);
                    long len = b.getLong(at + 9);
                    if (delta[at] == OP_COPY) {
                        // the base's length was checked above: a base that shrank since ends the copy short
                        for (long moved = 0; moved < len; ) {
                            out.position(pos + moved);
                            long n = in.transferTo(a + moved, len - moved, out);
                            if (n <= 0) throw bad(fileName, at, "its base " + h.baseName() + " shrank while it was applied");
                            moved += n;
                        }
                    } else {
                        ByteBuffer data = ByteBuffer.wrap(delta, h.dataOffset() + (int) a, (int) len);
                        while (data.hasRemaining()) out.write(data, pos + len - data.remaining());
                    }
                    pos += len;
                }
                if (out.size() != h.imageLength() || crcOf(out, h.imageLength()) != h.imageCrc()) {
                    throw bad(fileName, -1, "the rebuilt image does not match its CRC " + Integer.toHexString(h.imageCrc()));
                }
                done = true;
            } finally {
                if (!done) Files.deleteIfExists(image);
            }
        }
    }

    /**
     * Builds the delta that turns {@code base} (the checkpoint file {@code baseName} of the same directory) into
     * {@code image}, as the C runtime does: each section's payload compared in {@link #CHUNK}-byte chunks with the
     * base's section of the same tag at equal offsets; framing bytes, and what the base lacks, carried as data.
     */
    public static byte[] build(String baseName, byte[] base, byte[] image) {
        if (!BASE_NAME.matcher(baseName).matches() || baseName.length() > MAX_NAME) {
            throw new IllegalArgumentException("not a plain .tck file name: " + baseName);
        }
        Ops ops = new Ops();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ByteBuffer img = ByteBuffer.wrap(image);
        int head = Math.min(24, image.length);
        ops.data(data, image, 0, head);
        int pos = head;
        while (pos + 12 <= image.length) {
            long len = img.getLong(pos + 4);
            if (len < 0 || len > image.length - pos - 16L) break;
            String tag = new String(image, pos, 4, StandardCharsets.ISO_8859_1);
            ops.data(data, image, pos, 12);
            int payload = pos + 12;
            int[] bs = baseSection(base, tag);
            int done = 0;
            if (bs != null) {
                while (done < len && done < bs[1]) {
                    int n = (int) Math.min(Math.min(CHUNK, len - done), bs[1] - done);
                    if (Arrays.equals(image, payload + done, payload + done + n, base, bs[0] + done, bs[0] + done + n)) {
                        ops.copy(bs[0] + done, n);
                    } else {
                        ops.data(data, image, payload + done, n);
                    }
                    done += n;
                }
            }
            ops.data(data, image, payload + done, (int) len - done);
            ops.data(data, image, payload + (int) len, 4);
            pos = payload + (int) len + 4;
        }
        ops.data(data, image, pos, image.length - pos);

        byte[] nameBytes = baseName.getBytes(StandardCharsets.US_ASCII);
        byte[] payloadData = data.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(16 + 4 + nameBytes.length + 8 + 4 + 8 + 4 + 4 + ops.n * OP_BYTES + 8
                + payloadData.length + 4);
        out.put(MAGIC).putShort((short) 1).putShort((short) 0).putInt(0);
        out.putInt(nameBytes.length).put(nameBytes);
        out.putLong(base.length).putInt(crc(base, 0, base.length));
        out.putLong(image.length).putInt(crc(image, 0, image.length));
        out.putInt(ops.n);
        long cursor = 0;
        for (int i = 0; i < ops.n; i++) {
            out.put((byte) ops.kind[i]).putLong(ops.kind[i] == OP_DATA ? cursor : ops.a[i]).putLong(ops.len[i]);
            if (ops.kind[i] == OP_DATA) cursor += ops.len[i];
        }
        out.putLong(payloadData.length).put(payloadData);
        byte[] result = out.array();
        out.putInt(crc(result, 0, result.length - 4));
        return result;
    }

    /** Offset and length of the payload of the base's first section tagged {@code tag}, or null. */
    private static int[] baseSection(byte[] base, String tag) {
        ByteBuffer b = ByteBuffer.wrap(base);
        int pos = 24;
        byte[] t = tag.getBytes(StandardCharsets.ISO_8859_1);
        while (pos + 12 <= base.length) {
            long len = b.getLong(pos + 4);
            if (len < 0 || len > base.length - pos - 16L) return null;
            if (Arrays.equals(base, pos, pos + 4, t, 0, 4)) return new int[] {pos + 12, (int) len};
            pos += 16 + (int) len;
        }
        return null;
    }

    /** Operations being built, coalesced as the C writer does. */
    private static final class Ops {
        int n;
        int[] kind = new int[16];
        long[] a = new long[16];
        long[] len = new long[16];

        void copy(long at, long length) {
            if (length == 0) return;
            if (n > 0 && kind[n - 1] == OP_COPY && a[n - 1] + len[n - 1] == at) {
                len[n - 1] += length;
                return;
            }
            add(OP_COPY, at, length);
        }

        void data(ByteArrayOutputStream data, byte[] from, int off, int length) {
            if (length <= 0) return;
            data.write(from, off, length);
            if (n > 0 && kind[n - 1] == OP_DATA) {
                len[n - 1] += length;
                return;
            }
            add(OP_DATA, 0, length);
        }

        private void add(int k, long at, long length) {
            if (n == kind.length) {
                kind = Arrays.copyOf(kind, 2 * n);
                a = Arrays.copyOf(a, 2 * n);
                len = Arrays.copyOf(len, 2 * n);
            }
            kind[n] = k;
            a[n] = at;
            len[n] = length;
            n++;
        }
    }
}
