package dev.talent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the runtime's own end-to-end checks (src/test/run-handwritten.sh): programs written by hand in the
 * shape the compiler generates, built for every ISA with the runtime, stopped and restarted hop after hop,
 * heap and files migrated, narrowing refused, corruption fallback, signals. They test the runtime alone,
 * independently of the compiler, so a runtime regression is reported here with the script's own log.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class HandwrittenRuntimeIT {

    @Test
    void everyHandwrittenCheckPasses(@TempDir Path work) throws IOException, InterruptedException {
        Path script = Path.of("src/test/run-handwritten.sh").toAbsolutePath();
        assertThat(script).exists();
        Path log = work.resolve("run-handwritten.log");
        Process process = new ProcessBuilder("bash", script.toString(), work.resolve("work").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = process.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("run-handwritten.sh finished within 10 minutes; its log:%n%s", output).isTrue();
        assertThat(process.exitValue()).as("exit status of run-handwritten.sh; its log:%n%s", output).isZero();
        assertThat(output).as("summary line of run-handwritten.sh").containsPattern("(?m)^[1-9][0-9]* passed, 0 failed$");
    }
}
