package dev.talent.format;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Makes text that came from a checkpoint or a program safe to print on a terminal: every character a terminal
 * would act on instead of showing is replaced by a visible escape, so a crafted name can neither forge nor hide
 * lines (escape sequences, carriage return, backspace) nor reorder what follows it (bidirectional overrides).
 *
 * <p>Escaped: C0 controls and DEL ({@code \n \r \t \e} by name, others as {@code \xNN}), C1 controls, Unicode
 * format characters (bidi embeddings, overrides and isolates, zero-width characters, the BOM, soft hyphen), the
 * line and paragraph separators and unpaired surrogates (as a backslash, {@code u} and four hex digits); a backslash becomes {@code \\} so
 * that an escape in the output always means an escaped character. Bytes that are not UTF-8 are shown as
 * {@code \xNN}. Everything else is kept, so ordinary names and paths (any script) print as they are.
 *
 * <p>Every place talent prints such text (inspect, status, migrate, error messages naming a program's file) goes
 * through this one class.
 */
public final class SafeText {
    private SafeText() {}

    /** The text with every unsafe character escaped. */
    public static String escape(CharSequence text) {
        if (text == null) return "null";
        int length = text.length();
        int i = 0;
        while (i < length) {
            char c = text.charAt(i);
            if (c == '\\' || needsEscape(c) || Character.isSurrogate(c)) break;
            i++;
        }
        if (i == length) return text.toString();   // the common case: nothing to escape
        StringBuilder sb = new StringBuilder(length + 16);
        sb.append(text, 0, i);
        while (i < length) {
            int cp = Character.codePointAt(text, i);
            appendEscaped(sb, cp);
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    /** Raw bytes (a path, an argument) as text: UTF-8 where they are, each other byte as {@code \xNN}. */
    public static String escape(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return escape(decoder.decode(ByteBuffer.wrap(bytes)));
        } catch (CharacterCodingException e) {
            // decode piecewise: each maximal valid run as text, each invalid byte as \xNN
        }
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        decoder.reset();
        while (in.hasRemaining()) {
            var result = decoder.decode(in, out, true);
            out.flip();
            sb.append(escape(out));
            out.clear();
            if (result.isError()) {
                for (int k = 0; k < result.length(); k++) hex(sb, in.get() & 0xFF);
            }
        }
        return sb.toString();
    }

    /** Whether the code point is one that {@link #escape} replaces (the backslash aside). */
    public static boolean needsEscape(int cp) {
        if (cp < 0x20 || cp == 0x7F) return true;
        if (cp < 0x7F) return false;
        if (cp <= 0x9F) return true;   // C1 controls
        return switch (Character.getType(cp)) {
            case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE,
                 Character.CONTROL -> true;
            default -> false;
        };
    }

    private static void appendEscaped(StringBuilder sb, int cp) {
        switch (cp) {
            case '\\' -> sb.append("\\\\");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            case 0x1B -> sb.append("\\e");
            default -> {
                if (!needsEscape(cp)) sb.appendCodePoint(cp);
                else if (cp < 0x80) hex(sb, cp);
                else sb.append(String.format(cp > 0xFFFF ? "\\U%08x" : "\\u%04x", cp));
            }
        }
    }

    private static void hex(StringBuilder sb, int b) {
        sb.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
    }
}
