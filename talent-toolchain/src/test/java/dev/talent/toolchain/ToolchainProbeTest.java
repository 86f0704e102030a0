package dev.talent.toolchain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Probes a host laid out in a temporary directory: a bin/ search path and a root with libc files. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ToolchainProbeTest {

    @TempDir Path dir;
    private Path bin;
    private Path root;
    private ToolchainProbe probe;

    @BeforeEach
    void setUp() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        root = Files.createDirectories(dir.resolve("root"));
        probe = ToolchainProbe.of(List.of(bin), root, Optional.of(Isa.X86_64));
    }

    private void executable(String name) throws IOException {
        Path p = Files.writeString(bin.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void file(String absolute) throws IOException {
        Path p = root.resolve(absolute.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, "");
    }

    @Test
    void completeCrossToolchainIsBuildableAndRunnable() throws IOException {
        executable("s390x-linux-gnu-gcc");
        executable("s390x-linux-gnu-ar");
        executable("qemu-s390x-static");
        file("/usr/s390x-linux-gnu/lib/libc.a");

        PlatformSupport support = probe.probe(Platform.parse("s390x"));

        assertThat(support.isBuildable()).isTrue();
        assertThat(support.isRunnable()).isTrue();
        assertThat(support.runsNatively()).isFalse();
        assertThat(support.compiler()).contains(bin.resolve("s390x-linux-gnu-gcc"));
        assertThat(support.emulator()).contains(bin.resolve("qemu-s390x-static"));
    }

    @Test
    void nothingInstalledNamesEveryPackage() {
        PlatformSupport support = probe.probe(Platform.parse("riscv64"));

        assertThat(support.isBuildable()).isFalse();
        assertThat(support.isRunnable()).isFalse();
        assertThat(support.missingForBuild()).extracting(MissingTool::what)
                .containsExactly("riscv64-linux-gnu-gcc", "riscv64-linux-gnu-ar", "/usr/riscv64-linux-gnu/lib/libc.a");
        assertThat(support.missingPackages())
                .containsExactly("gcc-riscv64-linux-gnu", "libc6-dev-riscv64-cross", "qemu-user-static");
    }

    @Test
    void compilerWithoutStaticLibcIsNotBuildable() throws IOException {
        executable("aarch64-linux-gnu-gcc");
        executable("aarch64-linux-gnu-ar");

        PlatformSupport support = probe.probe(Platform.parse("aarch64"));

        assertThat(support.isBuildable()).isFalse();
        assertThat(support.missingForBuild()).containsExactly(
                new MissingTool("/usr/aarch64-linux-gnu/lib/libc.a", "libc6-dev-arm64-cross"));
    }

    @Test
    void hostPlatformNeedsNoEmulator() throws IOException {
        executable("x86_64-linux-gnu-gcc");
        executable("x86_64-linux-gnu-ar");
        file("/usr/lib/x86_64-linux-gnu/libc.a");

        PlatformSupport support = probe.probe(Platform.parse("x86_64"));

        assertThat(support.isBuildable()).isTrue();
        assertThat(support.isRunnable()).isTrue();
        assertThat(support.runsNatively()).isTrue();
        assertThat(support.emulator()).isEmpty();
    }

    @Test
    void nonExecutableFileIsNotACommand() throws IOException {
        Files.writeString(bin.resolve("qemu-i386-static"), "");

        assertThat(probe.findCommand("qemu-i386-static")).isEmpty();
        assertThat(probe.probe(Platform.parse("i686")).missingForRun())
                .containsExactly(new MissingTool("qemu-i386-static", "qemu-user-static"));
    }

    @Test
    void muslIsADefaultTargetOnlyWhereMuslGccIsInstalled() throws IOException {
        assertThat(probe.defaultTargets()).extracting(Platform::name).doesNotContain("x86_64-musl");

        executable("musl-gcc");

        assertThat(probe.defaultTargets()).extracting(Platform::name).endsWith("x86_64-musl");
        // Without musl-dev's libc.a it is a default target that build skips, naming the package.
        assertThat(probe.probe(Platform.parse("x86_64-musl")).missingForBuild())
                .contains(new MissingTool("/usr/lib/x86_64-linux-musl/libc.a", "musl-dev"));
    }

    @Test
    void unavailablePlatformExceptionSaysWhatToInstall() {
        PlatformSupport support = probe.probe(Platform.parse("i686"));
        PlatformUnavailableException e = new PlatformUnavailableException(support.platform(), "run", support.missingForRun());

        assertThat(e).hasMessage("cannot run i686 here: missing qemu-i386-static (package qemu-user-static); "
                + "install with: apt-get install qemu-user-static");
    }
}
