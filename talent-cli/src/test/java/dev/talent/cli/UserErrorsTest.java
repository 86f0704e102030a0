package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.format.ByteString;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointWriter;
import dev.talent.format.Frame;
import dev.talent.format.FrameVar;
import dev.talent.format.GlobalVar;
import dev.talent.format.Meta;
import dev.talent.format.OpenFile;
import dev.talent.format.PendingWait;
import dev.talent.format.SafeText;
import dev.talent.format.TypeDesc;
import dev.talent.format.Value;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ordinary user errors end with one line and the README's status, never a stack trace; and what a checkpoint or a
 * program's directory holds is printed escaped, so it cannot drive the operator's terminal.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UserErrorsTest {
    /** Clears the screen, rewrites the line from its start, deletes, rings, overrides the direction. */
    static final String EVIL = "\u001b[2J\u001b[H\rforged\b\u0007\u009b1m\u202e";

    @TempDir Path dir;

    record Result(int status, String out, String err) {
        /** Nothing but line breaks a terminal would act on, and no stack trace. */
        void assertSafe() {
            for (String s : List.of(out, err)) {
                s.codePoints().forEach(cp -> assertThat(cp == '\n' || !SafeText.needsEscape(cp)).as("U+%04X in %s", cp, s).isTrue());
            }
            assertThat(err).doesNotContain("\tat ", "Exception");
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(status, out.toString(), err.toString());
    }

    /** A checkpoint whose names, paths, arguments and strings carry terminal control sequences. */
    static Checkpoint hostile(String mode) {
        List<TypeDesc> types = List.of(new TypeDesc.SInt("int" + EVIL, 4, 32), new TypeDesc.Ptr("FILE *", 8, "FILE", TypeDesc.UNKNOWN_TYPE));
        Meta meta = new Meta("0123456789abcdef0123456789abcdef", "prog" + EVIL, "x86_64", 64, false, 1_000_000_000L, 1,
                "signal" + EVIL, 3, 2, "t.c:9:3" + EVIL, "main" + EVIL, List.of(ByteString.utf8("prog"), ByteString.utf8("a" + EVIL)));
        return new Checkpoint(meta, types, List.of(ByteString.utf8("s" + EVIL)),
                List.of(new GlobalVar("g" + EVIL, "g" + EVIL, "t.c:1:5" + EVIL, 0, new Value.IntValue(BigInteger.ONE))),
                List.of(new Frame("main" + EVIL, 0, 2, "t.c:9:3", List.of(
                        new FrameVar(0, "v" + EVIL, "t.c:8:8", 0, new Value.IntValue(BigInteger.TWO)),
                        new FrameVar(1, "f", "t.c:8:9", 1, new Value.OpenStream(0))))),
                List.of(),
                List.of(new OpenFile(3, OpenFile.Kind.STREAM, 0, ByteString.utf8("/tmp/" + EVIL + "/out"), OpenFile.Access.WRITE_ONLY,
                        0, 0, mode, 5, 5, "t.c:5:9" + EVIL)),
                PendingWait.NONE);
    }

    @Test
    void inspectPrintsAHostileCheckpointEscaped() throws Exception {
        Path file = Files.write(dir.resolve("ckpt-000001.tck"), CheckpointWriter.write(hostile("w")));

        Result text = run("inspect", file.toString());
        Result json = run("inspect", "--json", dir.toString());

        text.assertSafe();
        json.assertSafe();
        assertThat(text.status()).as(text.err()).isZero();
        assertThat(text.out()).contains("checkpoint of prog\\e[2J\\e[H\\rforged\\x08\\x07\\u009b1m\\u202e\n")
                .contains("\"a\\x1b[2J");   // argv: shown as a C string
        assertThat(text.out().lines()).noneMatch(l -> l.startsWith("forged"));
        assertThat(json.status()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).path("program").asText())
                .isEqualTo("prog" + EVIL);
    }

    @Test
    void whatTheReaderQuotesFromADamagedFileIsEscapedToo() throws Exception {
        // the reader refuses the stream mode and names what it found
        Path file = Files.write(dir.resolve("ckpt-000002.tck"), CheckpointWriter.write(hostile("w" + EVIL)));

        Result r = run("inspect", file.toString());

        r.assertSafe();
        assertThat(r.status()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).startsWith("talent inspect: ").contains("\\e[2J");
    }

    @Test
    @Timeout(20)
    void inspectRefusesWhatIsNotARegularFileAndNamesWhatIsMissing() throws Exception {
        Path fifo = dir.resolve("fifo.tck");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor(10, TimeUnit.SECONDS)).isTrue();
        Path ck = Files.createDirectories(dir.resolve("ck"));
        Files.createSymbolicLink(ck.resolve("ckpt-000009.tck"), Files.writeString(dir.resolve("secret"), "x"));
        Path evilName = dir.resolve("no" + EVIL + ".tck");

        Result missing = run("inspect", evilName.toString());
        Result special = run("inspect", fifo.toString());
        Result link = run("inspect", ck.toString());
        Result empty = run("inspect", Files.createDirectories(dir.resolve("empty")).toString());

        for (Result r : List.of(missing, special, link, empty)) r.assertSafe();
        assertThat(missing.status()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(missing.err()).isEqualTo("talent inspect: " + SafeText.escape(evilName.toString()) + ": no such file or directory\n");
        assertThat(special.status()).isEqualTo(ExitCodes.FAILURE);
        assertThat(special.err()).endsWith(": not a regular file\n");
        // a link the program planted in its checkpoint directory is not followed: the directory holds no checkpoint
        assertThat(link.err()).contains("no checkpoint (ckpt-*.tck) in");
        assertThat(empty.err()).contains("no checkpoint (ckpt-*.tck) in");
    }

    @Test
    void unreadableCheckpointsAreRefusedAsNotPermitted() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root reads every file");
        Path file = Files.write(dir.resolve("ckpt-000001.tck"), CheckpointWriter.write(hostile("w")));
        file.toFile().setReadable(false, false);
        assertThat(run("inspect", file.toString()).status()).isEqualTo(ExitCodes.NO_PERMISSION);
    }

    @Test
    void filesInTheWayAreBadCommandLines() throws Exception {
        Path file = Files.writeString(dir.resolve("existing"), "x");

        Result build = run("build", "-o", file.toString(), dir.resolve("a.c").toString());
        Result exec = run("exec", "--isa", "x86_64", "--checkpoint-dir", file.toString(), dir.resolve("app").toString());

        build.assertSafe();
        exec.assertSafe();
        assertThat(build.status()).isEqualTo(ExitCodes.USAGE);
        assertThat(build.err()).startsWith("talent: -o " + file + ": exists and is not a directory\n");
        assertThat(exec.status()).isEqualTo(ExitCodes.USAGE);
        assertThat(exec.err()).startsWith("talent: --checkpoint-dir " + file + ": exists and is not a directory\n");
    }

    @Test
    void runWithAStateDirectoryThatCannotBeMadeSaysSo() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Files.writeString(dir.resolve("app.x86_64"), "");
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.talent.container.Runc.find().isPresent(), "runc is installed");

        Result r = run("run", "--platforms", "x86_64", "--state-dir", file.resolve("state").toString(), dir.resolve("app").toString());

        r.assertSafe();
        assertThat(r.status()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(r.err()).contains("talent run: " + file.resolve("state")).contains(": not a directory\n");
    }

    @Test
    void theCentralHandlerMapsFileErrorsToTheReadmesStatuses() {
        assertThat(UserErrors.render(new AccessDeniedException("/x/y"))).contains(
                new UserErrors.Rendered("/x/y: permission denied", ExitCodes.NO_PERMISSION));
        assertThat(UserErrors.render(new UncheckedIOException(new NoSuchFileException("/gone" + EVIL)))).contains(
                new UserErrors.Rendered("/gone" + SafeText.escape(EVIL) + ": no such file or directory", ExitCodes.UNAVAILABLE));
        assertThat(UserErrors.render(new FileAlreadyExistsException("/f"))).contains(
                new UserErrors.Rendered("/f: already exists (and is in the way)", ExitCodes.IO_ERROR));
        assertThat(UserErrors.render(new FileSystemException("/f/sub", null, "Not a directory"))).contains(
                new UserErrors.Rendered("/f/sub: not a directory", ExitCodes.IO_ERROR));
        assertThat(UserErrors.render(new FileSystemException("/ro", null, "Read-only file system"))).contains(
                new UserErrors.Rendered("/ro: read-only file system", ExitCodes.IO_ERROR));
        assertThat(UserErrors.render(new IOException("disk on fire"))).contains(
                new UserErrors.Rendered("I/O error: disk on fire", ExitCodes.IO_ERROR));
        assertThat(UserErrors.render(new IllegalStateException("a bug"))).isEmpty();
    }

    @Test
    void aFailedMigrationsLogTailIsShownEscapedLineByLine() {
        // the error carries the failing container's log tail: the program's own output
        String line = MigrationLine.of(MigrationLineTest.failed("restore", "restore failed\nprogram said: " + EVIL + "\nlast line"));

        assertThat(line).isEqualTo("counter: x86_64 -> s390x failed at step restore: restore failed\n    program said: "
                + SafeText.escape(EVIL) + "\n    last line");
        assertThat(line).doesNotContain("\u001b", "\r", "\b");
    }
}
