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
 * errtexts.c alone against glibc: src/test/c/errtexts_check.c prints every code's text through gai_strerror,
 * hstrerror, herror and regerror (regerror's result and what it writes into buffers of every size), then gives
 * regerror a code it does not know (glibc's aborts). Linked with errtexts.c under the link's wraps, on musl and on
 * glibc of four ISAs, it must print what glibc's own run prints (plain gcc, nothing wrapped) and abort as it does.
 * And errtexts_data.h is errtexts_gen.c's output.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ErrtextsIT {
    private static final Path SOURCES = Path.of("src/main/c").toAbsolutePath();
    private static final Path TESTS = Path.of("src/test/c").toAbsolutePath();
    /** RuntimeLibrary.WRAPPED_OTHER's names errtexts.c defines the wrapper of */
    private static final String WRAP = "-Wl,--wrap=gai_strerror,--wrap=hstrerror,--wrap=herror,--wrap=regerror";

    @TempDir
    Path work;

    @ParameterizedTest
    @CsvSource({
        "musl-gcc, ''",
        "gcc, ''",
        "i686-linux-gnu-gcc, qemu-i386-static",
        "s390x-linux-gnu-gcc, qemu-s390x-static",
        "aarch64-linux-gnu-gcc, qemu-aarch64-static",
    })
    void everyTextIsGlibcs(String cc, String emulator) throws IOException, InterruptedException {
        String expected = run(build("gcc", false, "glibc"), "");
        assertThat(expected).as("glibc's own run: regerror(17) aborts").startsWith("134\n")
                .contains("gai_strerror -2 Name or service not known\n").contains("herror: Unknown server error\n")
                .contains("regerror 7: 31 ").endsWith("regerror 17\n");
        assertThat(run(build(cc, true, "wrapped"), emulator)).isEqualTo(expected);
    }

    /** Without the wraps musl prints its own texts: the check program tells them apart. */
    @Test
    void muslsOwnTextsDiffer() throws IOException, InterruptedException {
        String glibc = run(build("gcc", false, "glibc"), "");
        String musl = run(build("musl-gcc", false, "musl"), "");
        assertThat(musl).isNotEqualTo(glibc).contains("gai_strerror -2 Name does not resolve\n");
    }

    @Test
    void theTextsAreTheGeneratorsOutput() throws IOException, InterruptedException {
        assertThat(CRun.generated(work, TESTS.resolve("errtexts_gen.c")))
                .isEqualTo(Files.readString(SOURCES.resolve("errtexts_data.h"), StandardCharsets.UTF_8));
    }

    private Path build(String cc, boolean wrapped, String dir) throws IOException, InterruptedException {
        Path exe = Files.createDirectories(work.resolve(dir)).resolve("errtexts_check");
        List<String> command = new ArrayList<>(List.of(cc, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-static",
                TESTS.resolve("errtexts_check.c").toString()));
        if (wrapped) command.addAll(List.of("-I" + SOURCES, SOURCES.resolve("errtexts.c").toString(), WRAP));
        command.addAll(List.of("-o", exe.toString()));
        assertThat(CRun.run(work, command)).isEqualTo("0\n");
        return exe;
    }

    /** The run's status and output, without the emulator's own line about the abort */
    private String run(Path exe, String emulator) throws IOException, InterruptedException {
        return CRun.runUnder(emulator, exe).replaceAll("(?m)^qemu: uncaught target signal.*\n", "");
    }
}
