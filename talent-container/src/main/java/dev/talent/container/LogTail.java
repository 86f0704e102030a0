package dev.talent.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** The last lines of a log file, read from its end (a long-running container's log can be large). */
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
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
