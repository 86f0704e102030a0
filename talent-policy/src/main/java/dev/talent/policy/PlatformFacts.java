package dev.talent.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a platform is, as detected on it by {@link FactsProbe} (not as talent's tables say it should be).
 *
 * @param platform    the platform's name ({@code x86_64}, {@code x86_64-musl}, ...)
 * @param isa         the ISA the probe reported ({@code uname -m} seen by the program, e.g. {@code s390x})
 * @param wordBits    pointer size in bits
 * @param byteOrder   {@code little} or {@code big}
 * @param libc        the C library the platform's binaries are linked with ({@code "glibc"}, {@code "musl"})
 * @param libcVersion its version ({@code 2.36})
 * @param kernel      the kernel the platform's programs run on ({@code Linux 6.1.0-18-amd64})
 * @param host        the name of the machine the platform is on
 */
@JsonPropertyOrder({"platform", "isa", "word_bits", "byte_order", "libc", "libc_version", "kernel", "host"})
public record PlatformFacts(String platform, String isa, @JsonProperty("word_bits") int wordBits,
                            @JsonProperty("byte_order") String byteOrder, String libc,
                            @JsonProperty("libc_version") String libcVersion, String kernel, String host) {

    /** What a fact may look like: printable, no spaces at the ends, bounded (it comes out of a program's output). */
    private static final Pattern VALUE = Pattern.compile("[\\x21-\\x7e]([\\x20-\\x7e]{0,126}[\\x21-\\x7e])?");

    public PlatformFacts {
        for (String v : new String[] {platform, isa, byteOrder, libc, libcVersion, kernel, host}) {
            Objects.requireNonNull(v, "a platform fact is missing");
            if (!VALUE.matcher(v).matches()) throw new IllegalArgumentException("not a usable platform fact: \"" + v + "\"");
        }
        if (wordBits != 32 && wordBits != 64) throw new IllegalArgumentException("word size " + wordBits + " bits");
        if (!byteOrder.equals("little") && !byteOrder.equals("big")) {
            throw new IllegalArgumentException("byte order \"" + byteOrder + "\"");
        }
    }

    /** The C library with its version, as a tag would name it: {@code glibc-2.36}. */
    @JsonIgnore
    public String libcId() { return libc + "-" + libcVersion; }

    /**
     * The tags every platform carries without being given them: its name, its ISA, its C library with and without
     * version, and its kernel ({@link #kernelTags}); so that {@code talent alert --tag glibc-2.36} or {@code --tag
     * linux-6.1} works without a policy file naming it.
     */
    @JsonIgnore
    public Set<String> implicitTags() {
        Set<String> tags = new LinkedHashSet<>();
        tags.add(platform);
        tags.add(isa);
        tags.add(libc);
        tags.add(libcId());
        tags.addAll(kernelTags());
        return tags;
    }

    /** This platform's kernel as tags: see {@link #kernelTags(String)}. */
    @JsonIgnore
    public Set<String> kernelTags() { return kernelTags(kernel); }

    /** A kernel fact as the probe reports it: {@code uname}'s system and release ({@code Linux 6.1.0-18-amd64}). */
    private static final Pattern KERNEL = Pattern.compile("([A-Za-z][A-Za-z0-9_]{0,31}) ((\\d{1,4})\\.(\\d{1,4})(\\.\\d{1,6})?\\S*)");

    /**
     * The tags of a kernel fact ({@code Linux 6.1.0-18-amd64}): the system in lower case with the release's
     * major.minor ({@code linux-6.1}), with major.minor.patch ({@code linux-6.1.0}) and with the whole release
     * ({@code linux-6.1.0-18-amd64}), each only if it is a valid tag; none for a kernel fact of another shape
     * ({@code unknown}).
     */
    public static Set<String> kernelTags(String kernel) {
        Set<String> tags = new LinkedHashSet<>();
        java.util.regex.Matcher m = KERNEL.matcher(kernel == null ? "" : kernel);
        if (!m.matches()) return tags;
        String system = m.group(1).toLowerCase(java.util.Locale.ROOT) + "-";
        tags.add(system + m.group(3) + "." + m.group(4));
        if (m.group(5) != null) tags.add(system + m.group(3) + "." + m.group(4) + m.group(5));
        String full = system + m.group(2);
        if (Policy.TAG.matcher(full).matches()) tags.add(full);
        return tags;
    }
}
