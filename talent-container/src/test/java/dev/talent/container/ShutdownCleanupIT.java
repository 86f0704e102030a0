package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.toolchain.Platform;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the JVM (as Ctrl-C or SIGTERM on talent run does) removes its containers, running or only created. */
@Timeout(120)
class ShutdownCleanupIT {

    @Test
    void jvmShutdownDeletesItsContainers(@TempDir Path dir) throws Exception {
        TestPlatforms.requireContainers();
        Platform platform = TestPlatforms.usable(TestPlatforms.host().name());
        Path probe = TestPlatforms.probe(platform, dir.resolve("build"));
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                HostWithContainers.class.getName(), dir.toString(), probe.toString())
                .redirectError(dir.resolve("jvm-stderr.txt").toFile()).start();
        List<Path> processes;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("child JVM output; its stderr: %s", Files.readString(dir.resolve("jvm-stderr.txt")))
                    .startsWith("pids ");
            processes = Stream.of(line.substring(5).split(" ")).map(pid -> Path.of("/proc", pid)).toList();
            assertThat(processes).allSatisfy(p -> assertThat(p).exists());

            jvm.destroy(); // SIGTERM: the JVM runs its shutdown hooks

            assertThat(jvm.waitFor()).isEqualTo(143);
        }
        assertThat(processes).allSatisfy(p -> assertThat(p).doesNotExist());
        try (Stream<Path> runc = Files.list(dir.resolve("state/runc")); Stream<Path> bundles = Files.list(dir.resolve("state/bundles"))) {
            assertThat(runc).as("runc state left").isEmpty();
            assertThat(bundles).as("bundles left").isEmpty();
        }
    }
}
