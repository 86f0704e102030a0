package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: a descriptor made by a call that opens no path (a socket pair used only through sendto, a pipe, an eventfd
 * used through eventfd_read/eventfd_write: none of them ever reaches a blocking wrapper) is never left out of a
 * checkpoint. Each stop while one is open is refused naming the call, its position and the descriptor; the program
 * goes on; once all are closed a stop migrates x86_64 -> s390x, and the output equals plain gcc's build.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UncarriedDescriptorsIT {
    @TempDir
    Path work;

    /**
     * The socket pair is closed at round 60, the pipe at 80, the eventfd at 100; the program asks for stops (only when
     * STOP_LATER is set, so plain gcc's build never gets the signal) at 70 (pipe and eventfd open) and 90 (eventfd
     * open) and 150 (nothing open); the runtime's first stop, after 20 site visits, finds all three open.
     */
    static final String PROGRAM = """
            #include <signal.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <stdint.h>
            #include <sys/eventfd.h>
            #include <sys/socket.h>
            #include <unistd.h>
            int main(void) {
              int sv[2], pp[2], ev;
              unsigned long long h = 5;
              char b[8];
              if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0) return 1;
              if (pipe(pp) != 0) return 2;
              ev = eventfd(0, 0);
              if (ev < 0) return 3;
              for (int r = 0; r < 200; r++) {
                if (r == 60) { close(sv[0]); close(sv[1]); }
                if (r == 80) { close(pp[0]); close(pp[1]); }
                if (r == 100) close(ev);
                if ((r == 70 || r == 90 || r == 150) && getenv("STOP_LATER")) kill(getpid(), SIGUSR1);
                if (r < 60) {
                  long n = (long)sendto(sv[0], "x", 1, 0, NULL, 0);
                  h = h * 31 + (unsigned long long)n + (unsigned long long)recvfrom(sv[1], b, sizeof b, 0, NULL, NULL);
                }
                if (r < 80) {
                  h = h * 7 + (unsigned long long)write(pp[1], "y", 1);
                  h += (unsigned long long)read(pp[0], b, 1);
                }
                if (r < 100) {
                  eventfd_t v = 0;
                  eventfd_write(ev, (eventfd_t)r + 1);
                  eventfd_read(ev, &v);
                  h = h * 3 + v;
                }
                h = h * 1000003u + (unsigned)r;
                if (r % 50 == 49) { printf("r=%d h=%llu\\n", r, h % 1000000007ull); fflush(stdout); }
              }
              printf("end %llu\\n", h);
              return 0;
            }
            """;

    @Test
    void aSocketPairAPipeAndAnEventfdRefuseEachStopByNameThenAStopMigrates() throws Exception {
        Path src = work.resolve("made.c");
        Run plain = MigratesLikeGcc.plainGcc(work, "made", PROGRAM);
        assertThat(plain.rc()).isZero();
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "made"));
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.get(1);
        assertThat(s390x.name()).isEqualTo("s390x");
        Path exe = link(x86, r, work.resolve("made.x86_64"));
        Path exeS = link(s390x, r, work.resolve("made.s390x"));
        Path ck = checkpointDir(work.resolve("ck"));
        Path events = work.resolve("made.events");
        Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "20",
                "TALENT_EVENT_FILE", events.toString(), "STOP_LATER", "1"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        List<String> refusals = first.err().lines().filter(l -> l.contains("cannot checkpoint: descriptor")).toList();
        assertThat(refusals).as(first.err()).hasSize(3);
        assertThat(refusals.get(0)).contains("made by socketpair at made.c:12:").contains("a Unix-domain socket")
                .contains("the program continues");
        assertThat(refusals.get(1)).contains("made by pipe at made.c:13:").contains("a pipe or FIFO");
        assertThat(refusals.get(2)).contains("made by eventfd at made.c:14:").contains("anon_inode:[eventfd]")
                .contains("a kernel object");
        String ev = Files.readString(events);
        assertThat(ev).contains("checkpoint-failed checkpoint 1 could not be written: cannot checkpoint: descriptor")
                .contains("\ncheckpoint 1 ckpt-000001.tck\n");
        try (var files = Files.list(ck)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("ckpt-000001.tck");
        }
        assertThat(first.out()).as("stopped at round 150").contains("r=99 ").doesNotContain("r=199");
        Run second = run(command(s390x, exeS), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain.out());
    }
}
