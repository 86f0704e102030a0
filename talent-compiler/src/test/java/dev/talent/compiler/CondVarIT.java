package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.format.Value;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: a global, function-local static or heap-struct member {@code pthread_cond_t} (threaded programs keep one
 * next to their mutex) was refused at build time: its private member {@code __data} differs between ISAs. The runtime
 * now describes it (condtype.c) by its clock alone: a condition variable nobody waits on (a checkpoint runs one
 * thread) is carried as CLOCK_REALTIME or CLOCK_MONOTONIC and restored freshly initialised with that clock; a
 * process-shared one refuses the checkpoint by name.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class CondVarIT {
    @TempDir
    Path work;

    /**
     * A global mutex and condition variable (static initialisers), a function-local static one, and a heap queue
     * whose condition variable measures timed waits on CLOCK_MONOTONIC (pthread_condattr_setclock). Each round
     * produces and consumes under the queue's lock with signal and broadcast, then waits on each with a short timeout:
     * the monotonic wait must time out after its 30 ms (a condition variable restored on CLOCK_REALTIME would take the
     * monotonic deadline for a date in 1970 and return at once: mono=0), the realtime one must time out (one restored on
     * CLOCK_MONOTONIC would wait for decades). About 430 site visits a round, 12 rounds.
     */
    private static final String PROGRAM = """
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
struct queue { pthread_mutex_t m; pthread_cond_t nonempty; int items; };
static struct queue *q;
static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
static long ms_since(const struct timespec *a, clockid_t c) {
  struct timespec b;
  clock_gettime(c, &b);
  return (long)(b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}
/* 1 when a timed wait of ms on cv (whose clock is c) timed out after its time */
static int wait_for(pthread_cond_t *cv, pthread_mutex_t *m, clockid_t c, long ms) {
  struct timespec start, until;
  clock_gettime(c, &start);
  until = start;
  until.tv_nsec += ms * 1000000L;
  if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
  pthread_mutex_lock(m);
  int rc = pthread_cond_timedwait(cv, m, &until);
  pthread_mutex_unlock(m);
  return rc == ETIMEDOUT && ms_since(&start, c) >= ms - 5;
}
int main(void) {
  static pthread_cond_t idle = PTHREAD_COND_INITIALIZER;
  pthread_condattr_t a;
  unsigned h = 0;
  q = malloc(sizeof *q);
  pthread_mutex_init(&q->m, 0);
  pthread_condattr_init(&a);
  pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
  pthread_cond_init(&q->nonempty, &a);
  pthread_condattr_destroy(&a);
  q->items = 0;
  for (int r = 0; r < 12; r++) {
    pthread_mutex_lock(&q->m);
    q->items += 2;
    pthread_cond_signal(&q->nonempty);
    pthread_mutex_unlock(&q->m);
    h = h * 7 + work(400);
    pthread_mutex_lock(&q->m);
    while (q->items == 0) pthread_cond_wait(&q->nonempty, &q->m);
    q->items--;
    pthread_mutex_unlock(&q->m);
    pthread_mutex_lock(&lock);
    pthread_cond_broadcast(&ready);
    pthread_cond_signal(&idle);
    pthread_mutex_unlock(&lock);
    int mono = wait_for(&q->nonempty, &q->m, CLOCK_MONOTONIC, 30);
    int real = wait_for(&ready, &lock, CLOCK_REALTIME, 2);
    int idl = wait_for(&idle, &lock, CLOCK_REALTIME, 1);
    printf("%d %u items=%d mono=%d real=%d idle=%d\\n", r, h, q->items, mono, real, idl);
  }
  free(q);
  return 0;
}
""";

    @Test
    void conditionVariablesOfEachClockMigrateLikeGcc() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "cv", PROGRAM);
        assertThat(plain.out()).startsWith("0 ").endsWith("items=12 mono=1 real=1 idle=1\n");
        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "cv", chain, plain);
        // stops inside work() and between rounds, before and after the first timed waits
        int[][] stops = {{300, 700, 900}, {2000, 450, 1500}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }

    /** A process-shared condition variable carries what talent does not: refused by name, the program goes on. */
    @Test
    void aProcessSharedConditionVariableIsRefusedByName() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "shared", """
                #include <pthread.h>
                #include <stdio.h>
                static pthread_cond_t shared;
                static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
                int main(void) {
                  pthread_condattr_t a;
                  pthread_condattr_init(&a);
                  pthread_condattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
                  pthread_cond_init(&shared, &a);
                  pthread_condattr_destroy(&a);
                  for (int r = 0; r < 5; r++) {
                    pthread_cond_signal(&shared);
                    printf("%d %u\\n", r, work(300));
                  }
                  return 0;
                }
                """, 700);
        assertThat(r.err()).contains("pthread_cond_t 'shared' is process-shared");
    }

    /**
     * A checkpoint whose global condition variable has clock 2 (none; forged from a real one, CRCs right): the value
     * does not fit the member's one bit, so the Java reader refuses it, and so does the C reader of the restoring
     * runtime (exit 66, an invalid file).
     */
    @Test
    void aForgedClockIsRefusedByBothReaders() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "f", PROGRAM);
        List<Target> one = List.of(HOPS.getFirst());
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "f", one, plain);
        MigratesLikeGcc.Stopped stopped = MigratesLikeGcc.stoppedAt(work, "forged", one.getFirst(), exes.getFirst(), 1000);
        assertThat(stopped.global("ready")).isEqualTo(new Value.StructValue(List.of(new Value.IntValue(BigInteger.ZERO))));
        Run second = MigratesLikeGcc.forgedGlobalRefused(one.getFirst(), exes.getFirst(), stopped, "ready",
                new Value.StructValue(List.of(new Value.IntValue(BigInteger.TWO))), "ready.clock");
        assertThat(second.err()).contains("value of bit-field 'clock' does not fit its 1 bits");
    }
}
