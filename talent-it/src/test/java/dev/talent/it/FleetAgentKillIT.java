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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Issue 15: an agent killed -9 in the middle of a host-to-host migration a real controller drives. The lab's
 * controllers stall every migration inside its downtime window ({@code TALENT_FLEET_FAULT=commit-stall-every}: the
 * source's program stopped at its checkpoint, the destination running and taken over by its agent, etcd not yet told)
 * and the test kills the source's agent there, then the destination's, then the source's again as soon as etcd has a
 * migration in flight (wherever in the pipeline that lands); the lab's supervisor restarts each. After each
 * kill the app runs exactly once (one program process on the machine, on the host etcd places it), the record in etcd
 * says whether the migration committed, a later migration works, and the output and files equal an uninterrupted run's.
 * The same with a {@code --net} app holding a connected client: the exchange equals an uninterrupted run's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(FleetLab.LOCK)
class FleetAgentKillIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** envapp's length: it must still run after two killed migrations and a third one (each ~30-60 s loaded). */
    private static final int STEPS = 6000, MS = 40;
    private static final int NET_PORT = 8080;

    private TalentCli talent;
    private Path root, dir, fleet;
    private FleetLab lab;

    @BeforeAll
    void labUp() throws IOException {
        FleetLab.assumeLab(true);
        assumeTrue(Isa.onPath("openssl").isPresent(), "openssl is not installed");
        talent = TalentCli.get();
        root = FleetLab.workRoot("fleet-agent-kill");
        for (String c : List.of("migration/envapp.c", "network/linecount6.c")) {
            Path source = root.resolve(Path.of(c).getFileName().toString());
            try (var in = FleetAgentKillIT.class.getResourceAsStream("/" + c)) {
                Files.copy(in, source);
            }
            ProcessResult built = talent.run(root, Duration.ofMinutes(5), List.of("build", "-o", "build", "--isa", "x86_64", source.toString()));
            assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        }
        lab = FleetLab.at(talent, root);
        lab.up(List.of("TALENT_FLEET_FAULT=commit-stall-every"), "--hosts", "3");
        dir = lab.dir();
        fleet = lab.fleetConf();
    }

    @Test
    @Order(1)
    void anAgentKilledInsideAMigrationLeavesTheAppRunningExactlyOnce() throws Exception {
        EnvApp.Reference ref = EnvApp.reference(root.resolve("build/envapp.x86_64"), EnvApp.inputDir(root.resolve("reference")), STEPS, MS);
        Path workdir = EnvApp.inputDir(root.resolve("work"));
        ProcessResult deployed = lab.run("deploy", "--name", "envapp", "--platforms", "x86_64", "--workdir", workdir.toString(),
                root.resolve("build/envapp").toString(), "--", Integer.toString(STEPS), Integer.toString(MS));
        assertThat(deployed.exitCode()).withFailMessage(deployed.describe()).isZero();

        Killed source = killInsideMigration("envapp", true, false);
        Killed destination = killInsideMigration("envapp", false, false);
        // the source's agent killed as soon as the migration began in etcd: before or during the destination's
        // preparation, before the program stops (the migration fails and the app runs on at its source), or later
        Killed early = killInsideMigration("envapp", true, true);

        // a later migration works
        String now = lab.status("envapp").get("host").asText();
        String to = now.equals("h1") ? "h2" : "h1";
        ProcessResult later = lab.run("migrate", "envapp", "--to", to, "--json");
        assertThat(later.exitCode()).withFailMessage(later.describe() + "\nstdout: " + later.stdoutText()).isZero();
        assertThat(exactlyOnce("envapp", to)).isTrue();

        Path fetched = root.resolve("fetched");
        ProcessResult waited = lab.run("wait", "envapp", "--fetch-workdir", fetched.toString());
        assertThat(waited.exitCode()).withFailMessage(waited.describe()).isZero();
        ProcessResult logs = lab.run("logs", "envapp");
        assertThat(logs.exitCode()).withFailMessage(logs.describe()).isZero();
        assertThat(logs.stdoutText()).as("the output across two agents killed inside migrations and a migration").isEqualTo(ref.stdout());
        assertThat(EnvApp.tree(fetched)).as("the final working directory").isEqualTo(ref.files());
        List<JsonNode> records = new ArrayList<>();
        lab.status("envapp").get("migrations").forEach(records::add);
        System.out.println("FleetAgentKillIT: envapp's records: " + records);
        assertThat(records).hasSize(4);
        assertThat(records.get(0).get("ok").asBoolean()).isEqualTo(source.record().get("ok").asBoolean());
        assertThat(records.get(1).get("ok").asBoolean()).isEqualTo(destination.record().get("ok").asBoolean());
        assertThat(records.get(2).get("ok").asBoolean()).isEqualTo(early.record().get("ok").asBoolean());
        assertThat(records.get(3).get("ok").asBoolean()).isTrue();
        ProcessResult undeployed = lab.run("undeploy", "envapp");
        assertThat(undeployed.exitCode()).withFailMessage(undeployed.describe()).isZero();
    }

    @Test
    @Order(2)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aNetAppKeepsItsConnectionWhenAnAgentIsKilledInsideItsMigration() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process plain = new ProcessBuilder(root.resolve("build/linecount6.x86_64").toString(), Integer.toString(port))
                .redirectErrorStream(true).start();
        List<String> reference;
        try {
            reference = FleetAppIT.exchange("127.0.0.1", "127.0.0.1", port, List.of(() -> { }, () -> { }, () -> { }));
        } finally {
            plain.destroyForcibly();
        }
        lab.awaitAgents(3, Duration.ofSeconds(60));
        ProcessResult deployed = lab.run("deploy", "--name", "web", "--platforms", "x86_64", "--net",
                root.resolve("build/linecount6").toString(), "--", Integer.toString(NET_PORT));
        assertThat(deployed.exitCode()).withFailMessage(deployed.describe()).isZero();
        String address = lab.status("web").get("address").asText();
        List<Killed> kills = new ArrayList<>();
        List<FleetAppIT.Between> between = List.of(
                () -> kills.add(killInsideMigration("web", true, false)),
                () -> kills.add(killInsideMigration("web", false, false)),
                () -> {
                    String now = lab.status("web").get("host").asText();
                    ProcessResult m = lab.run("migrate", "web", "--to", now.equals("h1") ? "h2" : "h1");
                    assertThat(m.exitCode()).withFailMessage(m.describe()).isZero();
                });
        List<String> got = FleetAppIT.exchange(address, address, NET_PORT, between);
        System.out.println("FleetAgentKillIT: web's exchange " + got + "; records " + lab.status("web").get("migrations"));
        assertThat(got).as("the held connection's lines across the kills, then a new connection").isEqualTo(reference);
        ProcessResult undeployed = lab.run("undeploy", "web");
        assertThat(undeployed.exitCode()).withFailMessage(undeployed.describe()).isZero();
    }

    /** A migration the test killed an agent inside of: the record {@code migrate --json} returned. */
    record Killed(String from, String to, String victim, JsonNode record) {}

    /**
     * Asks for a migration of {@code app} to another host, waits until the leader stalls it before its commit (or,
     * {@code atBegin}, until etcd has it in flight), kills -9 the agent of its source ({@code source}) or destination
     * there, and waits for the outcome: the app runs exactly once, where etcd places it, with no migration in flight.
     */
    private Killed killInsideMigration(String app, boolean source, boolean atBegin) throws Exception {
        lab.awaitAgents(3, Duration.ofSeconds(60));
        JsonNode before = lab.status(app);
        String from = before.get("host").asText();
        String to = from.equals("h3") ? "h2" : "h3";
        String victim = source ? from : to;
        long stalls = lab.controllerLines(app + ": stalling");
        Path out = root.resolve("migrate-" + app + "-" + victim + ".out");
        Path err = root.resolve("migrate-" + app + "-" + victim + ".err");
        Process migrate = new ProcessBuilder(talent.commandLine(List.of("migrate", "--fleet", fleet.toString(), app, "--to", to, "--json")))
                .directory(root.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            if (atBegin) {
                while (!lab.inFlight(app) && System.nanoTime() < deadline && migrate.isAlive()) Thread.sleep(10);
                assertThat(migrate.isAlive()).withFailMessage("no migration of " + app + " in flight: " + Files.readString(err)).isTrue();
            } else {
                while (lab.controllerLines(app + ": stalling") == stalls && System.nanoTime() < deadline && migrate.isAlive()) Thread.sleep(20);
                assertThat(lab.controllerLines(app + ": stalling")).withFailMessage("the leader never stalled " + app + "'s migration: " + Files.readString(err))
                        .isGreaterThan(stalls);
            }
            Path pidFile = dir.resolve("run/agent-" + victim + ".pid");
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            System.out.println("FleetAgentKillIT: killed -9 the " + (source ? "source" : "destination") + " agent (" + victim + ", pid " + pid
                    + ") inside " + app + "'s migration " + from + " -> " + to + (atBegin ? " as it began" : " at its commit"));
            assertThat(migrate.waitFor(3, TimeUnit.MINUTES)).as("migrate returns").isTrue();
        } finally {
            migrate.destroyForcibly();
        }
        String said = Files.readString(out) + "\n" + Files.readString(err);
        System.out.println("FleetAgentKillIT: migrate said (exit " + migrate.exitValue() + "): " + said.strip());
        JsonNode record = JSON.readTree(Files.readString(out));
        assertThat(record.get("ok").asBoolean()).withFailMessage(said).isEqualTo(migrate.exitValue() == 0);
        // settled: nothing in flight, the app running where etcd places it, and only there
        JsonNode after = lab.status(app);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!settled(after) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            after = lab.status(app);
        }
        assertThat(after.get("state").asText()).as(after.toString()).isEqualTo("running");
        String where = after.get("host").asText();
        assertThat(where).as("committed: the destination; rolled back: the source").isEqualTo(record.get("ok").asBoolean() ? to : from);
        lab.awaitAgents(3, Duration.ofSeconds(60));
        // the killed agent's successor decided about its copy by now; a few seconds more for anything it would resume
        Thread.sleep(3000);
        assertThat(exactlyOnce(app, where)).isTrue();
        System.out.println("FleetAgentKillIT: " + app + " runs once, on " + where + " (record ok " + record.get("ok").asBoolean() + ": "
                + record.path("error").asText("") + ")");
        return new Killed(from, to, victim, record);
    }

    /** Running, with no migration in flight. */
    private static boolean settled(JsonNode status) {
        boolean inFlight = !status.path("in_flight").isMissingNode() && !status.path("in_flight").isNull();
        return !inFlight && status.get("state").asText().equals("running");
    }

    /**
     * Exactly one program process of {@code app} runs on the machine (argv[0] {@code /talent/bin/APP}: the program in
     * its container, on whichever host; an uninterrupted run's has its build path) in the lab, in a container of
     * {@code host}.
     */
    private static boolean exactlyOnce(String app, String host) throws IOException {
        List<Long> copies = new ArrayList<>();
        String argv0 = "/talent/bin/" + app;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    byte[] cmd = Files.readAllBytes(p.resolve("cmdline"));
                    int end = 0;
                    while (end < cmd.length && cmd[end] != 0) end++;
                    if (new String(cmd, 0, end, StandardCharsets.UTF_8).equals(argv0)) copies.add(Long.parseLong(p.getFileName().toString()));
                } catch (IOException gone) {
                    // it ended meanwhile
                }
            }
        }
        // the lab's: its cgroup is its container's (runc names it by the container's id, APP-HOST-PLATFORM-N, the
        // lab's hosts h1-h3); other tests on this machine run programs of that name in containers of other hosts
        java.util.regex.Pattern lab = java.util.regex.Pattern.compile("/" + app + "-(h[1-3])-x86_64-[0-9]+\\s");
        List<String> where = new ArrayList<>();
        for (long pid : copies) {
            try {
                java.util.regex.Matcher m = lab.matcher(Files.readString(Path.of("/proc/" + pid + "/cgroup"), StandardCharsets.UTF_8));
                if (m.find()) where.add(m.group(1) + " (pid " + pid + ")");
            } catch (IOException gone) {
                // it ended meanwhile
            }
        }
        System.out.println("FleetAgentKillIT: " + app + " placed on " + host + "; its program processes in the lab: " + where);
        assertThat(where).as("the lab's processes running " + argv0).singleElement().satisfies(w -> assertThat(w).startsWith(host + " "));
        return true;
    }

    @AfterAll
    void labDown() throws IOException {
        if (lab == null || !lab.isUp()) return;
        // the daemons' logs outlive the lab (lab down removes its directory): what each agent did with its copies
        Path logs = root.resolve("lab-logs");
        for (int k = 1; k <= 3; k++) {
            Files.createDirectories(logs.resolve("h" + k));
            for (String role : List.of("agent", "controller")) {
                Path log = dir.resolve("hosts/h" + k + "/" + role + ".log");
                if (Files.exists(log)) Files.copy(log, logs.resolve("h" + k + "/" + role + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        lab.down();
    }
}
