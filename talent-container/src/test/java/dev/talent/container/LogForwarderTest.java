package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogForwarderTest {
    @TempDir
    Path dir;

    @Test
    void finishForwardsEverythingWrittenAfterTheOffsetIncludingAnUnfinishedLastLine() throws Exception {
        Path log = Files.writeString(dir.resolve("log"), "before the container\n");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        LogForwarder f = LogForwarder.start(log, Files.size(log), sink, "test-forwarder");
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            String line = "line " + i + "\n";
            Files.writeString(log, line, StandardOpenOption.APPEND);
            expected.append(line);
            if (i % 50 == 0) Thread.sleep(7); // some of them are forwarded by the polling thread
        }
        Files.writeString(log, "no newline yet", StandardOpenOption.APPEND);
        expected.append("no newline yet");

        f.finish();

        // what finish() returned after is all there, once, in order, whichever thread forwarded it
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        Files.writeString(log, "after the end\n", StandardOpenOption.APPEND);
        Thread.sleep(2 * LogForwarder.POLL_NANOS / 1_000_000);
        f.finish(); // idempotent
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }
}
