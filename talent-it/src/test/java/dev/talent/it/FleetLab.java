package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The fleet lab ({@code talent lab up}) is one per machine: its bridge, its hosts' namespaces and its etcd addresses
 * are fixed. The classes that start one hold {@link #LOCK}, so they run one after another; they run beside the other
 * classes (which use none of the lab's names or addresses), because most of their time is spent waiting for paced
 * apps, leases and restarts rather than on the processor.
 *
 * <p>An instance is one lab of an IT class: {@link #up} starts it under the class's work directory, the fleet
 * commands, {@code status}, {@code hosts} and etcd reads go through it, and {@link #down} stops it. The ITs see talent
 * through its command line only.
 */
final class FleetLab {
    /** The JUnit resource lock of the lab's classes. */
    static final String LOCK = "talent-fleet-lab";
    /** How long one fleet command may take (a loaded machine's JVM start included). */
    static final Duration COMMAND = Duration.ofMinutes(4);
    static final ObjectMapper JSON = new ObjectMapper();

    private final TalentCli talent;
    private final Path root, dir;
    private Names names;
    private boolean up;

    private FleetLab(TalentCli talent, Path root) {
        this.talent = talent;
        this.root = root;
        this.dir = root.resolve("lab");
    }

    /**
     * Skips the class unless this machine can run a lab: root, etcd, runc (and etcdctl when {@code etcdctl}, for the
     * classes that read etcd directly).
     */
    static void assumeLab(boolean etcdctl) {
        assumeTrue("0".equals(EnvApp.uid()), "talent lab needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/etcd")), "etcd is not installed (apt-get install etcd-server etcd-client)");
        if (etcdctl) assumeTrue(Files.isExecutable(Path.of("/usr/bin/etcdctl")), "etcdctl is not installed (apt-get install etcd-client)");
        assumeTrue(Isa.onPath("runc").isPresent() || Files.isExecutable(Path.of("/usr/sbin/runc")), "runc is not installed");
    }

    /** The class's work directory {@code name} under the ITs' root, emptied. */
    static Path workRoot(String name) throws IOException {
        Path root = ItPaths.workRoot().resolve(name);
        ItPaths.deleteRecursively(root);
        Files.createDirectories(root);
        return root;
    }

    /** The test server network/NAME.c built for x86_64 into {@code root/build}: its {@code build/NAME}. */
    static Path x86Server(TalentCli talent, Path root, String name) throws IOException {
        Path source = root.resolve(name + ".c");
        try (var in = FleetLab.class.getResourceAsStream("/network/" + name + ".c")) {
            Files.copy(in, source);
        }
        ProcessResult built = talent.run(root, Duration.ofMinutes(5), List.of("build", "-o", "build", "--isa", "x86_64",
                source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        return root.resolve("build/" + name);
    }

    /** A lab to be started under {@code root} ({@code root/lab}). */
    static FleetLab at(TalentCli talent, Path root) { return new FleetLab(talent, root); }

    /**
     * {@code [env ENV...] talent lab up ARGS --dir root/lab}: asserts it succeeded; from then on (also when it failed
     * half-way) {@link #down} stops it. Returns what {@code lab up} said.
     */
    ProcessResult up(List<String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        if (!env.isEmpty()) {
            command.add("env");
            command.addAll(env);
        }
        List<String> a = new ArrayList<>(List.of("lab", "up"));
        a.addAll(List.of(args));
        a.addAll(List.of("--dir", dir.toString()));
        command.addAll(talent.commandLine(a));
        ProcessResult r = Processes.run(command, root, COMMAND);
        up = true;
        assertThat(r.exitCode()).withFailMessage(r.describe()).isZero();
        names = names(dir);
        return r;
    }

    /** Whether {@link #up} ran and {@link #down} has not yet. */
    boolean isUp() { return up; }

    /** {@code talent lab down}: asserts it succeeded (nothing when the lab was never started). */
    void down() {
        if (!up) return;
        up = false;
        ProcessResult d = talent.run(root, COMMAND, List.of("lab", "down", "--dir", dir.toString()));
        assertThat(d.exitCode()).withFailMessage(d.describe()).isZero();
    }

    /** Marks the lab as stopped by the test itself (a {@code lab down} run its own way). */
    void downByTest() { up = false; }

    Path dir() { return dir; }

    Path fleetConf() { return dir.resolve("fleet.conf"); }

    /** The directory of host {@code host} ({@code h1}...): its agent's and controller's logs and state. */
    Path host(String host) { return dir.resolve("hosts").resolve(host); }

    /** {@code talent CMD --fleet FLEET ARGS...} ({@code args[0]} the command; {@code alert clear}: after {@code clear}). */
    ProcessResult run(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        int at = a.size() > 1 && a.get(0).equals("alert") && a.get(1).equals("clear") ? 2 : 1;
        a.add(at, "--fleet");
        a.add(at + 1, fleetConf().toString());
        return talent.run(root, COMMAND, a);
    }

    /** As {@link #run}, asserting it exited 0. */
    ProcessResult ok(String... args) {
        return ok(run(args));
    }

    /** {@code r}, asserting it exited 0 (its output in the failure's message). */
    static ProcessResult ok(ProcessResult r) {
        assertThat(r.exitCode()).withFailMessage(r.describe() + "\nstdout: " + r.stdoutText()).isZero();
        return r;
    }

    /**
     * {@code talent status APP --json}; asked again (twice at most) when etcd was too slow to answer on a loaded machine
     * (exit 69: the CLI's 5 s per call).
     */
    JsonNode status(String app) throws IOException {
        ProcessResult r = run("status", app, "--json");
        for (int k = 0; k < 2 && r.exitCode() == 69; k++) {
            pause(1000);
            r = run("status", app, "--json");
        }
        assertThat(r.exitCode()).withFailMessage(r.describe()).isZero();
        return JSON.readTree(r.stdout());
    }

    /** {@code talent migrate APP --to TO --json}, asserting it succeeded: its record. */
    JsonNode migrate(String app, String to) throws IOException {
        return JSON.readTree(ok("migrate", app, "--to", to, "--json").stdout());
    }

    /** {@code talent hosts --json}. */
    JsonNode hosts() throws IOException {
        ProcessResult r = run("hosts", "--json");
        assertThat(r.exitCode()).withFailMessage(r.describe()).isZero();
        return JSON.readTree(r.stdout());
    }

    /** The host whose controller leads, as {@code hosts --json} says. */
    JsonNode leader() throws IOException {
        for (JsonNode h : hosts()) if (h.get("leader").asBoolean()) return h;
        throw new AssertionError("no leader in talent hosts");
    }

    /** Waits (at most {@code timeout}) until {@code n} agents are up: a killed one registers again within seconds. */
    void awaitAgents(int n, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ProcessResult r = run("hosts", "--json");
            long up = 0;
            if (r.exitCode() == 0) for (JsonNode h : JSON.readTree(r.stdout())) if (h.get("agent").asText().equals("up")) up++;
            if (up == n) return;
            assertThat(System.nanoTime()).withFailMessage("only " + up + " agents up: " + r.describe()).isLessThan(deadline);
            pause(500);
        }
    }

    /** The value at {@code key} in etcd (etcdctl with the CLI's certificate), asserting it could be read. */
    String etcdGet(String key) {
        ProcessResult r = etcdctl(key);
        assertThat(r.exitCode()).withFailMessage(r.describe()).isZero();
        return r.stdoutText().strip();
    }

    /** Whether etcd has a migration of {@code app} in flight ({@code /talent/migrations/APP/current}). */
    boolean inFlight(String app) {
        ProcessResult r = etcdctl("/talent/migrations/" + app + "/current");
        return r.exitCode() == 0 && !r.stdoutText().isBlank();
    }

    private ProcessResult etcdctl(String key) {
        return Processes.run(List.of("etcdctl", "--endpoints=https://" + address(1) + ":2379", "--cacert=" + dir.resolve("pki/ca.crt"),
                "--cert=" + dir.resolve("pki/cli.crt"), "--key=" + dir.resolve("pki/cli.key"), "--dial-timeout=3s",
                "get", "--print-value-only", key), root, Duration.ofSeconds(10));
    }

    /** How many lines of the controllers' logs (all hosts) contain {@code text}. */
    long controllerLines(String text) throws IOException {
        long n = 0;
        for (int k = 1; k <= 9; k++) {
            Path log = host("h" + k).resolve("controller.log");
            if (Files.exists(log)) n += Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).count();
        }
        return n;
    }

    /** The pre-copy images ({@code pre-NNNNNN.tck}) anywhere under host {@code host}'s directory. */
    List<Path> precopyImages(String host) throws IOException {
        try (Stream<Path> files = Files.walk(host(host))) {
            return files.filter(x -> x.getFileName().toString().matches("pre-[0-9]{6,9}\\.tck")).toList();
        }
    }

    int index() { return names.index(); }

    String bridge() { return names.bridge(); }

    String prefix() { return names.prefix(); }

    String address(int k) { return names.address(k); }

    String prefix6() { return names.prefix6(); }

    boolean owns(String name) { return names.owns(name); }

    private static void pause(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * The names and addresses of the lab in {@code dir}, by the index its lab.json records ({@code lab up} takes the
     * first free one: another lab or a lab's leftovers on the machine move it off 0).
     */
    static Names names(Path dir) throws IOException {
        JsonNode lab = JSON.readTree(dir.resolve("lab.json").toFile());
        int index = lab.path("index").asInt(0);
        return new Names(index);
    }

    /** As LabLayout says (written out here: the ITs see talent through its command line only). */
    record Names(int index) {
        String bridge() { return "tfleet" + index; }

        String prefix() { return index == 0 ? "tfleet-" : "tfleet" + index + "-"; }

        String address(int k) { return "10.213." + index + "." + (10 + k); }

        /** The segment's IPv6 /64 with its "::" (an app's address follows). */
        String prefix6() { return "fd74:616c:656e:213" + (index == 0 ? "" : Integer.toString(index)) + "::"; }

        boolean owns(String name) { return name.equals(bridge()) || name.startsWith(prefix()); }
    }
}
