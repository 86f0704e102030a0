package dev.talent.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The shared delta corpus of docs/FORMAT.md "Delta" ({@code src/test/resources/corpus/delta/}): {@code base.tck} (the
 * valid corpus's base checkpoint), deltas against it that both readers accept ({@code valid-*.tdl}) and deltas both
 * refuse ({@code forged-*.tdl}), each forged one with its CRC recomputed so that it reaches the check it is about.
 * {@link DeltaCorpusTest} checks the files and the Java reader; talent-runtime's CheckpointValidationIT the C reader.
 */
final class DeltaCorpus {
    static final String BASE = "base.tck";

    private DeltaCorpus() {}

    static byte[] base() {
        return ForgedCorpus.valid().get(BASE);
    }

    /** Another valid checkpoint of the same program: what a delta against the base rebuilds. */
    static byte[] changed() {
        return ForgedCorpus.valid().get("edge-pointers.tck");
    }

    /**
     * The base with its META time stamp changed and META's CRC recomputed: a valid checkpoint as long as the base that
     * differs from it in a few bytes (a pre-copy stop's delta of a state that changed in place).
     */
    static byte[] retimed() {
        byte[] b = base().clone();
        ByteBuffer f = ByteBuffer.wrap(b);
        int head = 24;
        if (!new String(b, head, 4, StandardCharsets.ISO_8859_1).equals("META")) throw new IllegalStateException("META first");
        int payload = head + 12;
        int at = payload;
        for (int s = 0; s < 3; s++) at += 4 + f.getInt(at);    // fingerprint, program, platform
        at += 2;                                                // pointer bits, big endian
        f.putLong(at, f.getLong(at) + 1_000_000_007L);
        int len = (int) f.getLong(head + 4);
        CRC32C c = new CRC32C();
        c.update(b, head, 12 + len);
        f.putInt(payload + len, (int) c.getValue());
        return b;
    }

    static int crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b, 0, b.length);
        return (int) c.getValue();
    }

    /** One delta operation as written: kind, a (base offset or data offset), length. */
    record Op(int kind, long a, long len) {}

    /** A delta written field by field, any field possibly wrong; the CRC is computed over what precedes it. */
    static byte[] encode(int major, int flags, String name, long baseLength, int baseCrc, long imageLength, int imageCrc,
            long opCount, Op[] ops, long dataLength, byte[] data) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(16 + 4 + n.length + 28 + ops.length * 17 + 8 + data.length + 4);
        b.put(CheckpointDelta.MAGIC).putShort((short) major).putShort((short) 0).putInt(flags);
        b.putInt(n.length).put(n).putLong(baseLength).putInt(baseCrc).putLong(imageLength).putInt(imageCrc);
        b.putInt((int) opCount);
        for (Op op : ops) b.put((byte) op.kind()).putLong(op.a()).putLong(op.len());
        b.putLong(dataLength).put(data);
        return reseal(b.array());
    }

    /** Recomputes the trailing CRC. */
    static byte[] reseal(byte[] d) {
        CRC32C c = new CRC32C();
        c.update(d, 0, d.length - 4);
        ByteBuffer.wrap(d).putInt(d.length - 4, (int) c.getValue());
        return d;
    }

    /** A well-formed delta of the image made of ops over the base, data carried for DATA. */
    static byte[] deltaOf(byte[] base, byte[] image, Op[] ops, byte[] data) {
        return encode(1, 0, BASE, base.length, crc(base), image.length, crc(image), ops.length, ops, data.length, data);
    }

    static Map<String, byte[]> files() {
        byte[] base = base();
        byte[] changed = changed();
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(BASE, base);
        out.put("valid-identity.tdl", CheckpointDelta.build(BASE, base, base));
        out.put("valid-changed.tdl", CheckpointDelta.build(BASE, base, changed));
        out.put("valid-all-data.tdl", deltaOf(base, changed, new Op[] {new Op(2, 0, changed.length)}, changed));
        int half = base.length / 2;
        out.put("valid-copy-then-data.tdl", deltaOf(base, base, new Op[] {new Op(1, 0, half),
                new Op(2, 0, base.length - half)}, Arrays.copyOfRange(base, half, base.length)));

        // as long as the base, every COPY where it stands: the C restart writes the DATA over the base's mapping
        byte[] retimed = retimed();
        byte[] inPlace = CheckpointDelta.build(BASE, base, retimed);
        out.put("valid-in-place.tdl", inPlace);

        byte[] good = CheckpointDelta.build(BASE, base, changed);
        byte[] magic = good.clone();
        magic[0] = 'X';
        out.put("forged-magic.tdl", reseal(magic));
        byte[] major = good.clone();
        major[9] = 2;
        out.put("forged-major.tdl", reseal(major));
        byte[] crc = good.clone();
        crc[crc.length - 1] ^= 1;
        out.put("forged-crc.tdl", crc);
        byte[] flags = good.clone();
        flags[15] = 1;
        out.put("forged-flags.tdl", reseal(flags));
        out.put("forged-truncated.tdl", reseal(Arrays.copyOf(good, 30)));
        Op[] whole = {new Op(1, 0, base.length)};
        out.put("forged-base-path.tdl", encode(1, 0, "../base.tck", base.length, crc(base), base.length, crc(base), 1,
                whole, 0, new byte[0]));
        out.put("forged-base-not-tck.tdl", encode(1, 0, "base.tdl", base.length, crc(base), base.length, crc(base), 1,
                whole, 0, new byte[0]));
        out.put("forged-base-hidden.tdl", encode(1, 0, ".base.tck", base.length, crc(base), base.length, crc(base), 1,
                whole, 0, new byte[0]));
        out.put("forged-base-name-long.tdl", encode(1, 0, "b".repeat(70) + ".tck", base.length, crc(base), base.length,
                crc(base), 1, whole, 0, new byte[0]));
        out.put("forged-base-length.tdl", encode(1, 0, BASE, base.length + 1, crc(base), base.length, crc(base), 1,
                whole, 0, new byte[0]));
        out.put("forged-base-crc.tdl", encode(1, 0, BASE, base.length, crc(base) ^ 1, base.length, crc(base), 1, whole,
                0, new byte[0]));
        out.put("forged-image-huge.tdl", encode(1, 0, BASE, base.length, crc(base), 1L << 40, crc(base), 1, whole, 0,
                new byte[0]));
        out.put("forged-op-count.tdl", encode(1, 0, BASE, base.length, crc(base), base.length, crc(base), 0x7fffffff,
                whole, 0, new byte[0]));
        out.put("forged-data-length.tdl", encode(1, 0, BASE, base.length, crc(base), base.length, crc(base), 1, whole,
                5, new byte[0]));
        out.put("forged-op-kind.tdl", encode(1, 0, BASE, base.length, crc(base), base.length, crc(base), 1,
                new Op[] {new Op(3, 0, base.length)}, 0, new byte[0]));
        out.put("forged-op-empty.tdl", encode(1, 0, BASE, base.length, crc(base), base.length, crc(base), 2,
                new Op[] {new Op(1, 0, 0), new Op(1, 0, base.length)}, 0, new byte[0]));
        out.put("forged-copy-outside.tdl", encode(1, 0, BASE, base.length, crc(base), base.length, crc(base), 2,
                new Op[] {new Op(1, 0, 10), new Op(1, base.length - 5, base.length - 10)}, 0, new byte[0]));
        out.put("forged-copy-wraps.tdl", encode(1, 0, BASE, base.length, crc(base), base.length, crc(base), 2,
                new Op[] {new Op(1, -8, 8), new Op(1, 0, base.length - 8)}, 0, new byte[0]));
        out.put("forged-op-past-image.tdl", encode(1, 0, BASE, base.length, crc(base), base.length, crc(base), 2,
                new Op[] {new Op(1, 0, base.length), new Op(1, 0, 1)}, 0, new byte[0]));
        out.put("forged-image-short.tdl", encode(1, 0, BASE, base.length, crc(base), base.length, crc(base), 1,
                new Op[] {new Op(1, 0, base.length - 1)}, 0, new byte[0]));
        byte[] tail = Arrays.copyOfRange(base, half, base.length);
        out.put("forged-data-out-of-order.tdl", encode(1, 0, BASE, base.length, crc(base), base.length, crc(base), 2,
                new Op[] {new Op(1, 0, half), new Op(2, 3, base.length - half)}, tail.length, tail));
        out.put("forged-data-unused.tdl", encode(1, 0, BASE, base.length, crc(base), base.length, crc(base), 1, whole,
                tail.length, tail));
        out.put("forged-image-crc.tdl", encode(1, 0, BASE, base.length, crc(base), base.length, crc(base) ^ 1, 1, whole,
                0, new byte[0]));
        byte[] inPlaceImageCrc = inPlace.clone();
        int imageCrcAt = 16 + 4 + BASE.length() + 8 + 4 + 8;
        inPlaceImageCrc[imageCrcAt] ^= 1;
        out.put("forged-in-place-image-crc.tdl", reseal(inPlaceImageCrc));
        byte[] inPlaceBaseCrc = inPlace.clone();
        inPlaceBaseCrc[imageCrcAt - 12] ^= 1;
        out.put("forged-in-place-base-crc.tdl", reseal(inPlaceBaseCrc));
        // every delta check passes and the DATA is written over the base, but META's CRC no longer matches
        byte[] badMeta = retimed.clone();
        badMeta[24 + 12 + 4] ^= 1;
        out.put("forged-in-place-data.tdl", CheckpointDelta.build(BASE, base, badMeta));
        // every delta check passes; the rebuilt checkpoint is one the checkpoint validation refuses
        byte[] forgedImage = ForgedCorpus.forged().values().iterator().next();
        out.put("forged-image-invalid.tdl", CheckpointDelta.build(BASE, base, forgedImage));
        return out;
    }
}
