package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PrecopyBenchTest {

    private static PrecopyBench.Sample sample(double stop, double transfer, double restore, long bytes) {
        return new PrecopyBench.Sample(stop, transfer, restore, bytes, 5, 1000, 7, 9);
    }

    @Test
    void downtimeIsStopPlusTransferPlusRestore() {
        assertThat(sample(10, 2, 30, 1).downtimeMs()).isEqualTo(42);
    }

    @Test
    void reportShowsMediansOfBothModesAndTheirRatio() {
        var r = new PrecopyBench.SizeResult(64, false,
                List.of(sample(100, 40, 400, 67_000_000), sample(120, 50, 500, 67_000_000), sample(90, 30, 300, 67_000_000)),
                List.of(sample(50, 1, 100, 1_000_000), sample(60, 2, 120, 1_100_000), sample(40, 1, 90, 900_000)),
                java.util.Map.of(), java.util.Map.of());
        String text = PrecopyBench.render(List.of(r), 3);
        assertThat(text).contains("medians of 3 runs");
        // full: medians 100 + 40 + 400 = 540; pre-copy: 50 + 1 + 100 = 151 (the median of the sums)
        assertThat(text).containsPattern("64 MiB\\s+full\\s+100\\.0\\s+40\\.0\\s+400\\.0\\s+540\\.0\\s+67,000,000 B\\s+-");
        assertThat(text).containsPattern("64 MiB\\s+pre-copy\\s+50\\.0\\s+1\\.0\\s+100\\.0\\s+151\\.0\\s+1,000,000 B\\s+5\\.0\\s+7\\.0\\s+9\\.0");
        assertThat(text).contains("downtime full / pre-copy = 3.58x");
        assertThat(text).contains("<= 100 ms downtime");
        assertThat(text).doesNotContainPattern("MiB\\s+ahead").doesNotContain("pre-copy / ahead");
    }

    @Test
    void reportShowsEachModeOfTheDestinationStartedAheadInTheOrderGiven() {
        var ahead = new java.util.LinkedHashMap<String, List<PrecopyBench.Sample>>();
        ahead.put("populate", List.of(sample(40, 1, 10, 1_000_000)));
        ahead.put("base", List.of(sample(40, 1, 4, 1_000_000)));
        var r = new PrecopyBench.SizeResult(64, false,
                List.of(sample(100, 40, 400, 67_000_000)),
                List.of(sample(50, 1, 100, 1_000_000)),
                ahead, java.util.Map.of());
        String text = PrecopyBench.render(List.of(r), 1);
        assertThat(text).containsPattern("64 MiB\\s+ahead-populate\\s+40\\.0\\s+1\\.0\\s+10\\.0\\s+51\\.0\\s+1,000,000 B\\s+5\\.0");
        assertThat(text).containsPattern("64 MiB\\s+ahead-base\\s+40\\.0\\s+1\\.0\\s+4\\.0\\s+45\\.0\\s+1,000,000 B\\s+5\\.0");
        assertThat(text).contains("downtime pre-copy / ahead-populate = 2.96x").contains("downtime pre-copy / ahead-base = 3.36x");
        assertThat(text.indexOf("ahead-populate")).isLessThan(text.indexOf("ahead-base"));
    }

    @Test
    void reportShowsEachFurtherDirtyModeWithItsRoundTimeAndRatios() {
        var dirty = new java.util.LinkedHashMap<String, List<PrecopyBench.Sample>>();
        dirty.put("stop", List.of(new PrecopyBench.Sample(80, 2, 100, 2_000_000, 5, 1000, 700, 3000)));
        var r = new PrecopyBench.SizeResult(64, false,
                List.of(sample(100, 40, 400, 67_000_000)),
                List.of(new PrecopyBench.Sample(50, 1, 100, 1_000_000, 5, 1000, 70, 300)),
                java.util.Map.of(), dirty);
        String text = PrecopyBench.render(List.of(r), 1);
        assertThat(text).containsPattern("64 MiB\\s+pre dirty=stop\\s+80\\.0\\s+2\\.0\\s+100\\.0\\s+182\\.0\\s+2,000,000 B\\s+5\\.0\\s+700\\.0\\s+3000\\.0");
        assertThat(text).containsPattern("64 MiB\\s+full\\s.*\\s-\\s+-\\s+-");
        // 182 / 151 and 700 / 70
        assertThat(text).contains("pre dirty=stop / pre-copy: downtime 1.21x, round ms 10.00x");
    }

    @Test
    void reportLabelsTheHeapStateBesideTheArrayOfTheSameSize() {
        var array = new PrecopyBench.SizeResult(64, false, List.of(sample(100, 40, 400, 67_000_000)),
                List.of(sample(50, 1, 100, 1_000_000)), java.util.Map.of(), java.util.Map.of());
        var heap = new PrecopyBench.SizeResult(64, true, List.of(sample(300, 40, 900, 70_000_000)),
                List.of(sample(200, 1, 500, 2_000_000)), java.util.Map.of(), java.util.Map.of());
        String text = PrecopyBench.render(List.of(array, heap), 1);
        assertThat(text).containsPattern("\\s64 MiB\\s+full\\s+100\\.0\\s+40\\.0\\s+400\\.0\\s+540\\.0");
        assertThat(text).containsPattern("64 MiB heap\\s+full\\s+300\\.0\\s+40\\.0\\s+900\\.0\\s+1240\\.0\\s+70,000,000 B");
        assertThat(text).containsPattern("64 MiB heap\\s+pre-copy\\s+200\\.0\\s+1\\.0\\s+500\\.0\\s+701\\.0");
        // 1240 / 701
        assertThat(text).contains("64 MiB heap  downtime full / pre-copy = 1.77x");
        assertThat(text.indexOf("64 MiB  ")).isLessThan(text.indexOf("64 MiB heap"));
    }
}
