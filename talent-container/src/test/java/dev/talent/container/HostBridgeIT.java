package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A bridge a demo or a benchmark claims ({@link HostBridge#madeFor}) goes at its end only if it made it and nothing uses it. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HostBridgeIT {
    private static final String BRIDGE = "tbrtest" + ProcessHandle.current().pid() % 100_000;
    private static final String PORT = "tbrport" + ProcessHandle.current().pid() % 100_000;
    private static final String PEER = "tbrpeer" + ProcessHandle.current().pid() % 100_000;

    @BeforeEach
    void clean() throws Exception {
        assumeTrue(ip("link", "show") == 0 && "root".equals(System.getProperty("user.name")), "needs root and iproute2");
        tidy();
    }

    @AfterEach
    void tidy() throws Exception {
        ip("link", "del", PORT);
        ip("link", "del", BRIDGE);
    }

    @Test
    void aBridgeMadeAfterTheClaimIsRemovedAtItsEnd() throws Exception {
        HostBridge.Made made = HostBridge.madeFor(BRIDGE);
        assertThat(made.removedAtEnd()).isTrue();
        assertThat(ip("link", "add", BRIDGE, "type", "bridge")).isZero();
        made.close();
        assertThat(exists(BRIDGE)).as("the bridge the run made").isFalse();
    }

    @Test
    void aBridgeThatExistedStays() throws Exception {
        assertThat(ip("link", "add", BRIDGE, "type", "bridge")).isZero();
        HostBridge.Made made = HostBridge.madeFor(BRIDGE);
        assertThat(made.removedAtEnd()).isFalse();
        made.close();
        assertThat(exists(BRIDGE)).as("a bridge someone else made").isTrue();
    }

    @Test
    void aBridgeAnotherRunCameToUseStays() throws Exception {
        HostBridge.Made made = HostBridge.madeFor(BRIDGE);
        assertThat(ip("link", "add", BRIDGE, "type", "bridge")).isZero();
        assertThat(ip("link", "add", PORT, "type", "veth", "peer", "name", PEER)).isZero();
        assertThat(ip("link", "set", PORT, "master", BRIDGE)).isZero();
        made.close();
        assertThat(exists(BRIDGE)).as("a bridge with a port").isTrue();
    }

    @Test
    void closingTwiceOrWithoutTheBridgeIsQuiet() throws Exception {
        HostBridge.Made made = HostBridge.madeFor(BRIDGE);
        made.close();
        made.close();
        assertThat(exists(BRIDGE)).isFalse();
    }

    private static boolean exists(String name) throws Exception {
        return ip("link", "show", "dev", name) == 0;
    }

    private static int ip(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
