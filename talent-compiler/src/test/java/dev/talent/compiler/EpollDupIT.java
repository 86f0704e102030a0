package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.EventPoll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second descriptor of one epoll instance (issue 12), resources/epoll/epolldup.c: registrations and waits through
 * both descriptors, then one is closed and the other goes on. Every run's output must equal the program built by
 * gcc: uninterrupted; with a stop requested while both descriptors are open (refused by name, the program goes
 * on: the EPOL section carries an instance at one number); and with a stop after the close, restarted on s390x.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EpollDupIT {
    private static final Path SOURCE = Path.of(System.getProperty("user.dir")).resolve("src/test/resources/epoll/epolldup.c");
    /** A site visit in phase 1 (both descriptors open) and one in phase 2 (one closed; the stop lands at a loop head). */
    private static final String WHILE_BOTH_OPEN = "8";
    private static final String AFTER_THE_CLOSE = "34";

    @TempDir
    Path work;

    @Test
    void aCopiedEpollDescriptorIsOneInstanceRefusedWhileOpenAndCarriedOnceClosed() throws Exception {
        Path original = work.resolve("epolldup.orig");
        Run cc = run(List.of("gcc", "-O2", "-o", original.toString(), SOURCE.toString()), Map.of(), null);
        assertThat(cc.rc()).as(cc.err()).isZero();
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(SOURCE), List.of(), work.resolve("out"),
                "epolldup"));
        Target x86 = MigrationHops.HOPS.get(0);
        Target s390x = MigrationHops.HOPS.get(1);
        Path exe = link(x86, r, work.resolve("epolldup.x86_64"));
        int port = FreePorts.udpPair();

        for (String how : List.of("dup", "dup2", "dup3", "fcntl", "unused")) {
            List<String> args = List.of(Integer.toString(port), how, "keep-copy");
            String expected = plain(original, args);
            assertThat(expected).contains("round 11: 1 event(s) data u32 beef 'm11'").doesNotContain("WRONG");

            // uninterrupted: either descriptor reaches the one instance, with the program's data
            Run plain = run(withArgs(command(x86, exe), args), Map.of("TALENT_RESTART", "0"), null);
            assertThat(plain.rc()).as(how + ":\n" + plain.err()).isZero();
            assertThat(plain.out()).as(how + " uninterrupted").isEqualTo(expected);

            // a stop while both are open: refused naming both numbers, no file written, the program goes on
            Path ck = Files.createDirectories(work.resolve("ck-both-" + how));
            Run refused = run(withArgs(command(x86, exe), args), Map.of("TALENT_RESTART", "0",
                    "TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", WHILE_BOTH_OPEN), null);
            assertThat(refused.rc()).as(how + ":\n" + refused.err()).isZero();
            assertThat(refused.err()).as(how).containsPattern("descriptor \\d+ is a second descriptor of epoll instance 3 "
                    + "\\(made with dup, dup2, dup3 or fcntl F_DUPFD\\)");
            assertThat(refused.out()).as(how + " after a refused stop").isEqualTo(expected);
            try (var files = Files.list(ck)) {
                assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tck"))).as(how).isEmpty();
            }
        }

        // a stop once the original is closed: the instance is carried at the copy's number, restarted on s390x
        Path restarted = link(s390x, r, work.resolve("epolldup.s390x"));
        for (String how : List.of("dup", "fcntl")) {
            List<String> args = List.of(Integer.toString(port), how, "keep-copy");
            Path ck = Files.createDirectories(work.resolve("ck-" + how));
            Run first = run(withArgs(command(x86, exe), args), Map.of("TALENT_RESTART", "0",
                    "TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", AFTER_THE_CLOSE), null);
            assertThat(first.rc()).as(how + ":\n" + first.err()).isEqualTo(75);
            Checkpoint c = CheckpointDirectory.newestValid(ck).newest().orElseThrow().checkpoint();
            assertThat(c.epoll()).extracting(EventPoll::fd).containsExactly(how.equals("dup") ? 4L : 50L);
            assertThat(c.epoll().getFirst().registrations()).hasSize(2);
            // the copy's own close-on-exec (F_DUPFD_CLOEXEC), not the closed original's
            assertThat(c.epoll().getFirst().flags()).as(how).isEqualTo(how.equals("fcntl") ? 1 : 0);
            Run second = run(command(s390x, restarted), Map.of("TALENT_RESTART", "1", "TALENT_CHECKPOINT_DIR",
                    ck.toString()), null);
            assertThat(second.rc()).as(how + " restarted on s390x:\n" + second.err()).isZero();
            assertThat(first.out() + second.out()).as(how + " migrated").isEqualTo(plain(original, args));
        }
    }

    private static String plain(Path original, List<String> args) throws Exception {
        Run ref = run(withArgs(List.of(original.toString()), args), Map.of(), null);
        assertThat(ref.rc()).as(ref.err()).isZero();
        return ref.out();
    }

    private static List<String> withArgs(List<String> cmd, List<String> args) {
        List<String> all = new ArrayList<>(cmd);
        all.addAll(args);
        return all;
    }
}
