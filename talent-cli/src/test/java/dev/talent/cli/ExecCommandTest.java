package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
                "TALENT_STOP_AFTER", "40"));
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
