package dev.talent.migrate;

/** Text that came from the program, made safe to print on the operator's terminal. */
final class Printable {
    private Printable() {}

    /**
     * {@code text} with every character outside printable ASCII written as {@code \xNN} (or {@code \\u....}),
     * a backslash as {@code \\}, cut after {@code max} characters of the original with "...".
     */
    static String escape(String text, int max) {
        StringBuilder s = new StringBuilder();
        int n = Math.min(text.length(), max);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\\') s.append("\\\\");
            else if (c >= 0x20 && c < 0x7f) s.append(c);
            else if (c < 0x100) s.append(String.format("\\x%02x", (int) c));
            else s.append(String.format("\\u%04x", (int) c));
        }
        if (text.length() > max) s.append("...");
        return s.toString();
    }
}
