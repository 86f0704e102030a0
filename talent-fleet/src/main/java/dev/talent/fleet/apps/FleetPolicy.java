package dev.talent.fleet.apps;

import dev.talent.policy.DestinationPolicy;
import dev.talent.policy.Policy;
import dev.talent.policy.PlatformFacts;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.Userland;
import java.nio.ByteOrder;
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
 * tags}) and the implicit ones: the platform's name, its ISA, its C library (glibc, musl) and the host's name; so
 * {@code talent alert --tag h2} quarantines host h2 and {@code --tag s390x} every s390x platform.
 *
 * <p>Facts of a place, for the diversity weights: ISA, word size, byte order and C library from talent's platform
 * table, the host from its name. The C library's version and the kernel are not known to the controller (written
 * {@code unknown}), so the {@code libc} dimension tells glibc from musl only.
 *
 * @param policy    the operator's policy ({@link Policy#EMPTY} without a file)
 * @param diversity whether scheduled moves are drawn by the diversity weights (a policy file was given); otherwise
 *                  in rounds, as before
 */
public record FleetPolicy(Policy policy, boolean diversity) {
    /** Without a policy file: implicit tags only, scheduled moves in rounds. */
    public static final FleetPolicy NONE = new FleetPolicy(Policy.EMPTY, false);

    public static FleetPolicy of(Policy policy) { return new FleetPolicy(policy, true); }

    /** The facts of a place as far as the controller knows them (empty: a platform talent does not know). */
    public static Optional<PlatformFacts> facts(FleetAgents.Placement p) {
        Optional<Platform> known = Platform.fromName(p.platform());
        if (known.isEmpty()) return Optional.empty();
        Platform pl = known.get();
        return Optional.of(new PlatformFacts(p.platform(), pl.isa().id(), pl.isa().pointerBits(),
                pl.isa().byteOrder() == ByteOrder.BIG_ENDIAN ? "big" : "little",
                pl.userland() == Userland.MUSL ? "musl" : "glibc", "unknown", "unknown", p.host()));
    }

    /** Every tag the place carries (see the class comment). */
    public Set<String> tagsOf(FleetAgents.Placement p) {
        Set<String> tags = new LinkedHashSet<>();
        tags.add(p.platform());
        facts(p).ifPresent(f -> {
            tags.add(f.isa());
            tags.add(f.libc());
        });
        tags.add(p.host());
        tags.addAll(policy.tagsOf(p.platform()));
        tags.addAll(policy.tagsOfHost(p.host()));
        return tags;
    }

    /** The tags of {@code quarantined} that the place carries (empty: it may be used). */
    public Set<String> matching(FleetAgents.Placement p, Set<String> quarantined) {
        if (quarantined.isEmpty()) return Set.of();
        Set<String> hit = new LinkedHashSet<>(tagsOf(p));
        hit.retainAll(quarantined);
        return hit;
    }

    /** The diversity draw over places, keyed {@code host/platform}, with the facts of {@code places}. */
    DestinationPolicy destinations(Iterable<FleetAgents.Placement> places) {
        Map<String, PlatformFacts> facts = new LinkedHashMap<>();
        for (FleetAgents.Placement p : places) facts(p).ifPresent(f -> facts.put(p.toString(), f));
        return new DestinationPolicy(policy, facts);
    }
}
