package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.fleet.Records;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** The agent's check before it adopts or resumes a copy of an app left on its host. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PlacementFenceTest {
    private static Optional<Records.Placement> at(String host, long epoch) {
        return Optional.of(new Records.Placement("svc", host, "x86_64", 0, null, 0, epoch));
    }

    @Test
    void aCopyRunsOnOnlyWherePlacedAtItsEpoch() {
        assertThat(PlacementFence.decide("h1", "svc", 0, true, at("h1", 0)).keep()).isTrue();
        assertThat(PlacementFence.decide("h1", "svc", 0, true, at("h2", 1)))
                .satisfies(v -> assertThat(v.keep()).isFalse()).satisfies(v -> assertThat(v.reason()).contains("h2/x86_64"));
        assertThat(PlacementFence.decide("h1", "svc", 0, true, at("h1", 2)))
                .as("rescheduled away and back: the old copy is stale").satisfies(v -> assertThat(v.keep()).isFalse());
        assertThat(PlacementFence.decide("h1", "svc", 0, false, at("h1", 0)).keep()).as("undeployed").isFalse();
        assertThat(PlacementFence.decide("h1", "svc", 0, true, Optional.empty()).keep()).as("being placed").isTrue();
    }

    @Test
    void theDestinationOfAMigrationInFlightKeepsItsCopyUntilTheLeaderDecides() {
        // an agent killed on the destination after it took the app over, back before the leader's commit
        assertThat(PlacementFence.decide("h2", "svc", 1, true, at("h1", 1), Optional.of("h2")))
                .satisfies(v -> assertThat(v.keep()).isTrue()).satisfies(v -> assertThat(v.reason()).contains("migrating here from h1/x86_64"));
        assertThat(PlacementFence.decide("h3", "svc", 1, true, at("h1", 1), Optional.of("h2")).keep()).as("another host's migration").isFalse();
        assertThat(PlacementFence.decide("h2", "svc", 0, true, at("h1", 1), Optional.of("h2")).keep()).as("a copy of an older epoch").isFalse();
        assertThat(PlacementFence.decide("h2", "svc", 1, false, at("h1", 1), Optional.of("h2")).keep()).as("undeployed").isFalse();
        PlacementFence f = new PlacementFence("h2", Set.of("svc"), Map.of("svc", at("h1", 1).orElseThrow()), Map.of("svc", "h2"));
        assertThat(f.check("svc", 1).keep()).isTrue();
    }

    /**
     * Where etcd places the app with nothing in flight, its adopted copy must be on the network (a destination whose
     * agent was killed between its hold and the unlock after the commit); a copy an in-flight migration may still
     * move or discard is the leader's to decide.
     */
    @Test
    void aCopyIsSettledOnlyWherePlacedWithNoMigrationInFlight() {
        Map<String, Records.Placement> placed = Map.of("svc", at("h2", 1).orElseThrow());
        assertThat(new PlacementFence("h2", Set.of("svc"), placed).settledHere("svc")).isTrue();
        assertThat(new PlacementFence("h1", Set.of("svc"), placed).settledHere("svc")).isFalse();
        assertThat(new PlacementFence("h2", Set.of("svc"), placed, Map.of("svc", "h3")).settledHere("svc")).as("moving away").isFalse();
        assertThat(new PlacementFence("h2", Set.of("svc"), Map.of()).settledHere("svc")).as("not placed").isFalse();
        assertThat(PlacementFence.keepAll("h2").settledHere("svc")).as("no etcd to ask").isFalse();
    }

    /** The agent's own unlock of a copy left held says why it did or did not let it on. */
    @Test
    void theSettlementSaysWhy() {
        Map<String, Records.Placement> placed = Map.of("svc", at("h2", 1).orElseThrow());
        assertThat(new PlacementFence("h2", Set.of("svc"), placed).settlement("svc").reason())
                .isEqualTo("etcd places svc here (h2/x86_64) with no migration in flight");
        assertThat(new PlacementFence("h1", Set.of("svc"), placed).settlement("svc").reason()).isEqualTo("etcd places svc on h2/x86_64");
        assertThat(new PlacementFence("h2", Set.of("svc"), placed, Map.of("svc", "h3")).settlement("svc"))
                .satisfies(v -> assertThat(v.keep()).isFalse())
                .satisfies(v -> assertThat(v.reason()).isEqualTo("a migration of svc to h3 is in flight (the leader decides)"));
        assertThat(new PlacementFence("h2", Set.of("svc"), Map.of()).settlement("svc").reason()).isEqualTo("etcd does not place svc");
    }

    @Test
    void aSnapshotAnswersForItsHost() {
        PlacementFence f = new PlacementFence("h3", Set.of("svc", "db"),
                Map.of("svc", at("h3", 4).orElseThrow(), "db", new Records.Placement("db", "h1", "aarch64", 0, null, 0, 0)));
        assertThat(f.check("svc", 4).keep()).isTrue();
        assertThat(f.check("svc", 3).keep()).isFalse();
        assertThat(f.check("db", 0).keep()).isFalse();
        assertThat(f.check("gone", 0).keep()).isFalse();
    }
}
