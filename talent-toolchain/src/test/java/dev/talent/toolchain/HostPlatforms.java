package dev.talent.toolchain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The platforms integration tests run on. Locally a platform whose packages are missing is left out; in CI
 * (CI=true, where .ci/run installs every package) a missing platform fails the test instead of hiding.
 */
final class HostPlatforms {

    private HostPlatforms() {}

    static List<Platform> usable() {
        ToolchainProbe probe = ToolchainProbe.ofHost();
        List<PlatformSupport> all = probe.probeAll();
        if ("true".equals(System.getenv("CI"))) {
            assertThat(all).allSatisfy(s -> assertThat(s.missingPackages())
                    .as("packages missing for %s in CI", s.platform()).isEmpty());
        }
        return all.stream().filter(s -> s.isBuildable() && s.isRunnable()).map(PlatformSupport::platform).toList();
    }

    static Stream<Arguments> arguments() {
        return usable().stream().map(Arguments::of);
    }
}
