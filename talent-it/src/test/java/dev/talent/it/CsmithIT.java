package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fixed set of 40 Csmith seeds through {@code talent bench csmith} (issue 11): random programs nobody on the
 * project wrote, kept when plain gcc's checksums agree on every ISA, built with talent and run uninterrupted
 * and migrated across ISAs at random points (seeded: the same seeds do the same runs). A wrong checksum or a
 * failed stop or restart fails the test; refusals are reported with their cause (docs/COVERAGE.md).
 */
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class CsmithIT {
    private static final Pattern SUMMARY = Pattern.compile(
            "built and correct (\\d+) \\((\\d+) migrations\\), refused (\\d+), failed (\\d+), mismatches (\\d+)");

    @Test
    void fortySeedsMigrateWithThePlainChecksumOrAreRefused() throws Exception {
        Path work = Files.createDirectories(ItPaths.workRoot().resolve("csmith-" + ProcessHandle.current().pid()));
        ProcessResult r = TalentCli.get().run(work, Duration.ofMinutes(38), List.of("bench", "csmith", "--count", "40",
                "--from", "1", "--isa", "x86_64,aarch64,s390x,riscv64,i686", "--timeout", "10", "--keep", work.resolve("seeds").toString()));
        String report = r.stdoutText();
        System.out.println(report);
        Matcher m = SUMMARY.matcher(report);
        assertThat(m.find()).as("the report's summary:\n" + report + "\n" + r.describe()).isTrue();
        assertThat(Integer.parseInt(m.group(5))).as("mismatches (wrong checksums):\n" + report).isZero();
        assertThat(Integer.parseInt(m.group(4))).as("failures (gcc on generated code, stops, restarts):\n" + report).isZero();
        assertThat(r.exitCode()).as(r.describe()).isZero();
        // the set is useful only if programs get through: seeds 2, 6, 9 and 12 built and migrated on 2026-12-02
        // (the others were refused for causes 1 and 11 of issue 11, or skipped); fewer is a regression
        assertThat(Integer.parseInt(m.group(1))).as("programs built and migrated:\n" + report).isGreaterThanOrEqualTo(4);
        assertThat(Integer.parseInt(m.group(2))).as("migrations:\n" + report).isGreaterThanOrEqualTo(4);
    }
}
