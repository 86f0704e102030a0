package dev.talent.format;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable sequence of raw bytes: a C string's contents without its terminating NUL.
 *
 * <p>Used for string constants ({@code STRS}) and {@code main}'s argument vector, which C programs may fill with
 * bytes that are not UTF-8 (a {@code "\xff"} literal, a Latin-1 file name); names and source positions are
 * {@link String}s instead.
 */
public final class ByteString {
    private final byte[] bytes;

    private ByteString(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}. */
    public static ByteString of(byte[] bytes) {
        return new ByteString(bytes.clone());
    }

    /** The UTF-8 encoding of {@code text}. */
    public static ByteString utf8(String text) {
        return new ByteString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** The byte at {@code index}, 0..255. */
    public int byteAt(int index) {
        return bytes[index] & 0xFF;
    }

    /** Whether the bytes are well-formed UTF-8. */
    public boolean isUtf8() {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** The bytes decoded as UTF-8, malformed sequences replaced by U+FFFD (for display only). */
    public String toLenientString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteString other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return isUtf8() ? toLenientString() : "0x" + HexFormat.of().formatHex(bytes);
    }
}
