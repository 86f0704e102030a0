package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.talent.toolchain.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OciBundleTest {

    @TempDir Path dir;
    private ContainerSpec spec;
    private HostBinaries native_;
    private HostBinaries emulated;

    @BeforeEach
    void setUp() throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path ck = Files.createDirectories(dir.resolve("ck"));
        Path events = Files.writeString(dir.resolve("events"), "");
        Path program = Files.writeString(dir.resolve("app.s390x"), "");
        spec = new ContainerSpec("app-s390x-1", Platform.parse("s390x"), program, List.of("--size", "3"), work, ck,
                events, Map.of("TALENT_EVERY_SECONDS", "2", "TALENT_CHECKPOINT_DIR", "/elsewhere"), true);
        Path init = Files.writeString(dir.resolve("talent-init"), "");
        native_ = new HostBinaries(init, Optional.empty());
        emulated = new HostBinaries(init, Optional.of(Files.writeString(dir.resolve("qemu-s390x-static"), "")));
    }

    private JsonNode written(HostBinaries binaries) throws IOException {
        OciBundle bundle = OciBundle.write(dir.resolve("bundle"), spec, binaries);
        return new ObjectMapper().readTree(bundle.configFile().toFile());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    @Test
    void initRunsQemuWhichRunsTheProgramWithItsArguments() throws IOException {
        JsonNode process = written(emulated).get("process");

        assertThat(texts(process.get("args"))).containsExactly("/talent/init", "--exit-dir", "/talent/exit", "/talent/bin/qemu-s390x-static",
                "/talent/bin/app", "--size", "3");
        assertThat(process.get("cwd").asText()).isEqualTo("/work");
        assertThat(process.get("terminal").asBoolean()).isFalse();
        assertThat(OciBundle.programCommand(spec, native_)).containsExactly("/talent/bin/app", "--size", "3");
    }

    @Test
    void environmentHasTalentsVariablesWhichWinOverTheCallers() throws IOException {
        assertThat(texts(written(native_).get("process").get("env"))).containsExactlyInAnyOrder("TALENT_EVERY_SECONDS=2",
                "TALENT_CHECKPOINT_DIR=/talent/ck", "TALENT_PLATFORM=s390x", "TALENT_EVENT_FILE=/talent/events",
                "TALENT_RESTART=1");
    }

    @Test
    void rootIsUnprivilegedAndTheRootFileSystemReadOnly() throws IOException {
        JsonNode config = written(native_);
        JsonNode process = config.get("process");

        assertThat(process.get("user").get("uid").asInt()).isZero();
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            assertThat(process.get("capabilities").get(set)).as(set).isEmpty();
        }
        assertThat(process.get("noNewPrivileges").asBoolean()).isTrue();
        assertThat(config.get("root").get("readonly").asBoolean()).isTrue();
        assertThat(config.get("hostname").asText()).isEqualTo("talent-s390x");
        assertThat(config.get("linux").get("namespaces").findValuesAsText("type")).containsExactlyInAnyOrder("pid", "ipc", "uts", "mount");
        assertThat(texts(config.get("linux").get("maskedPaths"))).contains("/proc/kcore", "/sys/firmware");
        assertThat(texts(config.get("linux").get("readonlyPaths"))).contains("/proc/sys", "/proc/sysrq-trigger");
    }

    @Test
    void hostPathsAreBoundWithTheRightAccess() throws IOException {
        JsonNode mounts = written(emulated).get("mounts");
        List<String> destinations = mounts.findValuesAsText("destination");

        assertThat(destinations).containsExactly("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/tmp",
                "/work", "/talent/ck", "/talent/events", "/talent/exit", "/talent/init", "/talent/bin/qemu-s390x-static", "/talent/bin/app");
        assertThat(mount(mounts, "/work").get("source").asText()).isEqualTo(spec.workdir().toString());
        assertThat(texts(mount(mounts, "/work").get("options"))).contains("bind", "rw");
        assertThat(texts(mount(mounts, "/talent/events").get("options"))).contains("bind", "rw");
        assertThat(texts(mount(mounts, "/talent/bin/app").get("options"))).contains("bind", "ro");
        assertThat(mount(mounts, "/talent/bin/app").get("source").asText()).isEqualTo(spec.program().toString());
        assertThat(texts(mount(mounts, "/sys").get("options"))).contains("ro");
        assertThat(mount(mounts, "/talent/exit").get("source").asText()).isEqualTo(dir.resolve("bundle/exit").toString());
        assertThat(texts(mount(mounts, "/talent/exit").get("options"))).contains("bind", "rw", "nosuid", "nodev", "noexec");
        assertThat(dir.resolve("bundle/exit")).isEmptyDirectory();
    }

    @Test
    void aContainerStartedAheadGetsItsGoFifoFromItsBundleReadOnlyAndTheVariableThatNamesIt() throws IOException {
        spec = spec.withAwaitGo();
        JsonNode config = written(native_);
        JsonNode mounts = config.get("mounts");
        Path fifo = dir.resolve("bundle").resolve(OciBundle.GO_FIFO);
        assertThat(mount(mounts, "/talent/go").get("source").asText()).isEqualTo(fifo.toString());
        assertThat(texts(mount(mounts, "/talent/go").get("options"))).contains("bind", "ro", "nosuid", "nodev", "noexec")
                .doesNotContain("rw");
        assertThat(Files.getAttribute(fifo, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0010600); // a FIFO only talent (root) can open
        assertThat(dir.resolve("bundle/rootfs/talent/go")).isRegularFile().isEmptyFile();
        assertThat(texts(config.get("process").get("env"))).contains("TALENT_AWAIT_GO=/talent/go", "TALENT_RESTART=1");
    }

    @Test
    void aContainerNotStartedAheadHasNoGoFifo() throws IOException {
        JsonNode config = written(native_);
        assertThat(config.get("mounts").findValuesAsText("destination")).doesNotContain("/talent/go");
        assertThat(dir.resolve("bundle").resolve(OciBundle.GO_FIFO)).doesNotExist();
        assertThat(texts(config.get("process").get("env"))).noneMatch(e -> e.startsWith("TALENT_AWAIT_GO="));
    }

    @Test
    void rootfsHoldsOnlyMountPoints() throws IOException {
        written(emulated);
        Path rootfs = dir.resolve("bundle/rootfs");

        assertThat(rootfs.resolve("work")).isEmptyDirectory();
        assertThat(rootfs.resolve("talent/ck")).isEmptyDirectory();
        assertThat(rootfs.resolve("talent/bin/app")).isRegularFile().isEmptyFile();
        assertThat(rootfs.resolve("talent/bin/qemu-s390x-static")).isRegularFile().isEmptyFile();
        assertThat(rootfs.resolve("talent/events")).isRegularFile().isEmptyFile();
        assertThat(rootfs.resolve("dev/pts")).isEmptyDirectory();
    }

    private static JsonNode mount(JsonNode mounts, String destination) {
        for (JsonNode m : mounts) if (m.get("destination").asText().equals(destination)) return m;
        throw new AssertionError("no mount at " + destination);
    }

    @Test
    void withANetworkNamespaceTheContainerJoinsItAndStillHasNoCapability() throws IOException {
        Path netns = Path.of("/var/run/netns/talent-app-s390x-1-0123abcd");
        OciBundle bundle = OciBundle.write(dir.resolve("net-bundle"), spec, emulated, Optional.of(netns));
        JsonNode config = new ObjectMapper().readTree(bundle.configFile().toFile());
        JsonNode namespaces = config.get("linux").get("namespaces");
        assertThat(namespaces.findValuesAsText("type")).containsExactlyInAnyOrder("pid", "ipc", "uts", "mount", "network");
        for (JsonNode n : namespaces) {
            if (n.get("type").asText().equals("network")) assertThat(n.get("path").asText()).isEqualTo(netns.toString());
            else assertThat(n.has("path")).as("a new %s namespace has no path", n.get("type").asText()).isFalse();
        }
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            assertThat(config.get("process").get("capabilities").get(set)).as(set).isEmpty();
        }
    }
}
