package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RunCommandTest {
    @TempDir
    Path dir;

    private static String run(String... args) {
        return BuildCommandTest.run(args);
    }

    @Test
    void aProgramOrResumeIsNeeded() {
        assertThat(run("run", "--platforms", "x86_64")).startsWith("64:").contains("missing the program DIR/NAME (or --resume NAME)");
        assertThat(run("run", "build/app")).startsWith("64:").contains("missing --platforms LIST");
    }

    @Test
    void theFleetsSafePointFaultIsRefused() {
        assertThat(run("run", "--platforms", "x86_64", "--inject-fault", "safepoint", "build/app")).startsWith("64:")
                .contains("--inject-fault safepoint: only a fleet injects it");
    }

    @Test
    void sizesTakeBinarySuffixes() {
        assertThat(RunCommand.parseSize("8g")).isEqualTo(8L << 30);
        assertThat(RunCommand.parseSize("512M")).isEqualTo(512L << 20);
        assertThat(RunCommand.parseSize("100")).isEqualTo(100);
        assertThat(run("run", "--platforms", "x86_64", "--max-replica-size", "lots", "build/app")).startsWith("64:")
                .contains("'lots' is not a size");
    }

    @Test
    void resumeTakesTheKilledRunsOwnOptions() {
        assertThat(run("run", "--resume", "app", "--platforms", "x86_64")).startsWith("64:")
                .contains("--resume takes the killed run's own options and program");
        assertThat(run("run", "--resume", "app", "build/app")).startsWith("64:")
                .contains("--resume takes the killed run's own options and program");
        assertThat(run("run", "--resume", "../x")).startsWith("64:").contains("is not an app name");
    }

    @Test
    void resumeWithoutAKilledRunSaysThereIsNothingToResume() {
        assertThat(run("run", "--resume", "app", "--state-dir", dir.toString())).startsWith("64:")
                .contains("no killed run of it in " + dir).contains("nothing to resume");
    }

    @Test
    void resumeRefusesTheRecordOfAnotherApp() throws IOException {
        Files.writeString(dir.resolve("run.json"), """
                {"version":1,"name":"other","program":"/b/other","args":[],"platforms":["x86_64"],"workdir":"/w",
                 "stateDir":"%s","presyncEveryMs":30000,"platform":"x86_64"}""".formatted(dir));
        assertThat(run("run", "--resume", "app", "--state-dir", dir.toString())).startsWith("64:")
                .contains("is of app other");
    }
}
