package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.talent.toolchain.CrossCompiler;
import dev.talent.toolchain.ExecutableSpec;
import dev.talent.toolchain.Isa;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.PlatformSupport;
import dev.talent.toolchain.ToolchainProbe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The platforms the container tests run on, and container-probe.c built for each (once per test JVM). Locally
 * a platform whose packages are missing is skipped with a message naming them; in CI (CI=true, where every
 * package is installed) a missing platform fails instead of hiding.
 */
final class TestPlatforms {

    static final ToolchainProbe PROBE = ToolchainProbe.ofHost();
    private static final Map<Platform, Path> PROBES = new HashMap<>();

    private TestPlatforms() {}

    static Stream<String> names() {
        return Platform.KNOWN.stream().map(Platform::name);
    }

    /** The host's own glibc platform (runs natively). */
    static Platform host() {
        return Platform.glibc(PROBE.host().orElse(Isa.X86_64));
    }

    /** Skips (locally) or fails (CI) the test when this machine cannot run containers: no runc, or not root. */
    static void requireContainers() throws IOException {
        boolean runc = Runc.find().isPresent();
        boolean root = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        if ("true".equals(System.getenv("CI"))) {
            assertThat(runc).as("runc installed in CI").isTrue();
            assertThat(root).as("CI runs as root").isTrue();
        }
        assumeTrue(runc, "containers skipped: " + Runc.missingMessage());
        assumeTrue(root, "containers skipped: runc needs root");
    }

    /** Skips (locally) or fails (CI) the test when the platform cannot be built and run here. */
    static Platform usable(String name) {
        Platform platform = Platform.parse(name);
        PlatformSupport support = PROBE.probe(platform);
        boolean usable = support.isBuildable() && support.isRunnable();
        if ("true".equals(System.getenv("CI"))) {
            assertThat(support.missingPackages()).as("packages missing for %s in CI", name).isEmpty();
        }
        assumeTrue(usable, () -> name + " skipped: missing " + String.join(", ", support.missingPackages()));
        return platform;
    }

    /** container-probe.c built for the platform into {@code dir}, or an earlier build of it that still exists. */
    static Path probe(Platform platform, Path dir) throws Exception {
        synchronized (PROBES) {
            // Reused while it exists: the directory of the test class that built it may be gone.
            Path existing = PROBES.get(platform);
            if (existing != null && Files.isExecutable(existing)) return existing;
            Path source = dir.resolve("container-probe.c");
            if (!Files.exists(source)) {
                Files.createDirectories(dir);
                try (InputStream in = TestPlatforms.class.getResourceAsStream("container-probe.c")) {
                    Files.write(source, in.readAllBytes());
                }
            }
            Path binary = dir.resolve("container-probe." + platform.name());
            CrossCompiler.forPlatform(platform, PROBE)
                    .linkExecutable(new ExecutableSpec(List.of(source), List.of("-Wall"), List.of(), List.of(), binary));
            PROBES.put(platform, binary);
            return binary;
        }
    }

    /** A spec running the probe with {@code args} over fresh directories under {@code dir}; stdout to a file. */
    static ContainerSpec spec(Path dir, String id, Platform platform, Path probe, List<String> args) throws IOException {
        Path root = Files.createDirectories(dir.resolve(id));
        Path work = Files.createDirectories(root.resolve("work"));
        Path ck = Files.createDirectories(root.resolve("ck"));
        Path events = Files.writeString(root.resolve("events"), "");
        return new ContainerSpec(id, platform, probe, args, work, ck, events, Map.of("PROBE_ID", id), false)
                .withStdoutFile(root.resolve("stdout.txt"));
    }

    /** Waits (without a deadline of its own: the test's timeout bounds it) until the file contains {@code text}. */
    static void awaitText(Path file, String text) throws IOException, InterruptedException {
        while (!Files.exists(file) || !Files.readString(file).contains(text)) Thread.sleep(5);
    }
}
