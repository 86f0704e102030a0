package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.ToolchainProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command lines, end to end through the packaged jar: build, stop on x86_64, restart elsewhere. */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class BuildExecIT {

    @TempDir static Path dir;
    static List<Platform> platforms;
    static String reference;

    private static final String APP = """
            #include <stdio.h>
            #include <stdlib.h>
            #include "util.h"

            int main(int argc, char **argv) {
                if (argc < 3) { fprintf(stderr, "usage: app IN OUT\\n"); return 2; }
                FILE *in = fopen(argv[1], "r");
                if (!in) return 3;
                long n = 0;
                if (fscanf(in, "%ld", &n) != 1) return 4;
                fclose(in);
                double acc = 0.0;
                long primes = 0;
                for (long i = 2; i < n; i++) {
                    if (is_prime(i)) { primes++; acc += scaled(i); }
                    if (i % 500 == 0) printf("%ld: %ld primes, acc %.9f\\n", i, primes, acc);
                }
                FILE *out = fopen(argv[2], "w");
                fprintf(out, "%ld %.12f %s\\n", primes, acc, LABEL);
                fclose(out);
                printf("done %ld\\n", primes);
                return 0;
            }
            """;
    private static final String UTIL_H = "int is_prime(long n);\ndouble scaled(long n);\n#ifndef LABEL\n#define LABEL \"none\"\n#endif\n";
    private static final String UTIL_C = """
            #include <math.h>
            #include "util.h"
            int is_prime(long n) {
                for (long d = 2; d * d <= n; d++)
                    if (n % d == 0) return 0;
                return 1;
            }
            double scaled(long n) { return sqrt((double)n) / 7.0; }
            """;

    @BeforeAll
    static void build() throws Exception {
        Files.createDirectories(dir.resolve("include"));
        Files.writeString(dir.resolve("app.c"), APP);
        Files.writeString(dir.resolve("util.c"), UTIL_C);
        Files.writeString(dir.resolve("include/util.h"), UTIL_H);
        Files.writeString(dir.resolve("input.txt"), "3000\n");
        ToolchainProbe probe = ToolchainProbe.ofHost();
        platforms = probe.probe(probe.defaultTargets()).stream()
                .filter(s -> s.isBuildable() && s.isRunnable()).map(PlatformSupport::platform).toList();

        CapturedRun build = TalentJar.run(dir, "build", "-o", "build/", "app.c", "util.c", "-Iinclude",
                "-DLABEL=\"ok\"", "-DNDEBUG", "-lm");

        assertThat(build.exitCode()).as(build.stderr()).isZero();
        for (Platform p : platforms) assertThat(dir.resolve("build/app." + p.name())).isRegularFile();
        assertThat(build.stdout()).contains("built build/app.x86_64");
        CapturedRun plain = TalentJar.run(dir, "exec", "--isa", "x86_64", "build/app", "--", "input.txt", "ref-out.txt");
        assertThat(plain.exitCode()).as(plain.stderr()).isZero();
        reference = plain.stdout();
        assertThat(reference).endsWith("done 430\n");
        assertThat(Files.readString(dir.resolve("ref-out.txt"))).startsWith("430 ").endsWith(" ok\n");
    }

    @Test
    void stopOnX86_64ThenRestartOnEveryOtherIsa() throws Exception {
        for (Platform target : platforms) {
            Path ck = dir.resolve("ck-" + target.name());
            String out = "out-" + target.name() + ".txt";
            CapturedRun first = TalentJar.run(dir, "exec", "--isa", "x86_64", "--checkpoint-dir", ck.toString(),
                    "--stop-after", "40", "build/app", "--", "input.txt", out);
            assertThat(first.exitCode()).as(first.stderr()).isEqualTo(75);
            assertThat(ck.resolve("ckpt-000001.tck")).isRegularFile();

            CapturedRun second = TalentJar.run(dir, "exec", "--isa", target.name(), "--checkpoint-dir", ck.toString(),
                    "--restart", "build/app");

            assertThat(second.exitCode()).as("restart on %s: %s", target, second.stderr()).isZero();
            assertThat(first.stdout() + second.stdout()).as("joined output on %s", target).isEqualTo(reference);
            assertThat(Files.readString(dir.resolve(out))).isEqualTo(Files.readString(dir.resolve("ref-out.txt")));
        }
    }

    @Test
    void execPassesTheProgramsOwnStatusAndWritesNothingOfItsOwnToStdout() throws Exception {
        CapturedRun run = TalentJar.run(dir, "exec", "--isa", platforms.getLast().name(), "build/app", "--", "only-one-arg");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).isEqualTo("usage: app IN OUT\n");
    }

    @Test
    void inspectShowsTheCheckpointAndNamesTheDamageInACorruptOne() throws Exception {
        Path ck = dir.resolve("ck-inspect");
        TalentJar.run(dir, "exec", "--isa", "x86_64", "--checkpoint-dir", ck.toString(), "--stop-after", "7",
                "build/app", "--", "input.txt", "x.txt");
        Path file = ck.resolve("ckpt-000001.tck");

        CapturedRun text = TalentJar.run(dir, "inspect", file.toString());
        CapturedRun json = TalentJar.run(dir, "inspect", "--json", ck.toString());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        Path damaged = Files.write(dir.resolve("damaged.tck"), bytes);
        CapturedRun bad = TalentJar.run(dir, "inspect", damaged.toString());

        assertThat(text.exitCode()).as(text.stderr()).isZero();
        assertThat(text.stdout()).contains("checkpoint of app").contains("main()").contains("primes").contains("input.txt");
        assertThat(json.exitCode()).isZero();
        assertThat(json.stdout()).contains("\"frames\"");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr()).contains("damaged.tck").contains("offset");
    }

    @Test
    void gccsWarningsOnTheSourcesAsWrittenAreShownAsGccShowsThem() throws Exception {
        Files.writeString(dir.resolve("warn.c"), """
                #include <stdio.h>
                int main(void) {
                    int unused = 3;
                    printf("%d\\n", 4);
                    return 0;
                }
                """);

        CapturedRun quiet = TalentJar.run(dir, "build", "-o", "warn-quiet", "--isa", "x86_64", "warn.c");
        CapturedRun all = TalentJar.run(dir, "build", "-o", "warn-all", "--isa", "x86_64", "-Wall", "warn.c");

        assertThat(quiet.exitCode()).as(quiet.stderr()).isZero();
        assertThat(quiet.stderr()).doesNotContain("warning");
        assertThat(all.exitCode()).as(all.stderr()).isZero();
        assertThat(all.stderr()).containsPattern("(?m)^warn\\.c:3:9: warning: unused variable .unused. \\[-Wunused-variable]");
        assertThat(all.stdout()).contains("built warn-all/warn.x86_64");
    }

    @Test
    void rejectedProgramIsReportedLikeACompilerError() throws Exception {
        Files.writeString(dir.resolve("jumps.c"), """
                #include <setjmp.h>
                static jmp_buf env;
                int main(void) {
                    for (int i = 0; i < 3; i++) {
                        if (setjmp(env) + i > 1) return 1;
                    }
                    return 0;
                }
                """);

        CapturedRun build = TalentJar.run(dir, "build", "-o", "rejected", "--isa", "x86_64", "jumps.c");

        assertThat(build.exitCode()).isEqualTo(1);
        assertThat(build.stderr()).containsPattern("jumps\\.c:\\d+:\\d+: error: .*setjmp");
        assertThat(dir.resolve("rejected/jumps.x86_64")).doesNotExist();
    }
}
