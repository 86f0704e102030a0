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
 * A pre-copy round after the first ones reads only the chunks of the globals' large arrays that dirty tracking says
 * were written since the previous round, and makes its image from the previous round's image and its delta (precopy.c,
 * README.md "Pre-copy"). A program asks for four rounds and between them writes large global arrays (plain stores,
 * {@code read()} from a pipe: the kernel's own write, {@code memcpy}, a signal handler), small globals, a large array
 * and a list on the heap and a large array on the stack, then stops itself. Every round runs with
 * {@code TALENT_DIRTY=verify}: its child builds its delta from the tracking and again by comparing every chunk, and
 * fails the round (exit 70) when the two differ, so a write the tracking missed fails the test. The stop's delta is
 * against the last round's image, which was made from the rounds before: the restart of the stop, and a restart of
 * that image alone on s390x (big-endian), print gcc's output.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RoundDirtyTrackingIT {
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
            #define H (1u << 19)
            #define S (1u << 16)
            struct node { int v; struct node *next; };
            static double big[N];
            static unsigned char raw[1u << 20];
            static int small[64];
            static double *heapbig;
            static struct node *list;
            static volatile sig_atomic_t hups;
            static void on_hup(int s) { (void)s; big[300000 + 512 * hups] = -1.5; hups++; }
            static unsigned long long spin(unsigned long long h) {
              for (int i = 0; i < 50; i++) h = h * 31 + (unsigned)i;
              return h;
            }
            /* by value, not by byte: the same on every byte order */
            static unsigned long long mix(unsigned long long h, const double *p, size_t n) {
              for (size_t i = 0; i < n; i++) h = (h ^ (unsigned long long)(long long)(p[i] * 4)) * 1099511628211ull;
              return h;
            }
            /* what changes between rounds r and r + 1: different pages each time */
            static void change(int r, double *stack) {
              int p[2];
              unsigned char v[24];
              for (int k = 0; k < 24; k++) v[k] = (unsigned char)(k * 9 + r);
              for (int k = 0; k < 10; k++) big[(k * 7 + r) * 512 + 100] = k + r;
              /* bytes, not doubles, through the pipe: the program stays free of the byte order */
              if (pipe(p) != 0 || write(p[1], v, sizeof v) != (ssize_t)sizeof v) exit(1);
              if (read(p[0], &raw[300000 + r * 40000], sizeof v) != (ssize_t)sizeof v) exit(1);
              close(p[0]);
              close(p[1]);
              memcpy(&big[400000 + r * 2048], &big[1000 + r], 3 * 4096);
              raise(SIGHUP);
              small[r] += 7 * r + 1;
              for (int k = 0; k < 5; k++) heapbig[(k * 11 + r) * 512 + 3] += r + 0.25;
              stack[r * 1000 + 17] = r * 3.5;
              struct node *n = malloc(sizeof *n);
              if (!n) exit(1);
              n->v = r * 10 + 1;
              n->next = list;
              list = n;
            }
            int main(void) {
              double stack[S];
              unsigned long long h = 1469598103934665603ull, w = 0;
              heapbig = malloc(H * sizeof *heapbig);
              if (!heapbig) return 1;
              for (unsigned i = 0; i < N; i++) big[i] = i * 0.5;
              for (unsigned i = 0; i < H; i++) heapbig[i] = i * 0.25;
              for (unsigned i = 0; i < S; i++) stack[i] = i * 2.0;
              signal(SIGHUP, on_hup);
              for (int r = 0; r < 4; r++) {
                if (getenv("ROUNDS")) {
                  /* a round, served at the next site visit and written while this one sleeps */
                  kill(getpid(), SIGURG);
                  for (int i = 0; i < 5; i++) w = spin(w);
                  sleep(1);
                  for (int i = 0; i < 5; i++) w = spin(w);
                }
                change(r, stack);
              }
              if (w == 42) return 2;
              if (getenv("STOP")) kill(getpid(), SIGUSR1);
              for (int i = 0; i < 5; i++) h = spin(h);
              h = mix(h, big, N);
              for (unsigned i = 0; i < sizeof raw; i++) h = (h ^ raw[i]) * 1099511628211ull;
              for (int i = 0; i < 64; i++) h = (h ^ (unsigned)small[i]) * 1099511628211ull;
              h = mix(h, heapbig, H);
              h = mix(h, stack, S);
              for (struct node *n = list; n; n = n->next) h = (h ^ (unsigned)n->v) * 1099511628211ull;
              printf("%llu %d\\n", h, (int)hups);
              return 0;
            }
            """;

    @Test
    void roundsReadOnlyWhatChangedAndTheirImagesRestoreLikeGcc() throws Exception {
        VerifiedRounds v = VerifiedRounds.run(work, "rounds", PROGRAM);
        String err = v.first().err();
        // rounds 2 to 4: tracking vouches for what the program did not write (round 1's fork registered the large
        // globals, so what change(0) wrote between round 1's fork and round 2's is all round 2 reads of them), each
        // round's delta equals the full comparison's, and its image is made from the one before
        for (int round = 2; round <= 4; round++) {
            assertThat(err).contains("pre-copy round " + round + ": dirty tracking verified")
                    .containsPattern("pre-copy round " + round + ": [0-9.]+ MiB image made from the previous one and the delta");
            // big's 1024 chunks, raw's 256 and heapbig's 1024 (a heap block, registered at round 1's fork too), of which
            // at most ~39 pages were written (each in at most 2 chunks); the stack's array (a frame's copy, made by the
            // round's child) is always compared
            assertThat(v.unchanged("pre-copy round " + round, round - 1)).as(err).isGreaterThan(2304L - 90L)
                    .isLessThanOrEqualTo(2304L);
            assertThat(v.compared("pre-copy round " + round, round - 1)).as(err).isGreaterThanOrEqualTo(128L);
        }
        assertThat(err).contains("stop after pre-copy: dirty tracking verified");
        // the last round's image on its own, moved to s390x: the program goes on from round 4 and prints gcc's line
        Path alone = checkpointDir(work.resolve("alone"));
        Files.copy(v.ck().resolve("pre-000004.tck"), alone.resolve("ckpt-000001.tck"));
        Target s390x = HOPS.get(1);
        assertThat(s390x.name()).isEqualTo("s390x");
        Run image = v.restartOn(s390x, alone, work.resolve("rounds.s390x"));
        assertThat(image.rc()).as(image.err()).isZero();
        assertThat(image.out()).as(image.err()).isEqualTo(v.plain());
        // the stop's delta against that image, restarted on x86_64
        Run second = v.restartOn(HOPS.getFirst(), v.ck(), v.exe());
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(v.first().out() + second.out()).as(err + second.err()).isEqualTo(v.plain());
    }

    /**
     * Under qemu-user (the rounds on i686, 32-bit) userfaultfd is not implemented: every round compares every chunk and
     * writes its whole image, says why, and the stop restarts on x86_64 with gcc's output.
     */
    @Test
    void withoutTrackingEveryRoundComparesEveryChunk() throws Exception {
        Path src = work.resolve("rounds.c");
        Files.writeString(src, PROGRAM);
        String plain = AheadDestination.gccOutput(work, src);
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "rounds"));
        Target x86 = HOPS.getFirst();
        Target i686 = HOPS.get(2);
        assertThat(i686.name()).isEqualTo("i686");
        Path exe = link(x86, r, work.resolve("rounds.x86_64"));
        Path exeI686 = link(i686, r, work.resolve("rounds.i686"));
        Path ck = checkpointDir(work.resolve("ck"));
        Run first = run(command(i686, exeI686), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_PRECOPY", "1",
                "TALENT_VERBOSE", "1", "ROUNDS", "1", "STOP", "1"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        // (under emulation the last round may still be encoding at the stop, which then is against the round before)
        assertThat(first.err()).containsPattern("against pre-00000[34]\\.tck")
                .contains("pre-copy round: dirty tracking is off; every chunk is compared")
                .doesNotContain("made from the previous one");
        Run second = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(first.out() + second.out()).as(first.err() + second.err()).isEqualTo(plain);
    }
}
