package dev.talent.migrate;

import dev.talent.toolchain.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Draws the next platform: uniformly at random among the platforms not yet visited in the current round, and a new
 * round once all have been visited. An attacker cannot predict the order, and every platform is used within one
 * round (so no platform silently drops out of the rotation by chance).
 */
final class DestinationChooser {
    private final List<Platform> platforms;
    private final RandomGenerator random;
    private final List<Platform> unvisited = new ArrayList<>();

    DestinationChooser(List<Platform> platforms, RandomGenerator random) {
        this.platforms = List.copyOf(platforms);
        this.random = random;
    }

    /** The next destination, never {@code current}. */
    Platform next(Platform current) {
        unvisited.remove(current);
        if (unvisited.isEmpty()) {
            unvisited.addAll(platforms);
            unvisited.remove(current);
        }
        if (unvisited.isEmpty()) {
            throw new IllegalStateException("there is no platform other than " + current.name() + " to migrate to");
        }
        return unvisited.remove(random.nextInt(unvisited.size()));
    }

    /** Records a visit that was not drawn here (talent migrate --to), so the round does not repeat it. */
    void visited(Platform platform) { unvisited.remove(platform); }
}
