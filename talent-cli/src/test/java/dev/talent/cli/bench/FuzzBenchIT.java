package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.cli.RuntimeEnvironment;
import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI lane of the fuzzing gate: {@code talent bench fuzz} from the packaged jar runs the C reader's libFuzzer target
 * and the Java reader's Jazzer target for 30 s each, side by side ({@code --parallel}: each takes one of the two
 * cores, as the Maven JVM only waits), from the shared corpus; any input that crashes, hangs or leaks fails the build
 * (it is in the findings directory of the test, named in the message).
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class FuzzBenchIT {

    private static final Path JAR = Path.of("target", "talent.jar").toAbsolutePath();
    private static final Path CACHE = Path.of("target", "it-cache").toAbsolutePath();
    private static final Path SOURCE = Path.of("..").toAbsolutePath().normalize();

    @Test
    void bothFuzzersRunHalfAMinuteEachWithoutAFinding(@TempDir Path dir) throws Exception {
        Path findings = dir.resolve("findings");
        CapturedRun bench = ProcessRunner.capture(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")), "-jar", JAR.toString(), "bench", "fuzz",
                        "--seconds", "30", "--target", "both", "--parallel", "--source", SOURCE.toString(), "--findings",
                        findings.toString()),
                new EnvironmentChange(Map.of("TALENT_CACHE_DIR", CACHE.toString()), RuntimeEnvironment.ALL), dir);

        List<String> found;
        try (Stream<Path> files = Files.list(findings)) {
            // libFuzzer also writes slow-unit files there; the bench's own rule says which files are findings
            found = files.map(f -> f.getFileName().toString())
                    .filter(name -> FuzzBench.isFinding(FuzzBench.Target.C, name) || FuzzBench.isFinding(FuzzBench.Target.JAVA, name))
                    .toList();
        }
        assertThat(found).as("inputs found by the fuzzers in %s%n%s%s", findings, bench.stdout(), bench.stderr()).isEmpty();
        assertThat(bench.exitCode()).as(bench.stdout() + bench.stderr()).isZero();
        for (String target : List.of("c", "java")) {
            Matcher row = Pattern.compile("(?m)^" + target + " +(\\d+) +(\\d+) +(\\d+) +(\\d+) +(\\d+) +(\\d+)  none$").matcher(bench.stdout());
            assertThat(row.find()).as(bench.stdout()).isTrue();
            assertThat(Long.parseLong(row.group(1))).as("seconds").isBetween(25L, 200L);
            // each run replays the ~90 seeds twice at least (as they are and resealed), then mutates them
            assertThat(Long.parseLong(row.group(2))).as("%s executions", target).isGreaterThan(1000);
            assertThat(Long.parseLong(row.group(4))).as("%s coverage", target).isGreaterThan(100);
        }
        assertThat(bench.stdout()).endsWith("no findings\n");
    }
}
