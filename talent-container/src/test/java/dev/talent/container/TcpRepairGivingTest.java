package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How talent waits for the give helper (talent-tcp.c): once the helper said "gave N" and closed its output, the
 * hand-over is done; its exit may come later (closing its ARP socket waits for an RCU grace period) and is not waited
 * for inside the downtime. A stand-in shell script plays the helper.
 */
@Timeout(60)
class TcpRepairGivingTest {

    private static Process helper(String script) throws Exception {
        return new ProcessBuilder(List.of("/bin/sh", "-c", script)).redirectErrorStream(true).start();
    }

    @Test
    void theHandOverEndsWithTheOutputNotWithTheExit() throws Exception {
        Process p = helper("echo ready; echo gave 2; exec >&- 2>&-; sleep 30");
        try {
            TcpRepair.Giving g = TcpRepair.giving(p);
            long t0 = System.nanoTime();
            g.finish(Duration.ofSeconds(10));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
            assertThat(p.isAlive()).isTrue();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aHelperThatDidNotHandTheConnectionsOverFailsWithItsOutput() throws Exception {
        Process p = helper("echo ready; echo 'talent-tcp: the runtime refused the connections: no answer'; exit 5");
        TcpRepair.Giving g = TcpRepair.giving(p);
        assertThatThrownBy(() -> g.finish(Duration.ofSeconds(10))).isInstanceOf(ContainerException.class)
                .hasMessageContaining("status 5").hasMessageContaining("refused the connections");
    }

    @Test
    void aHelperThatSaysNothingMoreIsWaitedForUpToTheTimeout() throws Exception {
        Process p = helper("echo ready; sleep 30");
        try {
            TcpRepair.Giving g = TcpRepair.giving(p);
            assertThatThrownBy(() -> g.finish(Duration.ofMillis(500))).isInstanceOf(ContainerException.class)
                    .hasMessageContaining("did not finish");
        } finally {
            p.destroyForcibly();
        }
    }
}
