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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stop after pre-copy encodes only the chunks of a large array whose pages were written since the round its delta
 * is against (dirty.c, README.md "Pre-copy"). A program fills a 4 MiB array, asks for two pre-copy rounds, then
 * writes known pages of it in every way a tracker could miss (plain stores, {@code read()} from a pipe, i.e. the
 * kernel's own write, {@code memcpy}, a signal handler) and stops itself. The stop runs with {@code TALENT_DIRTY=verify}:
 * it builds its delta from the tracking and again by comparing every chunk, and ends with exit 70 when the two differ,
 * so a write the tracking missed fails the test (and the restart's output would differ from gcc's). Its own report
 * says how many chunks it encoded: far fewer than the array's 1024, so tracking that is on but ignored fails too.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DirtyTrackingIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <signal.h>
            #include <stdint.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            #define N (1u << 19)
            static double big[N];
            static volatile sig_atomic_t hups;
            static void on_hup(int s) { (void)s; big[300000] = -1.5; hups++; }
            static unsigned long long spin(unsigned long long h) {
              for (int i = 0; i < 50; i++) h = h * 31 + (unsigned)i;
              return h;
            }
            int main(void) {
              unsigned long long h = 1469598103934665603ull;
              for (unsigned i = 0; i < N; i++) big[i] = i * 0.5;
              if (getenv("ROUNDS")) {
                /* two pre-copy rounds, each served at the next site visit and written while this one sleeps */
                unsigned long long w = 0;
                for (int r = 0; r < 2; r++) {
                  kill(getpid(), SIGURG);
                  for (int i = 0; i < 5; i++) w = spin(w);
                  sleep(1);
                  for (int i = 0; i < 5; i++) w = spin(w);
                }
                if (w == 42) return 2;
              }
              /* 10 pages by plain stores */
              for (int k = 0; k < 10; k++) big[k * 7 * 512 + 100] = k;
              /* one page by the kernel: read() from a pipe */
              int p[2];
              double v[3] = {1.25, 2.5, 3.75};
              if (pipe(p) != 0 || write(p[1], v, sizeof v) != (ssize_t)sizeof v) return 1;
              if (read(p[0], &big[200000], sizeof v) != (ssize_t)sizeof v) return 1;
              close(p[0]);
              close(p[1]);
              /* four pages by memcpy */
              memcpy(&big[400000], &big[1000], 3 * 4096);
              /* one page in a signal handler */
              signal(SIGHUP, on_hup);
              raise(SIGHUP);
              if (getenv("STOP")) kill(getpid(), SIGUSR1);
              for (int i = 0; i < 5; i++) h = spin(h);
              for (unsigned i = 0; i < N; i++) {
                uint64_t bits;
                memcpy(&bits, &big[i], sizeof bits);
                h = (h ^ bits) * 1099511628211ull;
              }
              printf("%llu %d\\n", h, (int)hups);
              return 0;
            }
            """;

    /**
     * The same with the array on the heap: a large heap block of numbers is referred to by the heap section like a
     * global's array (checkpoint_write.c), its pages are tracked as the round's record lists it, and the stop reads
     * only its written chunks.
     */
    static final String ON_THE_HEAP = PROGRAM.replace("static double big[N];", "static double *big;")
            .replace("  for (unsigned i = 0; i < N; i++) big[i] = i * 0.5;\n", """
                      big = malloc(N * sizeof *big);
                      if (!big) return 1;
                      for (unsigned i = 0; i < N; i++) big[i] = i * 0.5;
                    """);

    @Test
    void theStopEncodesOnlyTheDirtiedChunksAndMigratesLikeGcc() throws Exception {
        onlyTheDirtiedChunks(migrate(PROGRAM));
    }

    @Test
    void anArrayOnTheHeapToo() throws Exception {
        assertThat(ON_THE_HEAP).contains("big = malloc(").doesNotContain("static double big[N]");
        onlyTheDirtiedChunks(migrate(ON_THE_HEAP));
    }

    private static void onlyTheDirtiedChunks(Run first) {
        assertThat(first.err()).contains("stop after pre-copy: dirty tracking verified");
        Matcher m = Pattern.compile("dirty tracking: (\\d+) chunks of large arrays unchanged since pre-000002\\.tck \\(not read\\), "
                + "(\\d+) encoded and compared").matcher(first.err());
        assertThat(m.find()).as(first.err()).isTrue();
        long unchanged = Long.parseLong(m.group(1));
        long encoded = Long.parseLong(m.group(2));
        // 16 pages written (10 + 1 + 4 + 1), each in at most 2 chunks (the array's encoding is not page-aligned), the
        // pages it shares with other variables, and the chunks it shares with the section's other bytes
        assertThat(encoded).as(first.err()).isBetween(16L, 44L);
        assertThat(unchanged).as(first.err()).isGreaterThan(1024L - 44L);
    }

    /**
     * Under qemu-user (the stop on aarch64) userfaultfd is not implemented (ENOSYS): the stop compares every chunk,
     * says why, and the migration (restarted on x86_64) prints gcc's output.
     */
    @Test
    void underQemuTheStopComparesEveryChunkAndSaysWhy() throws Exception {
        Target aarch64 = HOPS.get(3);
        assertThat(aarch64.name()).isEqualTo("aarch64");
        Run first = migrate(PROGRAM, aarch64);
        assertThat(first.err()).contains("dirty tracking off: userfaultfd: ")
                .contains("stop after pre-copy: dirty tracking is off; every chunk is compared");
    }

    private Run migrate(String program) throws Exception {
        return migrate(program, HOPS.getFirst());
    }

    /** gcc's run; talent's with two rounds and its own stop (verify mode, -v), then its restart: both print gcc's output. */
    private Run migrate(String program, Target from) throws Exception {
        Path src = work.resolve("dirty.c");
        Files.writeString(src, program);
        String plain = AheadDestination.gccOutput(work, src);
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "dirty"));
        Target x86 = HOPS.getFirst();
        Path exe = link(x86, r, work.resolve("dirty.x86_64"));
        Path source = from.equals(x86) ? exe : link(from, r, work.resolve("dirty." + from.name()));
        Path ck = checkpointDir(work.resolve("ck"));
        Run first = run(command(from, source), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_PRECOPY", "1",
                "TALENT_DIRTY", "verify", "TALENT_VERBOSE", "1", "ROUNDS", "1", "STOP", "1"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        assertThat(first.err()).contains("against pre-000002.tck");
        Run second = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain);
        return first;
    }
}
