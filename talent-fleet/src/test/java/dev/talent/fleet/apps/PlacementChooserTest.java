package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.fleet.Records;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PlacementChooserTest {
    private static final List<Records.HostInfo> LIVE = List.of(
            new Records.HostInfo("h1", "a1", 1, List.of("x86_64", "aarch64", "s390x")),
            new Records.HostInfo("h2", "a2", 1, List.of("x86_64", "aarch64")),
            new Records.HostInfo("h3", "a3", 1, List.of("x86_64")));

    private static AppRecords.AppRecord app(String... platforms) {
        Map<String, String> b = new java.util.HashMap<>();
        for (String p : platforms) b.put(p, "0".repeat(64));
        return new AppRecords.AppRecord("svc", b, List.of(), null, false, null, List.of(platforms), null, null, null, 0, false);
    }

    private static FleetAgents.Placement at(String s) { return AppRecords.placement(s); }

    @Test
    void startsOnTheFirstPlatformALiveHostHas() {
        assertThat(PlacementChooser.first(app("riscv64", "aarch64", "x86_64"), LIVE, new Random(1)))
                .hasValueSatisfying(c -> assertThat(c.to().platform()).isEqualTo("aarch64"));
        assertThat(PlacementChooser.first(app("riscv64"), LIVE, new Random(1))).isEmpty();
    }

    @Test
    void candidatesAreTheLiveHostsPlatformsTheAppHas() {
        assertThat(PlacementChooser.candidates(app("x86_64", "s390x"), LIVE))
                .containsExactly(at("h1/x86_64"), at("h1/s390x"), at("h2/x86_64"), at("h3/x86_64"));
    }

    @Test
    void scheduledMovesVisitEveryPlaceInARoundAndPreferAnotherHostAndPlatform() {
        AppRecords.AppRecord a = app("x86_64", "aarch64");
        Random r = new Random(3);
        FleetAgents.Placement here = at("h1/x86_64");
        List<FleetAgents.Placement> visited = new ArrayList<>(List.of(here));
        for (int i = 0; i < 40; i++) {
            FleetAgents.Placement next = PlacementChooser.scheduled(a, here, visited, LIVE, r).orElseThrow().to();
            assertThat(next).isNotEqualTo(here);
            visited.add(next);
            here = next;
        }
        for (int round = 0; (round + 1) * 5 <= visited.size(); round++)
            assertThat(new HashSet<>(visited.subList(round * 5, round * 5 + 5))).as("round %d visits every place once", round).hasSize(5);
        Set<FleetAgents.Placement> seen = new HashSet<>(visited);
        assertThat(seen).containsExactlyInAnyOrder(at("h1/x86_64"), at("h1/aarch64"), at("h2/x86_64"), at("h2/aarch64"), at("h3/x86_64"));
        long crossBoth = 0;
        for (int i = 1; i < visited.size(); i++)
            if (!visited.get(i).host().equals(visited.get(i - 1).host()) && !visited.get(i).platform().equals(visited.get(i - 1).platform())) crossBoth++;
        assertThat(crossBoth).as("most moves change host and platform").isGreaterThan(visited.size() / 2);
        assertThat(PlacementChooser.scheduled(app("s390x"), at("h1/s390x"), List.of(), LIVE, r)).as("nowhere else").isEmpty();
    }

    @Test
    void roundsAreDrawnAtRandomNotInAFixedOrder() {
        AppRecords.AppRecord a = app("x86_64", "aarch64");
        Set<List<FleetAgents.Placement>> sequences = new HashSet<>();
        for (int seed = 0; seed < 8; seed++) {
            Random r = new Random(seed);
            FleetAgents.Placement here = at("h1/x86_64");
            List<FleetAgents.Placement> visited = new ArrayList<>(List.of(here));
            for (int i = 0; i < 15; i++) {
                here = PlacementChooser.scheduled(a, here, visited, LIVE, r).orElseThrow().to();
                visited.add(here);
            }
            sequences.add(visited.subList(5, 16));
        }
        assertThat(sequences).as("later rounds differ between draws").hasSizeGreaterThan(1);
    }

    @Test
    void aRequestNamesAHostAPlatformOrBoth() {
        AppRecords.AppRecord a = app("x86_64", "aarch64");
        FleetAgents.Placement here = at("h1/aarch64");
        Random r = new Random(5);
        assertThat(PlacementChooser.requested(a, here, new AppRecords.MigrateRequest("svc", "h2", null, 0), LIVE, r))
                .hasValueSatisfying(c -> assertThat(c.to()).as("keeps the platform").isEqualTo(at("h2/aarch64")));
        assertThat(PlacementChooser.requested(a, here, new AppRecords.MigrateRequest("svc", "h3", null, 0), LIVE, r))
                .hasValueSatisfying(c -> assertThat(c.to()).isEqualTo(at("h3/x86_64")));
        assertThat(PlacementChooser.requested(a, here, new AppRecords.MigrateRequest("svc", "h1", "x86_64", 0), LIVE, r))
                .hasValueSatisfying(c -> assertThat(c.to()).isEqualTo(at("h1/x86_64")));
        assertThat(PlacementChooser.requested(a, here, new AppRecords.MigrateRequest("svc", null, "x86_64", 0), LIVE, r))
                .hasValueSatisfying(c -> assertThat(c.to().platform()).isEqualTo("x86_64"));
        assertThat(PlacementChooser.requested(a, here, new AppRecords.MigrateRequest("svc", "h3", "aarch64", 0), LIVE, r)).isEmpty();
        assertThat(PlacementChooser.requested(a, here, new AppRecords.MigrateRequest("svc", "h1", "aarch64", 0), LIVE, r))
                .as("not where it is").isEmpty();
    }

    @Test
    void offADrainedHostAnAppGoesToAnotherHostThatHasOneOfItsPlatformsKeepingItsOwnWhenItCan() {
        AppRecords.AppRecord a = app("x86_64", "aarch64");
        // h1 drained: the caller passes the live, undrained hosts only
        List<Records.HostInfo> undrained = LIVE.subList(1, 3);
        Set<FleetAgents.Placement> seen = new HashSet<>();
        Random r = new Random(3);
        for (int k = 0; k < 40; k++) PlacementChooser.offHost(a, at("h1/aarch64"), undrained, r).ifPresent(c -> seen.add(c.to()));
        assertThat(seen).as("its platform, on the one other host that has it").containsExactly(at("h2/aarch64"));
        // the current host is never chosen, even when passed
        seen.clear();
        for (int k = 0; k < 40; k++) PlacementChooser.offHost(a, at("h2/x86_64"), LIVE, r).ifPresent(c -> seen.add(c.to()));
        assertThat(seen).containsExactlyInAnyOrder(at("h1/x86_64"), at("h3/x86_64"));
        // only another platform left: it changes platform
        assertThat(PlacementChooser.offHost(app("x86_64", "aarch64"), at("h2/aarch64"), LIVE.subList(2, 3), new Random(1)))
                .hasValueSatisfying(c -> {
                    assertThat(c.to()).isEqualTo(at("h3/x86_64"));
                    assertThat(c.how()).contains("other platform");
                });
        // no undrained host has its platform (s390x only on the drained h1): it stays
        assertThat(PlacementChooser.offHost(app("s390x"), at("h1/s390x"), undrained, new Random(1))).isEmpty();
        assertThat(PlacementChooser.offHost(app("x86_64"), at("h3/x86_64"), LIVE.subList(2, 3), new Random(1))).isEmpty();
    }

    @Test
    void aRequestedFaultIsOneOfTheHostToHostSteps() {
        assertThat(new AppRecords.MigrateRequest("svc", "h2", null, 0, "sync").faultStep()).contains(dev.talent.migrate.Step.SYNC);
        assertThat(new AppRecords.MigrateRequest("svc", "h2", null, 0).faultStep()).isEmpty();
        for (String step : AppRecords.FAULTS) {
            if (step.equals(AppRecords.COMMIT)) continue;
            assertThat(new AppRecords.MigrateRequest("svc", null, null, 0, step).faultStep().orElseThrow().label()).isEqualTo(step);
            assertThat(new AppRecords.MigrateRequest("svc", null, null, 0, step).faultAtCommit()).isFalse();
        }
        // the commit is the leader's step, not the agents' pipeline's
        AppRecords.MigrateRequest commit = new AppRecords.MigrateRequest("svc", null, null, 0, "commit");
        assertThat(commit.faultStep()).isEmpty();
        assertThat(commit.faultAtCommit()).isTrue();
        for (String bad : new String[] {"pre-copy", "COMMIT", "", "SYNC"})
            org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                    .isThrownBy(() -> new AppRecords.MigrateRequest("svc", null, null, 0, bad)).withMessageContaining("--inject-fault");
    }

    @Test
    void aFaultAtPrecopyIsAStepOfTheAgentsPipeline() {
        for (String step : AppRecords.FAULTS) assertThat(AppRecords.refusedFault(step)).isEmpty();
        // the fleet's pre-copy (deploy --precopy) fails on purpose there, before the stop, in the migration's order
        assertThat(AppRecords.FAULTS).containsExactly("prepare", "precopy", "safepoint", "checkpoint", "sync", "start", "restore", "commit");
        assertThat(new AppRecords.MigrateRequest("svc", null, null, 0, "precopy").faultStep()).contains(dev.talent.migrate.Step.PRECOPY);
        // the safe point's: between the pre-copy and the take, before the stop
        assertThat(new AppRecords.MigrateRequest("svc", null, null, 0, "safepoint").faultStep()).contains(dev.talent.migrate.Step.SAFE_POINT);
        assertThat(dev.talent.migrate.Step.SAFE_POINT.afterStop()).isFalse();
        assertThat(AppRecords.refusedFault("ready")).contains(
                "--inject-fault ready: a host-to-host migration fails at one of prepare, precopy, safepoint, checkpoint, sync, start, restore, commit");
    }

    @Test
    void recordsNamePlacesAsHostSlashPlatform() {
        assertThat(at("h2/aarch64")).isEqualTo(new FleetAgents.Placement("h2", "aarch64"));
        assertThat(new FleetAgents.Placement("h2", "aarch64")).hasToString("h2/aarch64");
        for (String bad : new String[] {"h2", "/x", "h2/", "a/b/c"})
            org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> at(bad));
    }

    private static final List<Records.HostInfo> MIXED = List.of(
            new Records.HostInfo("h1", "a1", 1, List.of("x86_64", "s390x", "aarch64")),
            new Records.HostInfo("h2", "a2", 1, List.of("x86_64", "s390x")));

    private static PlacementChooser.Rules policy(String toml, String... quarantined) throws Exception {
        return new PlacementChooser.Rules(FleetPolicy.of(dev.talent.policy.Policy.parse(toml, "t")), Set.of(quarantined));
    }

    /** Shares of {@code n} seeded scheduled draws from h1/x86_64 that go to host h2 and to s390x. */
    private static double[] shares(PlacementChooser.Rules rules, int n) {
        AppRecords.AppRecord a = app("x86_64", "s390x", "aarch64");
        Random r = new Random(42);
        int h2 = 0, s390x = 0;
        for (int i = 0; i < n; i++) {
            PlacementChooser.Choice c = PlacementChooser.scheduled(a, at("h1/x86_64"), List.of(at("h1/x86_64")), MIXED, r, rules).orElseThrow();
            assertThat(c.to()).isNotEqualTo(at("h1/x86_64"));
            assertThat(c.how()).startsWith("diversity: ");
            if (c.to().host().equals("h2")) h2++;
            if (c.to().platform().equals("s390x")) s390x++;
        }
        return new double[] {h2 / (double) n, s390x / (double) n};
    }

    @Test
    void diversityWeightsChangeTheDistributionOfDestinations() throws Exception {
        // candidates from h1/x86_64: h1/s390x, h1/aarch64, h2/x86_64, h2/s390x; weight 1 + weighted differences
        double[] byHost = shares(policy("[diversity]\nweights = { host = 10 }\navoid_recent = 0\n"), 400);
        double[] byOrder = shares(policy("[diversity]\nweights = { byte_order = 10 }\navoid_recent = 0\n"), 400);
        double[] flat = shares(policy("[diversity]\nweights = { isa = 0 }\navoid_recent = 0\n"), 400);
        // host weighted: h2's places weigh 11 each against 1 (expected share 22/24); byte order: s390x's (22/24)
        assertThat(byHost[0]).as("host weight favours the other host").isGreaterThan(0.85);
        assertThat(byOrder[1]).as("byte order weight favours big-endian s390x").isGreaterThan(0.85);
        assertThat(byOrder[0]).as("and not the other host").isBetween(0.38, 0.62);
        // all weights 0: every candidate weighs 1 (expected shares 1/2)
        assertThat(flat[0]).isBetween(0.38, 0.62);
        assertThat(flat[1]).isBetween(0.38, 0.62);
    }

    @Test
    void avoidRecentKeepsTheLastPlacesOut() throws Exception {
        AppRecords.AppRecord a = app("x86_64", "s390x");
        PlacementChooser.Rules rules = policy("[diversity]\navoid_recent = 1\n");
        Random r = new Random(9);
        for (int i = 0; i < 50; i++) {
            var c = PlacementChooser.scheduled(a, at("h1/x86_64"), List.of(at("h2/s390x"), at("h1/x86_64")), MIXED, r, rules).orElseThrow();
            assertThat(c.to()).isNotEqualTo(at("h2/s390x")).isNotEqualTo(at("h1/x86_64"));
        }
    }

    @Test
    void anActiveAlertsTagIsNeverChosen() throws Exception {
        String toml = "[platform.s390x]\ntags = [\"CVE-1\"]\n[host.h2]\ntags = [\"rack-9\"]\n";
        AppRecords.AppRecord a = app("s390x", "x86_64", "aarch64");
        Random r = new Random(1);
        PlacementChooser.Rules cve = policy(toml, "CVE-1");
        for (int i = 0; i < 200; i++) {
            assertThat(PlacementChooser.scheduled(a, at("h1/x86_64"), List.of(), MIXED, r, cve).orElseThrow().to().platform()).isNotEqualTo("s390x");
            assertThat(PlacementChooser.first(a, MIXED, r, cve).orElseThrow().to().platform()).as("the first platform is tagged").isEqualTo("x86_64");
            assertThat(PlacementChooser.offHost(a, at("h2/x86_64"), MIXED, r, cve).orElseThrow().to().platform()).isNotEqualTo("s390x");
        }
        // without the alert s390x is first again; a host's tags and the implicit ones (host name, ISA) quarantine too
        assertThat(PlacementChooser.first(a, MIXED, r, policy(toml)).orElseThrow().to().platform()).isEqualTo("s390x");
        for (String[] q : new String[][] {{"rack-9", "h2"}, {"h2", "h2"}, {"aarch64", "aarch64"}}) {
            PlacementChooser.Rules rules = policy(toml, q[0]);
            for (int i = 0; i < 100; i++) {
                FleetAgents.Placement to = PlacementChooser.scheduled(a, at("h1/x86_64"), List.of(), MIXED, r, rules).orElseThrow().to();
                assertThat(to.host().equals(q[1]) || to.platform().equals(q[1])).as("%s quarantined: %s", q[0], to).isFalse();
            }
        }
        // a request for a tagged place is refused, saying why
        var req = new AppRecords.MigrateRequest("svc", "h2", "s390x", 0);
        assertThat(PlacementChooser.requested(a, at("h1/x86_64"), req, MIXED, r, cve)).isEmpty();
        assertThat(PlacementChooser.quarantineRefusal(a, at("h1/x86_64"), req, MIXED, cve)).hasValueSatisfying(m ->
                assertThat(m).contains("h2/s390x").contains("CVE-1").contains("talent alert clear"));
        assertThat(PlacementChooser.quarantineRefusal(a, at("h1/x86_64"), new AppRecords.MigrateRequest("svc", "h9", null, 0), MIXED, cve))
                .as("no such host: not the quarantine's refusal").isEmpty();
        // nowhere untagged: nothing is chosen
        assertThat(PlacementChooser.scheduled(app("s390x"), at("h1/s390x"), List.of(), MIXED, r, cve)).isEmpty();
    }

    private static dev.talent.policy.PlatformFacts detected(String platform, String isa, int bits, String order, String libc,
            String version) {
        return new dev.talent.policy.PlatformFacts(platform, isa, bits, order, libc, version, "Linux 6.1.0", "machine");
    }

    /** h1 and h2 run x86_64 with different glibc versions (as their agents detected); h3's record has no facts. */
    private static final List<Records.HostInfo> DETECTED = List.of(
            new Records.HostInfo("h1", "a1", 1, List.of("x86_64", "s390x"), List.of(
                    detected("x86_64", "x86_64", 64, "little", "glibc", "2.36"),
                    detected("s390x", "s390x", 64, "big", "glibc", "2.36"))),
            new Records.HostInfo("h2", "a2", 1, List.of("x86_64"), List.of(detected("x86_64", "x86_64", 64, "little", "glibc", "2.41"))),
            new Records.HostInfo("h3", "a3", 1, List.of("x86_64")));

    private static PlacementChooser.Rules detectedPolicy(String toml, String... quarantined) throws Exception {
        return new PlacementChooser.Rules(FleetPolicy.of(dev.talent.policy.Policy.parse(toml, "t")), Set.of(quarantined),
                PlacementChooser.Rules.byName(DETECTED));
    }

    @Test
    void aPlaceCarriesTheCLibraryVersionItsAgentDetectedAsATag() throws Exception {
        AppRecords.AppRecord a = app("x86_64", "s390x");
        PlacementChooser.Rules glibc236 = detectedPolicy("", "glibc-2.36");
        assertThat(glibc236.hits(at("h1/x86_64"))).containsExactly("glibc-2.36");
        assertThat(glibc236.hits(at("h1/s390x"))).containsExactly("glibc-2.36");
        assertThat(glibc236.hits(at("h2/x86_64"))).as("another version").isEmpty();
        assertThat(glibc236.hits(at("h3/x86_64"))).as("no facts: its version is not known, no version tag").isEmpty();
        Random r = new Random(5);
        for (int i = 0; i < 100; i++) {
            FleetAgents.Placement to = PlacementChooser.scheduled(a, at("h1/x86_64"), List.of(), DETECTED, r, glibc236).orElseThrow().to();
            assertThat(to.host()).as("every place of h1 has glibc 2.36").isNotEqualTo("h1");
        }
        // without the host records, the controller knows no version: nothing carries the tag
        assertThat(policy("", "glibc-2.36").hits(at("h1/x86_64"))).isEmpty();
    }

    @Test
    void aPlaceCarriesTheKernelItsAgentDetectedAsTags() throws Exception {
        // h1 runs Debian's 6.1, h2 a 6.12; h3's record has no facts (kernel unknown: no kernel tag)
        List<Records.HostInfo> hosts = List.of(
                new Records.HostInfo("h1", "a1", 1, List.of("x86_64"), List.of(new dev.talent.policy.PlatformFacts("x86_64", "x86_64",
                        64, "little", "glibc", "2.36", "Linux 6.1.0-18-amd64", "m1"))),
                new Records.HostInfo("h2", "a2", 1, List.of("x86_64"), List.of(new dev.talent.policy.PlatformFacts("x86_64", "x86_64",
                        64, "little", "glibc", "2.36", "Linux 6.12.9", "m2"))),
                new Records.HostInfo("h3", "a3", 1, List.of("x86_64")));
        FleetPolicy none = FleetPolicy.NONE;
        assertThat(none.tagsOf(at("h1/x86_64"), java.util.Optional.of(hosts.get(0))))
                .contains("linux-6.1", "linux-6.1.0", "linux-6.1.0-18-amd64").doesNotContain("linux-6.12");
        assertThat(none.tagsOf(at("h2/x86_64"), java.util.Optional.of(hosts.get(1)))).contains("linux-6.12", "linux-6.12.9");
        assertThat(none.tagsOf(at("h3/x86_64"), java.util.Optional.of(hosts.get(2)))).noneMatch(t -> t.startsWith("linux"));
        PlacementChooser.Rules rules = new PlacementChooser.Rules(none, Set.of("linux-6.1"), PlacementChooser.Rules.byName(hosts));
        assertThat(rules.hits(at("h1/x86_64"))).containsExactly("linux-6.1");
        assertThat(rules.hits(at("h2/x86_64"))).as("6.12 is not 6.1").isEmpty();
        Random r = new Random(3);
        AppRecords.AppRecord a = app("x86_64");
        for (int i = 0; i < 100; i++) {
            FleetAgents.Placement to = PlacementChooser.scheduled(a, at("h2/x86_64"), List.of(), hosts, r, rules).orElseThrow().to();
            assertThat(to).as("h1 has the quarantined kernel").isEqualTo(at("h3/x86_64"));
        }
    }

    @Test
    void theLibcWeightSeesTheVersionsTheAgentsDetected() throws Exception {
        // from h1/x86_64 (glibc 2.36): h2/x86_64 has glibc 2.41 (differs), h3/x86_64 unknown facts (differs too: unknown),
        // h1/s390x glibc 2.36 (same); libc weighted alone, h1/s390x weighs 1 against 11
        AppRecords.AppRecord a = app("x86_64", "s390x");
        PlacementChooser.Rules rules = detectedPolicy("[diversity]\nweights = { isa = 0, byte_order = 0, word_size = 0, host = 0, libc = 10 }\navoid_recent = 0\n");
        Random r = new Random(11);
        int same = 0, n = 400;
        for (int i = 0; i < n; i++) {
            var c = PlacementChooser.scheduled(a, at("h1/x86_64"), List.of(at("h1/x86_64")), DETECTED, r, rules).orElseThrow();
            if (c.to().equals(at("h1/s390x"))) same++;
        }
        // expected share 1/23
        assertThat(same / (double) n).as("the place with the same C library version is rarely drawn").isLessThan(0.12);
    }

    private static AppRecords.AppRecord networkOrderBound(String... platforms) {
        return app(platforms).withBinding(java.util.Optional.of(new dev.talent.toolchain.BuildBinding(true, false,
                "global port holds a number in network byte order (m.c:3:5)")));
    }

    @Test
    void aBuildBoundAppStartsWhereItsCheckpointsCanMoveOn() {
        // only h1 has s390x: a bound app started there could never move; it starts on x86_64 and says why
        for (int seed = 0; seed < 10; seed++) {
            PlacementChooser.Choice c = PlacementChooser.first(networkOrderBound("s390x", "x86_64"), LIVE, new Random(seed)).orElseThrow();
            assertThat(c.to().platform()).isEqualTo("x86_64");
            assertThat(c.how()).contains("the build's binding leaves a place to move to (s390x: none)");
        }
        // with s390x on two hosts it can move host to host: it starts there, as listed
        List<Records.HostInfo> two = List.of(LIVE.get(0), new Records.HostInfo("h4", "a4", 1, List.of("s390x")));
        assertThat(PlacementChooser.first(networkOrderBound("s390x", "x86_64"), two, new Random(1)).orElseThrow().to().platform())
                .isEqualTo("s390x");
        // nowhere to move from anywhere: the first platform, as without a binding
        assertThat(PlacementChooser.first(networkOrderBound("s390x"), LIVE, new Random(1)).orElseThrow().to()).isEqualTo(at("h1/s390x"));
        // unbound: the first platform, even where no other place fits
        assertThat(PlacementChooser.first(app("s390x", "x86_64"), LIVE, new Random(1)).orElseThrow().to()).isEqualTo(at("h1/s390x"));
    }

    @Test
    void aBuildBoundAppIsNeverPlacedWhereItsCheckpointIsRefused() {
        AppRecords.AppRecord a = networkOrderBound("x86_64", "s390x", "aarch64");
        for (int seed = 0; seed < 20; seed++) {
            Random r = new Random(seed);
            FleetAgents.Placement here = at("h1/x86_64");
            List<FleetAgents.Placement> visited = new ArrayList<>(List.of(here));
            for (int i = 0; i < 12; i++) {
                FleetAgents.Placement next = PlacementChooser.scheduled(a, here, visited, LIVE, r).orElseThrow().to();
                assertThat(next.platform()).isNotEqualTo("s390x");
                visited.add(next);
                here = next;
            }
            // off a drained host: s390x on h4 or x86_64 on h3 (no host keeps aarch64): never s390x
            List<Records.HostInfo> others = List.of(new Records.HostInfo("h4", "a4", 1, List.of("s390x")), LIVE.get(2));
            assertThat(PlacementChooser.offHost(a, at("h2/aarch64"), others, r).orElseThrow().to()).isEqualTo(at("h3/x86_64"));
        }
        // the same app without its binding does go to s390x
        AppRecords.AppRecord unbound = app("x86_64", "s390x", "aarch64");
        Random r = new Random(1);
        FleetAgents.Placement here = at("h1/x86_64");
        List<FleetAgents.Placement> visited = new ArrayList<>(List.of(here));
        for (int i = 0; i < 12; i++) {
            here = PlacementChooser.scheduled(unbound, here, visited, LIVE, r).orElseThrow().to();
            visited.add(here);
        }
        assertThat(visited).contains(at("h1/s390x"));
        // started on s390x (the first placement may be any platform), it stays there: nowhere else restores it
        assertThat(PlacementChooser.scheduled(a, at("h1/s390x"), List.of(), LIVE, r)).isEmpty();
    }

    @Test
    void aRequestToAPlatformThatCannotRestoreTheCheckpointIsRefusedWithTheReason() {
        AppRecords.AppRecord a = networkOrderBound("x86_64", "s390x", "aarch64");
        FleetAgents.Placement here = at("h2/x86_64");
        var toS390x = new AppRecords.MigrateRequest("svc", "h1", "s390x", 0);
        assertThat(PlacementChooser.requested(a, here, toS390x, LIVE, new Random(1))).isEmpty();
        assertThat(PlacementChooser.bindingRefusal(a, here, toS390x, LIVE)).hasValue("refused: h1/s390x cannot restore the app's"
                + " checkpoint: the build binds it to the little-endian byte order of x86_64 (global port holds a number in"
                + " network byte order (m.c:3:5))");
        // a request that fits an admissible place is served, and not refused
        var toH1 = new AppRecords.MigrateRequest("svc", "h1", null, 0);
        assertThat(PlacementChooser.requested(a, here, toH1, LIVE, new Random(1)).orElseThrow().to().platform()).isEqualTo("x86_64");
        assertThat(PlacementChooser.bindingRefusal(a, here, toH1, LIVE)).isEmpty();
        // unbound: s390x is served
        assertThat(PlacementChooser.requested(app("x86_64", "s390x"), here, toS390x, LIVE, new Random(1))).isPresent();
        assertThat(PlacementChooser.bindingRefusal(app("x86_64", "s390x"), here, toS390x, LIVE)).isEmpty();
    }

    @Test
    void theBindingIsKeptInTheSpecsJson() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        AppRecords.AppRecord a = networkOrderBound("x86_64", "s390x");
        String text = json.writeValueAsString(a);
        assertThat(text).contains("\"binding\":{\"byte_order\":true,\"pointer_width\":false,\"isa_classes\":[],\"why\":\"global port");
        assertThat(json.readValue(text, AppRecords.AppRecord.class)).isEqualTo(a);
        assertThat(json.readValue(text, AppRecords.AppRecord.class).undeployed().buildBinding()).isEqualTo(a.buildBinding());
        // a spec written before the field existed binds nothing
        String old = json.writeValueAsString(app("x86_64")).replace(",\"binding\":null", "");
        assertThat(old).doesNotContain("binding");
        assertThat(json.readValue(old, AppRecords.AppRecord.class).buildBinding()).isEmpty();
        // a binding that binds nothing is refused
        String bad = text.replace("\"byte_order\":true", "\"byte_order\":false");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> json.readValue(bad, AppRecords.AppRecord.class))
                .hasMessageContaining("binds the byte order, the pointer width or classes of ISAs");
    }
}
