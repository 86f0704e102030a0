package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.migrate.control.ControlServer;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.migrate.control.StatusReport;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StatusCommandTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final Instant NOW = Instant.parse("2025-06-01T12:02:35Z");

    @TempDir Path temp;
    private final List<ControlServer> servers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        servers.forEach(ControlServer::close);
    }

    static StatusReport report(String app, int done, int failed, Instant next, MigrationRecord... last) {
        return new StatusReport(app, 4242, "s390x", Instant.parse("2025-06-01T12:00:05Z"), Instant.parse("2025-06-01T11:58:00Z"),
                StatusReport.State.RUNNING, done, failed, next, null, List.of(last));
    }

    @Test
    void oneLinePerApp() {
        assertThat(StatusCommand.summary(report("counter", 3, 1, Instant.parse("2025-06-01T12:03:01Z")), NOW, UTC))
                .isEqualTo("counter: s390x since 12:00:05 (2m 30s), pid 4242, running, 3 migrations (1 failed), next in 26s");
        assertThat(StatusCommand.summary(report("solo", 1, 0, null), NOW, UTC))
                .isEqualTo("solo: s390x since 12:00:05 (2m 30s), pid 4242, running, 1 migration, no migration scheduled");
    }

    @Test
    void stateAndOverdueMigration() {
        StatusReport preparing = new StatusReport("a", 7, "x86_64", NOW.minusSeconds(5), NOW.minusSeconds(50),
                StatusReport.State.PREPARING, 0, 0, NOW.minusSeconds(1), "aarch64", List.of());

        assertThat(StatusCommand.summary(preparing, NOW, UTC))
                .isEqualTo("a: x86_64 since 12:02:30 (5s), pid 7, preparing aarch64, 0 migrations, next due now");
    }

    @Test
    void detailsListTheRecentMigrations() {
        StatusReport r = new StatusReport("counter", 4242, "s390x", Instant.parse("2025-06-01T12:00:05Z"),
                Instant.parse("2025-05-31T23:58:00Z"), StatusReport.State.MIGRATING, 1, 1, null, "riscv64",
                List.of(MigrationLineTest.failed("sync", "disk full"), MigrationLineTest.ok(38, 3, 2, 4, 12, 9)));

        assertThat(StatusCommand.details(r, NOW, UTC)).isEqualTo("""
                counter: s390x since 12:00:05 (2m 30s), pid 4242, migrating, 1 migration (1 failed), no migration scheduled
                  started 2025-05-31 23:58:00 (12h 04m ago), prepared: riscv64
                  last migrations:
                    12:00:05 x86_64 -> s390x failed at step sync: disk full
                    12:00:05 x86_64 -> s390x ok, downtime 38 ms (safe point 3, checkpoint 2, sync 4, start 12, restore 9); \
                synced 10 files, 40.0 KiB (journal)
                """);
        assertThat(StatusCommand.details(report("new", 0, 0, null), NOW, UTC)).endsWith("\n  no migrations yet\n");
    }

    @Test
    void detailsSayWhatKeepsTheAppToOneByteOrderAndTheJsonCarriesIt() throws Exception {
        String order = "little-endian only (heap block 3 allocated at m.c:27:25 is carried as raw bytes (byte order only)); "
                + "left out: s390x; no other platform of that byte order: not migrating";
        StatusReport r = new StatusReport("mixed", 7, "x86_64", NOW.minusSeconds(5), NOW.minusSeconds(50),
                StatusReport.State.RUNNING, 1, 1, null, null, List.of(), null, order);

        assertThat(StatusCommand.details(r, NOW, UTC)).contains("\n  byte order: " + order + "\n");
        assertThat(StatusCommand.details(report("plain", 0, 0, null), NOW, UTC)).doesNotContain("byte order");
        assertThat(StatusReport.fromJson(r.toJsonLine()).byteOrder()).isEqualTo(order);
        assertThat(report("plain", 0, 0, null).toJsonLine()).doesNotContain("byteOrder");
    }

    @Test
    void durations() {
        assertThat(StatusCommand.duration(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(StatusCommand.duration(Duration.ofSeconds(3599))).isEqualTo("59m 59s");
        assertThat(StatusCommand.duration(Duration.ofMinutes(60 + 5))).isEqualTo("1h 05m");
        assertThat(StatusCommand.duration(Duration.ofHours(52))).isEqualTo("2d 04h");
        assertThat(StatusCommand.duration(Duration.ofSeconds(-3))).isEqualTo("0s");
    }

    @Test
    void statusOfEveryRunningApp() throws Exception {
        ControlCommandsFixture fixture = new ControlCommandsFixture(temp.resolve("ctl"));
        servers.add(ControlServer.start(fixture.paths(), "beta", new ControlCommandsFixture.App(report("beta", 0, 0, null), null)));
        servers.add(ControlServer.start(fixture.paths(), "alpha", new ControlCommandsFixture.App(report("alpha", 2, 0, null), null)));
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(fixture.paths().socketFor("gone")));
        }

        ControlCommandsFixture.Result result = fixture.run("status");

        assertThat(result.status()).isZero();
        assertThat(result.out().lines().toList()).satisfiesExactly(
                alpha -> assertThat(alpha).startsWith("alpha: s390x since ").endsWith(", 2 migrations, no migration scheduled"),
                beta -> assertThat(beta).startsWith("beta: s390x since "));
        assertThat(result.err()).isEqualTo("talent status: ignoring stale socket " + fixture.paths().socketFor("gone")
                + " (its app ended without removing it)\n");

        ControlCommandsFixture.Result json = fixture.run("status", "--json");
        assertThat(json.out()).isEqualTo("[" + report("alpha", 2, 0, null).toJsonLine() + "," + report("beta", 0, 0, null).toJsonLine()
                + "]\n");
    }

    @Test
    void statusOfOneApp() throws Exception {
        ControlCommandsFixture fixture = new ControlCommandsFixture(temp.resolve("ctl"));
        StatusReport report = report("counter", 1, 0, null, MigrationLineTest.ok(38, 3, 2, 4, 12, 9));
        servers.add(ControlServer.start(fixture.paths(), "counter", new ControlCommandsFixture.App(report, null)));

        ControlCommandsFixture.Result text = fixture.run("status", "counter");
        ControlCommandsFixture.Result json = fixture.run("status", "counter", "--json");

        assertThat(text.status()).isZero();
        assertThat(text.out()).startsWith("counter: s390x since ").contains("\n  last migrations:\n")
                .contains("x86_64 -> s390x ok, downtime 38 ms");
        assertThat(json.out()).isEqualTo(report.toJsonLine() + "\n");
    }

    @Test
    void nothingRunning() {
        ControlCommandsFixture fixture = new ControlCommandsFixture(temp.resolve("ctl"));

        ControlCommandsFixture.Result result = fixture.run("status");

        assertThat(result.status()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("talent status: no talent run is running (control directory " + temp.resolve("ctl") + ")\n");
        assertThat(fixture.run("status", "--json").out()).isEqualTo("[]\n");
        assertThat(fixture.run("status", "counter").status()).isEqualTo(ExitCodes.UNAVAILABLE);
    }
}
