package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large arrays on the heap are referred to by the heap section like the globals' (checkpoint_write.c), so pre-copy's
 * dirty tracking covers their pages per block (dirty.c, README.md "Pre-copy"): a round and the stop read only the
 * chunks of a big heap block that were written since the round their delta is against. A program asks for four rounds
 * and between them writes a few pages of a block it keeps, frees a block and allocates it again with {@code calloc}
 * (the same address or another, only a few pages written), grows a block with {@code realloc} (glibc moves or grows a
 * mapped block with {@code mremap}), and frees and allocates again blocks of glibc's own heap (which it gives back to
 * the kernel and takes again by {@code brk}), then stops itself. Every round and the stop run with
 * {@code TALENT_DIRTY=verify}: each delta is built from the tracking and again by comparing every chunk, and a
 * difference fails the round or the stop (exit 70), so a page whose change the tracking missed (a stale range over a
 * block replaced since) fails the test. The stop's delta is restarted on s390x (big-endian) and prints gcc's output.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class HeapDirtyTrackingIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <signal.h>
            #include <unistd.h>
            #define N (1u << 17)
            #define A 76800u
            static double *keep;
            static double *again;
            static double *grow;
            static size_t grown = N;
            static double *pool[4];
            static unsigned long long spin(unsigned long long h) {
              for (int i = 0; i < 50; i++) h = h * 31 + (unsigned)i;
              return h;
            }
            /* by value, not by byte: the same on every byte order */
            static unsigned long long mix(unsigned long long h, const double *p, size_t n) {
              for (size_t i = 0; i < n; i++) h = (h ^ (unsigned long long)(long long)(p[i] * 4)) * 1099511628211ull;
              return h;
            }
            static double *filled(size_t n, double f) {
              double *p = malloc(n * sizeof *p);
              if (!p) exit(1);
              for (size_t i = 0; i < n; i++) p[i] = i * f + 1;
              return p;
            }
            /* what changes between rounds r and r + 1 */
            static void change(int r) {
              for (int k = 0; k < 6; k++) keep[(k * 13 + r) * 512 + 7] += r + 0.5;
              /* freed and allocated again: zero but for three pages, where the block before had numbers */
              free(again);
              again = calloc(N, sizeof *again);
              if (!again) exit(1);
              for (int k = 0; k < 3; k++) again[(k * 17 + r) * 512 + 1] = r * 2 + k + 1;
              /* grown: moved or grown in place */
              grow = realloc(grow, (grown + 4096) * sizeof *grow);
              if (!grow) exit(1);
              for (size_t i = grown; i < grown + 4096; i++) grow[i] = (double)i;
              grown += 4096;
              grow[(r * 5 + 1) * 512 + 3] = -r;
              /* glibc's own heap: all of it freed (given back above the rest), then allocated again, zero */
              for (int k = 3; k >= 0; k--) free(pool[k]);
              for (int k = 0; k < 4; k++) {
                pool[k] = calloc(A, sizeof *pool[k]);
                if (!pool[k]) exit(1);
                pool[k][(k * 7 + r) * 512 % A] = k + r + 0.75;
              }
            }
            int main(void) {
              unsigned long long h = 1469598103934665603ull, w = 0;
              keep = filled(N, 0.5);
              again = filled(N, 0.25);
              grow = filled(N, 2.0);
              /* a block larger than the others, freed: glibc then keeps blocks up to its size in its own heap */
              free(filled(2 * N, 1.0));
              for (int k = 0; k < 4; k++) pool[k] = filled(A, k + 1.5);
              for (int r = 0; r < 4; r++) {
                if (getenv("ROUNDS")) {
                  /* a round, served at the next site visit and written while this one sleeps */
                  kill(getpid(), SIGURG);
                  for (int i = 0; i < 5; i++) w = spin(w);
                  sleep(1);
                  for (int i = 0; i < 5; i++) w = spin(w);
                }
                change(r);
              }
              if (w == 42) return 2;
              if (getenv("STOP")) kill(getpid(), SIGUSR1);
              for (int i = 0; i < 5; i++) h = spin(h);
              h = mix(h, keep, N);
              h = mix(h, again, N);
              h = mix(h, grow, grown);
              for (int k = 0; k < 4; k++) h = mix(h, pool[k], A);
              printf("%llu %zu\\n", h, grown);
              return 0;
            }
            """;

    @Test
    void roundsAndTheStopReadOnlyTheHeapPagesWrittenAndRestoreLikeGcc() throws Exception {
        VerifiedRounds v = VerifiedRounds.run(work, "heap", PROGRAM);
        String err = v.first().err();
        // where a block's mapping was replaced inside a tracked range (where the kernel puts the moved and new mappings
        // varies from run to run), that range alone is dropped ("no longer tracked" at -v), not the tracking
        assertThat(err).doesNotContain("dirty tracking off");
        for (int round = 3; round <= 4; round++) {
            assertThat(err).contains("pre-copy round " + round + ": dirty tracking verified");
            // keep's 256 chunks, of which 6 pages were written: the heap's blocks are tracked in a round's child too
            assertThat(v.unchanged("pre-copy round " + round, round - 1)).as(err).isGreaterThanOrEqualTo(256L - 16L);
        }
        assertThat(err).contains("stop after pre-copy: dirty tracking verified");
        assertThat(v.unchanged("stop after pre-copy", 4)).as(err).isGreaterThanOrEqualTo(256L - 16L);
        // the stop's delta and its base, moved to s390x: the program goes on from the stop and prints gcc's line
        Target s390x = HOPS.get(1);
        assertThat(s390x.name()).isEqualTo("s390x");
        Run second = v.restartOn(s390x, v.ck(), work.resolve("heap.s390x"));
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(v.first().out() + second.out()).as(err + second.err()).isEqualTo(v.plain());
    }
}
