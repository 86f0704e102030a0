package dev.talent.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** The fleet commands' checks before they reach a fleet, and how status and migrate choose the fleet. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FleetAppCommandsTest {
    @TempDir Path tmp;

    private record Ran(int status, String out, String err) {}

    private static Ran run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Ran(status, out.toString(), err.toString());
    }

    @Test
    void aFleetIsNamedByTheOptionOrTheEnvironment() {
        assertThat(FleetSession.configured(null, Map.of())).isFalse();
        assertThat(FleetSession.configured(null, Map.of("TALENT_FLEET", " "))).isFalse();
        assertThat(FleetSession.configured(null, Map.of("TALENT_FLEET", "lab/fleet.conf"))).isTrue();
        assertThat(FleetSession.configured(Path.of("f"), Map.of())).isTrue();
    }

    @Test
    void statusAndMigrateWithAFleetFileActOnTheFleet() {
        Path missing = tmp.resolve("none/fleet.conf");
        Ran status = run("status", "--fleet", missing.toString(), "svc");
        assertThat(status.status()).isEqualTo(69);
        assertThat(status.err()).contains("no fleet configuration at " + missing);
        Ran migrate = run("migrate", "--fleet", missing.toString(), "svc", "--to", "h2/aarch64");
        assertThat(migrate.status()).isEqualTo(69);
        assertThat(migrate.err()).contains("no fleet configuration at " + missing);
        Ran badPlatform = run("migrate", "--fleet", missing.toString(), "svc", "--to", "h2/sparc");
        assertThat(badPlatform.status()).isEqualTo(64);
        assertThat(badPlatform.err()).contains("sparc");
        Ran noWait = run("migrate", "--fleet", missing.toString(), "svc", "--no-wait");
        assertThat(noWait.status()).isEqualTo(64);
    }

    @Test
    void statusListsEndedAppsOfAFleetOnlyAndWithoutAnApp() {
        Ran local = run("status", "--all");
        assertThat(local.status()).isEqualTo(64);
        assertThat(local.err()).contains("--all lists the ended apps a fleet keeps");
        Path missing = tmp.resolve("none/fleet.conf");
        Ran withApp = run("status", "--fleet", missing.toString(), "--ended", "svc");
        assertThat(withApp.status()).isEqualTo(64);
        assertThat(withApp.err()).contains("--ended lists apps: without APP");
        Ran both = run("status", "--fleet", missing.toString(), "--ended", "--all");
        assertThat(both.status()).isEqualTo(64);
        assertThat(both.err()).contains("--all or --ended, not both");
        Ran fleet = run("status", "--fleet", missing.toString(), "--ended", "--json");
        assertThat(fleet.status()).isEqualTo(69);
        assertThat(fleet.err()).contains("no fleet configuration at " + missing);
    }

    @Test
    void statusAndReportNameAKeptIncarnationAsAppAtGeneration() {
        Path missing = tmp.resolve("none/fleet.conf");
        String out = tmp.resolve("r.html").toString();
        // well formed: checked, then the fleet is asked (here: there is none)
        for (String name : new String[] {"svc@00000000000000000123", "svc@123"}) {
            Ran status = run("status", "--fleet", missing.toString(), name, "--json");
            assertThat(status.status()).as(name).isEqualTo(69);
            assertThat(status.err()).contains("no fleet configuration at " + missing);
            Ran report = run("report", "--fleet", missing.toString(), name, "-o", out);
            assertThat(report.status()).as(name).isEqualTo(69);
            assertThat(report.err()).contains("no fleet configuration at " + missing);
        }
        // what would make another etcd key is refused before the fleet is read, the text shown safely
        for (String name : new String[] {"svc/x@1", "svc@1/m", "svc@12a", "svc@", "svc@@1", "Svc@1", "sv\u001bc@1", "svc@9223372036854775808"}) {
            Ran status = run("status", "--fleet", missing.toString(), name);
            assertThat(status.status()).as(name).isEqualTo(64);
            assertThat(status.err()).as(name).doesNotContain("no fleet configuration").doesNotContain("\u001b").startsWith("talent status: '");
            Ran report = run("report", "--fleet", missing.toString(), name, "-o", out);
            assertThat(report.status()).as(name).isEqualTo(64);
            assertThat(report.err()).as(name).doesNotContain("no fleet configuration").doesNotContain("\u001b");
        }
        // a name alone is checked as deploy --name checks it
        Ran slash = run("status", "--fleet", missing.toString(), "svc/../web");
        assertThat(slash.status()).isEqualTo(64);
        assertThat(slash.err()).contains("'svc/../web' is not an app name");
        // without a fleet there is no kept incarnation
        Ran local = run("status", "svc@123");
        assertThat(local.status()).isEqualTo(64);
        assertThat(local.err()).contains("APP@GENERATION names a kept incarnation of an ended fleet app");
        Ran localReport = run("report", "svc@123", "-o", out);
        assertThat(localReport.status()).isEqualTo(64);
        assertThat(localReport.err()).contains("only with --fleet");
    }

    @Test
    void commandsThatActOnTheRunningAppRefuseAnIncarnation() {
        Path missing = tmp.resolve("none/fleet.conf");
        String[][] commands = {
                {"migrate", "--fleet", missing.toString(), "svc@123", "--to", "h2"},
                {"migrate", "svc@123"},
                {"logs", "--fleet", missing.toString(), "svc@123"},
                {"wait", "--fleet", missing.toString(), "svc@123"},
                {"undeploy", "--fleet", missing.toString(), "svc@00000000000000000123"},
                {"alert", "--fleet", missing.toString(), "--tag", "CVE-1", "--app", "svc@123"}};
        for (String[] c : commands) {
            Ran r = run(c);
            assertThat(r.status()).as(String.join(" ", c)).isEqualTo(64);
            assertThat(r.err()).as(String.join(" ", c)).contains("APP@GENERATION names an ended incarnation, which talent status and talent report read")
                    .contains("talent " + (c[0].equals("alert") ? "alert --app" : c[0]) + " acts on the app as it runs now: give its name alone");
        }
    }

    @Test
    void deployChecksItsOptionsAndBinariesFirst() throws Exception {
        Path prog = tmp.resolve("build/svc");
        Files.createDirectories(prog.getParent());
        Files.writeString(prog.resolveSibling("svc.x86_64"), "binary");
        Path conf = tmp.resolve("fleet.conf");
        Ran badName = run("deploy", "--fleet", conf.toString(), "--name", "Bad_Name", "--platforms", "x86_64", prog.toString());
        assertThat(badName.status()).isEqualTo(64);
        assertThat(badName.err()).contains("not an app name");
        Ran ipWithoutNet = run("deploy", "--fleet", conf.toString(), "--ip", "10.0.0.5", "--platforms", "x86_64", prog.toString());
        assertThat(ipWithoutNet.status()).isEqualTo(64);
        assertThat(ipWithoutNet.err()).contains("--ip needs --net");
        Ran every = run("deploy", "--fleet", conf.toString(), "--every", "5..20", "--platforms", "x86_64", prog.toString());
        assertThat(every.status()).isEqualTo(64);
        assertThat(every.err()).contains("--every");
        Ran missing = run("deploy", "--fleet", conf.toString(), "--platforms", "x86_64,aarch64", prog.toString());
        assertThat(missing.status()).isEqualTo(69);
        assertThat(missing.err()).contains("no binary for aarch64").contains("svc.aarch64");
        Ran noFleet = run("deploy", "--fleet", conf.toString(), "--platforms", "x86_64", prog.toString(), "--", "8080");
        assertThat(noFleet.status()).isEqualTo(69);
        assertThat(noFleet.err()).contains("no fleet configuration at " + conf);
    }

    @Test
    void theFleetCommandsAreListedAndDocumented() {
        for (String c : new String[] {"deploy", "logs", "wait", "undeploy"}) {
            Ran help = run(c, "--help");
            assertThat(help.status()).as(c).isZero();
            assertThat(help.out()).contains("--fleet");
        }
        assertThat(run("status", "--help").out()).contains("--fleet");
        assertThat(run("migrate", "--help").out()).contains("--fleet");
    }
}
