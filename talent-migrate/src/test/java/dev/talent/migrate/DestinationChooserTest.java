package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
