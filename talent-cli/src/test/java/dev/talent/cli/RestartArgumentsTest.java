package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.format.ByteString;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointWriter;
import dev.talent.format.Frame;
import dev.talent.format.FrameVar;
import dev.talent.format.Meta;
import dev.talent.format.PendingWait;
import dev.talent.format.TypeDesc;
import dev.talent.format.Value;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestartArgumentsTest {
    @TempDir
    Path dir;

    private static Checkpoint withArgv(long sequence, ByteString... argv) {
        Meta meta = new Meta("0123456789abcdef0123456789abcdef", "prog", "x86_64", 64, false, 1_000_000_000L, sequence,
                "signal", 3, 2, "t.c:9:3", "main", List.of(argv));
        return new Checkpoint(meta, List.of(new TypeDesc.SInt("int", 4, 32)), List.of(), List.of(),
                List.of(new Frame("main", 0, 2, "t.c:9:3", List.of(
                        new FrameVar(0, "v", "t.c:8:8", 0, new Value.IntValue(BigInteger.TWO))))),
                List.of(), List.of(), PendingWait.NONE);
    }

    private Path save(long sequence, String... argv) throws Exception {
        ByteString[] words = Arrays.stream(argv).map(ByteString::utf8).toArray(ByteString[]::new);
        return Files.write(dir.resolve(String.format("ckpt-%06d.tck", sequence)), CheckpointWriter.write(withArgv(sequence, words)));
    }

    private Optional<String> refusal(String... given) {
        return RestartArguments.refusal(List.of(given), new RestartArguments.Source(Optional.empty(), dir));
    }

    /** talent exec through Main, with the caller's environment replaced by env (no TALENT_* of this JVM's). */
    private static String exec(Map<String, String> env, String... args) {
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err));
        ((ExecCommand) cli.getSubcommands().get("exec").getCommandSpec().userObject()).callerEnvironment = env;
        int status = cli.execute(args);
        return status + ":" + err;
    }

    @Test
    void theVeryArgumentsOfTheNewestValidCheckpointAreAccepted() throws Exception {
        save(1, "/b/app.x86_64", "old.txt");
        save(2, "/b/app.x86_64", "in put.txt", "out.txt");

        assertThat(refusal("in put.txt", "out.txt")).isEmpty();
        assertThat(refusal()).isEmpty();
    }

    @Test
    void differentArgumentsAreRefusedShowingBoth() throws Exception {
        save(7, "/b/app.x86_64", "in put.txt", "out.txt");

        assertThat(refusal("in put.txt")).hasValueSatisfying(m -> assertThat(m)
                .startsWith("--restart takes the program's arguments from the checkpoint")
                .contains("checkpoint 7 (" + dir.resolve("ckpt-000007.tck") + ") holds: 'in put.txt' out.txt")
                .contains("given: 'in put.txt'"));
        assertThat(refusal("in put.txt", "out.txt", "")).hasValueSatisfying(m -> assertThat(m).contains("given: 'in put.txt' out.txt ''"));
        assertThat(refusal("out.txt", "in put.txt")).isPresent();
    }

    @Test
    void aCheckpointWithoutArgumentsRefusesAny() throws Exception {
        save(3, "/b/app.x86_64");

        assertThat(refusal("x")).hasValueSatisfying(m -> assertThat(m).contains("holds: (no arguments); given: x"));
    }

    @Test
    void hostileArgumentsAreShownEscaped() throws Exception {
        Files.write(dir.resolve("ckpt-000004.tck"), CheckpointWriter.write(withArgv(4, ByteString.utf8("/b/app"),
                ByteString.utf8("a\u001b[2Jb"), ByteString.of(new byte[] {'x', (byte) 0xff}))));

        Optional<String> why = refusal("c\r\u202ed");

        assertThat(why).hasValueSatisfying(m -> assertThat(m)
                .contains("holds: 'a\\e[2Jb' 'x\\xff'")
                .contains("given: 'c\\r\\u202ed'")
                .doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u202e"));
    }

    @Test
    void withoutAValidCheckpointAnyArgumentIsRefused() throws Exception {
        Path damaged = save(5, "/b/app", "x");
        byte[] bytes = Files.readAllBytes(damaged);
        Files.write(damaged, Arrays.copyOf(bytes, bytes.length - 3));

        assertThat(refusal("x")).hasValueSatisfying(m -> assertThat(m)
                .contains("there is no valid checkpoint in " + dir).endsWith("remove: x"));
        assertThat(RestartArguments.refusal(List.of("x"), new RestartArguments.Source(Optional.empty(), dir.resolve("absent"))))
                .hasValueSatisfying(m -> assertThat(m).contains("no valid checkpoint in " + dir.resolve("absent")));
        assertThat(refusal()).isEmpty();
    }

    @Test
    void theDirectoryIsTheRuntimes() throws Exception {
        Path conf = Files.writeString(dir.resolve("my.conf"), "# comment\n checkpoint_dir = /from/file # why\nkeep=3\n");

        assertThat(RestartArguments.source(Optional.of(Path.of("/flag")), Optional.of(conf), Map.of("TALENT_CHECKPOINT_DIR", "/env")))
                .isEqualTo(new RestartArguments.Source(Optional.empty(), Path.of("/flag")));
        assertThat(RestartArguments.source(Optional.empty(), Optional.of(conf), Map.of("TALENT_CHECKPOINT_DIR", "/env")).directory())
                .isEqualTo(Path.of("/env"));
        assertThat(RestartArguments.source(Optional.empty(), Optional.of(conf), Map.of()).directory()).isEqualTo(Path.of("/from/file"));
        assertThat(RestartArguments.source(Optional.empty(), Optional.empty(), Map.of("TALENT_CONFIG", conf.toString())).directory())
                .isEqualTo(Path.of("/from/file"));
        assertThat(RestartArguments.source(Optional.empty(), Optional.of(dir.resolve("none.conf")), Map.of()).directory())
                .isEqualTo(Path.of("."));
        assertThat(RestartArguments.source(Optional.of(Path.of("/flag")), Optional.empty(), Map.of("TALENT_RESTORE_FILE", "/f.tck")))
                .isEqualTo(new RestartArguments.Source(Optional.of(Path.of("/f.tck")), Path.of("/flag")));
    }

    @Test
    void anExactRestoreFileIsTheOneCompared() throws Exception {
        Path older = save(1, "/b/app", "one");
        save(2, "/b/app", "two");

        assertThat(RestartArguments.refusal(List.of("one"), new RestartArguments.Source(Optional.of(older), dir))).isEmpty();
        assertThat(RestartArguments.refusal(List.of("two"), new RestartArguments.Source(Optional.of(older), dir))).isPresent();
    }

    @Test
    void execAcceptsTheSameArgumentsAndRefusesOthers() throws Exception {
        Path build = Files.createDirectory(dir.resolve("b"));
        Files.writeString(build.resolve("app.x86_64"), "");
        Path ck = Files.createDirectory(dir.resolve("ck"));
        Files.write(ck.resolve("ckpt-000001.tck"), CheckpointWriter.write(withArgv(1, ByteString.utf8(build + "/app.x86_64"),
                ByteString.utf8("in.txt"))));
        Path plan = dir.resolve("plan");
        List<String> common = new ArrayList<>(List.of("exec", "--launch-plan", plan.toString(), "--isa", "x86_64",
                "--checkpoint-dir", ck.toString(), "--restart", build + "/app", "--"));

        List<String> same = new ArrayList<>(common);
        same.add("in.txt");
        assertThat(exec(Map.of(), same.toArray(String[]::new))).isEqualTo("0:");
        assertThat(plan).isNotEmptyFile();

        List<String> other = new ArrayList<>(common);
        other.add("other.txt");
        assertThat(exec(Map.of(), other.toArray(String[]::new))).startsWith("64:")
                .contains("holds: in.txt; given: other.txt");
    }
}
