package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.toolchain.CapturedRun;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.ToolchainProbe;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.MINUTES)
class DemoIT {

    @Test
    void demoHopsAcrossEveryUsableIsaAndMatchesTheUninterruptedRun(@TempDir Path dir) throws Exception {
        ToolchainProbe probe = ToolchainProbe.ofHost();
        List<Platform> usable = probe.probe(probe.defaultTargets()).stream()
                .filter(s -> s.isBuildable() && s.isRunnable()).map(PlatformSupport::platform).toList();

        CapturedRun demo = TalentJar.run(dir, "demo", "--dir", dir.resolve("demo").toString());

        assertThat(demo.exitCode()).as(demo.stdout() + demo.stderr()).isZero();
        assertThat(demo.stdout()).contains("identical: yes");
        for (int hop = 1; hop <= usable.size(); hop++) {
            assertThat(demo.stdout()).containsPattern("hop " + hop + ": " + usable.get(hop - 1).name()
                    + " .* ran \\d+ site visits, checkpoint [0-9.]+ (B|KiB)");
        }
        assertThat(demo.stdout()).containsPattern("hop " + (usable.size() + 1) + ": " + usable.getFirst().name()
                + " +resumed at demo\\.c:\\d+:\\d+ \\(frame depth \\d+\\) +ran to the end");
        // the network step, where this machine can run it; otherwise what it lacks
        var missing = DemoNetworkCheck.missing(DemoNetworkCheck.ofHost());
        if (missing.isPresent() || usable.size() < 2) {
            assertThat(demo.stdout()).contains("network: step skipped (talent run --net needs ");
            return;
        }
        List<Platform> hops = DemoNetwork.hops(usable);
        for (int hop = 1; hop <= hops.size(); hop++) {
            String from = (hop == 1 ? usable.getFirst() : hops.get(hop - 2)).name();
            assertThat(demo.stdout()).containsPattern("net hop " + hop + ": " + from + " +-> " + hops.get(hop - 1).name()
                    + " +downtime [0-9.]+ ms \\(network [0-9.]+ ms\\), 2 sockets carried, the client waited at most \\d+ ms");
        }
        assertThat(demo.stdout()).containsPattern("network: (\\d+) lines sent, \\1 replies vs an uninterrupted run on "
                + usable.getFirst().name() + ": every reply once, in order, identical: yes");
        // nothing of the network is left: the bridge the demo made, its namespaces
        assertThat(new ProcessBuilder("ip", "link", "show", "dev", DemoNetwork.BRIDGE).start().waitFor()).isNotZero();
        String namespaces = new String(new ProcessBuilder("ip", "netns", "list").start().getInputStream().readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(namespaces).doesNotContain("talent-demo-net-");
    }
}
