package dev.talent.migrate;

import dev.talent.format.ByteOrderBinding;
import dev.talent.policy.DestinationPolicy;
import dev.talent.toolchain.Platform;
import java.util.ArrayList;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Draws the next platform. Without a policy file: uniformly at random among the platforms not yet visited in the
 * current round, and a new round once all have been visited (an attacker cannot predict the order, and every
 * platform is used within one round). With one ({@code talent run --policy}): the diversity-weighted draw of
 * {@link DestinationPolicy#choose}. Either way never a platform carrying a quarantined tag (an active alert's), and,
 * once the app's checkpoint is bound to a byte order ({@link #bind}), never a platform of the other byte order: the
 * draw (rounds or weights) is made among the platforms of that byte order only.
 */
final class DestinationChooser {
    private final List<Platform> platforms;
    private final RandomGenerator random;
    private final List<Platform> unvisited = new ArrayList<>();
    private DestinationPolicy policy;
    private boolean diversity;
    /** The platforms left, most recent first (for the diversity draw's avoid_recent). */
    private final List<String> recent = new ArrayList<>();
    /** What binds the app's newest checkpoint to a byte order, or null. */
    private volatile ByteOrderBinding binding;

    /** A draw and how it was made. */
    record Drawn(Platform platform, String how) {}

    DestinationChooser(List<Platform> platforms, RandomGenerator random) {
        this.platforms = List.copyOf(platforms);
        this.random = random;
        this.policy = new DestinationPolicy(dev.talent.policy.Policy.EMPTY, java.util.Map.of());
    }

    /** Uses {@code policy}'s tags; with {@code diversity}, its weighted draw instead of rounds. */
    void use(DestinationPolicy policy, boolean diversity) {
        this.policy = policy;
        this.diversity = diversity;
    }

    DestinationPolicy policy() { return policy; }

    /**
     * The app's newest checkpoint is bound to {@code binding}'s byte order (empty: to none, any platform restores it):
     * later draws keep to platforms of that byte order.
     */
    void bind(Optional<ByteOrderBinding> binding) { this.binding = binding.orElse(null); }

    /** What binds the app to a byte order, if anything. */
    Optional<ByteOrderBinding> binding() { return Optional.ofNullable(binding); }

    /** Whether {@code p} can restore a checkpoint bound as {@code b}. */
    static boolean admits(ByteOrderBinding b, Platform p) {
        return b.admits(p.isa().byteOrder() == ByteOrder.BIG_ENDIAN, p.isa().pointerBits());
    }

    /** "little-endian", or "little-endian, 64-bit pointers" when the pointer width is bound too. */
    private static String only(ByteOrderBinding b) {
        return b.order() + (b.pointerBits() == 0 ? "" : ", " + b.pointerBits() + "-bit pointers");
    }

    /**
     * The byte-order restriction in words for {@code talent status} (null when the app is bound to none): its byte
     * order and cause, the platforms left out, and whether any platform other than {@code current} remains.
     */
    String restriction(Platform current) {
        ByteOrderBinding b = binding;
        if (b == null) return null;
        List<String> out = platforms.stream().filter(p -> !admits(b, p)).map(Platform::name).toList();
        boolean none = platforms.stream().noneMatch(p -> !p.equals(current) && admits(b, p));
        return only(b) + " only (" + b.why() + ")" + (out.isEmpty() ? "" : "; left out: " + String.join(",", out))
                + (none ? "; no other platform of that byte order: not migrating" : "");
    }

    /** The tags of {@code quarantined} that {@code p} carries. */
    Set<String> quarantinedTagsOf(Platform p, Set<String> quarantined) { return policy.matching(p.name(), quarantined); }

    /**
     * The next destination, never {@code current}, never a platform with a quarantined tag.
     *
     * @throws IllegalStateException there is no such platform
     */
    Drawn next(Platform current, Set<String> quarantined) {
        List<Platform> usable = platforms.stream().filter(p -> !p.equals(current))
                .filter(p -> policy.matching(p.name(), quarantined).isEmpty()).toList();
        if (usable.isEmpty()) {
            throw new IllegalStateException(quarantined.isEmpty() ? "there is no platform other than " + current.name()
                    + " to migrate to" : "every platform other than " + current.name() + " carries a quarantined tag ("
                    + String.join(", ", quarantined) + ")");
        }
        String order = "";
        ByteOrderBinding b = binding;
        if (b != null) {
            List<Platform> other = usable.stream().filter(p -> !admits(b, p)).toList();
            usable = usable.stream().filter(p -> admits(b, p)).toList();
            String names = String.join(",", other.stream().map(Platform::name).toList());
            if (usable.isEmpty()) {
                throw new IllegalStateException("the app's checkpoint is bound to the " + b.layout() + " ("
                        + b.why() + ") and no platform of that layout other than " + current.name()
                        + " is usable (left out: " + names + "): not migrating");
            }
            if (!other.isEmpty()) order = "; " + only(b) + " only (" + b.why() + "): " + names + " left out";
        }
        if (diversity) {
            DestinationPolicy.Choice c = policy.choose(current.name(), recent, usable.stream().map(Platform::name).toList(), random);
            return new Drawn(Platform.parse(c.platform()), c.reason() + order);
        }
        unvisited.remove(current);
        unvisited.retainAll(usable);
        String how = "round";
        if (unvisited.isEmpty()) {
            unvisited.addAll(usable);
            how = "round (new)";
        }
        Platform p = unvisited.remove(random.nextInt(unvisited.size()));
        return new Drawn(p, how + ": drawn among " + (unvisited.size() + 1) + " not yet visited"
                + (quarantined.isEmpty() ? "" : "; quarantined: " + String.join(",", quarantined)) + order);
    }

    /** The next destination when nothing is quarantined. */
    Platform next(Platform current) { return next(current, Set.of()).platform(); }

    /** Records a visit that was not drawn here (talent migrate --to), so the round does not repeat it. */
    void visited(Platform platform) { unvisited.remove(platform); }

    /** The app left {@code platform} (for avoid_recent). */
    void left(Platform platform) {
        recent.remove(platform.name());
        recent.addFirst(platform.name());
        if (recent.size() > 64) recent.removeLast();
    }
}
