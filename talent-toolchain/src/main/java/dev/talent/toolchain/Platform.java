package dev.talent.toolchain;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A target talent builds binaries for: an ISA plus the userland (C library) the binary is statically linked
 * with. Its {@link #name()} ({@code x86_64}, {@code x86_64-musl}) is the suffix of built binaries, the value of
 * {@code --isa} and the platform recorded in checkpoints.
 *
 * <p>Every Debian-specific fact (commands, packages, file locations) is derived here, so adding a userland
 * means adding one case to the switches below.
 */
public record Platform(Isa isa, Userland userland) {

    /** Every platform talent can target, in the order used for listings and the demo. */
    public static final List<Platform> KNOWN = List.of(
            new Platform(Isa.X86_64, Userland.GLIBC),
            new Platform(Isa.AARCH64, Userland.GLIBC),
            new Platform(Isa.S390X, Userland.GLIBC),
            new Platform(Isa.RISCV64, Userland.GLIBC),
            new Platform(Isa.I686, Userland.GLIBC),
            new Platform(Isa.X86_64, Userland.MUSL));

    public Platform {
        if (userland == Userland.MUSL && isa != Isa.X86_64) {
            throw new IllegalArgumentException("musl is supported on x86_64 only, not on " + isa.id());
        }
    }

    /** Whether this platform stores numbers most significant byte first: its ISA's byte order. */
    public boolean bigEndian() { return isa.bigEndian(); }

    /**
     * The platforms {@code talent build} targets when no {@code --isa} is given: glibc on every ISA, plus
     * x86_64-musl when the host has musl's compiler. musl is an extra userland, so a host without musl-tools
     * lacks nothing worth a "skipping" line; {@link ToolchainProbe#defaultTargets()} looks for musl-gcc.
     */
    public static List<Platform> defaultTargets(boolean muslCompilerInstalled) {
        return KNOWN.stream().filter(p -> p.userland == Userland.GLIBC || muslCompilerInstalled).toList();
    }

    public static Platform glibc(Isa isa) { return new Platform(isa, Userland.GLIBC); }

    public static Optional<Platform> fromName(String name) {
        return KNOWN.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Parses a platform name, or fails with a message listing the known names. */
    public static Platform parse(String name) {
        return fromName(name.strip()).orElseThrow(() -> new IllegalArgumentException(
                "unknown ISA '" + name + "'; known: " + knownNames()));
    }

    public static String knownNames() {
        return KNOWN.stream().map(Platform::name).collect(Collectors.joining(" "));
    }

    public String name() { return isa.id() + userland.nameSuffix(); }

    /** The C compiler driver for this platform. */
    public String compilerCommand() {
        return switch (userland) {
            case GLIBC -> isa.gccCommand();
            case MUSL -> "musl-gcc";
        };
    }

    /** The archiver that writes static libraries of this platform's objects. */
    public String archiverCommand() { return isa.arCommand(); }

    /** The static C library the linker needs; its absence is the usual reason a -static link fails. */
    public Path staticLibc(Optional<Isa> host) {
        return switch (userland) {
            case GLIBC -> host.equals(Optional.of(isa))
                    ? Path.of("/usr/lib", isa.gnuTriple(), "libc.a")
                    : Path.of("/usr", isa.gnuTriple(), "lib", "libc.a");
            case MUSL -> Path.of("/usr/lib", isa.gnuTriple().replace("-gnu", "-musl"), "libc.a");
        };
    }

    /** Debian package that provides {@link #compilerCommand()} (and the archiver). */
    public String compilerPackage(Optional<Isa> host) {
        return switch (userland) {
            case GLIBC -> host.equals(Optional.of(isa)) ? "gcc" : "gcc-" + isa.gnuTriple();
            case MUSL -> "musl-tools";
        };
    }

    /** Debian package that provides {@link #staticLibc(Optional)}. */
    public String libcPackage(Optional<Isa> host) {
        return switch (userland) {
            case GLIBC -> host.equals(Optional.of(isa)) ? "libc6-dev" : "libc6-dev-" + isa.debianArch() + "-cross";
            case MUSL -> "musl-dev";
        };
    }

    /** Whether binaries of this platform run directly on the host (no emulator). Only the host's own ISA does:
     * i686 binaries on an x86_64 host run under qemu too, since such kernels may lack 32-bit support. */
    public boolean runsNativelyOn(Optional<Isa> host) {
        return host.equals(Optional.of(isa));
    }

    /** Every Debian package needed to build and run this platform's binaries on the given host. */
    public List<String> debianPackages(Optional<Isa> host) {
        List<String> packages = new ArrayList<>(List.of(compilerPackage(host), libcPackage(host)));
        if (!runsNativelyOn(host)) packages.add(Isa.QEMU_PACKAGE);
        return packages;
    }

    /** Packages for all known platforms plus what talent itself needs (clang for parsing C). */
    public static List<String> allDebianPackages(Optional<Isa> host) {
        return Stream.concat(Stream.of("clang", "gcc", "libc6-dev"),
                        KNOWN.stream().flatMap(p -> p.debianPackages(host).stream()))
                .distinct().toList();
    }

    @Override
    public String toString() { return name(); }
}
