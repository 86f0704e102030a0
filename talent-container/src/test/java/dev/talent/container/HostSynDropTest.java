package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which tables dropping handshakes are leftovers of talent processes that no longer run (killed in the middle of a
 * move): told by the owner's pid and start time in the table's name, so that a reused pid keeps no dead owner's table.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HostSynDropTest {
    /** The start times of the processes that run, by pid. */
    private static LongFunction<OptionalLong> running(Map<Long, Long> starts) {
        return pid -> starts.containsKey(pid) ? OptionalLong.of(starts.get(pid)) : OptionalLong.empty();
    }

    @Test
    void aTableWhoseOwnerNoLongerRunsIsALeftover() {
        assertThat(HostSynDrop.leftovers(List.of("talent_syn_4242_123456_77"), running(Map.of(77L, 9L))))
                .containsExactly(new HostSynDrop.Leftover("talent_syn_4242_123456_77", "its talent process 4242 no longer runs"));
    }

    @Test
    void aTableWhoseOwnerRunsIsKept() {
        assertThat(HostSynDrop.leftovers(List.of("talent_syn_4242_123456_77"), running(Map.of(4242L, 123456L)))).isEmpty();
    }

    @Test
    void aTableWhoseOwnersPidWasReusedIsALeftover() {
        assertThat(HostSynDrop.leftovers(List.of("talent_syn_4242_123456_77"), running(Map.of(4242L, 123999L))))
                .extracting(HostSynDrop.Leftover::why).containsExactly(
                        "its talent process 4242 no longer runs (pid 4242 is another process's now)");
    }

    @Test
    void aTableOfTheEarlierNamingIsALeftoverOnlyWhenItsProgramNoLongerRuns() {
        assertThat(HostSynDrop.leftovers(List.of("talent_syn_77", "talent_syn_78"), running(Map.of(78L, 1L))))
                .containsExactly(new HostSynDrop.Leftover("talent_syn_77", "its program (pid 77) no longer runs"));
    }

    @Test
    void otherTablesAreNeverLeftovers() {
        assertThat(HostSynDrop.leftovers(List.of("filter", "talent_net", "talent_syn_", "talent_syn_x", "talent_syn_1_2_3_4",
                "xtalent_syn_1_2_3", "talent_syn_1_2"), running(Map.of()))).isEmpty();
    }

    @Test
    void aStatLinesStartTimeIsCountedAfterTheCommandsLastParenthesis() {
        String stat = "4242 (java) (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 30 0 987654 1000 200 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
        assertThat(HostSynDrop.startTimeOf(stat)).hasValue(987654L);
        assertThat(HostSynDrop.startTimeOf("4242 (java) S 1 2")).isEmpty();
        assertThat(HostSynDrop.startTimeOf("no parenthesis")).isEmpty();
    }

    @Test
    void thisProcesssTablesNameItAsALiveOwner() throws ContainerException {
        String table = HostSynDrop.tableFor(77);
        long self = ProcessHandle.current().pid();
        assertThat(table).startsWith("talent_syn_" + self + "_").endsWith("_77")
                .isEqualTo("talent_syn_" + self + "_" + HostSynDrop.startTime(self).orElseThrow() + "_77");
        assertThat(HostSynDrop.leftovers(List.of(table), HostSynDrop::startTime)).isEmpty();
    }
}
