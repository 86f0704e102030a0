package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RoundTripBenchTest {

    @Test
    void readsTheBuildTimeABundledProgramPrints() {
        String stderr = "tree: built 1000000 nodes in 2437.4 ms\ntalent: checkpoint 1 written: ...\n";
        assertThat(RoundTripBench.buildTimeMs(stderr)).contains(2437.4);
    }

    @Test
    void noBuildLineMeansNoBuildTime() {
        assertThat(RoundTripBench.buildTimeMs("talent: restored 1 frames; resuming\n")).isEmpty();
        assertThat(RoundTripBench.buildTimeMs("tree: built 10 nodes in ms\n")).isEmpty();
    }
}
