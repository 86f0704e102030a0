package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FuzzBenchTest {

    @Test
    void aLibFuzzerLogGivesTheLastStatusAndTheFinalStatistics() {
        String log = """
                INFO: seed corpus: files: 87 min: 2911b max: 145262b total: 448583b rss: 33Mb
                #89	INITED cov: 633 ft: 1133 corp: 85/431Kb exec/s: 0 rss: 41Mb
                #65536	pulse  cov: 715 ft: 1763 corp: 293/3602Kb lim: 145262 exec/s: 2621 rss: 467Mb
                #394088	REDUCE cov: 746 ft: 1980 corp: 388/5165Kb lim: 145262 exec/s: 956 rss: 467Mb L: 26/145262 MS: 3 ChangeBit-
                Done 394100 runs in 661 second(s)
                stat::number_of_executed_units: 394100
                stat::average_exec_per_sec:     596
                stat::new_units_added:          600
                """;
        FuzzBench.Result r = FuzzBench.parse(FuzzBench.Target.C, log, Duration.ofSeconds(661), 0, List.of(), Path.of("l"));
        assertThat(r.executions()).isEqualTo(394100);
        assertThat(r.execsPerSecond()).isEqualTo(596);
        assertThat(r.coverage()).isEqualTo(746);
        assertThat(r.features()).isEqualTo(1980);
        assertThat(r.corpus()).isEqualTo(388);
        assertThat(r.clean()).isTrue();
        // a crash stops libFuzzer before its statistics: the last status line is what there is
        FuzzBench.Result crashed = FuzzBench.parse(FuzzBench.Target.JAVA, log.substring(0, log.indexOf("Done")), Duration.ofSeconds(3), 77,
                List.of(Path.of("java-crash-1")), Path.of("l"));
        assertThat(crashed.executions()).isEqualTo(394088);
        assertThat(crashed.execsPerSecond()).isEqualTo(956);
        assertThat(crashed.clean()).isFalse();
        assertThat(FuzzBench.parse(FuzzBench.Target.C, "", Duration.ZERO, 1, List.of(), Path.of("l")).clean()).isFalse();
    }

    @Test
    void findingsAreTheFuzzersArtifactsOfTheirOwnTarget() {
        assertThat(FuzzBench.isFinding(FuzzBench.Target.C, "c-crash-0a1b")).isTrue();
        assertThat(FuzzBench.isFinding(FuzzBench.Target.C, "c-timeout-0a1b")).isTrue();
        assertThat(FuzzBench.isFinding(FuzzBench.Target.C, "c-leak-0a1b")).isTrue();
        assertThat(FuzzBench.isFinding(FuzzBench.Target.JAVA, "java-oom-0a1b")).isTrue();
        assertThat(FuzzBench.isFinding(FuzzBench.Target.JAVA, "c-crash-0a1b")).isFalse();
        assertThat(FuzzBench.isFinding(FuzzBench.Target.C, "c-notes.txt")).isFalse();
        assertThat(FuzzBench.isFinding(FuzzBench.Target.DELTA, "delta-crash-0a1b")).isTrue();
        assertThat(FuzzBench.isFinding(FuzzBench.Target.C, "delta-crash-0a1b")).isFalse();
        assertThat(FuzzBench.isFinding(FuzzBench.Target.JAVA, "java-slow-unit-0a1b")).isFalse();
    }

    @Test
    void classFilesAreLoweredToAVersionJazzerReadsAndNothingElseChanges() {
        byte[] java25 = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 69, 1, 2};
        FuzzBench.lowerVersion(java25);
        assertThat(java25).containsExactly((byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 65, 1, 2);
        byte[] java17 = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61};
        FuzzBench.lowerVersion(java17);
        assertThat(java17[7]).isEqualTo((byte) 61);
        byte[] notAClass = {1, 2, 3, 4, 0, 0, 0, 69};
        FuzzBench.lowerVersion(notAClass);
        assertThat(notAClass[7]).isEqualTo((byte) 69);
    }
}
