package dev.talent.toolchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PlatformTest {

    private static final Optional<Isa> AMD64_HOST = Optional.of(Isa.X86_64);

    @Test
    void namesAreIsaPlusUserlandSuffix() {
        assertThat(Platform.KNOWN).extracting(Platform::name)
                .containsExactly("x86_64", "aarch64", "s390x", "riscv64", "i686", "x86_64-musl");
        assertThat(Platform.parse("s390x")).isEqualTo(Platform.glibc(Isa.S390X));
        assertThat(Platform.parse("x86_64-musl")).isEqualTo(new Platform(Isa.X86_64, Userland.MUSL));
    }

    @Test
    void defaultTargetsAreTheGlibcPlatformsPlusMuslWhenItsCompilerIsInstalled() {
        assertThat(Platform.defaultTargets(false)).extracting(Platform::name)
                .containsExactly("x86_64", "aarch64", "s390x", "riscv64", "i686");
        assertThat(Platform.defaultTargets(true)).extracting(Platform::name)
                .containsExactly("x86_64", "aarch64", "s390x", "riscv64", "i686", "x86_64-musl");
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> Platform.parse("sparc"))
                .hasMessageContaining("unknown ISA 'sparc'")
                .hasMessageContaining("x86_64 aarch64 s390x riscv64 i686 x86_64-musl");
    }

    @Test
    void muslOnlyOnX86_64() {
        assertThatThrownBy(() -> new Platform(Isa.AARCH64, Userland.MUSL)).hasMessageContaining("x86_64 only");
    }

    @Test
    void crossPlatformNeedsCrossGccCrossLibcAndQemu() {
        Platform aarch64 = Platform.glibc(Isa.AARCH64);

        assertThat(aarch64.compilerCommand()).isEqualTo("aarch64-linux-gnu-gcc");
        assertThat(aarch64.staticLibc(AMD64_HOST)).hasToString("/usr/aarch64-linux-gnu/lib/libc.a");
        assertThat(aarch64.debianPackages(AMD64_HOST))
                .containsExactly("gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross", "qemu-user-static");
        assertThat(Platform.glibc(Isa.I686).debianPackages(AMD64_HOST))
                .containsExactly("gcc-i686-linux-gnu", "libc6-dev-i386-cross", "qemu-user-static");
    }

    @Test
    void hostPlatformIsNativeWithTheHostGcc() {
        Platform x86 = Platform.glibc(Isa.X86_64);

        assertThat(x86.runsNativelyOn(AMD64_HOST)).isTrue();
        assertThat(x86.debianPackages(AMD64_HOST)).containsExactly("gcc", "libc6-dev");
        assertThat(x86.staticLibc(AMD64_HOST)).hasToString("/usr/lib/x86_64-linux-gnu/libc.a");
        // On another host the same platform is a cross target run under qemu.
        assertThat(x86.debianPackages(Optional.of(Isa.AARCH64)))
                .containsExactly("gcc-x86_64-linux-gnu", "libc6-dev-amd64-cross", "qemu-user-static");
    }

    @Test
    void i686NeedsSseMathAndRunsUnderQemuOnX86_64() {
        assertThat(Isa.I686.requiredCFlags()).containsExactly("-msse2", "-mfpmath=sse");
        assertThat(Platform.glibc(Isa.I686).runsNativelyOn(AMD64_HOST)).isFalse();
        assertThat(Isa.I686.qemuCommand()).isEqualTo("qemu-i386-static");
        assertThat(Isa.I686.pointerBits()).isEqualTo(32);
    }

    @Test
    void muslUsesMuslGccAndMuslDev() {
        Platform musl = Platform.parse("x86_64-musl");

        assertThat(musl.compilerCommand()).isEqualTo("musl-gcc");
        assertThat(musl.staticLibc(AMD64_HOST)).hasToString("/usr/lib/x86_64-linux-musl/libc.a");
        assertThat(musl.debianPackages(AMD64_HOST)).containsExactly("musl-tools", "musl-dev");
    }

    @Test
    void byteOrderAndHostDetection() {
        assertThat(Isa.S390X.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(Isa.RISCV64.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(Platform.KNOWN).filteredOn(Platform::bigEndian).extracting(Platform::toString)
                .containsExactly(new Platform(Isa.S390X, Userland.GLIBC).toString());
        assertThat(Isa.fromOsArch("amd64")).contains(Isa.X86_64);
        assertThat(Isa.fromOsArch("aarch64")).contains(Isa.AARCH64);
        assertThat(Isa.fromOsArch("ppc64le")).isEmpty();
    }

    @Test
    void allPackagesCoverEveryPlatformOnce() {
        assertThat(Platform.allDebianPackages(AMD64_HOST)).doesNotHaveDuplicates()
                .contains("clang", "gcc-s390x-linux-gnu", "libc6-dev-riscv64-cross", "qemu-user-static", "musl-tools");
    }
}
