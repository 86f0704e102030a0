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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * strerror.c alone against glibc: src/test/c/strerror_check.c prints the texts of errno values and signals through
 * strerror, strerror_l, strerror_r, strsignal, psignal, perror, warn/vwarn/err and printf's %m. Linked with
 * strerror.c under the link's wraps, on musl and on glibc of three ISAs, it must print what glibc's own run prints (plain
 * gcc, nothing wrapped), in the XSI and the GNU form of strerror_r. And strerror_texts.h is strerror_gen.c's output.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StrerrorIT {
    private static final Path SOURCES = Path.of("src/main/c").toAbsolutePath();
    private static final Path TESTS = Path.of("src/test/c").toAbsolutePath();
    /** RuntimeLibrary.WRAPPED_OTHER's names strerror.c defines the wrapper of */
    private static final String WRAP = "-Wl,--wrap=strerror,--wrap=strerror_l,--wrap=strerror_r,--wrap=__xpg_strerror_r,"
            + "--wrap=strsignal,--wrap=psignal";

    @TempDir
    Path work;

    @ParameterizedTest
    @CsvSource({
        "musl-gcc, -D_POSIX_C_SOURCE=200809L, ''",
        "musl-gcc, -D_GNU_SOURCE, ''",
        "gcc, -D_POSIX_C_SOURCE=200809L, ''",
        "gcc, -D_GNU_SOURCE, ''",
        "i686-linux-gnu-gcc, -D_POSIX_C_SOURCE=200809L, qemu-i386-static",
        "s390x-linux-gnu-gcc, -D_GNU_SOURCE, qemu-s390x-static",
    })
    void everyTextIsGlibcs(String cc, String mode, String emulator) throws IOException, InterruptedException {
        // glibc's strerror_r is the GNU one under _GNU_SOURCE; musl has only the XSI one, whatever the program asks for
        String glibcMode = cc.startsWith("musl") ? "-D_POSIX_C_SOURCE=200809L" : mode;
        String expected = run(build("gcc", glibcMode, false, "glibc"), "");
        assertThat(expected).as("glibc's own run").startsWith("3\n").contains("strerror 75 Value too large for defined data type");
        assertThat(run(build(cc, mode, true, "wrapped"), emulator)).isEqualTo(expected);
    }

    @Test
    void theTextsAreTheGeneratorsOutput() throws IOException, InterruptedException {
        assertThat(CRun.generated(work, TESTS.resolve("strerror_gen.c")))
                .isEqualTo(Files.readString(SOURCES.resolve("strerror_texts.h"), StandardCharsets.UTF_8));
    }

    /** The check program, in a directory of its own under one name (warn prints the program's name). */
    private Path build(String cc, String mode, boolean wrapped, String dir) throws IOException, InterruptedException {
        Path exe = Files.createDirectories(work.resolve(dir)).resolve("strerror_check");
        List<String> command = new ArrayList<>(List.of(cc, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-static",
                mode, TESTS.resolve("strerror_check.c").toString()));
        if (wrapped) command.addAll(List.of("-I" + SOURCES, SOURCES.resolve("strerror.c").toString(), WRAP));
        command.addAll(List.of("-o", exe.toString()));
        assertThat(CRun.run(work, command)).isEqualTo("0\n");
        return exe;
    }

    private String run(Path exe, String emulator) throws IOException, InterruptedException {
        return CRun.runUnder(emulator, exe);
    }
}
