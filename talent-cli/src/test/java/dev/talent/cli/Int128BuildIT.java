package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.toolchain.CapturedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program with {@code unsigned __int128} (docs/CODEGEN.md "128-bit integers"): gcc has no such type on i686, so
 * {@code talent build} says so for that ISA, naming the type and the program's first use of it, instead of gcc's error,
 * and builds the others. Before, gcc failed on i686's copy ("'__int128' is not supported for this target") after the
 * build had refused the type on every ISA.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class Int128BuildIT {
    @TempDir Path dir;

    private static final String MUL = """
            #include <stdio.h>
            #include <stdint.h>
            typedef unsigned __int128 u128;
            static u128 acc = 1;
            int main(void) {
                for (uint64_t i = 1; i < 40; i++) acc = acc * 0x9E3779B97F4A7C15ull + i;
                printf("%016llx %016llx\\n", (unsigned long long)(acc >> 64), (unsigned long long)acc);
                return 0;
            }
            """;

    @Test
    void i686IsNotBuiltAndSaysWhyTheOthersAre() throws Exception {
        Files.writeString(dir.resolve("mul.c"), MUL);
        CapturedRun build = TalentJar.run(dir, "build", "--isa", "x86_64,i686", "-o", "b/", "mul.c");
        assertThat(build.stderr()).contains("talent build: not building i686: gcc has no 128-bit integer type on i686"
                + " (a 32-bit ISA), and the program uses unsigned __int128 in typedef 'u128' at mul.c:3:")
                .doesNotContain("not supported for this target");
        // named by --isa: the build fails, after the other platform is built
        assertThat(build.exitCode()).as(build.stderr()).isEqualTo(ExitCodes.FAILURE);
        assertThat(dir.resolve("b/mul.x86_64")).isRegularFile();
        assertThat(dir.resolve("b/mul.i686")).doesNotExist();

        CapturedRun x86 = TalentJar.run(dir, "build", "--isa", "x86_64", "-o", "c/", "mul.c");
        assertThat(x86.exitCode()).as(x86.stderr()).isZero();
        assertThat(x86.stderr()).doesNotContain("not building");
    }
}
