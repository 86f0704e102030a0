package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.toolchain.BuildBinding;
import dev.talent.toolchain.Platform;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DestinationChooserTest {

    @Test
    void everyPlatformIsVisitedInEachRoundAndNeverTheCurrentOne() {
        List<Platform> all = Platform.KNOWN;
        for (long seed = 0; seed < 50; seed++) {
            DestinationChooser chooser = new DestinationChooser(all, new Random(seed));
            Platform current = all.getFirst();
            List<Platform> visits = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Platform next = chooser.next(current);
                assertThat(next).isNotEqualTo(current);
                visits.add(next);
                current = next;
            }
            assertThat(new HashSet<>(visits)).as("seed %d", seed).hasSize(5).doesNotContain(all.getFirst());
        }
    }

    @Test
    void theOrderDependsOnTheRandomDraws() {
        var orders = new HashSet<List<Platform>>();
        for (long seed = 0; seed < 20; seed++) {
            DestinationChooser chooser = new DestinationChooser(Platform.KNOWN, new Random(seed));
            Platform current = Platform.KNOWN.getFirst();
            List<Platform> order = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                current = chooser.next(current);
                order.add(current);
            }
            orders.add(order);
        }
        assertThat(orders).hasSizeGreaterThan(5);
    }

    @Test
    void anExplicitVisitCountsForTheRound() {
        List<Platform> three = Platform.KNOWN.subList(0, 3);
        DestinationChooser chooser = new DestinationChooser(three, new Random(1));
        chooser.visited(three.get(1));
        assertThat(chooser.next(three.get(1))).isEqualTo(three.get(2));
    }

    @Test
    void aSinglePlatformHasNowhereToGo() {
        DestinationChooser chooser = new DestinationChooser(List.of(Platform.KNOWN.getFirst()), new Random(1));
        assertThatThrownBy(() -> chooser.next(Platform.KNOWN.getFirst())).hasMessageContaining("no platform other than");
    }

    @Test
    void neverAQuarantinedPlatformInRoundsOrByDiversity() throws Exception {
        List<Platform> all = Platform.KNOWN;
        var facts = new java.util.LinkedHashMap<String, dev.talent.policy.PlatformFacts>();
        for (Platform p : all) {
            facts.put(p.name(), new dev.talent.policy.PlatformFacts(p.name(), p.isa().id(), p.isa().pointerBits(),
                    p.isa().byteOrder().toString().startsWith("BIG") ? "big" : "little",
                    p.name().endsWith("musl") ? "musl" : "glibc", p.name().endsWith("musl") ? "1.2.3" : "2.36", "Linux 6.1", "h"));
        }
        var policy = new dev.talent.policy.DestinationPolicy(dev.talent.policy.Policy.parse(
                "[platform.s390x]\ntags = [\"CVE-1\"]\n", "t"), facts);
        for (boolean diversity : new boolean[] {false, true}) {
            DestinationChooser chooser = new DestinationChooser(all, new Random(5));
            chooser.use(policy, diversity);
            Platform current = all.getFirst();
            for (int i = 0; i < 200; i++) {
                DestinationChooser.Drawn d = chooser.next(current, java.util.Set.of("CVE-1", "aarch64"));
                assertThat(d.platform().name()).isNotIn("s390x", "aarch64", current.name());
                assertThat(d.how()).startsWith(diversity ? "diversity:" : "round");
                chooser.left(current);
                current = d.platform();
            }
            // only glibc platforms tagged: x86_64 -> the musl one only
            assertThat(chooser.next(all.getFirst(), java.util.Set.of("glibc")).platform().name()).isEqualTo("x86_64-musl");
            assertThatThrownBy(() -> chooser.next(all.get(5), java.util.Set.of("glibc")))
                    .hasMessageContaining("every platform other than x86_64-musl carries a quarantined tag");
        }
    }

    private static final dev.talent.format.ByteOrderBinding LITTLE =
            new dev.talent.format.ByteOrderBinding(false, "heap block 3 allocated at m.c:9:5 is carried as raw bytes");

    @Test
    void boundToLittleEndianTheDrawKeepsToLittleEndianPlatformsInRoundsAndByDiversityAndSaysWhy() throws Exception {
        List<Platform> all = Platform.KNOWN;
        var facts = new java.util.LinkedHashMap<String, dev.talent.policy.PlatformFacts>();
        for (Platform p : all) {
            facts.put(p.name(), new dev.talent.policy.PlatformFacts(p.name(), p.isa().id(), p.isa().pointerBits(),
                    p.isa().byteOrder().toString().startsWith("BIG") ? "big" : "little",
                    p.name().endsWith("musl") ? "musl" : "glibc", p.name().endsWith("musl") ? "1.2.3" : "2.36", "Linux 6.1", "h"));
        }
        var policy = new dev.talent.policy.DestinationPolicy(dev.talent.policy.Policy.EMPTY, facts);
        for (boolean diversity : new boolean[] {false, true}) {
            DestinationChooser chooser = new DestinationChooser(all, new Random(7));
            chooser.use(policy, diversity);
            Platform current = all.getFirst();
            // unbound: s390x is drawn (in rounds, within one round)
            List<String> before = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                DestinationChooser.Drawn d = chooser.next(current, java.util.Set.of());
                before.add(d.platform().name());
                chooser.left(current);
                current = d.platform();
            }
            if (!diversity) assertThat(before).contains("s390x");
            chooser.bind(java.util.Optional.of(LITTLE));
            current = all.getFirst(); // (a little-endian checkpoint was written on a little-endian platform)
            var seen = new HashSet<String>();
            for (int i = 0; i < 200; i++) {
                DestinationChooser.Drawn d = chooser.next(current, java.util.Set.of());
                assertThat(d.platform().name()).isNotIn("s390x", current.name());
                assertThat(d.how()).startsWith(diversity ? "diversity:" : "round")
                        .contains("little-endian only (heap block 3 allocated at m.c:9:5").contains("s390x left out");
                seen.add(d.platform().name());
                chooser.left(current);
                current = d.platform();
            }
            // diversity among those: every little-endian platform is still drawn
            assertThat(seen).containsExactlyInAnyOrder("x86_64", "aarch64", "riscv64", "i686", "x86_64-musl");
            // the binding lifted: s390x again
            chooser.bind(java.util.Optional.empty());
            boolean s390x = false;
            for (int i = 0; i < 50 && !s390x; i++) {
                DestinationChooser.Drawn d = chooser.next(current, java.util.Set.of());
                s390x = d.platform().name().equals("s390x");
                assertThat(d.how()).doesNotContain("left out");
                chooser.left(current);
                current = d.platform();
            }
            assertThat(s390x).as("diversity %s", diversity).isTrue();
        }
    }

    @Test
    void boundToAByteOrderNoOtherPlatformHasNothingIsDrawnAndTheReasonIsGiven() {
        Platform x86 = Platform.parse("x86_64");
        Platform s390x = Platform.parse("s390x");
        DestinationChooser chooser = new DestinationChooser(List.of(x86, s390x), new Random(1));
        chooser.bind(java.util.Optional.of(LITTLE));
        assertThatThrownBy(() -> chooser.next(x86, java.util.Set.of()))
                .hasMessageContaining("bound to the little-endian byte order (heap block 3 allocated at m.c:9:5")
                .hasMessageContaining("no platform of that layout other than x86_64 is usable (left out: s390x)")
                .hasMessageContaining("not migrating");
        assertThat(chooser.restriction(x86)).isEqualTo("little-endian only (heap block 3 allocated at m.c:9:5 is carried as "
                + "raw bytes); left out: s390x; no other platform of that byte order: not migrating");
        // a big-endian checkpoint written on s390x: x86_64 is the other byte order, s390x is the current platform
        chooser.bind(java.util.Optional.of(new dev.talent.format.ByteOrderBinding(true, "global u holds a union")));
        assertThatThrownBy(() -> chooser.next(s390x, java.util.Set.of())).hasMessageContaining("big-endian byte order")
                .hasMessageContaining("(left out: x86_64)");
        // the same binding lets a draw from x86_64 go to s390x only
        assertThat(chooser.next(x86, java.util.Set.of()).platform()).isEqualTo(s390x);
        chooser.bind(java.util.Optional.empty());
        assertThat(chooser.restriction(x86)).isNull();
        assertThat(chooser.next(s390x, java.util.Set.of()).platform()).isEqualTo(x86);
    }

    @Test
    void anUntypedBlockBindsThePointerWidthToo() {
        List<Platform> all = List.of(Platform.parse("x86_64"), Platform.parse("i686"), Platform.parse("aarch64"),
                Platform.parse("s390x"));
        DestinationChooser chooser = new DestinationChooser(all, new Random(3));
        chooser.bind(java.util.Optional.of(new dev.talent.format.ByteOrderBinding(false, 64, "heap block 1 allocated at ?")));
        for (int i = 0; i < 20; i++) {
            DestinationChooser.Drawn d = chooser.next(all.getFirst(), java.util.Set.of());
            assertThat(d.platform().name()).isEqualTo("aarch64");
            assertThat(d.how()).contains("little-endian, 64-bit pointers only (heap block 1 allocated at ?): i686,s390x left out");
        }
    }

    private static final BuildBinding NETWORK_ORDER = new BuildBinding(true, false,
            "global port holds a number in network byte order (m.c:3:5)");

    @Test
    void aBuildBoundProgramIsNeverDrawnToAPlatformOfTheOtherByteOrder() {
        Platform x86 = Platform.parse("x86_64"), s390x = Platform.parse("s390x"), arm = Platform.parse("aarch64");
        var seen = new HashSet<Platform>();
        for (long seed = 0; seed < 30; seed++) {
            DestinationChooser chooser = new DestinationChooser(List.of(x86, s390x, arm), new Random(seed),
                    java.util.Optional.of(NETWORK_ORDER));
            Platform current = x86;
            for (int i = 0; i < 10; i++) {
                DestinationChooser.Drawn d = chooser.next(current, java.util.Set.of());
                assertThat(d.platform()).isNotIn(s390x, current);
                assertThat(d.how()).contains("little-endian only, by the build (global port holds a number in network byte order")
                        .contains("s390x left out");
                seen.add(d.platform());
                current = d.platform();
            }
            assertThat(chooser.restriction(x86)).isEqualTo("little-endian only, by the build (global port holds a number in "
                    + "network byte order (m.c:3:5)); left out: s390x");
            assertThat(chooser.admits(x86, s390x)).isFalse();
            assertThat(chooser.refusal(arm, s390x)).hasValueSatisfying(r -> assertThat(r)
                    .startsWith("the build binds the app's checkpoints to the little-endian byte order of aarch64 (global port")
                    .endsWith("which s390x does not have"));
            assertThat(chooser.refusal(arm, x86)).isEmpty();
        }
        assertThat(seen).containsExactlyInAnyOrder(x86, arm);
    }

    @Test
    void aBuildBoundProgramOnS390xAloneOfItsByteOrderIsNotMigrated() {
        Platform x86 = Platform.parse("x86_64"), s390x = Platform.parse("s390x"), arm = Platform.parse("aarch64");
        DestinationChooser chooser = new DestinationChooser(List.of(s390x, x86, arm), new Random(1), java.util.Optional.of(NETWORK_ORDER));
        assertThatThrownBy(() -> chooser.next(s390x, java.util.Set.of()))
                .hasMessageStartingWith("the build binds the app's checkpoints to the big-endian byte order of s390x (global port")
                .hasMessageContaining("no platform of that layout other than s390x is usable (left out: x86_64,aarch64)")
                .hasMessageEndingWith("not migrating");
        assertThat(chooser.restriction(s390x)).startsWith("big-endian only, by the build (")
                .endsWith("; left out: x86_64,aarch64; no other platform of that layout: not migrating");
    }

    @Test
    void theBuildsAndTheCheckpointsBindingsBothApply() {
        List<Platform> all = List.of(Platform.parse("x86_64"), Platform.parse("i686"), Platform.parse("s390x"),
                Platform.parse("aarch64"));
        DestinationChooser chooser = new DestinationChooser(all, new Random(5),
                java.util.Optional.of(new BuildBinding(false, true, "n keeps sizeof (long) (m.c:7:3)")));
        // the build alone (pointer width): s390x is 64-bit, so it is drawn; i686 never
        var seen = new HashSet<String>();
        for (int i = 0; i < 40; i++) {
            DestinationChooser.Drawn d = chooser.next(all.getFirst(), java.util.Set.of());
            assertThat(d.platform().name()).isNotEqualTo("i686");
            seen.add(d.platform().name());
        }
        assertThat(seen).containsExactlyInAnyOrder("s390x", "aarch64");
        assertThat(chooser.restriction(all.getFirst())).isEqualTo("64-bit pointers only, by the build (n keeps sizeof (long) "
                + "(m.c:7:3)); left out: i686");
        // and a checkpoint bound to the little-endian byte order: aarch64 only
        chooser.bind(java.util.Optional.of(LITTLE));
        for (int i = 0; i < 20; i++) {
            DestinationChooser.Drawn d = chooser.next(all.getFirst(), java.util.Set.of());
            assertThat(d.platform().name()).isEqualTo("aarch64");
            assertThat(d.how()).contains("64-bit pointers only, by the build").contains("little-endian only (heap block 3")
                    .contains("i686,s390x left out");
        }
    }

    @Test
    void aBuildWhoseIsasDescribeTheStateDifferentlyKeepsToTheClassItRunsIn() {
        List<Platform> all = List.of(Platform.parse("x86_64"), Platform.parse("i686"), Platform.parse("s390x"));
        DestinationChooser chooser = new DestinationChooser(all, new Random(2), java.util.Optional.of(new BuildBinding(false, false,
                List.of(List.of("x86_64", "aarch64", "s390x", "riscv64"), List.of("i686")), "type 'state' differs on i686")));
        for (int i = 0; i < 20; i++) assertThat(chooser.next(all.getFirst())).isEqualTo(all.get(2));
        assertThat(chooser.restriction(all.getFirst())).isEqualTo("state description of x86_64,aarch64,s390x,riscv64 only, by "
                + "the build (type 'state' differs on i686); left out: i686");
        assertThatThrownBy(() -> chooser.next(all.get(1), java.util.Set.of())).hasMessageContaining("not migrating");
    }

    @Test
    void aBuildBoundAppStartsWhereItsCheckpointsCanMoveOn() {
        Platform s390x = Platform.parse("s390x"), x86 = Platform.parse("x86_64"), arm = Platform.parse("aarch64");
        dev.talent.toolchain.BuildBinding order = new dev.talent.toolchain.BuildBinding(true, false, "'port' is given htons(...)");
        List<Platform> all = List.of(s390x, x86, arm);
        assertThat(new DestinationChooser(all, new java.util.Random(1), java.util.Optional.of(order)).start(all)).isEqualTo(x86);
        assertThat(new DestinationChooser(all, new java.util.Random(1)).start(all)).as("unbound: the first").isEqualTo(s390x);
        List<Platform> alone = List.of(s390x, x86);
        assertThat(new DestinationChooser(alone, new java.util.Random(1), java.util.Optional.of(order)).start(alone))
                .as("nowhere to go from either: the first").isEqualTo(s390x);
    }
}
