package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.talent.fleet.Pki;
import dev.talent.fleet.TlsFiles;
import dev.talent.fleet.apps.AgentServer;
import dev.talent.fleet.apps.BlobStore;
import dev.talent.fleet.apps.FleetAgents;
import dev.talent.fleet.apps.FleetAgents.Placement;
import dev.talent.fleet.apps.GrpcFleetAgents;
import dev.talent.toolchain.CapturedRun;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent restarts while its apps run (in-process, on its state directory, as `talent agent` does after a kill or an
 * upgrade): the next agent adopts them, and an app that then ends is recorded with its real exit status, one killed by
 * a signal with 128 + that signal, and one that ended while no agent ran with its status too: talent-init wrote each in
 * the container's bundle, since no agent was its parent.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AgentRestartExitIT {
    @TempDir static Path dir;
    static Pki pki;
    static AgentServer agent;
    static GrpcFleetAgents fleet;
    static final List<String> events = new CopyOnWriteArrayList<>();
    static String binary;

    @BeforeAll
    static void up() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")), "runc is not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "the agent runs runc containers: root only");
        try (InputStream in = AgentRestartExitIT.class.getResourceAsStream("ends.c")) {
            Files.write(dir.resolve("ends.c"), in.readAllBytes());
        }
        CapturedRun build = TalentJar.run(dir, "build", "-o", "build/", "--isa", "x86_64", "ends.c");
        assertThat(build.exitCode()).as(build.stderr()).isZero();
        pki = Pki.at(dir.resolve("pki"));
        pki.init("agent restart IT");
        pki.issue("ha", Pki.Usage.HOST, List.of("127.0.0.2"), List.of());
        pki.issue("cli", Pki.Usage.CLIENT, List.of(), List.of());
        agent = AgentServer.start("ha", new InetSocketAddress("127.0.0.2", 0), tls("ha"), dir.resolve("state"), AgentRestartExitIT::event);
        fleet = fleetOf(agent);
        Path bin = dir.resolve("build/ends.x86_64");
        binary = BlobStore.digest(bin);
        fleet.putBlob("ha", binary, bin);
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
        if (agent != null) agent.close();
    }

    static void event(String e) {
        events.add(e);
        System.out.println("agent ha: " + e);
    }

    static TlsFiles tls(String name) { return new TlsFiles(pki.caCertificate(), pki.certificate(name), pki.key(name)); }

    static GrpcFleetAgents fleetOf(AgentServer a) {
        return GrpcFleetAgents.of(tls("cli"), Map.of("ha", new InetSocketAddress("127.0.0.2", a.port())),
                GrpcFleetAgents.Timeouts.defaults(), e -> System.out.println("fleet: " + e));
    }

    static void start(String app, long ms, int status) throws Exception {
        fleet.start(new Placement("ha", "x86_64"), new FleetAgents.AppSpec(app, Map.of("x86_64", binary),
                List.of(Long.toString(ms), Integer.toString(status)), Optional.empty(), false, Optional.empty()));
        assertThat(fleet.state("ha", app)).as(app).isInstanceOf(FleetAgents.AppState.Running.class);
    }

    static FleetAgents.AppState awaitNot(String app, Class<?> state, long seconds) throws Exception {
        long by = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            FleetAgents.AppState s = fleet.state("ha", app);
            if (!state.isInstance(s)) return s;
            assertThat(System.nanoTime()).as(app + " is still " + s).isLessThan(by);
            Thread.sleep(50);
        }
    }

    /** The host pid of the container's init (runc's pid file in its bundle). */
    static int initPid(String app) throws Exception {
        try (Stream<Path> bundles = Files.list(dir.resolve("state/containers/bundles"))) {
            Path b = bundles.filter(p -> p.getFileName().toString().startsWith(app + "-ha-x86_64-")).findFirst().orElseThrow();
            return Integer.parseInt(Files.readString(b.resolve("init.pid")).strip());
        }
    }

    /** The program: the init's only child. */
    static int programPid(int init) throws Exception {
        String children = Files.readString(Path.of("/proc", Integer.toString(init), "task", Integer.toString(init), "children")).strip();
        assertThat(children).as("children of the container's init").matches("[0-9]+");
        return Integer.parseInt(children);
    }

    @Test
    void anAdoptedAppEndsWithItsRealStatusAndAKilledOneWithItsSignal() throws Exception {
        start("three", 12_000, 3);     // ends after the restart
        start("killed", -1, 0);        // killed after the restart
        start("early", 2_500, 5);      // ends while no agent runs
        int early = initPid("early");

        agent.detach();
        fleet.close();
        long by = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Files.exists(Path.of("/proc", Integer.toString(early), "stat"))
                && !Files.readString(Path.of("/proc", Integer.toString(early), "stat")).matches("^[0-9]+ \\(.*\\) Z .*")) {
            assertThat(System.nanoTime()).as("early ends while no agent runs").isLessThan(by);
            Thread.sleep(50);
        }
        agent = AgentServer.restart("ha", new InetSocketAddress("127.0.0.2", 0), tls("ha"), dir.resolve("state"), AgentRestartExitIT::event);
        fleet = fleetOf(agent);
        assertThat(events).anyMatch(e -> e.startsWith("adopted three on ha/x86_64")).anyMatch(e -> e.startsWith("adopted killed on ha/x86_64"));

        assertThat(fleet.state("ha", "early")).as("ended while no agent ran").isEqualTo(new FleetAgents.AppState.Ended("x86_64", 5));

        assertThat(fleet.state("ha", "killed")).isInstanceOf(FleetAgents.AppState.Running.class);
        new ProcessBuilder("kill", "-KILL", Integer.toString(programPid(initPid("killed")))).inheritIO().start().waitFor();
        assertThat(awaitNot("killed", FleetAgents.AppState.Running.class, 20)).as("killed by SIGKILL: 128 + 9")
                .isEqualTo(new FleetAgents.AppState.Ended("x86_64", 137));

        assertThat(fleet.state("ha", "three")).as("adopted, still running").isInstanceOf(FleetAgents.AppState.Running.class);
        assertThat(awaitNot("three", FleetAgents.AppState.Running.class, 30)).isEqualTo(new FleetAgents.AppState.Ended("x86_64", 3));
        assertThat(new String(fleet.logs("ha", "three", 0, 4096).data(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("up\nending with 3\n");
        assertThat(events).noneMatch(e -> e.contains("lost") || e.contains("exit status unknown"));
    }

    /**
     * The agent is killed in the middle of a migration, right after the program was told to stop at its checkpoint
     * (the program stops while no agent runs): the next agent says `stopped` (not `ended` 75, not `lost`), so the
     * controller's resolution resumes it there; the program goes on from its checkpoint and its output equals an
     * uninterrupted run's.
     */
    @Test
    void aProgramStoppedAtItsCheckpointWhileNoAgentRanIsStoppedAndResumes() throws Exception {
        start("paused", 4_000, 4);
        awaitOutput("paused", "up\n", 20);
        int init = initPid("paused");
        int program = programPid(init);
        agent.detach();
        fleet.close();
        // the checkpoint request of a migration's safe point (the pipeline's CHECKPOINT_AND_EXIT), whose agent died
        new ProcessBuilder("kill", "-USR1", Integer.toString(program)).inheritIO().start().waitFor();
        long by = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Files.exists(Path.of("/proc", Integer.toString(init), "stat"))
                && !Files.readString(Path.of("/proc", Integer.toString(init), "stat")).matches("^[0-9]+ \\(.*\\) Z .*")) {
            assertThat(System.nanoTime()).as("paused stops while no agent runs").isLessThan(by);
            Thread.sleep(50);
        }
        agent = AgentServer.restart("ha", new InetSocketAddress("127.0.0.2", 0), tls("ha"), dir.resolve("state"), AgentRestartExitIT::event);
        fleet = fleetOf(agent);
        assertThat(fleet.state("ha", "paused")).as("stopped at its checkpoint while no agent ran")
                .isInstanceOf(FleetAgents.AppState.Stopped.class);
        fleet.resume("ha", "paused");
        assertThat(fleet.state("ha", "paused")).isInstanceOf(FleetAgents.AppState.Running.class);
        assertThat(awaitNot("paused", FleetAgents.AppState.Running.class, 30)).isEqualTo(new FleetAgents.AppState.Ended("x86_64", 4));
        assertThat(new String(fleet.logs("ha", "paused", 0, 4096).data(), java.nio.charset.StandardCharsets.UTF_8))
                .as("as an uninterrupted run's").isEqualTo("up\nending with 4\n");
        assertThat(events).anyMatch(e -> e.startsWith("paused is stopped at its checkpoint on ha/x86_64"))
                .anyMatch(e -> e.startsWith("resumed paused on ha/x86_64"));
    }

    static void awaitOutput(String app, String text, long seconds) throws Exception {
        long by = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!new String(fleet.logs("ha", app, 0, 4096).data(), java.nio.charset.StandardCharsets.UTF_8).equals(text)) {
            assertThat(System.nanoTime()).as(app + " printed " + text).isLessThan(by);
            Thread.sleep(50);
        }
    }
}
