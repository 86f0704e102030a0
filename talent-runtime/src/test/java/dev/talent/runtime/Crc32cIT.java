package dev.talent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * crc32c.c alone (src/test/c/crc_check.c) against {@link CRC32C}: every stretch the C program checksums, whole and
 * in two chained pieces, around the three-stream rounds of the hardware path (x86_64's SSE4.2 natively, ARMv8's CRC
 * instructions under qemu) and on the table path (i686, s390x: big-endian), must give the JDK's value.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Crc32cIT {
    private static final Path SOURCES = Path.of("src/main/c").toAbsolutePath();
    private static final Path CHECK = Path.of("src/test/c/crc_check.c").toAbsolutePath();
    /** crc_check.c's buffer: 3 x 4096 x 5 + 64 bytes of xorshift32, one byte per step. */
    private static final int BUF = 3 * 4096 * 5 + 64;

    @TempDir
    Path work;

    @ParameterizedTest
    @CsvSource({
        "gcc, '-fsanitize=address,undefined -fno-sanitize-recover=undefined', ''",
        "aarch64-linux-gnu-gcc, -static, qemu-aarch64-static",
        "i686-linux-gnu-gcc, -static, qemu-i386-static",
        "s390x-linux-gnu-gcc, -static, qemu-s390x-static",
    })
    void everyStretchMatchesTheJdk(String cc, String flags, String emulator) throws IOException, InterruptedException {
        Path exe = work.resolve("crc_check");
        List<String> build = new ArrayList<>(List.of(cc, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror"));
        build.addAll(List.of(flags.split(" ")));
        build.addAll(List.of("-I" + SOURCES.resolve("include"), "-I" + SOURCES, CHECK.toString(),
                SOURCES.resolve("crc32c.c").toString(), "-o", exe.toString()));
        assertThat(CRun.run(work, build)).startsWith("0\n");
        List<String> command = new ArrayList<>();
        if (!emulator.isEmpty()) command.add(emulator);
        command.add(exe.toString());
        String out = CRun.run(work, command);
        assertThat(out).startsWith("0\n");

        byte[] buf = new byte[BUF];
        int x = (int) 2463534242L;
        for (int i = 0; i < BUF; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            buf[i] = (byte) x;
        }
        List<String> lines = out.lines().skip(1).toList();
        assertThat(lines).hasSize(4 * 18 * 4);
        for (String line : lines) {
            String[] f = line.split(" ", -1);
            int off = Integer.parseInt(f[0]);
            int len = Integer.parseInt(f[1]);
            CRC32C crc = new CRC32C();
            crc.update(buf, off, len);
            assertThat(f[2]).as("offset %d, %d bytes", off, len).isEqualTo(String.format("%08x", crc.getValue()));
        }
    }
}
