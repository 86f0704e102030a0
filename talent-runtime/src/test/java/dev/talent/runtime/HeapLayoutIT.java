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
 * heap_layout.c alone (src/test/c/layout_check.c): which typed pointers into a heap block of a struct type are
 * interior pointers consistent with it (a member, an element of a member array, through nested arrays, structs
 * and unions; a header struct whose members are the first ones of a larger struct), which are the same bytes under
 * two types; checked on each ISA's own layout (i686 aligns {@code long long} and {@code double} to 4 bytes, s390x is
 * big-endian), natively under AddressSanitizer and UndefinedBehaviorSanitizer.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HeapLayoutIT {
    private static final Path SOURCES = Path.of("src/main/c").toAbsolutePath();
    private static final Path CHECK = Path.of("src/test/c/layout_check.c").toAbsolutePath();

    @TempDir
    Path work;

    @ParameterizedTest
    @CsvSource({
        "gcc, '-fsanitize=address,undefined -fno-sanitize-recover=undefined', ''",
        "i686-linux-gnu-gcc, -static, qemu-i386-static",
        "s390x-linux-gnu-gcc, -static, qemu-s390x-static",
    })
    void interiorPointersAgreeWithTheBlockTypeOnEachLayout(String cc, String flags, String emulator)
            throws IOException, InterruptedException {
        Path exe = work.resolve("layout_check");
        List<String> build = new ArrayList<>(List.of(cc, "-std=c99", "-O1", "-Wall", "-Wextra", "-Werror"));
        build.addAll(List.of(flags.split(" ")));
        build.addAll(List.of("-I" + SOURCES.resolve("include"), "-I" + SOURCES, CHECK.toString(),
                SOURCES.resolve("heap_layout.c").toString(), "-o", exe.toString()));
        assertThat(CRun.run(work, build)).startsWith("0\n");
        List<String> command = new ArrayList<>();
        if (!emulator.isEmpty()) command.add(emulator);
        command.add(exe.toString());
        String out = CRun.run(work, command);
        assertThat(out).as(out).startsWith("0\n").contains("ok 37 checks").doesNotContain("FAIL");
    }
}
