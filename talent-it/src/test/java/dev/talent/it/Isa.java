package dev.talent.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The five ISAs of issue #2 and the tools a machine needs to build for and run each of them: a copy of talent-toolchain's
 * Isa (no talent module is on this module's classpath), checked against it by talent-toolchain's IsaCopiesTest.
 */
enum Isa {
    X86_64("x86_64", "gcc", null),
    AARCH64("aarch64", "aarch64-linux-gnu-gcc", "qemu-aarch64-static"),
    S390X("s390x", "s390x-linux-gnu-gcc", "qemu-s390x-static"),
    RISCV64("riscv64", "riscv64-linux-gnu-gcc", "qemu-riscv64-static"),
    I686("i686", "i686-linux-gnu-gcc", "qemu-i386-static");

    final String id;
    final String compiler;
    final String emulator;   // null: runs natively

    Isa(String id, String compiler, String emulator) {
        this.id = id;
        this.compiler = compiler;
        this.emulator = emulator;
    }

    static Isa of(String id) {
        return Arrays.stream(values()).filter(isa -> isa.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown ISA " + id));
    }

    /** Why this ISA cannot be used on this machine, if it cannot. */
    Optional<String> missingTool() {
        if (onPath(compiler).isEmpty()) return Optional.of(compiler + " is not installed");
        if (emulator != null && onPath(emulator).isEmpty()) return Optional.of(emulator + " is not installed");
        return Optional.empty();
    }

    /** Skips (never silently passes) the calling test when this ISA cannot be built for or run here. */
    void assumeAvailable() {
        Optional<String> missing = missingTool();
        assumeTrue(missing.isEmpty(), () -> "ISA " + id + " skipped: " + missing.orElseThrow());
    }

    static Optional<Path> onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, tool)).filter(Files::isExecutable).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
