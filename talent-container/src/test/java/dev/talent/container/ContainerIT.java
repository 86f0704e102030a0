package dev.talent.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.toolchain.Platform;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real containers (runc) on every platform this host has: isolation, exit status, signals, logs, cleanup. */
@Timeout(120)
class ContainerIT {

    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir static Path dir;
    private static final ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
    private static ContainerHost host;

    @BeforeAll
    static void open() throws Exception {
        TestPlatforms.requireContainers();
        host = ContainerHost.open(dir.resolve("state"), forwarded);
    }

    @AfterAll
    static void close() throws Exception {
        if (host == null) return;
        host.close();
        assertThat(host.containers()).isEmpty();
        try (Stream<Path> left = Files.list(dir.resolve("state/runc"))) {
            assertThat(left).as("runc state left behind").isEmpty();
        }
        assertThat(ChildProcesses.zombies()).as("unreaped children of this JVM").isEmpty();
    }

    static Stream<String> platforms() { return TestPlatforms.names(); }

    private static ContainerSpec spec(String id, Platform platform, String... args) throws Exception {
        return TestPlatforms.spec(dir, id, platform, TestPlatforms.probe(platform, dir.resolve("build")), List.of(args));
    }

    private static String forwardedText() {
        synchronized (forwarded) {
            return forwarded.toString(StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void programSeesItsContainerAndItsExitStatusComesBack(String name) throws Exception {
        Platform platform = TestPlatforms.usable(name);
        ContainerSpec spec = spec("report-" + name, platform, "report", "42");

        Container container = host.create(spec);
        assertThat(container.state()).isEqualTo(Container.State.CREATED);
        container.start();
        OptionalInt exit = container.awaitExit(EXIT);

        assertThat(exit).hasValue(42);
        assertThat(container.state()).isEqualTo(Container.State.EXITED);
        // its init recorded it in the bundle too, for a process that is not its parent (a restarted agent)
        assertThat(ContainerExit.read(container.bundleDirectory().resolve(OciBundle.EXIT_DIR))).contains(new ContainerExit(42, 0));
        String stdout = Files.readString(spec.stdoutFile().orElseThrow());
        // A fresh pid namespace: talent's init is pid 1, the program one of the next few numbers (runc's init
        // threads took some before it exec'ed talent's init).
        int pid = Integer.parseInt(stdout.lines().filter(l -> l.startsWith("pid=")).findFirst().orElseThrow().substring(4));
        assertThat(pid).isBetween(2, 99);
        assertThat(stdout.lines()).contains("hostname=talent-" + name, "cwd=/work", "platform=" + name,
                "work-write=ok", "root-write=Read-only file system", "tmp-write=ok", "capeff=0000000000000000",
                "event-write=ok");
        assertThat(spec.workdir().resolve("written-" + name + ".txt")).hasContent("hello from " + name);
        assertThat(spec.eventFile()).hasContent("probe " + name);

        container.delete();
        assertThat(container.state()).isEqualTo(Container.State.DELETED);
        assertThat(container.bundleDirectory()).doesNotExist();
        assertThat(host.container(spec.id())).isEmpty();
        container.delete(); // idempotent
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void sigtermEndsTheProgramWithStatus143(String name) throws Exception {
        Platform platform = TestPlatforms.usable(name);
        ContainerSpec spec = spec("term-" + name, platform, "wait");

        try (Container container = host.create(spec)) {
            container.start();
            TestPlatforms.awaitText(spec.stdoutFile().orElseThrow(), "waiting");

            assertThat(container.signal(Signals.SIGTERM)).isTrue();
            assertThat(container.awaitExit(EXIT)).hasValue(143);
            assertThat(ContainerExit.read(container.bundleDirectory().resolve(OciBundle.EXIT_DIR)).map(ContainerExit::code))
                    .contains(143);
            assertThat(container.signal(Signals.SIGTERM)).as("signal after exit").isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void failingProgramsStderrIsForwardedAndInTheLogTail(String name) throws Exception {
        Platform platform = TestPlatforms.usable(name);
        String message = "probe: cannot go on, input missing on " + name;

        try (Container container = host.create(spec("fail-" + name, platform, "fail"))) {
            container.start();

            assertThat(container.awaitExit(EXIT)).hasValue(3);
            assertThat(container.logTail(5)).contains(message);
            assertThat(container.logFile()).content().contains(message);
            // Forwarded before the exit was reported: no waiting needed here.
            assertThat(forwardedText()).contains(message + "\n");
        }
    }

    @Test
    void aProgramThatCannotBeExecutedExitsWith127AndInitSaysWhy() throws Exception {
        Platform platform = TestPlatforms.usable(TestPlatforms.host().name());
        Path notAProgram = Files.writeString(dir.resolve("not-a-program." + platform.name()), "just text\n");
        notAProgram.toFile().setExecutable(true);
        ContainerSpec spec = TestPlatforms.spec(dir, "noexec", platform, notAProgram, List.of());

        try (Container container = host.create(spec)) {
            container.start();

            assertThat(container.awaitExit(EXIT)).hasValue(127);
            assertThat(container.logTail(3)).contains("talent-init: cannot execute /talent/bin/not-a-program: Exec format error");
        }
    }

    @Test
    void startingAContainerWhoseProcessDiedFailsWithRuncsMessage() throws Exception {
        Platform platform = TestPlatforms.usable(TestPlatforms.host().name());

        try (Container container = host.create(spec("died-before-start", platform, "report"))) {
            assertThat(container.signal(Signals.SIGKILL)).isTrue();
            assertThat(container.awaitExit(EXIT)).hasValue(137);

            assertThatThrownBy(container::start).isInstanceOfSatisfying(ContainerException.class, e -> {
                assertThat(e).hasMessageContaining("runc start failed for container died-before-start");
                assertThat(e.logTail()).contains("stopped");
            });
        }
    }

    @Test
    void deleteKillsARunningContainerAndRemovesItsState() throws Exception {
        Platform platform = TestPlatforms.usable(TestPlatforms.host().name());
        ContainerSpec spec = spec("delete-running", platform, "wait");
        Container container = host.create(spec);
        container.start();
        TestPlatforms.awaitText(spec.stdoutFile().orElseThrow(), "waiting");

        container.delete();

        assertThat(container.exitCode()).hasValue(137);
        assertThat(container.state()).isEqualTo(Container.State.DELETED);
        assertThat(dir.resolve("state/runc/delete-running")).doesNotExist();
        assertThat(Path.of("/proc", Integer.toString(container.pid()))).doesNotExist();
        assertThat(container.logFile()).exists();
    }

    @Test
    void anIdIsUsedOnceAndHostPathsAreChecked() throws Exception {
        Platform platform = TestPlatforms.usable(TestPlatforms.host().name());
        ContainerSpec spec = spec("twice", platform, "report");
        try (Container first = host.create(spec)) {
            assertThatThrownBy(() -> host.create(spec)).isInstanceOf(ContainerException.class)
                    .hasMessageContaining("already has a container with that id");
            // A second host on the same state directory (another talent run) is refused before runc is asked.
            try (ContainerHost other = ContainerHost.open(dir.resolve("state"), forwarded)) {
                assertThatThrownBy(() -> other.create(spec)).isInstanceOf(ContainerException.class)
                        .hasMessageContaining("state/runc/twice exists");
            }
            assertThat(first.state()).isEqualTo(Container.State.CREATED);
        }
        ContainerSpec missingWorkdir = new ContainerSpec("no-workdir", platform, spec.program(), List.of(),
                dir.resolve("absent"), spec.checkpointDir(), spec.eventFile(), java.util.Map.of(), false);
        assertThatThrownBy(() -> host.create(missingWorkdir)).isInstanceOf(ContainerException.class)
                .hasMessageContaining("workdir " + dir.resolve("absent") + " is not a directory");
    }

    @Test
    void eventFifoIsWrittenThroughTheMount() throws Exception {
        Platform platform = TestPlatforms.usable(TestPlatforms.host().name());
        ContainerSpec fileSpec = spec("fifo", platform, "report");
        Path fifo = fileSpec.eventFile().resolveSibling("events.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        ContainerSpec spec = new ContainerSpec(fileSpec.id(), platform, fileSpec.program(), fileSpec.args(),
                fileSpec.workdir(), fileSpec.checkpointDir(), fifo, fileSpec.env(), false, fileSpec.stdoutFile());

        try (Container container = host.create(spec)) {
            container.start();
            // Opening the FIFO for reading waits for the program to open it for writing.
            List<String> lines = Files.readAllLines(fifo);

            assertThat(lines).containsExactly("probe " + platform.name());
            assertThat(container.awaitExit(EXIT)).hasValue(0);
        }
    }
}
