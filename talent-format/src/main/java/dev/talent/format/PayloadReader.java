package dev.talent.format;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads primitives from one section's payload, never past its end, and turns every problem into a
 * {@link CorruptCheckpointException} naming the file offset.
 */
final class PayloadReader {
    private final ByteBuffer data;
    private final String file;
    private final String tag;
    private final int end;
    private int pos;

    PayloadReader(ByteBuffer data, String file, String tag, int start, int end) {
        this.data = data;
        this.file = file;
        this.tag = tag;
        this.pos = start;
        this.end = end;
    }

    /** The tag of the section being read. */
    String tag() {
        return tag;
    }

    /** File offset of the next byte. */
    int offset() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    CorruptCheckpointException error(long at, String problem) {
        return new CorruptCheckpointException(file, tag, at, problem);
    }

    private void need(long n, String what) throws CorruptCheckpointException {
        if (n > end - pos) {
            throw error(pos, "truncated: " + what + " needs " + n + " bytes but only " + (end - pos)
                    + " remain in the section");
        }
    }

    int u8(String what) throws CorruptCheckpointException {
        need(1, what);
        return data.get(pos++) & 0xFF;
    }

    int u16(String what) throws CorruptCheckpointException {
        need(2, what);
        int v = ((data.get(pos) & 0xFF) << 8) | (data.get(pos + 1) & 0xFF);
        pos += 2;
        return v;
    }

    long u32(String what) throws CorruptCheckpointException {
        need(4, what);
        long v = 0;
        for (int i = 0; i < 4; i++) v = (v << 8) | (data.get(pos + i) & 0xFF);
        pos += 4;
        return v;
    }

    /** A u64 (or i64) as a Java long: callers compare u64 quantities with {@link Long#compareUnsigned}. */
    long u64(String what) throws CorruptCheckpointException {
        need(8, what);
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (data.get(pos + i) & 0xFF);
        pos += 8;
        return v;
    }

    byte[] bytes(int n, String what) throws CorruptCheckpointException {
        need(n, what);
        byte[] out = new byte[n];
        data.get(pos, out);
        pos += n;
        return out;
    }

    /** Skips {@code n} bytes (checked like {@link #bytes}); returns the offset where they start. */
    int skip(long n, String what) throws CorruptCheckpointException {
        need(n, what);
        int at = pos;
        pos += (int) n;
        return at;
    }

    /** The payload's backing bytes (for values decoded lazily, {@link LazyElements}). */
    ByteBuffer buffer() {
        return data;
    }

    /** A {@code str}: u32 length then UTF-8 without NUL (docs/FORMAT.md). */
    String str(String what) throws CorruptCheckpointException {
        int at = pos;
        byte[] raw = lengthPrefixed(what);
        for (byte b : raw) {
            if (b == 0) throw error(at, what + ": text holds a NUL byte");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw error(at, what + ": expected UTF-8 text, found invalid UTF-8 bytes");
        }
    }

    /** A {@code bytes}: u32 length then raw bytes. */
    ByteString byteString(String what) throws CorruptCheckpointException {
        return ByteString.of(lengthPrefixed(what));
    }

    /** A {@code bytes} that holds a C string (argv, STRS, a FILE path): any bytes but NUL. */
    ByteString cString(String what) throws CorruptCheckpointException {
        int at = pos;
        byte[] raw = lengthPrefixed(what);
        for (byte b : raw) {
            if (b == 0) throw error(at, what + ": a C string holds a NUL byte");
        }
        return ByteString.of(raw);
    }

    private byte[] lengthPrefixed(String what) throws CorruptCheckpointException {
        int at = pos;
        long length = u32(what + " length");
        if (length > end - pos) {
            throw error(at, "truncated: " + what + " declares " + length + " bytes but only " + (end - pos)
                    + " remain in the section");
        }
        return bytes((int) length, what);
    }

    /** A u32 count of items each taking at least {@code minItemBytes}, checked against the remaining payload. */
    int count(String what, long minItemBytes) throws CorruptCheckpointException {
        int at = pos;
        long n = u32(what);
        if (minItemBytes > 0 && n > (end - pos) / minItemBytes) {
            throw error(at, "truncated: " + what + " is " + n + ", needing at least " + n * minItemBytes
                    + " bytes, but only " + (end - pos) + " remain in the section");
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    void expectEnd() throws CorruptCheckpointException {
        if (pos != end) {
            throw error(pos, (end - pos) + " unexpected bytes after the end of the section's content");
        }
    }
}
