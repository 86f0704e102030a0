package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options the {@code ./talent} launcher picks per command (issue 16): the shortest commands run
 * interpreted, {@code status} of a fleet and the other commands do not. The launcher runs a stand-in JDK whose
 * {@code java} writes the options it was given to a file.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LauncherOptionsTest {

    static final Path LAUNCHER = Path.of("..", "talent").toAbsolutePath().normalize();

    @TempDir Path dir;

    @Test
    void shortCommandsRunInterpretedAndFleetStatusKeepsTheJit() throws Exception {
        assertThat(options(Map.of(), "--help")).contains("-Xint").doesNotContain("-XX:TieredStopAtLevel=1");
        assertThat(options(Map.of(), "--version")).contains("-Xint");
        assertThat(options(Map.of(), "exec", "--isa", "x86_64", "prog")).contains("-Xint");
        assertThat(options(Map.of(), "status")).contains("-Xint");
        assertThat(options(Map.of(), "status", "app", "--json")).contains("-Xint");
        assertThat(options(Map.of(), "status", "--fleet", "f.toml")).contains("-XX:TieredStopAtLevel=1").doesNotContain("-Xint");
        assertThat(options(Map.of(), "status", "--fleet=f.toml")).contains("-XX:TieredStopAtLevel=1").doesNotContain("-Xint");
        assertThat(options(Map.of("TALENT_FLEET", "f.toml"), "status")).contains("-XX:TieredStopAtLevel=1")
                .doesNotContain("-Xint");
        assertThat(options(Map.of(), "alerts")).contains("-XX:TieredStopAtLevel=1").doesNotContain("-Xint");
        assertThat(options(Map.of(), "build", "--help")).doesNotContain("-Xint").doesNotContain("-XX:TieredStopAtLevel=1");
    }

    /** The arguments the launcher gave {@code java} for {@code ./talent ARGS}, one a line. */
    private List<String> options(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path jdk = dir.resolve("jdk");
        Path bin = Files.createDirectories(jdk.resolve("bin"));
        Path seen = dir.resolve("seen");
        Files.deleteIfExists(seen);
        for (String tool : List.of("java", "javac")) {
            Path f = bin.resolve(tool);
            Files.writeString(f, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + seen + "'\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        }
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
        Path jar = dir.resolve("talent.jar");
        if (!Files.exists(jar)) Files.createFile(jar);
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("TALENT_FLEET");
        pb.environment().putAll(Map.of("JAVA_HOME", jdk.toString(), "TALENT_JAR", jar.toString(), "TALENT_NO_AOT", "1"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> given = Files.readAllLines(seen);
        assertThat(given).as(out).contains("dev.talent.cli.Main");
        return given.subList(0, given.indexOf("dev.talent.cli.Main"));
    }
}
