package dev.talent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * libc_state.c's generators and strtok alone (src/test/c/prng_check.c) against the C library they stand in for: every
 * draw of rand, random, rand_r and the rand48 family, unseeded and after each kind of seeding, and every strtok
 * token must equal the C library's, on glibc (64- and 32-bit, both byte orders) and musl.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LibcStateIT {
    private static final Path SOURCES = Path.of("src/main/c").toAbsolutePath();
    private static final Path CHECK = Path.of("src/test/c/prng_check.c").toAbsolutePath();

    @TempDir
    Path work;

    @ParameterizedTest
    @CsvSource({
        "gcc, -static, ''",
        "musl-gcc, -static, ''",
        "aarch64-linux-gnu-gcc, -static, qemu-aarch64-static",
        "i686-linux-gnu-gcc, -static, qemu-i386-static",
        "s390x-linux-gnu-gcc, -static, qemu-s390x-static",
    })
    void everyDrawMatchesTheCLibrary(String cc, String flags, String emulator) throws IOException, InterruptedException {
        Path exe = work.resolve("prng_check");
        List<String> build = new ArrayList<>(List.of(cc, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", flags));
        build.addAll(List.of("-I" + SOURCES.resolve("include"), "-I" + SOURCES, CHECK.toString(),
                SOURCES.resolve("libc_state.c").toString(), SOURCES.resolve("libc_real.c").toString(),
                SOURCES.resolve("refusal.c").toString(), SOURCES.resolve("cwd.c").toString(),
                SOURCES.resolve("itimers.c").toString(), SOURCES.resolve("foreign.c").toString(),
                SOURCES.resolve("foreign_real.c").toString(),
                SOURCES.resolve("strerror.c").toString(), "-lm", "-o", exe.toString()));
        assertThat(CRun.run(work, build)).startsWith("0\n");
        List<String> command = new ArrayList<>();
        if (!emulator.isEmpty()) command.add(emulator);
        command.add(exe.toString());
        assertThat(CRun.run(work, command)).as("differences").isEqualTo("0\n0\n");
    }
}
