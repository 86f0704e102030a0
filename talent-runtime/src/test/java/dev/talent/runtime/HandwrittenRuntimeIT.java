package dev.talent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the runtime's own end-to-end checks (src/test/run-handwritten.sh): programs written by hand in the
 * shape the compiler generates, built for every ISA with the runtime, stopped and restarted hop after hop,
 * heap and files migrated, narrowing refused, corruption fallback, signals. They test the runtime alone,
 * independently of the compiler, so a runtime regression is reported here with the script's own log.
 *
 * <p>The same checks run a second time with the native x86_64 runtime and programs built with AddressSanitizer
 * and UndefinedBehaviorSanitizer ({@code --sanitize}): an out-of-bounds access or undefined behaviour that the
 * ordinary build survives by luck fails the run with the sanitizer's report.
 */
@Timeout(value = 25, unit = TimeUnit.MINUTES)
class HandwrittenRuntimeIT {

    @Test
    void everyHandwrittenCheckPasses(@TempDir Path work) throws IOException, InterruptedException {
        runScript(work, List.of());
    }

    @Test
    void everyHandwrittenCheckPassesUnderAddressAndUndefinedBehaviorSanitizers(@TempDir Path work)
            throws IOException, InterruptedException {
        String output = runScript(work, List.of("--sanitize"));
        assertThat(output).contains("PASS no AddressSanitizer or UndefinedBehaviorSanitizer report in any x86_64 run");
    }

    private static String runScript(Path work, List<String> options) throws IOException, InterruptedException {
        Path script = Path.of("src/test/run-handwritten.sh").toAbsolutePath();
        assertThat(script).exists();
        Path log = work.resolve("run-handwritten.log");
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(options);
        command.add(work.resolve("work").toString());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = process.waitFor(12, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("run-handwritten.sh %s finished within 12 minutes; its log:%n%s", options, output).isTrue();
        assertThat(process.exitValue()).as("exit status of run-handwritten.sh %s; its log:%n%s", options, output).isZero();
        assertThat(output).as("summary line of run-handwritten.sh").containsPattern("(?m)^[1-9][0-9]* passed, 0 failed$");
        return output;
    }
}
