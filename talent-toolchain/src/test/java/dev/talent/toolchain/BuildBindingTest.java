package dev.talent.toolchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class BuildBindingTest {
    private static final Platform X86 = Platform.parse("x86_64"), ARM = Platform.parse("aarch64"), S390X = Platform.parse("s390x"),
            I686 = Platform.parse("i686"), MUSL = Platform.parse("x86_64-musl");

    @Test
    void aByteOrderBindingAdmitsThePlatformsOfTheWritersByteOrder() {
        BuildBinding b = new BuildBinding(true, false, "global port holds a port in network byte order");
        assertThat(b.admits(X86, ARM)).isTrue();
        assertThat(b.admits(X86, I686)).isTrue();
        assertThat(b.admits(X86, MUSL)).isTrue();
        assertThat(b.admits(X86, S390X)).isFalse();
        assertThat(b.admits(S390X, X86)).isFalse();
        assertThat(b.layout(X86)).isEqualTo("little-endian byte order");
        assertThat(b.layout(S390X)).isEqualTo("big-endian byte order");
    }

    @Test
    void aWidthBindingAdmitsThePlatformsOfTheWritersPointerWidth() {
        BuildBinding w = new BuildBinding(false, true, "n keeps sizeof(long)");
        assertThat(w.admits(X86, S390X)).isTrue();
        assertThat(w.admits(X86, I686)).isFalse();
        assertThat(w.admits(I686, X86)).isFalse();
        assertThat(w.layout(I686)).isEqualTo("32-bit pointers");
        BuildBinding both = new BuildBinding(true, true, "raw bytes");
        assertThat(both.admits(X86, ARM)).isTrue();
        assertThat(both.admits(X86, I686)).isFalse();
        assertThat(both.admits(X86, S390X)).isFalse();
        assertThat(both.layout(X86)).isEqualTo("little-endian byte order and 64-bit pointers");
    }

    @Test
    void writtenAndReadBack(@TempDir Path dir) throws IOException {
        Path program = dir.resolve("app");
        assertThat(BuildBinding.read(program)).as("no file: no binding (an older build)").isEmpty();
        BuildBinding b = new BuildBinding(true, true, "memcpy(buf, &x, sizeof x) at m.c:4:5");
        BuildBinding.write(program, Optional.of(b));
        assertThat(Files.readString(dir.resolve("app.binding"))).isEqualTo("""
                talent-binding 1
                byte-order yes
                pointer-width yes
                why memcpy(buf, &x, sizeof x) at m.c:4:5
                isa-classes -
                """);
        assertThat(BuildBinding.read(program)).contains(b);
        BuildBinding.write(program, Optional.empty());
        assertThat(dir.resolve("app.binding")).as("a rebuild without a binding removes the stale file").doesNotExist();
    }

    @Test
    void aMalformedFileIsRefusedWithItsName(@TempDir Path dir) throws IOException {
        Path program = dir.resolve("app");
        Path file = dir.resolve("app.binding");
        for (String bad : new String[] {"", "talent-binding 2\nbyte-order yes\npointer-width no\nwhy x\nisa-classes -\n",
                "talent-binding 1\nbyte-order maybe\npointer-width no\nwhy x\nisa-classes -\n",
                "talent-binding 1\nbyte-order no\npointer-width no\nwhy x\nisa-classes -\n",
                "talent-binding 1\nbyte-order yes\npointer-width no\nwhy \nisa-classes -\n",
                "talent-binding 1\nbyte-order yes\npointer-width no\nwhy a\u0007b\nisa-classes -\n",
                "talent-binding 1\nbyte-order yes\npointer-width no\nwhy x\n",
                "talent-binding 1\nbyte-order no\npointer-width no\nwhy x\nisa-classes x86_64\n",
                "talent-binding 1\nbyte-order no\npointer-width no\nwhy x\nisa-classes x86_64,i686 i686\n",
                "talent-binding 1\nbyte-order no\npointer-width no\nwhy x\nisa-classes x86_64,,aarch64 i686\n",
                "talent-binding 1\nbyte-order no\npointer-width no\nwhy x\nisa-classes X86/64 i686\n",
                "talent-binding 1\nbyte-order yes\npointer-width no\nwhy x\nisa-classes -\nmore\n"}) {
            Files.writeString(file, bad, StandardCharsets.UTF_8);
            assertThatThrownBy(() -> BuildBinding.read(program)).as(bad).isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("not a valid build binding");
        }
        Files.write(file, new byte[] {'t', (byte) 0xff});
        assertThatThrownBy(() -> BuildBinding.read(program)).hasMessageContaining("not UTF-8");
        Files.writeString(file, "talent-binding 1\nbyte-order yes\npointer-width no\nwhy " + "x".repeat(BuildBinding.MAX_BYTES)
                + "\nisa-classes -\n");
        assertThatThrownBy(() -> BuildBinding.read(program)).hasMessageContaining("larger than");
        Files.delete(file);
        Files.createDirectory(file);
        assertThatThrownBy(() -> BuildBinding.read(program)).hasMessageContaining("not a regular file");
    }

    @Test
    void aSymlinkIsNotFollowed(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("elsewhere");
        Files.writeString(target, new BuildBinding(true, false, "x").render());
        Files.createSymbolicLink(dir.resolve("app.binding"), target);
        assertThatThrownBy(() -> BuildBinding.read(dir.resolve("app"))).hasMessageContaining("not a regular file");
    }

    @Test
    void aLongCauseIsCutToItsBound() {
        BuildBinding b = new BuildBinding(true, false, "y".repeat(3 * BuildBinding.MAX_WHY));
        assertThat(b.why()).hasSize(BuildBinding.MAX_WHY).endsWith("...");
        assertThat(BuildBinding.parse(b.render().getBytes(StandardCharsets.UTF_8))).isEqualTo(b);
    }

    @Test
    void classesOfIsasWhoseStateIsDescribedAlikeAreKeptTo(@TempDir Path dir) throws IOException {
        // the program's #if on ULONG_MAX describes its state differently on i686 than on the 64-bit ISAs
        BuildBinding b = new BuildBinding(false, false, List.of(List.of("x86_64", "aarch64", "s390x", "riscv64"), List.of("i686")),
                "the program's conditionals describe its state differently on i686 than on x86_64, aarch64, s390x, riscv64");
        assertThat(b.admits(X86, S390X)).as("byte order is not bound").isTrue();
        assertThat(b.admits(X86, MUSL)).isTrue();
        assertThat(b.admits(X86, I686)).isFalse();
        assertThat(b.admits(I686, ARM)).isFalse();
        assertThat(b.layout(X86)).isEqualTo("state description of x86_64,aarch64,s390x,riscv64");
        assertThat(b.kind()).isEqualTo("state description");
        BuildBinding.write(dir.resolve("app"), Optional.of(b));
        assertThat(Files.readString(dir.resolve("app.binding"))).endsWith("\nisa-classes x86_64,aarch64,s390x,riscv64 i686\n");
        assertThat(BuildBinding.read(dir.resolve("app"))).contains(b);
        // with the byte order too: x86_64's class and its byte order
        BuildBinding both = new BuildBinding(true, false, b.isaClasses(), "both");
        assertThat(both.admits(X86, ARM)).isTrue();
        assertThat(both.admits(X86, S390X)).isFalse();
        assertThat(both.layout(X86)).isEqualTo("little-endian byte order and state description of x86_64,aarch64,s390x,riscv64");
        // an ISA in no class moves only to itself
        BuildBinding partial = new BuildBinding(false, false, List.of(List.of("x86_64"), List.of("i686")), "x");
        assertThat(partial.admits(ARM, ARM)).isTrue();
        assertThat(partial.admits(ARM, S390X)).isFalse();
    }
}
