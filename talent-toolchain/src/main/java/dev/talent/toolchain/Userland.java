package dev.talent.toolchain;

/** The C library a platform's static binaries are linked with. */
public enum Userland {
    GLIBC(""),
    MUSL("-musl");

    private final String nameSuffix;

    Userland(String nameSuffix) { this.nameSuffix = nameSuffix; }

    /** What a platform name carries after the ISA: nothing for glibc, {@code -musl} for musl. */
    public String nameSuffix() { return nameSuffix; }
}
