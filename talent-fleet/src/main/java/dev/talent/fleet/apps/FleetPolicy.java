package dev.talent.fleet.apps;

import dev.talent.fleet.Records;
import dev.talent.policy.DestinationPolicy;
import dev.talent.policy.Policy;
import dev.talent.policy.PlatformFacts;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.Userland;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The moving-target policy a fleet's controller applies ({@code talent controller --policy FILE}, the TOML of
 * {@code talent run --policy}): the tags of a place (host, platform) and, when a policy file was given, the diversity
 * weights of the scheduled draw ({@link DestinationPolicy}, the same code as on one host).
 *
 * <p>A place carries the tags of its platform ({@code [platform.NAME] tags}), those of its host ({@code [host.NAME]
 * tags}) and the implicit ones: the platform's name, its ISA, its C library (glibc, musl; with its version when
 * detected), its kernel when detected ({@link PlatformFacts#kernelTags}: {@code linux-6.1}, {@code linux-6.1.0},
 * {@code linux-6.1.0-18-amd64}) and the host's name; so {@code talent alert --tag h2} quarantines host h2,
 * {@code --tag s390x} every s390x platform and {@code --tag linux-6.1} every place whose agent found a 6.1 kernel.
 *
 * <p>Facts of a place, for the tags and the diversity weights: what the host's agent detected on the platform and
 * published in its host record ({@link dev.talent.fleet.HostFacts}: ISA, word size, byte order, C library and its
 * version, kernel), the host being the place's host name in the fleet. A place whose host record has no facts of the
 * platform (a probe that failed, an agent of an older version) gets them from talent's platform table, with the C
 * library's version and the kernel {@code unknown}: the {@code libc} dimension then tells glibc from musl only, and
 * the place carries no {@code glibc-VERSION} tag.
 *
 * @param policy    the operator's policy ({@link Policy#EMPTY} without a file)
 * @param diversity whether scheduled moves are drawn by the diversity weights (a policy file was given); otherwise
 *                  in rounds, as before
 */
public record FleetPolicy(Policy policy, boolean diversity) {
    /** Without a policy file: implicit tags only, scheduled moves in rounds. */
    public static final FleetPolicy NONE = new FleetPolicy(Policy.EMPTY, false);

    public static FleetPolicy of(Policy policy) { return new FleetPolicy(policy, true); }

    /** A fact the platform table does not give (C library version, kernel). */
    static final String UNKNOWN = "unknown";

    /**
     * The facts of a place: those its host's agent detected ({@code host}'s record, when it has facts of the place's
     * platform), else those of talent's platform table (empty: a platform talent does not know).
     */
    public static Optional<PlatformFacts> facts(FleetAgents.Placement p, Optional<Records.HostInfo> host) {
        if (host.isPresent() && host.get().name().equals(p.host())) {
            for (PlatformFacts f : host.get().facts()) {
                if (f.platform().equals(p.platform())) {
                    return Optional.of(new PlatformFacts(f.platform(), f.isa(), f.wordBits(), f.byteOrder(), f.libc(),
                            f.libcVersion(), f.kernel(), p.host()));
                }
            }
        }
        return facts(p);
    }

    /** The facts of a place from talent's platform table alone (empty: a platform talent does not know). */
    public static Optional<PlatformFacts> facts(FleetAgents.Placement p) {
        Optional<Platform> known = Platform.fromName(p.platform());
        if (known.isEmpty()) return Optional.empty();
        Platform pl = known.get();
        return Optional.of(new PlatformFacts(p.platform(), pl.isa().id(), pl.isa().pointerBits(),
                pl.bigEndian() ? "big" : "little",
                pl.userland() == Userland.MUSL ? "musl" : "glibc", UNKNOWN, UNKNOWN, p.host()));
    }

    /** Every tag the place carries (see the class comment), with the facts of its host's record if there is one. */
    public Set<String> tagsOf(FleetAgents.Placement p, Optional<Records.HostInfo> host) {
        Set<String> tags = new LinkedHashSet<>();
        tags.add(p.platform());
        facts(p, host).ifPresent(f -> {
            tags.add(f.isa());
            tags.add(f.libc());
            if (!f.libcVersion().equals(UNKNOWN)) tags.add(f.libcId());
            tags.addAll(f.kernelTags());
        });
        tags.add(p.host());
        tags.addAll(policy.tagsOf(p.platform()));
        tags.addAll(policy.tagsOfHost(p.host()));
        return tags;
    }

    /** {@link #tagsOf(FleetAgents.Placement, Optional)} without a host record: the platform table's facts. */
    public Set<String> tagsOf(FleetAgents.Placement p) { return tagsOf(p, Optional.empty()); }

    /** The tags of {@code quarantined} that the place carries (empty: it may be used). */
    public Set<String> matching(FleetAgents.Placement p, Optional<Records.HostInfo> host, Set<String> quarantined) {
        if (quarantined.isEmpty()) return Set.of();
        Set<String> hit = new LinkedHashSet<>(tagsOf(p, host));
        hit.retainAll(quarantined);
        return hit;
    }

    /**
     * The diversity draw over places, keyed {@code host/platform}, with the facts of {@code places} (from
     * {@code hosts}' records, by host name, where they have them).
     */
    DestinationPolicy destinations(Iterable<FleetAgents.Placement> places, Map<String, Records.HostInfo> hosts) {
        Map<String, PlatformFacts> facts = new LinkedHashMap<>();
        for (FleetAgents.Placement p : places)
            facts(p, Optional.ofNullable(hosts.get(p.host()))).ifPresent(f -> facts.put(p.toString(), f));
        return new DestinationPolicy(policy, facts);
    }
}
