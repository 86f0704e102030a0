package dev.talent.migrate;

import dev.talent.format.ByteOrderBinding;
import dev.talent.policy.DestinationPolicy;
import dev.talent.toolchain.BuildBinding;
import dev.talent.toolchain.Platform;
import java.util.ArrayList;
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
 * draw (rounds or weights) is made among the platforms of that byte order only. A binding decided at build time
 * ({@link BuildBinding}, {@code DIR/NAME.binding}) holds from the start, relative to the platform the app runs on (a
 * checkpoint written there restores only on platforms of its byte order / pointer width); both bindings apply when
 * both exist.
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
    /** What binds every checkpoint of the build, or null. */
    private final BuildBinding build;

    /** A draw and how it was made. */
    record Drawn(Platform platform, String how) {}

    DestinationChooser(List<Platform> platforms, RandomGenerator random) {
        this(platforms, random, Optional.empty());
    }

    /** A chooser bound from the start by the build's binding (empty: the build binds nothing). */
    DestinationChooser(List<Platform> platforms, RandomGenerator random, Optional<BuildBinding> build) {
        this.platforms = List.copyOf(platforms);
        this.random = random;
        this.build = build.orElse(null);
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

    /** What binds every checkpoint of the build, if anything. */
    Optional<BuildBinding> buildBinding() { return Optional.ofNullable(build); }

    /**
     * Whether {@code p} can restore the app's checkpoint written on {@code current}: admitted by the checkpoint's
     * binding (if any) and by the build's (if any).
     */
    boolean admits(Platform current, Platform p) {
        ByteOrderBinding b = binding;
        return (b == null || admits(b, p)) && (build == null || build.admits(current, p));
    }

    /**
     * Why {@code p} cannot restore the app's checkpoint written on {@code current}, in words ("the build binds the
     * app's checkpoints to the big-endian byte order (...)"); empty when it can.
     */
    Optional<String> refusal(Platform current, Platform p) {
        if (build != null && !build.admits(current, p)) {
            return Optional.of("the build binds the app's checkpoints to the " + build.layout(current) + " of " + current.name()
                    + " (" + build.why() + "), which " + p.name() + " does not have");
        }
        ByteOrderBinding b = binding;
        if (b != null && !admits(b, p)) {
            return Optional.of("the app's checkpoint is bound to the " + b.layout() + " (" + b.why() + "), which " + p.name()
                    + " does not have");
        }
        return Optional.empty();
    }

    /**
     * Where to start among {@code candidates} (in the order of --platforms): the first, unless the build's binding
     * leaves it no other platform of --platforms to move to and a later candidate has one (an app started where its
     * checkpoints can go nowhere else would never move).
     */
    Platform start(List<Platform> candidates) {
        if (build == null) return candidates.getFirst();
        for (Platform c : candidates) {
            if (platforms.stream().anyMatch(p -> !p.equals(c) && build.admits(c, p))) return c;
        }
        return candidates.getFirst();
    }

    /** Whether {@code p} can restore a checkpoint bound as {@code b}. */
    static boolean admits(ByteOrderBinding b, Platform p) {
        return b.admits(p.bigEndian(), p.isa().pointerBits());
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
        if (b == null && build == null) return null;
        List<String> out = platforms.stream().filter(p -> !admits(current, p)).map(Platform::name).toList();
        boolean none = platforms.stream().noneMatch(p -> !p.equals(current) && admits(current, p));
        return only(current) + (out.isEmpty() ? "" : "; left out: " + String.join(",", out))
                + (none ? "; no other platform of that " + (b == null ? "layout" : "byte order") + ": not migrating" : "");
    }

    /** The restriction's kind and cause: "big-endian only (...)", "64-bit pointers only, by the build (...)", both. */
    private String only(Platform current) {
        List<String> each = new ArrayList<>();
        if (build != null) {
            each.add(build.layout(current).replace(" byte order", "").replace(" and ", ", ") + " only, by the build ("
                    + build.why() + ")");
        }
        ByteOrderBinding b = binding;
        if (b != null) each.add(only(b) + " only (" + b.why() + ")");
        return String.join("; ", each);
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
        if (b != null || build != null) {
            List<Platform> other = usable.stream().filter(p -> !admits(current, p)).toList();
            usable = usable.stream().filter(p -> admits(current, p)).toList();
            String names = String.join(",", other.stream().map(Platform::name).toList());
            if (usable.isEmpty()) {
                String bound = b == null ? "the build binds the app's checkpoints to the " + build.layout(current) + " of "
                        + current.name() + " (" + build.why() + ")" : "the app's checkpoint is bound to the " + b.layout()
                        + " (" + b.why() + ")" + (build == null ? "" : " and the build to the " + build.layout(current));
                throw new IllegalStateException(bound + ", and no platform of that layout other than " + current.name()
                        + " is usable (left out: " + names + "): not migrating");
            }
            if (!other.isEmpty()) order = "; " + only(current) + ": " + names + " left out";
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
