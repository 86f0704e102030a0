package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.talent.fleet.Pki;
import dev.talent.fleet.TlsFiles;
import dev.talent.fleet.apps.AgentServer;
import dev.talent.fleet.apps.BlobStore;
import dev.talent.fleet.apps.FleetAgents;
import dev.talent.fleet.apps.FleetAgents.Placement;
import dev.talent.fleet.apps.GrpcFleetAgents;
import dev.talent.fleet.apps.HostedApps;
import dev.talent.fleet.apps.WorkdirArchive;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.migrate.pipeline.CheckpointSignature;
import dev.talent.toolchain.CapturedRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents with state directories of their own on loopback addresses, mutual TLS with a fleet CA of the test:
 * envapp (state in variables, an open output file, files it creates) starts on A/x86_64, moves to B/aarch64,
 * back to A/s390x and to A/x86_64 through {@link GrpcFleetAgents} (checkpoints and working directories streamed agent to agent);
 * its output and working directory equal an uninterrupted run's. A forged or unsigned checkpoint is refused by the
 * destination and the program goes on at the source. Ten native migrations A/x86_64 and B/x86_64 measure the
 * host-to-host downtime.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FleetAgentsIT {
    @TempDir static Path dir;
    static Pki pki;
    static AgentServer a, b;
    static GrpcFleetAgents fleet;
    static final List<String> warnings = new CopyOnWriteArrayList<>();
    static final Map<String, String> binaries = new HashMap<>();
    static String workdirBlob;

    @BeforeAll
    static void up() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")), "runc is not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "the agents run runc containers: root only");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-aarch64-static")) && Files.isExecutable(Path.of("/usr/bin/qemu-s390x-static")),
                "qemu-user-static is not installed");
        Files.copy(Path.of("..", "talent-it", "src", "test", "resources", "migration", "envapp.c"), dir.resolve("envapp.c"));
        CapturedRun build = TalentJar.run(dir, "build", "-o", "build/", "--isa", "x86_64,aarch64,s390x", "envapp.c");
        assertThat(build.exitCode()).as(build.stderr()).isZero();
        pki = Pki.at(dir.resolve("pki"));
        pki.init("fleet agents IT");
        pki.issue("ha", Pki.Usage.HOST, List.of("127.0.0.2"), List.of());
        pki.issue("hb", Pki.Usage.HOST, List.of("127.0.0.3"), List.of());
        pki.issue("cli", Pki.Usage.CLIENT, List.of(), List.of());
        a = AgentServer.start("ha", new InetSocketAddress("127.0.0.2", 0), tls("ha"), dir.resolve("state-a"), e -> System.out.println("agent ha: " + e));
        b = AgentServer.start("hb", new InetSocketAddress("127.0.0.3", 0), tls("hb"), dir.resolve("state-b"), e -> System.out.println("agent hb: " + e));
        fleet = GrpcFleetAgents.of(tls("cli"), Map.of("ha", new InetSocketAddress("127.0.0.2", a.port()),
                "hb", new InetSocketAddress("127.0.0.3", b.port())), GrpcFleetAgents.Timeouts.defaults(), warnings::add);
        for (String p : List.of("x86_64", "aarch64", "s390x")) {
            Path bin = dir.resolve("build/envapp." + p);
            String sha = BlobStore.digest(bin);
            binaries.put(p, sha);
            fleet.putBlob("ha", sha, bin);
            fleet.putBlob("hb", sha, bin);
        }
        Path archive = dir.resolve("workdir.zip");
        try (OutputStream out = Files.newOutputStream(archive)) {
            WorkdirArchive.pack(inputDir(dir.resolve("input")), out);
        }
        workdirBlob = BlobStore.digest(archive);
        fleet.putBlob("ha", workdirBlob, archive);
    }

    @AfterAll
    static void down() {
        if (fleet != null) fleet.close();
        if (a != null) a.close();
        if (b != null) b.close();
    }

    static TlsFiles tls(String name) { return new TlsFiles(pki.caCertificate(), pki.certificate(name), pki.key(name)); }

    static Path inputDir(Path d) throws IOException {
        Files.createDirectories(d);
        StringBuilder numbers = new StringBuilder();
        for (int i = 0; i < 40; i++) numbers.append(i * 7 % 23 + 1).append(i % 5 == 4 ? "\n" : " ");
        Files.writeString(d.resolve("input.txt"), numbers.toString());
        return d;
    }

    record Reference(String stdout, Map<String, String> files) {}

    /** One uninterrupted native run. */
    static Reference reference(String label, int steps) throws Exception {
        Path d = inputDir(dir.resolve("ref-" + label));
        Process p = new ProcessBuilder(dir.resolve("build/envapp.x86_64").toString(), String.valueOf(steps), "1").directory(d.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return new Reference(out, tree(d));
    }

    static Map<String, String> tree(Path d) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(d)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p)) files.put(d.relativize(p).toString(), Files.readString(p));
            }
        }
        return files;
    }

    static FleetAgents.AppSpec spec(String name, int steps, int ms) {
        return new FleetAgents.AppSpec(name, binaries, List.of(String.valueOf(steps), String.valueOf(ms)), Optional.of(workdirBlob), false,
                Optional.empty());
    }

    /** Waits until the app ended on {@code host}; returns its whole output read from there. */
    static String awaitEnd(String host, String app) throws Exception {
        long by = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(fleet.state(host, app) instanceof FleetAgents.AppState.Ended e)) {
            assertThat(System.nanoTime()).as(app + " did not end on " + host).isLessThan(by);
            Thread.sleep(100);
        }
        assertThat(e.status()).as("exit status of " + app).isZero();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long offset = 0;
        while (true) {
            FleetAgents.LogChunk c = fleet.logs(host, app, offset, 4096);
            out.write(c.data());
            offset = c.next();
            if (c.data().length == 0) break;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static void start(String app, int steps, int ms) throws Exception {
        fleet.start(new Placement("ha", "x86_64"), spec(app, steps, ms));
        FleetAgents.AppState s = fleet.state("ha", app);
        assertThat(s).as(app + " after its start: " + s + "; output: " + new String(fleet.logs("ha", app, 0, 4096).data(), StandardCharsets.UTF_8)
                + "; container logs: " + containerLogs())
                .isInstanceOf(FleetAgents.AppState.Running.class);
    }

    static String containerLogs() throws IOException {
        StringBuilder s = new StringBuilder();
        for (String h : List.of("state-a", "state-b")) {
            Path logs = dir.resolve(h).resolve("containers/logs");
            if (!Files.isDirectory(logs)) continue;
            try (Stream<Path> l = Files.list(logs)) {
                for (Path p : l.toList()) s.append("\n== ").append(p.getFileName()).append('\n').append(Files.readString(p));
            }
        }
        return s.toString();
    }

    static MigrationRecord migrate(String app, Placement from, Placement to) throws Exception {
        return fleet.migrate(app, from, to, "request", Optional::empty);
    }

    @Test
    @Order(1)
    void envappMovesHostToHostAcrossIsasAndEndsAsAnUninterruptedRun() throws Exception {
        Reference ref = reference("isa", 1000);
        start("envapp", 1000, 10);
        Thread.sleep(400);
        MigrationRecord there = migrate("envapp", new Placement("ha", "x86_64"), new Placement("hb", "aarch64"));
        assertThat(there.ok()).as(there.toString()).isTrue();
        assertThat(there.from()).isEqualTo("ha/x86_64");
        assertThat(there.to()).isEqualTo("hb/aarch64");
        assertThat(there.downtimeMs()).isNotNull().isPositive();
        assertThat(fleet.state("ha", "envapp")).as("nothing left on the source").isInstanceOf(FleetAgents.AppState.Absent.class);
        assertThat(dir.resolve("state-a/apps/envapp")).doesNotExist();
        assertThat(fleet.state("hb", "envapp")).isInstanceOf(FleetAgents.AppState.Running.class);
        Thread.sleep(400);
        MigrationRecord back = migrate("envapp", new Placement("hb", "aarch64"), new Placement("ha", "s390x"));
        assertThat(back.ok()).as(back.toString()).isTrue();
        assertThat(dir.resolve("state-b/apps/envapp")).doesNotExist();
        // and on one host, from one platform to another (the output log is the same file there)
        MigrationRecord local = migrate("envapp", new Placement("ha", "s390x"), new Placement("ha", "x86_64"));
        assertThat(local.ok()).as(local.toString()).isTrue();
        assertThat(dir.resolve("state-a/apps/envapp/places/s390x")).doesNotExist();

        String out = awaitEnd("ha", "envapp");
        assertThat(out).as("stdout of the migrated run, whole on its last host").isEqualTo(ref.stdout());
        Path fetched = dir.resolve("fetched");
        fleet.fetchWorkdir("ha", "envapp", fetched);
        assertThat(tree(fetched)).as("the working directory at the end").isEqualTo(ref.files());
        fleet.remove("ha", "envapp");
        assertThat(fleet.state("ha", "envapp")).isInstanceOf(FleetAgents.AppState.Absent.class);
        assertThat(dir.resolve("state-a/apps/envapp")).doesNotExist();
    }

    @Test
    @Order(2)
    void aForgedOrUnsignedCheckpointIsRefusedAndTheProgramGoesOnAtTheSource() throws Exception {
        Reference ref = reference("tamper", 400);
        start("tamper", 400, 10);
        Thread.sleep(300);
        List<HostedApps.OutgoingFilter> attacks = List.of(s -> {
            byte[] sig = s.signature();
            sig[0] ^= 1;
            return s.withSignature(sig);
        }, s -> s.withSignature(new byte[0]), new HostedApps.OutgoingFilter() {
            @Override
            public CheckpointSignature statement(CheckpointSignature s) { return s; }

            @Override
            public java.io.InputStream bytes(java.io.InputStream in) {
                // one bit of the checkpoint changed on the way; the signed statement is the source's own
                return new java.io.FilterInputStream(in) {
                    long at;

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = super.read(buf, off, len);
                        if (n > 0 && at <= 100 && at + n > 100) buf[off + (int) (100 - at)] ^= 1;
                        if (n > 0) at += n;
                        return n;
                    }
                };
            }
        });
        List<String> expected = List.of("wrong signature", "unsigned", "does not match its signature");
        for (int i = 0; i < attacks.size(); i++) {
            a.apps().filterOutgoing(attacks.get(i));
            MigrationRecord r = migrate("tamper", new Placement("ha", "x86_64"), new Placement("hb", "aarch64"));
            assertThat(r.ok()).as(r.toString()).isFalse();
            assertThat(r.error()).contains(expected.get(i)).contains("refused");
            assertThat(fleet.state("ha", "tamper")).as("back on the source").isInstanceOf(FleetAgents.AppState.Running.class);
            assertThat(fleet.state("hb", "tamper")).as("nothing on the destination").isInstanceOf(FleetAgents.AppState.Absent.class);
            assertThat(dir.resolve("state-b/apps/tamper")).doesNotExist();
        }
        a.apps().filterOutgoing(s -> s);
        // the destination's runtime fails to restore (an injected fault): the program goes on at the source too
        MigrationRecord r = fleet.migrate("tamper", new Placement("ha", "x86_64"), new Placement("hb", "aarch64"), "request",
                Optional::empty, Optional.of(dev.talent.migrate.Step.RESTORE));
        assertThat(r.ok()).as(r.toString()).isFalse();
        assertThat(r.failedStep()).isEqualTo(dev.talent.migrate.Step.RESTORE.label());
        assertThat(fleet.state("ha", "tamper")).isInstanceOf(FleetAgents.AppState.Running.class);
        assertThat(dir.resolve("state-b/apps/tamper")).doesNotExist();
        String out = awaitEnd("ha", "tamper");
        assertThat(out).isEqualTo(ref.stdout());
        Path fetched = dir.resolve("fetched-tamper");
        fleet.fetchWorkdir("ha", "tamper", fetched);
        assertThat(tree(fetched)).isEqualTo(ref.files());
        fleet.remove("ha", "tamper");
    }

    @Test
    @Order(3)
    void tenNativeHostToHostMigrations() throws Exception {
        Reference ref = reference("ten", 4000);
        start("ten", 4000, 3);
        Placement here = new Placement("ha", "x86_64"), there = new Placement("hb", "x86_64");
        List<Double> downtimes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Thread.sleep(50);
            MigrationRecord r = migrate("ten", here, there);
            assertThat(r.ok()).as(r.toString()).isTrue();
            downtimes.add(r.downtimeMs());
            System.out.println("fleet-agents-it migration " + (i + 1) + ": " + r.from() + " -> " + r.to() + " downtime " + r.downtimeMs()
                    + " ms (safe point " + r.safePointMs() + ", checkpoint " + r.checkpointMs() + ", sync " + r.syncMs() + ", start "
                    + r.startMs() + ", restore " + r.restoreMs() + ")");
            Placement t = here;
            here = there;
            there = t;
        }
        List<Double> sorted = downtimes.stream().sorted().toList();
        System.out.println("fleet-agents-it downtime median " + (sorted.get(4) + sorted.get(5)) / 2 + " ms, max " + sorted.get(9) + " ms");
        String out = awaitEnd(here.host(), "ten");
        assertThat(out).isEqualTo(ref.stdout());
        Path fetched = dir.resolve("fetched-ten");
        fleet.fetchWorkdir(here.host(), "ten", fetched);
        assertThat(tree(fetched)).isEqualTo(ref.files());
        fleet.remove(here.host(), "ten");
        assertThat(warnings).as("warnings of the pipeline").isEmpty();
    }

    /** The controller driving a migration dies (kill -9): nothing after this point of the migration happens. */
    static final class ControllerKilled extends Error {
        private static final long serialVersionUID = 1L;

        ControllerKilled() { super("the controller was killed"); }
    }

    @Test
    @Order(4)
    void aMigrationAbandonedInsideTheDowntimeWindowResumesOnTheSource() throws Exception {
        Reference ref = reference("abandoned", 400);
        start("abandoned", 400, 10);
        Thread.sleep(300);
        // the controller dies at the commit: the destination runs and its agent took it over, the source is stopped
        // at its checkpoint, etcd never heard of it (what AppReconciler.resolve then finds)
        try {
            fleet.migrate("abandoned", new Placement("ha", "x86_64"), new Placement("hb", "aarch64"), "request", () -> {
                throw new ControllerKilled();
            });
            throw new AssertionError("the migration was not abandoned");
        } catch (ControllerKilled expected) {
            // as a killed controller leaves it
        }
        long by = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(fleet.state("ha", "abandoned") instanceof FleetAgents.AppState.Stopped)) {
            assertThat(System.nanoTime()).as("the source says stopped: " + fleet.state("ha", "abandoned")).isLessThan(by);
            Thread.sleep(50);
        }
        assertThat(fleet.state("hb", "abandoned")).as("the destination claims it").isInstanceOf(FleetAgents.AppState.Running.class);
        // the next controller rolls it back: resumed on the source, then the destination goes
        fleet.resume("ha", "abandoned");
        assertThat(fleet.state("ha", "abandoned")).isInstanceOf(FleetAgents.AppState.Running.class);
        fleet.remove("hb", "abandoned");
        assertThat(dir.resolve("state-b/apps/abandoned")).doesNotExist();
        String out = awaitEnd("ha", "abandoned");
        assertThat(out).as("stdout after the rollback equals the uninterrupted run's").isEqualTo(ref.stdout());
        Path fetched = dir.resolve("fetched-abandoned");
        fleet.fetchWorkdir("ha", "abandoned", fetched);
        assertThat(tree(fetched)).isEqualTo(ref.files());
        fleet.remove("ha", "abandoned");
        assertThatThrownBy(() -> fleet.resume("ha", "abandoned")).as("nothing to resume").isInstanceOf(dev.talent.fleet.FleetException.class);
    }

    /**
     * A migration between two platforms of one host abandoned at the commit (the controller killed): the destination
     * runs (its agent took it over), the source's container is stopped at its checkpoint. The resolution keeps the app
     * where the agent says it is and drops the other place with its container; the program ends as an uninterrupted run.
     */
    @Test
    @Order(5)
    void anAbandonedOneHostMigrationLeavesNoPlaceBehindOnceResolved() throws Exception {
        Reference ref = reference("onehost", 400);
        start("onehost", 400, 10);
        Thread.sleep(300);
        try {
            fleet.migrate("onehost", new Placement("ha", "x86_64"), new Placement("ha", "aarch64"), "request", () -> {
                throw new ControllerKilled();
            });
            throw new AssertionError("the migration was not abandoned");
        } catch (ControllerKilled expected) {
            // as a killed controller leaves it
        }
        assertThat(fleet.state("ha", "onehost")).as("the agent says where it runs").isInstanceOfSatisfying(
                FleetAgents.AppState.Running.class, r -> assertThat(r.platform()).isEqualTo("aarch64"));
        assertThat(dir.resolve("state-a/apps/onehost/places/x86_64")).as("the source's place is still there").exists();
        assertThatThrownBy(() -> fleet.dropPlace("ha", "onehost", "aarch64")).as("not the place it is on")
                .isInstanceOf(dev.talent.fleet.FleetException.class).hasMessageContaining("not dropping that place");
        fleet.dropPlace("ha", "onehost", "x86_64");
        assertThat(dir.resolve("state-a/apps/onehost/places/x86_64")).doesNotExist();
        try (Stream<Path> bundles = Files.list(dir.resolve("state-a/containers/bundles"))) {
            assertThat(bundles.map(x -> x.getFileName().toString()).filter(n -> n.startsWith("onehost-ha-x86_64-")))
                    .as("the source's stopped container is gone").isEmpty();
        }
        assertThat(fleet.state("ha", "onehost")).isInstanceOf(FleetAgents.AppState.Running.class);
        String out = awaitEnd("ha", "onehost");
        assertThat(out).as("stdout equals the uninterrupted run's").isEqualTo(ref.stdout());
        Path fetched = dir.resolve("fetched-onehost");
        fleet.fetchWorkdir("ha", "onehost", fetched);
        assertThat(tree(fetched)).isEqualTo(ref.files());
        fleet.remove("ha", "onehost");
    }
}
