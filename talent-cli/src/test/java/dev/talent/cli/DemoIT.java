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
    }
}
