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
 * A second descriptor of one epoll instance (issue 12), resources/epoll/epolldup.c: registrations through the copy,
 * waits through both, then one is closed and the other goes on. Every run's output must equal the program built by
 * gcc: uninterrupted; stopped while both descriptors are open and restarted x86_64 -> s390x -> x86_64 (the EDUP
 * section carries the copy with its own close-on-exec; the restored process writes it again from what it has, so
 * the second checkpoint shows the copy recreated); stopped after the close, restarted on s390x; and a stop while the
 * kernel keeps a registration of a closed descriptor (a dup of it open) is refused, naming it.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EpollDupIT {
    private static final Path SOURCE = Path.of(System.getProperty("user.dir")).resolve("src/test/resources/epoll/epolldup.c");
    /**
     * Site visits (4 per round) where the stop lands at a loop head, before the round sends its datagram (a stop at
     * epoll_wait would lose the one in flight: a UDP socket is recreated, not its queue): round 1 (both descriptors
     * open), round 8 (one closed), and in the restarted process round 3 (both still open).
     */
    private static final String WHILE_BOTH_OPEN = "6";
    private static final String AFTER_THE_CLOSE = "34";
    private static final String AGAIN_BOTH_OPEN = "7";
    /** A site visit in phase 3 (a registered socket closed, a dup of it open). */
    private static final String IN_PHASE_3 = "50";

    @TempDir
    Path work;

    @Test
    void aCopiedEpollDescriptorIsCarriedWithItsInstanceAcrossX86S390xX86() throws Exception {
        Path original = work.resolve("epolldup.orig");
        Run cc = run(List.of("gcc", "-O2", "-o", original.toString(), SOURCE.toString()), Map.of(), null);
        assertThat(cc.rc()).as(cc.err()).isZero();
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(SOURCE), List.of(), work.resolve("out"),
                "epolldup"));
        Target x86 = MigrationHops.HOPS.get(0);
        Target s390x = MigrationHops.HOPS.get(1);
        Path exe = link(x86, r, work.resolve("epolldup.x86_64"));
        Path restarted = link(s390x, r, work.resolve("epolldup.s390x"));
        int port = FreePorts.udpPair();

        // how the copy is made -> its number and close-on-exec (dup3 O_CLOEXEC, F_DUPFD_CLOEXEC)
        Map<String, EventPoll.Copy> copies = Map.of("dup", new EventPoll.Copy(4, 0), "dup2", new EventPoll.Copy(40, 0),
                "dup3", new EventPoll.Copy(41, 1), "fcntl", new EventPoll.Copy(50, 1), "unused", new EventPoll.Copy(60, 0));
        for (String how : List.of("dup", "dup2", "dup3", "fcntl", "unused")) {
            List<String> args = List.of(Integer.toString(port), how, "keep-copy");
            String expected = plain(original, args);
            assertThat(expected).contains("round 11: 1 event(s) data u64 beef 'm11'").doesNotContain("WRONG");

            // uninterrupted: either descriptor reaches the one instance, with the program's data
            Run plain = run(withArgs(command(x86, exe), args), Map.of("TALENT_RESTART", "0"), null);
            assertThat(plain.rc()).as(how + ":\n" + plain.err()).isZero();
            assertThat(plain.out()).as(how + " uninterrupted").isEqualTo(expected);

            // stopped while both are open on x86_64, again on s390x, finished on x86_64
            Path ck = Files.createDirectories(work.resolve("ck-both-" + how));
            Map<String, String> dir = Map.of("TALENT_CHECKPOINT_DIR", ck.toString());
            Run first = run(withArgs(command(x86, exe), args), env(dir, "TALENT_RESTART", "0", "TALENT_STOP_AFTER",
                    WHILE_BOTH_OPEN), null);
            assertThat(first.rc()).as(how + ":\n" + first.err()).isEqualTo(75);
            EventPoll atFirst = onlyInstance(ck);
            assertThat(atFirst.fd()).as(how).isEqualTo(3L);
            assertThat(atFirst.copies()).as(how + " written by x86_64").containsExactly(copies.get(how));
            Run second = run(command(s390x, restarted), env(dir, "TALENT_RESTART", "1", "TALENT_STOP_AFTER", AGAIN_BOTH_OPEN),
                    null);
            assertThat(second.rc()).as(how + " on s390x:\n" + second.err()).isEqualTo(75);
            EventPoll atSecond = onlyInstance(ck);
            // written by the restored process from the descriptors it has (close-on-exec read back with F_GETFD)
            assertThat(atSecond.copies()).as(how + " written by s390x").containsExactly(copies.get(how));
            assertThat(atSecond.registrations()).as(how).hasSize(2);
            Run third = run(command(x86, exe), env(dir, "TALENT_RESTART", "1"), null);
            assertThat(third.rc()).as(how + " back on x86_64:\n" + third.err()).isZero();
            assertThat(first.out() + second.out() + third.out()).as(how + " migrated twice").isEqualTo(expected);
            assertThat(second.out()).as(how + ": the s390x hop ran rounds of phase 1").contains("round ");
        }

        // phase 3: a registered socket closed while a dup of it stays open: the kernel keeps the registration under
        // the closed number, which talent cannot carry: a stop then is refused naming it, the program goes on
        List<String> orphan = List.of(Integer.toString(port), "dup", "keep-copy", "orphan");
        Path none = Files.createDirectories(work.resolve("ck-orphan"));
        Run refused = run(withArgs(command(x86, exe), orphan), Map.of("TALENT_RESTART", "0", "TALENT_CHECKPOINT_DIR",
                none.toString(), "TALENT_STOP_AFTER", IN_PHASE_3), null);
        assertThat(refused.rc()).as(refused.err()).isZero();
        assertThat(refused.err()).contains("epoll instance 4 still holds a registration of descriptor 5 that talent does "
                + "not carry");
        assertThat(refused.out()).as("after a refused stop").isEqualTo(plain(original, orphan)).contains("round 15: the copy is open");
        try (var files = Files.list(none)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tck"))).isEmpty();
        }

        // a stop once the original is closed: the instance is carried at the copy's number, restarted on s390x
        for (String how : List.of("dup", "fcntl")) {
            List<String> args = List.of(Integer.toString(port), how, "keep-copy");
            Path ck = Files.createDirectories(work.resolve("ck-" + how));
            Run first = run(withArgs(command(x86, exe), args), Map.of("TALENT_RESTART", "0",
                    "TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", AFTER_THE_CLOSE), null);
            assertThat(first.rc()).as(how + ":\n" + first.err()).isEqualTo(75);
            EventPoll only = onlyInstance(ck);
            assertThat(only.fd()).isEqualTo(how.equals("dup") ? 4L : 50L);
            assertThat(only.copies()).isEmpty();
            assertThat(only.registrations()).hasSize(2);
            // the copy's own close-on-exec (F_DUPFD_CLOEXEC), not the closed original's
            assertThat(only.flags()).as(how).isEqualTo(how.equals("fcntl") ? 1 : 0);
            Run second = run(command(s390x, restarted), Map.of("TALENT_RESTART", "1", "TALENT_CHECKPOINT_DIR",
                    ck.toString()), null);
            assertThat(second.rc()).as(how + " restarted on s390x:\n" + second.err()).isZero();
            assertThat(first.out() + second.out()).as(how + " migrated").isEqualTo(plain(original, args));
        }
    }

    private static EventPoll onlyInstance(Path ck) throws Exception {
        Checkpoint c = CheckpointDirectory.newestValid(ck).newest().orElseThrow().checkpoint();
        assertThat(c.epoll()).hasSize(1);
        return c.epoll().getFirst();
    }

    private static Map<String, String> env(Map<String, String> base, String... kv) {
        Map<String, String> all = new java.util.HashMap<>(base);
        for (int k = 0; k < kv.length; k += 2) all.put(kv[k], kv[k + 1]);
        return all;
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
