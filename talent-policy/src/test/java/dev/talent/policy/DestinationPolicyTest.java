package dev.talent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DestinationPolicyTest {

    static final Map<String, PlatformFacts> FACTS = new LinkedHashMap<>();
    static {
        FACTS.put("x86_64", new PlatformFacts("x86_64", "x86_64", 64, "little", "glibc", "2.36", "Linux 6.1", "h1"));
        FACTS.put("x86_64-musl", new PlatformFacts("x86_64-musl", "x86_64", 64, "little", "musl", "1.2.3", "Linux 6.1", "h1"));
        FACTS.put("aarch64", new PlatformFacts("aarch64", "aarch64", 64, "little", "glibc", "2.36", "Linux 6.1", "h1"));
        FACTS.put("s390x", new PlatformFacts("s390x", "s390x", 64, "big", "glibc", "2.36", "Linux 6.1", "h1"));
        FACTS.put("i686", new PlatformFacts("i686", "i686", 32, "little", "glibc", "2.36", "Linux 6.1", "h1"));
    }

    static Policy policy(String toml) throws PolicyException { return Policy.parse(toml, "test"); }

    /** How often each platform is drawn from x86_64 over n seeded draws. */
    static Map<String, Integer> histogram(DestinationPolicy dp, int n, long seed) {
        Random r = new Random(seed);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String p : FACTS.keySet()) counts.put(p, 0);
        for (int i = 0; i < n; i++) {
            String to = dp.choose("x86_64", List.of(), FACTS.keySet(), Set.of(), r).platform();
            counts.merge(to, 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void weightsFollowTheDifferences() throws PolicyException {
        DestinationPolicy dp = new DestinationPolicy(policy("[diversity]\nweights = { isa = 3, libc = 2, byte_order = 5 }\n"), FACTS);
        // from x86_64: musl differs in libc only (1+2), aarch64 in isa (1+3), s390x in isa and byte order (1+3+5)
        assertThat(dp.weight("x86_64-musl", FACTS.get("x86_64"), List.of())).isEqualTo(3);
        assertThat(dp.weight("aarch64", FACTS.get("x86_64"), List.of())).isEqualTo(4);
        assertThat(dp.weight("s390x", FACTS.get("x86_64"), List.of())).isEqualTo(9);
        // the recent ones count too (mean difference): aarch64 vs s390x differs in isa and byte order
        assertThat(dp.weight("aarch64", FACTS.get("x86_64"), List.of("s390x"))).isEqualTo(4 + 8);
    }

    @Test
    void weightsChangeTheObservedDistribution() throws PolicyException {
        int n = 400;
        DestinationPolicy flat = new DestinationPolicy(policy("[diversity]\nweights = {}\navoid_recent = 0\n"), FACTS);
        DestinationPolicy isaHeavy = new DestinationPolicy(policy("""
                [diversity]
                weights = { isa = 10, byte_order = 10 }
                avoid_recent = 0
                """), FACTS);
        Map<String, Integer> uniform = histogram(flat, n, 42);
        Map<String, Integer> weighted = histogram(isaHeavy, n, 42);
        assertThat(uniform.get("x86_64")).isZero();
        assertThat(weighted.get("x86_64")).isZero();
        // all weights 1: each of the 4 others about n/4; chi-square against uniform stays small (df 3, p=0.001: 16.27)
        assertThat(chiSquare(uniform, Map.of("x86_64-musl", 1.0, "aarch64", 1.0, "s390x", 1.0, "i686", 1.0), n)).isLessThan(16.27);
        // weights: musl 1, aarch64 11, i686 11, s390x 21 (of 44): musl is nearly never drawn, s390x about half the time
        Map<String, Double> expected = Map.of("x86_64-musl", 1.0, "aarch64", 11.0, "s390x", 21.0, "i686", 11.0);
        assertThat(chiSquare(weighted, expected, n)).isLessThan(16.27);
        assertThat(chiSquare(weighted, Map.of("x86_64-musl", 1.0, "aarch64", 1.0, "s390x", 1.0, "i686", 1.0), n)).isGreaterThan(100);
        assertThat(weighted.get("s390x")).isGreaterThan(2 * uniform.get("s390x") - 40);
        assertThat(weighted.get("x86_64-musl")).isLessThan(uniform.get("x86_64-musl") / 4);
    }

    static double chiSquare(Map<String, Integer> observed, Map<String, Double> weights, int n) {
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        double chi = 0;
        for (var e : weights.entrySet()) {
            double exp = n * e.getValue() / total;
            double d = observed.get(e.getKey()) - exp;
            chi += d * d / exp;
        }
        return chi;
    }

    @Test
    void neverAQuarantinedPlatform() throws PolicyException {
        DestinationPolicy dp = new DestinationPolicy(policy(PolicyTest.EXAMPLE), FACTS);
        Random r = new Random(7);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            // CVE-2024-2961 is the operator's tag of x86_64; glibc-2.36 is implicit on every glibc platform
            seen.add(dp.choose("aarch64", List.of(), FACTS.keySet(), Set.of("CVE-2024-2961"), r).platform());
            assertThat(dp.choose("s390x", List.of(), FACTS.keySet(), Set.of("glibc-2.36"), r).platform()).isEqualTo("x86_64-musl");
        }
        assertThat(seen).doesNotContain("x86_64", "aarch64").contains("s390x", "i686", "x86_64-musl");
        assertThatThrownBy(() -> dp.choose("x86_64-musl", List.of(), FACTS.keySet(), Set.of("glibc"), r))
                .hasMessageContaining("no platform other than x86_64-musl is free of the quarantined tags glibc");
    }

    @Test
    void avoidsTheRecentOnesWhileAnotherIsLeft() throws PolicyException {
        DestinationPolicy dp = new DestinationPolicy(policy("[diversity]\navoid_recent = 2\n"), FACTS);
        Random r = new Random(3);
        for (int i = 0; i < 200; i++) {
            var c = dp.choose("x86_64", List.of("s390x", "aarch64", "i686"), FACTS.keySet(), Set.of(), r);
            assertThat(c.platform()).isIn("i686", "x86_64-musl");
            assertThat(c.reason()).contains("avoiding recent s390x,aarch64");
        }
        // only avoided ones left: they are used rather than none
        assertThat(dp.choose("x86_64", List.of("s390x"), List.of("x86_64", "s390x"), Set.of(), r).platform()).isEqualTo("s390x");
    }

    @Test
    void tagsAreTheOperatorsAndTheImplicitOnes() throws PolicyException {
        DestinationPolicy dp = new DestinationPolicy(policy(PolicyTest.EXAMPLE), FACTS);
        assertThat(dp.tagsOf("x86_64")).containsExactly("x86_64", "glibc", "glibc-2.36", "linux-6.1", "CVE-2024-2961");
        assertThat(dp.tagsOf("x86_64-musl")).containsExactly("x86_64-musl", "x86_64", "musl", "musl-1.2.3", "linux-6.1");
        assertThat(new DestinationPolicy(Policy.EMPTY, Map.of()).tagsOf("s390x")).containsExactly("s390x");
    }

    @Test
    void theKernelIsAnImplicitTagAtThreeLevels() throws PolicyException {
        assertThat(PlatformFacts.kernelTags("Linux 6.1.0-18-amd64")).containsExactly("linux-6.1", "linux-6.1.0", "linux-6.1.0-18-amd64");
        assertThat(PlatformFacts.kernelTags("Linux 6.18.44-fc-v1252")).containsExactly("linux-6.18", "linux-6.18.44", "linux-6.18.44-fc-v1252");
        assertThat(PlatformFacts.kernelTags("Linux 6.1")).containsExactly("linux-6.1");
        // a release that is no tag as a whole (a space, a ~) still gives major.minor and the patch level
        assertThat(PlatformFacts.kernelTags("Linux 5.10.0~rc1")).containsExactly("linux-5.10", "linux-5.10.0");
        assertThat(PlatformFacts.kernelTags("unknown")).isEmpty();
        assertThat(PlatformFacts.kernelTags("Linux")).isEmpty();
        assertThat(PlatformFacts.kernelTags("Linux x.y")).isEmpty();
        // an alert on a kernel version quarantines the platforms whose probe saw that kernel, and only those
        Map<String, PlatformFacts> three = Map.of(
                "x86_64", new PlatformFacts("x86_64", "x86_64", 64, "little", "glibc", "2.36", "Linux 6.1.0-18-amd64", "h1"),
                "aarch64", new PlatformFacts("aarch64", "aarch64", 64, "little", "glibc", "2.36", "Linux 6.12.9", "h1"),
                "s390x", new PlatformFacts("s390x", "s390x", 64, "big", "glibc", "2.36", "Linux 6.12.9", "h1"));
        DestinationPolicy dp = new DestinationPolicy(Policy.EMPTY, three);
        assertThat(dp.matching("x86_64", Set.of("linux-6.1"))).containsExactly("linux-6.1");
        assertThat(dp.matching("s390x", Set.of("linux-6.1"))).as("6.12 is not 6.1").isEmpty();
        assertThat(dp.matching("s390x", Set.of("linux-6.12.9"))).containsExactly("linux-6.12.9");
        Random r = new Random(1);
        Set<String> free = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            assertThat(dp.choose("aarch64", List.of(), three.keySet(), Set.of("linux-6.1.0-18-amd64"), r).platform()).isEqualTo("s390x");
            free.add(dp.choose("aarch64", List.of(), three.keySet(), Set.of(), r).platform());
        }
        assertThat(free).as("without the alert x86_64 is drawn too").containsExactlyInAnyOrder("x86_64", "s390x");
    }
}
