package dev.talent.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The last lines of a log file, read from its end (a long-running container's log can be large). A tail is
 * quoted in talent's own messages, and the log holds what the program wrote: every control character but the
 * line breaks is shown escaped ({@code \xNN}), so a program cannot forge or hide lines of talent's output.
 */
final class LogTail {

    /** At most this much of the file's end is read; lines before it are not part of any tail. */
    static final int MAX_BYTES = 64 * 1024;

    private LogTail() {}

    /** The last {@code lines} lines of the file, joined with newlines; empty when the file is absent or empty. */
    static String read(Path file, int lines) throws IOException {
        if (lines <= 0) return "";
        String text;
        long start;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int length = (int) Math.min(size, MAX_BYTES);
            start = size - length;
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) > 0) {
                // until the buffer is full (or the file shrank)
            }
            text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        }
        if (start > 0) text = text.substring(text.indexOf('\n') + 1); // the first line was cut
        return lastLines(text, lines);
    }

    static String lastLines(String text, int lines) {
        List<String> all = text.lines().toList();
        return escape(String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())));
    }

    /** Control characters (C0 but newline and tab, DEL, C1) as {@code \xNN}. */
    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0)) s.append(String.format("\\x%02x", (int) c));
            else s.append(c);
        }
        return s.toString();
    }
}
