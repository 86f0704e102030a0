package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.fleet.Records;
import dev.talent.migrate.pipeline.AppContainer;
import dev.talent.migrate.pipeline.Signal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent's own unlock of a --net copy left off the network ({@link HeldNetworks}): a destination whose agent was up
 * but missed every try of the leader's unlock after the commit is let on once etcd places the app on its host with no
 * migration in flight, never while one is (the leader decides), and never over a change that came after its look.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HeldNetworksTest {
    /** A container whose port is up or down. */
    static final class Port implements AppContainer {
        final String id;
        boolean up;
        int unlocks, announces;
        IOException failUnlock;

        Port(String id) { this.id = id; }

        @Override public String id() { return id; }
        @Override public boolean hasNetwork() { return true; }
        @Override public void lockNetwork() { up = false; }
        @Override public void unlockNetwork() throws IOException {
            if (failUnlock != null) throw failUnlock;
            up = true;
            unlocks++;
        }
        @Override public boolean holdNetwork() { up = true; return true; }
        @Override public void announce() { announces++; }
        @Override public boolean signal(Signal signal) { return true; }
        @Override public void start() {}
        @Override public CompletableFuture<Integer> onExit() { return new CompletableFuture<>(); }
        @Override public String logTail(int lines) { return ""; }
        @Override public void delete() {}
    }

    /** What etcd holds, as the agent's fence reads it; counts the reads. */
    static final class Etcd implements HostedApps.FenceSource {
        final Map<String, Records.Placement> placements = new HashMap<>();
        final Map<String, String> arriving = new HashMap<>();
        int loads;
        Runnable onLoad = () -> {};

        @Override
        public PlacementFence load() {
            loads++;
            onLoad.run();
            return new PlacementFence("h2", Set.of("web"), placements, arriving);
        }
    }

    private static Records.Placement on(String host) { return new Records.Placement("web", host, "x86_64", 0, null, 1, 1); }

    private final HeldNetworks held = new HeldNetworks();
    private final List<String> events = new ArrayList<>();
    private final Map<String, AppContainer> running = new HashMap<>();
    private final Etcd etcd = new Etcd();

    private int converge() throws Exception {
        return held.converge(app -> Optional.ofNullable(running.get(app)), etcd, (app, c) -> {
            c.unlockNetwork();
            c.announce();
        }, events::add);
    }

    /** A committed destination held since the lock (the leader's five tries never reached its agent). */
    private Port heldDestination() throws Exception {
        Port c = new Port("web-h2-x86_64-2");
        held.off("web", c, "created with its port down to restore a checkpoint");
        held.change("web", c, "held for a migration", c::holdNetwork);
        c.up = false; // what counts: the agent never let it on
        running.put("web", c); // the commit's adopt made it the app's copy here
        return c;
    }

    @Test
    void aHeldCopyThatEtcdPlacesHereWithNothingInFlightIsLetOnAndSaid() throws Exception {
        Port c = heldDestination();
        etcd.placements.put("web", on("h2"));
        assertThat(converge()).isEqualTo(1);
        assertThat(c.up).isTrue();
        assertThat(c.announces).as("the segment learns the app's MAC is here").isEqualTo(1);
        assertThat(held.isOff("web", c)).isFalse();
        assertThat(events).singleElement().asString().contains("web: container web-h2-x86_64-2 was off the network (held for a migration)")
                .contains("etcd places web here (h2/x86_64) with no migration in flight").contains("this agent let it onto the network");
        assertThat(converge()).as("once on, never again").isZero();
        assertThat(c.unlocks).isEqualTo(1);
        assertThat(etcd.loads).as("etcd read only while something is off").isEqualTo(1);
    }

    @Test
    void aCopyWithAMigrationInFlightIsTheLeadersToDecide() throws Exception {
        Port c = heldDestination();
        // committed, not finished: current still names it (the leader's unlock is on its way), then finished
        etcd.placements.put("web", on("h2"));
        etcd.arriving.put("web", "h2");
        assertThat(converge()).isZero();
        assertThat(events).as("the first look is a commit's moment: not said").isEmpty();
        assertThat(converge()).isZero();
        assertThat(converge()).isZero();
        assertThat(c.up).isFalse();
        assertThat(events).as("said once").singleElement().asString()
                .contains("this agent leaves it so: a migration of web to h2 is in flight (the leader decides)");
        etcd.arriving.clear();
        assertThat(converge()).isEqualTo(1);
        assertThat(c.up).isTrue();
    }

    @Test
    void aCopyEtcdPlacesElsewhereStaysOff() throws Exception {
        Port c = heldDestination();
        etcd.placements.put("web", on("h1"));
        for (int i = 0; i < 3; i++) assertThat(converge()).isZero();
        assertThat(c.up).isFalse();
        assertThat(events).singleElement().asString().contains("etcd places web on h1/x86_64");
        etcd.placements.clear();
        assertThat(converge()).isZero();
        assertThat(c.up).as("not placed at all").isFalse();
    }

    @Test
    void onlyTheContainerThatRunsTheAppIsLookedAt() throws Exception {
        Port destination = new Port("web-h2-x86_64-2");
        held.off("web", destination, "created with its port down to restore a checkpoint");
        etcd.placements.put("web", on("h2"));
        // prepared, not yet adopted: nothing runs the app here (or the source still does on another platform)
        assertThat(converge()).isZero();
        Port source = new Port("web-h2-aarch64-1");
        source.up = true;
        running.put("web", source);
        assertThat(converge()).isZero();
        assertThat(destination.up).isFalse();
        assertThat(etcd.loads).as("nothing off runs the app: etcd is not read").isZero();
    }

    @Test
    void aLockThatCameAfterTheLookStands() throws Exception {
        Port c = heldDestination();
        etcd.placements.put("web", on("h2"));
        // a migration away begins between the agent's look at etcd and its unlock: the leader locks the source
        etcd.onLoad = () -> {
            try {
                held.change("web", c, "locked by the leader", () -> {
                    c.lockNetwork();
                    return null;
                });
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        };
        assertThat(converge()).isZero();
        assertThat(c.up).isFalse();
        assertThat(c.unlocks).isZero();
        assertThat(held.isOff("web", c)).isTrue();
    }

    @Test
    void theLeadersUnlockLeavesNothingToDo() throws Exception {
        Port c = heldDestination();
        held.change("web", c, null, () -> {
            c.unlockNetwork();
            return null;
        });
        etcd.placements.put("web", on("h2"));
        assertThat(converge()).isZero();
        assertThat(c.unlocks).isEqualTo(1);
        assertThat(etcd.loads).isZero();
    }

    @Test
    void anUnlockThatFailsIsSaidAndTriedAgain() throws Exception {
        Port c = heldDestination();
        etcd.placements.put("web", on("h2"));
        c.failUnlock = new IOException("no port");
        assertThat(converge()).isZero();
        assertThat(events).singleElement().asString().contains("cannot let container web-h2-x86_64-2 onto the network").contains("no port");
        assertThat(held.isOff("web", c)).isTrue();
        c.failUnlock = null;
        assertThat(converge()).isEqualTo(1);
        assertThat(c.up).isTrue();
    }

    @Test
    void aFailedChangeLeavesTheContainerCountedOff() throws Exception {
        Port c = new Port("web-h2-x86_64-1");
        running.put("web", c);
        c.failUnlock = new IOException("netlink said no");
        AtomicInteger tries = new AtomicInteger();
        try {
            held.change("web", c, null, () -> {
                tries.incrementAndGet();
                c.unlockNetwork();
                return null;
            });
        } catch (IOException expected) {
            // the leader's unlock failed: its state is not known
        }
        assertThat(held.isOff("web", c)).isTrue();
        c.failUnlock = null;
        etcd.placements.put("web", on("h2"));
        assertThat(converge()).isEqualTo(1);
        assertThat(tries).hasValue(1);
    }

    @Test
    void aContainerGoneIsForgotten() throws Exception {
        Port c = heldDestination();
        held.forget("web", c);
        etcd.placements.put("web", on("h2"));
        assertThat(converge()).isZero();
        Port d = heldDestination();
        held.forget("web");
        assertThat(converge()).isZero();
        assertThat(d.up).isFalse();
        assertThat(etcd.loads).isZero();
    }
}
