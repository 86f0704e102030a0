package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.toolchain.EnvironmentChange;
import dev.talent.toolchain.Platform;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ExecCommandTest {

    private static ExecCommand parse(String... args) {
        CommandLine cli = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        return (ExecCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
    }

    @Test
    void issueStopCommandLine() {
        ExecCommand exec = parse("exec", "--isa", "x86_64", "--checkpoint-dir", "ck", "--stop-after", "40",
                "build/app", "--", "input.txt", "out.txt");

        assertThat(exec.program).isEqualTo("build/app");
        assertThat(exec.arguments()).containsExactly("input.txt", "out.txt");
        assertThat(exec.environment(exec.platform()).variables()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "TALENT_PLATFORM", "x86_64",
                "TALENT_CHECKPOINT_DIR", Path.of("ck").toAbsolutePath().toString(),
                "TALENT_STOP_AFTER", "40",
                "TALENT_RESTART", "0"));
    }

    @Test
    void issueRestartCommandLine() {
        ExecCommand exec = parse("exec", "--isa", "s390x", "--checkpoint-dir", "ck", "--restart", "build/app");

        assertThat(exec.arguments()).isEmpty();
        assertThat(exec.environment(exec.platform()).variables())
                .containsEntry("TALENT_RESTART", "1").containsEntry("TALENT_PLATFORM", "s390x")
                .doesNotContainKey("TALENT_STOP_AFTER");
    }

    @Test
    void argumentsAfterTheProgramBelongToIt() {
        ExecCommand exec = parse("exec", "--isa", "aarch64", "build/app", "--verbose", "-x", "--", "y");

        assertThat(exec.verbose).isFalse();
        assertThat(exec.arguments()).containsExactly("--verbose", "-x", "--", "y");
    }

    @Test
    void restartWithArgumentsIsRefused() {
        assertThat(BuildCommandTest.run("exec", "--isa", "x86_64", "--checkpoint-dir", "ck", "--restart", "b/app", "--", "x"))
                .startsWith("64:").contains("--restart takes the program's arguments from the checkpoint");
    }

    @Test
    void badValuesAreUsageErrors() {
        assertThat(BuildCommandTest.run("exec", "--isa", "vax", "b/app")).startsWith("64:").contains("unknown ISA 'vax'");
        assertThat(BuildCommandTest.run("exec", "--isa", "x86_64", "--checkpoint-dir", "ck", "--stop-after", "0", "b/app"))
                .startsWith("64:").contains("--stop-after must be at least 1");
        assertThat(BuildCommandTest.run("exec", "b/app")).startsWith("64:").contains("--isa");
    }

    @Test
    void periodicAndConfigFlagsMapToTheirVariables(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("my.conf"), "keep = 3\n");
        ExecCommand exec = parse("exec", "--isa", "i686", "--config", conf.toString(), "--every-visits", "1000",
                "--every-seconds", "0.25", "--keep", "5", "-v", "build/app");

        assertThat(exec.environment(exec.platform()).variables()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "TALENT_PLATFORM", "i686",
                "TALENT_CONFIG", conf.toAbsolutePath().toString(),
                "TALENT_EVERY_VISITS", "1000",
                "TALENT_EVERY_SECONDS", "0.25",
                "TALENT_KEEP", "5",
                "TALENT_VERBOSE", "1",
                "TALENT_RESTART", "0"));
    }

    @Test
    void secondsAreWrittenWithoutAnExponent() {
        assertThat(parse("exec", "--isa", "x86_64", "--every-seconds", "0.001", "b/app").environment(Platform.parse("x86_64"))
                .variables()).containsEntry("TALENT_EVERY_SECONDS", "0.001");
        assertThat(parse("exec", "--isa", "x86_64", "--every-seconds", "86400", "b/app").environment(Platform.parse("x86_64"))
                .variables()).containsEntry("TALENT_EVERY_SECONDS", "86400");
    }

    @Test
    void flagsNotGivenLeaveTheirVariablesToTheEnvironmentAndConfigFile() {
        ExecCommand exec = parse("exec", "--isa", "x86_64", "b/app");

        // restart is the exception: without --restart, exec never restores, whatever the caller's environment says
        assertThat(exec.environment(exec.platform()).variables()).containsOnlyKeys("TALENT_PLATFORM", "TALENT_RESTART")
                .containsEntry("TALENT_RESTART", "0");
        assertThat(exec.environment(exec.platform()).inheriting().unset()).isEmpty();
    }

    @Test
    void badPeriodicAndConfigValuesNameTheFlag(@TempDir Path dir) {
        assertThat(BuildCommandTest.run("exec", "--isa", "x86_64", "--every-visits", "0", "b/app"))
                .startsWith("64:").contains("--every-visits must be at least 1, not 0");
        assertThat(BuildCommandTest.run("exec", "--isa", "x86_64", "--every-visits", "many", "b/app"))
                .startsWith("64:").contains("--every-visits").contains("'many'");
        assertThat(BuildCommandTest.run("exec", "--isa", "x86_64", "--every-seconds", "0", "b/app"))
                .startsWith("64:").contains("--every-seconds must be from 0.001 to 31536000 (one year), not 0");
        assertThat(BuildCommandTest.run("exec", "--isa", "x86_64", "--every-seconds", "NaN", "b/app"))
                .startsWith("64:").contains("--every-seconds must be from 0.001");
        assertThat(BuildCommandTest.run("exec", "--isa", "x86_64", "--every-seconds", "2y", "b/app"))
                .startsWith("64:").contains("--every-seconds").contains("'2y'");
        assertThat(BuildCommandTest.run("exec", "--isa", "x86_64", "--keep", "1000001", "b/app"))
                .startsWith("64:").contains("--keep must be from 1 to 1000000");
        assertThat(BuildCommandTest.run("exec", "--isa", "x86_64", "--config", dir.resolve("none.conf").toString(), "b/app"))
                .startsWith("64:").contains("--config " + dir.resolve("none.conf") + ": no such file");
        assertThat(BuildCommandTest.run("exec", "--isa", "x86_64", "--config", dir.toString(), "b/app"))
                .startsWith("64:").contains("--config " + dir + ": not a regular file");
    }

    @Test
    void launchPlanIsWhatExecWouldRunWithItsEnvironment(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.x86_64"), "");
        Path plan = dir.resolve("plan");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int status = Main.run(new PrintWriter(out), new PrintWriter(err), "exec", "--launch-plan", plan.toString(),
                "--isa", "x86_64", "--checkpoint-dir", dir.resolve("ck").toString(), "--stop-after", "7",
                dir + "/app", "--", "a b", "c=d", "");

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).isEmpty();
        assertThat(dir.resolve("ck")).isDirectory();
        assertThat(new String(Files.readAllBytes(plan), StandardCharsets.UTF_8).split("\0", -1)).containsExactly(
                "set:TALENT_CHECKPOINT_DIR=" + dir.resolve("ck"),
                "set:TALENT_PLATFORM=x86_64",
                "set:TALENT_RESTART=0",
                "set:TALENT_STOP_AFTER=7",
                "arg:" + dir.resolve("app.x86_64"), "arg:a b", "arg:c=d", "arg:",
                "");
    }

    @Test
    void launchPlanEncodesRemovalsFirstAndRefusesNul() {
        LaunchPlan plan = new LaunchPlan(List.of("/q", "x"),
                new EnvironmentChange(Map.of("B", "2", "A", "1=1"), Set.of("TALENT_KEEP")));

        assertThat(new String(plan.encode(), StandardCharsets.UTF_8))
                .isEqualTo("unset:TALENT_KEEP\0set:A=1=1\0set:B=2\0arg:/q\0arg:x\0");
        assertThatThrownBy(() -> new LaunchPlan(List.of("/q", "a\0b"), EnvironmentChange.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void missingBinarySaysWhichAndHowToBuildIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.x86_64"), "");
        Files.writeString(dir.resolve("app.aarch64"), "");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int status = Main.run(new PrintWriter(out), new PrintWriter(err), "exec", "--isa", "s390x", dir + "/app");

        assertThat(status).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("no " + dir + "/app.s390x").contains("built for: aarch64, x86_64")
                .contains("talent build -o " + dir + " --isa s390x --name app");
    }
}
