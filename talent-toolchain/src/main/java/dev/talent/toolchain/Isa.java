package dev.talent.toolchain;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An instruction set architecture talent builds for, with the Debian names of what builds and runs it.
 * The names ({@link #id()}) are the ones users type after {@code --isa}.
 */
public enum Isa {
    X86_64("x86_64", "x86_64-linux-gnu", "amd64", "qemu-x86_64-static", 64, ByteOrder.LITTLE_ENDIAN, List.of()),
    AARCH64("aarch64", "aarch64-linux-gnu", "arm64", "qemu-aarch64-static", 64, ByteOrder.LITTLE_ENDIAN, List.of()),
    S390X("s390x", "s390x-linux-gnu", "s390x", "qemu-s390x-static", 64, ByteOrder.BIG_ENDIAN, List.of()),
    RISCV64("riscv64", "riscv64-linux-gnu", "riscv64", "qemu-riscv64-static", 64, ByteOrder.LITTLE_ENDIAN, List.of()),
    // SSE arithmetic instead of x87 so that doubles round exactly as on the 64-bit ISAs.
    I686("i686", "i686-linux-gnu", "i386", "qemu-i386-static", 32, ByteOrder.LITTLE_ENDIAN, List.of("-msse2", "-mfpmath=sse"));

    /** The qemu-user emulators all come from this Debian package. */
    public static final String QEMU_PACKAGE = "qemu-user-static";

    private final String id;
    private final String gnuTriple;
    private final String debianArch;
    private final String qemuCommand;
    private final int pointerBits;
    private final ByteOrder byteOrder;
    @SuppressWarnings("ImmutableEnumChecker") // an unmodifiable copy (List.copyOf): immutable, though List is not a type that says so
    private final List<String> requiredCFlags;

    Isa(String id, String gnuTriple, String debianArch, String qemuCommand, int pointerBits, ByteOrder byteOrder,
        List<String> requiredCFlags) {
        this.id = id;
        this.gnuTriple = gnuTriple;
        this.debianArch = debianArch;
        this.qemuCommand = qemuCommand;
        this.pointerBits = pointerBits;
        this.byteOrder = byteOrder;
        this.requiredCFlags = List.copyOf(requiredCFlags);
    }

    public String id() { return id; }

    /** GNU target triple, also the prefix of the cross tools ({@code aarch64-linux-gnu-gcc}). */
    public String gnuTriple() { return gnuTriple; }

    /** Debian's architecture name, used in the names of cross library packages ({@code libc6-dev-arm64-cross}). */
    public String debianArch() { return debianArch; }

    public String gccCommand() { return gnuTriple + "-gcc"; }

    public String arCommand() { return gnuTriple + "-ar"; }

    public String qemuCommand() { return qemuCommand; }

    public int pointerBits() { return pointerBits; }

    public ByteOrder byteOrder() { return byteOrder; }

    /** Whether numbers are stored most significant byte first (s390x). */
    public boolean bigEndian() { return byteOrder == ByteOrder.BIG_ENDIAN; }

    /** Flags every C compilation for this ISA needs (beyond the common ones) for identical results everywhere. */
    public List<String> requiredCFlags() { return requiredCFlags; }

    public static Optional<Isa> fromId(String id) {
        return Arrays.stream(values()).filter(isa -> isa.id.equals(id)).findFirst();
    }

    /** The ISA of the machine this JVM runs on, if it is one talent knows. */
    public static Optional<Isa> host() {
        return fromOsArch(System.getProperty("os.arch", ""));
    }

    static Optional<Isa> fromOsArch(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> Optional.of(X86_64);
            case "aarch64", "arm64" -> Optional.of(AARCH64);
            case "s390x" -> Optional.of(S390X);
            case "riscv64" -> Optional.of(RISCV64);
            case "x86", "i386", "i486", "i586", "i686" -> Optional.of(I686);
            default -> Optional.empty();
        };
    }

    @Override
    public String toString() { return id; }
}
