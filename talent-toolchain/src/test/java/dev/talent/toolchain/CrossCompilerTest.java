package dev.talent.toolchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CrossCompilerTest {

    @TempDir Path dir;

    private ToolchainProbe probeWith(String... commands) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String c : commands) {
            Path p = Files.writeString(bin.resolve(c), "#!/bin/sh\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path lib = dir.resolve("root/usr/i686-linux-gnu/lib/libc.a");
        Files.createDirectories(lib.getParent());
        Files.writeString(lib, "");
        return ToolchainProbe.of(List.of(bin), dir.resolve("root"), Optional.of(Isa.X86_64));
    }

    @Test
    void executableCommandOrdersMandatoryUserSourcesLibrariesLinkFlags() throws Exception {
        CrossCompiler cc = CrossCompiler.forPlatform(Platform.parse("i686"),
                probeWith("i686-linux-gnu-gcc", "i686-linux-gnu-ar"));
        ExecutableSpec spec = new ExecutableSpec(List.of(Path.of("a.c"), Path.of("b.c")), List.of("-Iinc", "-O3"),
                List.of(Path.of("libtalent.a")), List.of("-L/opt/lib", "-lm"), Path.of("out/app.i686"));

        List<String> command = cc.executableCommand(spec);

        assertThat(command.get(0)).endsWith("/bin/i686-linux-gnu-gcc");
        assertThat(command.subList(1, command.size())).containsExactly(
                "-static", "-O2", "-fmerge-constants", "-ffp-contract=off", "-fsigned-char", "-fno-toplevel-reorder",
                "-fdata-sections", "-msse2", "-mfpmath=sse",
                "-Iinc", "-O3", "a.c", "b.c", "libtalent.a", "-L/opt/lib", "-lm", "-o", "out/app.i686");
    }

    @Test
    void missingCompilerIsReportedWithItsPackage() throws IOException {
        ToolchainProbe probe = probeWith();

        assertThatThrownBy(() -> CrossCompiler.forPlatform(Platform.parse("i686"), probe))
                .isInstanceOf(PlatformUnavailableException.class)
                .hasMessageContaining("i686-linux-gnu-gcc (package gcc-i686-linux-gnu)")
                .hasMessageContaining("apt-get install gcc-i686-linux-gnu");
    }
}
