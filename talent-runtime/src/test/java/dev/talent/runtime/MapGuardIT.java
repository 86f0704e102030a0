package dev.talent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * checkpoint_file.c's mapping of a checkpoint file (src/test/c/map_guard_check.c): a regular file is mapped whole,
 * a link or a FIFO is refused, a file too short for a header is read; and a file another process truncates while it
 * is mapped gives zero pages and a "shrank" mark inside the guard (a SIGBUS outside it, as without talent), also
 * through a delta's image built over a second mapping of its base (delta.c). Under
 * qemu-s390x the guard cannot place the fault (the emulator reports a wrong si_addr), so a truncation there ends
 * the process with SIGBUS: not run here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MapGuardIT {
    private static final Path SOURCES = Path.of("src/main/c").toAbsolutePath();
    private static final Path CHECK = Path.of("src/test/c/map_guard_check.c").toAbsolutePath();

    @TempDir
    Path work;

    @ParameterizedTest
    @CsvSource({
        "gcc, '-fsanitize=undefined -fno-sanitize-recover=undefined', ''",
        "aarch64-linux-gnu-gcc, -static, qemu-aarch64-static",
        "i686-linux-gnu-gcc, -static, qemu-i386-static",
        "riscv64-linux-gnu-gcc, -static, qemu-riscv64-static",
    })
    void truncatedWhileMappedIsSeenNotACrash(String cc, String flags, String emulator) throws IOException, InterruptedException {
        Path exe = work.resolve("map_guard_check");
        Path dir = Files.createDirectory(work.resolve("files"));
        List<String> build = new ArrayList<>(List.of(cc, "-std=c99", "-O2", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra", "-Werror"));
        build.addAll(List.of(flags.split(" ")));
        build.addAll(List.of("-I" + SOURCES.resolve("include"), "-I" + SOURCES, CHECK.toString(),
                SOURCES.resolve("checkpoint_file.c").toString(), SOURCES.resolve("foreign.c").toString(),
                SOURCES.resolve("foreign_real.c").toString(), SOURCES.resolve("sort.c").toString(),
                SOURCES.resolve("heap_real.c").toString(),
                SOURCES.resolve("strerror.c").toString(), "-o", exe.toString()));
        assertThat(CRun.run(work, build)).startsWith("0\n");
        List<String> command = new ArrayList<>();
        if (!emulator.isEmpty()) command.add(emulator);
        command.addAll(List.of(exe.toString(), dir.toString()));
        String out = CRun.run(work, command);
        assertThat(out).startsWith("0\n").contains("ok shrank\n", "ok unguarded: SIGBUS\n", "ok a FIFO is refused\n",
                        "ok image: shrank, zero pages beyond the new end\n", "ok image: unregistered when released\n")
                .contains("a checkpoint file shrank while it was read").doesNotContain("FAIL").endsWith("done 0\n");
    }
}
