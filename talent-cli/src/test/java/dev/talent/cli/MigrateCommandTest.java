package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.migrate.control.ControlServer;
import dev.talent.migrate.control.MigrationRecord;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MigrateCommandTest {
    @TempDir Path temp;
    private ControlCommandsFixture fixture;
    private ControlServer server;

    @BeforeEach
    void setUp() {
        fixture = new ControlCommandsFixture(temp.resolve("ctl"));
    }

    @AfterEach
    void tearDown() {
        if (server != null) server.close();
    }

    private ControlCommandsFixture.App serve(MigrationRecord record) throws Exception {
        ControlCommandsFixture.App app = new ControlCommandsFixture.App(StatusCommandTest.report("counter", 0, 0, null), record);
        server = ControlServer.start(fixture.paths(), "counter", app);
        return app;
    }

    @Test
    void waitsAndPrintsTheMigrationLine() throws Exception {
        ControlCommandsFixture.App app = serve(MigrationLineTest.ok(38, 3, 2, 4, 12, 9));

        ControlCommandsFixture.Result result = fixture.run("migrate", "counter", "--to", "s390x");

        assertThat(result.status()).isZero();
        assertThat(result.out()).isEqualTo("counter: x86_64 -> s390x ok, downtime 38 ms (safe point 3, checkpoint 2, sync 4, "
                + "start 12, restore 9)\n");
        assertThat(result.err()).isEmpty();
        assertThat(app.requests).containsExactly("s390x wait");
    }

    @Test
    void failedMigrationExitsNonZero() throws Exception {
        serve(MigrationLineTest.failed("sync", "copying data/log.txt: No space left on device"));

        ControlCommandsFixture.Result result = fixture.run("migrate", "counter");

        assertThat(result.status()).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.out()).isEqualTo("counter: x86_64 -> s390x failed at step sync: copying data/log.txt: No space left on device\n");
    }

    @Test
    void jsonIsTheLogRecord() throws Exception {
        MigrationRecord record = MigrationLineTest.ok(38, 3, 2, 4, 12, 9);
        serve(record);

        ControlCommandsFixture.Result result = fixture.run("migrate", "--json", "counter");

        assertThat(result.out()).isEqualTo(record.toJsonLine() + "\n");
    }

    @Test
    void noWaitOnlyRequests() throws Exception {
        ControlCommandsFixture.App app = serve(MigrationLineTest.ok(38, 3, 2, 4, 12, 9));

        assertThat(fixture.run("migrate", "counter", "--no-wait", "--to", "s390x").out()).isEqualTo("counter: migration to s390x requested\n");
        assertThat(fixture.run("migrate", "counter", "--no-wait", "--json").out())
                .isEqualTo("{\"app\":\"counter\",\"queued\":true,\"to\":null}\n");
        assertThat(app.requests).containsExactly("s390x queue", "any queue");
    }

    @Test
    void declinedRequestIsShownOnStderr() throws Exception {
        serve(MigrationLineTest.ok(38, 3, 2, 4, 12, 9));

        ControlCommandsFixture.Result result = fixture.run("migrate", "counter", "--to", "riscv64");

        assertThat(result.status()).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("talent migrate: app counter declined: riscv64 is not one of this run's platforms: "
                + "x86_64, s390x\n");
    }

    @Test
    void unknownPlatformIsACommandLineError() throws Exception {
        ControlCommandsFixture.App app = serve(MigrationLineTest.ok(38, 3, 2, 4, 12, 9));

        ControlCommandsFixture.Result result = fixture.run("migrate", "counter", "--to", "s390y");

        assertThat(result.status()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).startsWith("talent: --to: ").contains("'s390y'");
        assertThat(app.requests).isEmpty();
    }

    @Test
    void aFleetFaultStepIsValidatedBeforeTheFleetIsAsked() {
        // the fleet file does not exist: a refused step never gets as far as reading it
        String fleet = temp.resolve("no-fleet.conf").toString();
        ControlCommandsFixture.Result precopy = fixture.run("migrate", "counter", "--fleet", fleet, "--to", "h2", "--inject-fault", "pre-copy");
        assertThat(precopy.status()).isEqualTo(ExitCodes.USAGE);
        assertThat(precopy.err()).startsWith("talent: --inject-fault pre-copy: a host-to-host migration fails at one of")
                .contains("prepare, precopy, safepoint, checkpoint, sync, start, restore, commit");
        ControlCommandsFixture.Result unknown = fixture.run("migrate", "counter", "--fleet", fleet, "--to", "h2", "--inject-fault", "Commit");
        assertThat(unknown.status()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).startsWith("talent: --inject-fault Commit: a host-to-host migration fails at one of prepare,");
        // a known step passes the validation and only then is the fleet read (and found missing)
        ControlCommandsFixture.Result commit = fixture.run("migrate", "counter", "--fleet", fleet, "--to", "h2", "--inject-fault", "commit");
        assertThat(commit.err()).doesNotContain("--inject-fault").contains("no-fleet.conf");
        // the fleet's pre-copy is a step of its own now (deploy --precopy)
        ControlCommandsFixture.Result atPrecopy = fixture.run("migrate", "counter", "--fleet", fleet, "--to", "h2", "--inject-fault", "precopy");
        assertThat(atPrecopy.err()).doesNotContain("--inject-fault").contains("no-fleet.conf");
    }

    @Test
    void appThatIsNotRunning() {
        ControlCommandsFixture.Result result = fixture.run("migrate", "nothere");

        assertThat(result.status()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.err()).isEqualTo("talent migrate: no app named nothere is running (no socket at "
                + temp.resolve("ctl/nothere.sock") + ")\n");
    }
}
