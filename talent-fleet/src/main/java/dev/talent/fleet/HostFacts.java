package dev.talent.fleet;

import dev.talent.policy.FactsProbe;
import dev.talent.policy.PlatformFacts;
import dev.talent.policy.PolicyException;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.ToolchainProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A host's facts in the fleet: for each platform its agent publishes, what {@link FactsProbe} detects on it (ISA, word
 * size, byte order, C library and version, kernel, host name), kept in the host's record in etcd. A host record is
 * hostile input when read back (anyone holding a certificate of the fleet can write one): {@link #check} bounds and
 * validates what {@link Records.HostInfo} holds.
 */
public final class HostFacts {
    /** The most platforms a host record may name. */
    public static final int MAX_PLATFORMS = 32;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:\\[\\]%-]{1,253}");
    private static final Pattern PLATFORM = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private HostFacts() {}

    /**
     * The facts of each of {@code platforms} on this machine, probed once and cached under {@code state/cache}; a
     * platform whose probe fails is said through {@code events} and has none (the host is still registered with it).
     */
    public static List<PlatformFacts> detect(List<String> platforms, Path state, Consumer<String> events) throws InterruptedException {
        FactsProbe probe = FactsProbe.create(ToolchainProbe.ofHost(), state.resolve("cache"));
        List<PlatformFacts> out = new ArrayList<>();
        for (String name : platforms) {
            try {
                out.add(probe.detect(Platform.parse(name)));
            } catch (PolicyException | IllegalArgumentException e) {
                events.accept("no facts for platform " + name + ": " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * Checks a host record's fields: a name and address of bounded length and shape, a port, at most
     * {@link #MAX_PLATFORMS} platform names, and facts (each already checked by {@link PlatformFacts}) only of platforms
     * it names, at most one each.
     *
     * @throws IllegalArgumentException what is wrong, naming it
     */
    static void check(String name, String address, int port, List<String> platforms, List<PlatformFacts> facts) {
        if (name == null || !NAME.matcher(name).matches()) throw new IllegalArgumentException("not a host name: " + shown(name));
        if (address == null || !ADDRESS.matcher(address).matches()) throw new IllegalArgumentException("host " + name + ": not an address: " + shown(address));
        if (port < 0 || port > 65535) throw new IllegalArgumentException("host " + name + ": port " + port);
        if (platforms.size() > MAX_PLATFORMS) throw new IllegalArgumentException("host " + name + ": " + platforms.size() + " platforms (at most " + MAX_PLATFORMS + ")");
        for (String p : platforms)
            if (p == null || !PLATFORM.matcher(p).matches()) throw new IllegalArgumentException("host " + name + ": not a platform name: " + shown(p));
        if (facts.size() > platforms.size()) throw new IllegalArgumentException("host " + name + ": facts of " + facts.size() + " platforms, " + platforms.size() + " named");
        Set<String> seen = new HashSet<>();
        for (PlatformFacts f : facts) {
            if (f == null) throw new IllegalArgumentException("host " + name + ": empty facts");
            if (!platforms.contains(f.platform())) throw new IllegalArgumentException("host " + name + ": facts of platform " + shown(f.platform()) + ", which it does not name");
            if (!seen.add(f.platform())) throw new IllegalArgumentException("host " + name + ": facts of platform " + f.platform() + " twice");
        }
    }

    private static String shown(String s) {
        if (s == null) return "(none)";
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
