package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The log tail and the live forwarding of a container's stderr file. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogFilesTest {

    @TempDir Path dir;

    @Test
    void tailHasTheLastLines() throws IOException {
        Path log = Files.writeString(dir.resolve("a.log"), "one\ntwo\nthree\nfour\n");

        assertThat(LogTail.read(log, 2)).isEqualTo("three\nfour");
        assertThat(LogTail.read(log, 10)).isEqualTo("one\ntwo\nthree\nfour");
        assertThat(LogTail.read(dir.resolve("absent.log"), 3)).isEmpty();
    }

    @Test
    void tailShowsControlCharactersEscaped() throws IOException {
        Path log = Files.writeString(dir.resolve("c.log"), "ok\tfine\n\u001b[2Jtalent run: forged\rline\u0085\n");

        // (a carriage return ends a line, as String.lines() has it: nothing is overwritten on a terminal either)
        assertThat(LogTail.read(log, 3)).isEqualTo("ok\tfine\n\\x1b[2Jtalent run: forged\nline\\x85");
    }

    @Test
    void tailOfAHugeLogReadsOnlyItsEndAndDropsTheCutLine() throws IOException {
        Path log = dir.resolve("big.log");
        Files.writeString(log, "x".repeat(LogTail.MAX_BYTES) + "\nlast but one\nlast");

        assertThat(LogTail.read(log, 5)).isEqualTo("last but one\nlast");
    }

    @Test
    void forwarderCopiesAppendedLinesAndTheRestWhenFinished() throws Exception {
        Path log = Files.writeString(dir.resolve("c.log"), "before\n");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        LogForwarder forwarder = LogForwarder.start(log, Files.size(log), sink, "test-forwarder");

        Files.writeString(log, "first line\n", StandardOpenOption.APPEND);
        // bounded: a forwarder that never copies fails here, with what it copied, instead of hanging the build
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!text(sink).contains("first line\n")) {
            assertThat(System.nanoTime() - deadline).as("forwarded within 20 s; so far: '%s'", text(sink)).isNegative();
            Thread.sleep(1);
        }
        Files.writeString(log, "unfinished", StandardOpenOption.APPEND);
        forwarder.finish();
        forwarder.finish();

        assertThat(text(sink)).isEqualTo("first line\nunfinished");
    }

    private static String text(ByteArrayOutputStream sink) {
        synchronized (sink) {
            return sink.toString(StandardCharsets.UTF_8);
        }
    }
}
