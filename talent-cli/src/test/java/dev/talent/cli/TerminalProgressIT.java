package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.ProcessRunner;
import dev.talent.toolchain.ToolchainProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's progress on a real terminal: {@code talent build} across platforms run by util-linux's {@code script}
 * (a pseudo-terminal for its stdout and stderr) shows each step as it begins; the same build with stderr a pipe
 * writes only its results.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TerminalProgressIT {
    @TempDir Path dir;

    private static final String APP = "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n";

    @Test
    void aBuildAcrossPlatformsShowsItsStepsOnATerminalOnly() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script is not installed (apt-get install bsdutils)");
        ToolchainProbe probe = ToolchainProbe.ofHost();
        List<Platform> platforms = probe.probe(probe.defaultTargets()).stream().filter(s -> s.isBuildable())
                .map(s -> s.platform()).limit(2).toList();
        assumeTrue(platforms.size() == 2, "two buildable platforms are needed, found " + platforms);
        String isas = platforms.stream().map(Platform::name).collect(Collectors.joining(","));
        Files.writeString(dir.resolve("app.c"), APP);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(" ", quoted(java), "-jar", quoted(TalentJar.JAR.toString()), "build", "-o", "tty", "--isa", isas, "app.c");
        CapturedRun tty = ProcessRunner.capture(List.of("/usr/bin/script", "-q", "-e", "-c", command, "/dev/null"),
                new EnvironmentChange(Map.of("TALENT_CACHE_DIR", TalentJar.CACHE.toString()), RuntimeEnvironment.ALL), dir);
        assertThat(tty.exitCode()).as(tty.stdout() + tty.stderr()).isZero();
        String screen = tty.stdout().replace("\r\n", "\n");
        assertThat(screen).as("what the terminal showed").contains(
                "talent build: instrumenting app.c\n",
                "talent build: [1/2] " + platforms.get(0).name() + ": compiling and linking\n",
                "talent build: [2/2] " + platforms.get(1).name() + ": compiling and linking\n",
                "built tty/app." + platforms.get(0).name() + "\n",
                "built tty/app." + platforms.get(1).name() + "\n");
        assertThat(screen.indexOf("instrumenting")).isLessThan(screen.indexOf("[1/2]"));
        assertThat(screen.indexOf("[1/2]")).isLessThan(screen.indexOf("built tty/app." + platforms.get(0).name()));

        CapturedRun piped = TalentJar.run(dir, "build", "-o", "piped", "--isa", isas, "app.c");
        assertThat(piped.exitCode()).as(piped.stderr()).isZero();
        assertThat(piped.stderr()).as("stderr of a build whose stderr is a pipe").isEmpty();
        assertThat(piped.stdout()).isEqualTo("built piped/app." + platforms.get(0).name() + "\nbuilt piped/app." + platforms.get(1).name() + "\n");
    }

    private static String quoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
