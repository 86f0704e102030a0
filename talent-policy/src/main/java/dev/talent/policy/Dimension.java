package dev.talent.policy;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A way in which two platforms can differ. An exploit usually depends on one of them (an ISA's instruction
 * encoding, a pointer size, a byte order, a C library's bug, one machine), so moving across them is what makes an
 * attacker start over.
 */
public enum Dimension {
    ISA("isa"), BYTE_ORDER("byte_order"), WORD_SIZE("word_size"), LIBC("libc"), HOST("host");

    private final String key;

    Dimension(String key) { this.key = key; }

    /** The key in the policy file's {@code [diversity] weights}. */
    public String key() { return key; }

    /** This dimension's value of a platform's facts ({@code libc}: name and version, so glibc 2.36 and 2.41 differ). */
    public String valueOf(PlatformFacts facts) {
        return switch (this) {
            case ISA -> facts.isa();
            case BYTE_ORDER -> facts.byteOrder();
            case WORD_SIZE -> Integer.toString(facts.wordBits());
            case LIBC -> facts.libcId();
            case HOST -> facts.host();
        };
    }

    public static Optional<Dimension> fromKey(String key) {
        return Arrays.stream(values()).filter(d -> d.key.equals(key)).findFirst();
    }

    public static String keys() {
        return Arrays.stream(values()).map(Dimension::key).collect(Collectors.joining(", "));
    }
}
