package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LeftoverStateTest {
    private static final Path BUNDLE = Path.of("/var/lib/talent/agent/containers/bundles/svc-h1-x86_64-3");

    private static String state(String id, int pid, String status, String bundle) {
        return "{\"ociVersion\":\"1.0.2\",\"id\":\"" + id + "\",\"pid\":" + pid + ",\"status\":\"" + status + "\",\"bundle\":\"" + bundle
                + "\",\"rootfs\":\"/x\",\"created\":\"2026-12-02T23:00:00Z\",\"owner\":\"\"}";
    }

    @Test
    void aRunningContainerOfThisBundleIsItsInitsPid() {
        assertThat(ContainerHost.parseState("svc-h1-x86_64-3", state("svc-h1-x86_64-3", 4242, "running", BUNDLE.toString()), BUNDLE))
                .contains(new ContainerHost.LeftoverProcess("svc-h1-x86_64-3", "running", 4242));
        assertThat(ContainerHost.parseState("svc-h1-x86_64-3", state("svc-h1-x86_64-3", 0, "stopped", BUNDLE.toString()), BUNDLE))
                .contains(new ContainerHost.LeftoverProcess("svc-h1-x86_64-3", "stopped", 0));
    }

    @Test
    void anotherIdBundleStatusOrAPidOutOfRangeIsRefused() {
        String id = "svc-h1-x86_64-3";
        assertThat(ContainerHost.parseState(id, state("svc-h1-x86_64-4", 4242, "running", BUNDLE.toString()), BUNDLE)).isEmpty();
        assertThat(ContainerHost.parseState(id, state(id, 4242, "running", "/etc"), BUNDLE)).isEmpty();
        assertThat(ContainerHost.parseState(id, state(id, 4242, "dancing", BUNDLE.toString()), BUNDLE)).isEmpty();
        assertThat(ContainerHost.parseState(id, state(id, 1, "running", BUNDLE.toString()), BUNDLE)).as("never pid 1").isEmpty();
        assertThat(ContainerHost.parseState(id, state(id, -7, "running", BUNDLE.toString()), BUNDLE)).isEmpty();
        assertThat(ContainerHost.parseState(id, state(id, ContainerHost.PID_MAX + 1, "running", BUNDLE.toString()), BUNDLE)).isEmpty();
        assertThat(ContainerHost.parseState(id, "not json", BUNDLE)).isEmpty();
        assertThat(ContainerHost.parseState(id, "[]", BUNDLE)).isEmpty();
        assertThat(ContainerHost.parseState(id, " ".repeat(70_000) + state(id, 4242, "running", BUNDLE.toString()), BUNDLE)).isEmpty();
    }
}
