package dev.talent.container;

import dev.talent.toolchain.Platform;
import java.nio.file.Path;
import java.util.List;

/**
 * A JVM for ShutdownCleanupIT: opens a host, creates one container and starts another, prints their host pids
 * and waits to be stopped. Arguments: DIR (for the state and the containers' directories), PROBE (binary).
 */
public final class HostWithContainers {

    private HostWithContainers() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path probe = Path.of(args[1]);
        Platform platform = TestPlatforms.host();
        ContainerHost host = ContainerHost.open(dir.resolve("state"), System.err);
        ContainerSpec running = TestPlatforms.spec(dir, "running", platform, probe, List.of("wait"));
        Container started = host.create(running);
        started.start();
        TestPlatforms.awaitText(running.stdoutFile().orElseThrow(), "waiting");
        Container created = host.create(TestPlatforms.spec(dir, "created", platform, probe, List.of("wait")));
        System.out.println("pids " + started.pid() + " " + created.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
