package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.format.Value;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: the threads library's objects besides the mutex and condition variable, in a program's globals,
 * function-local statics and heap. pthread_rwlock_t and pthread_barrier_t were refused at build time (private member
 * {@code __data} / {@code __size}); pthread_spinlock_t, an int, was carried as its value, which is each C library's
 * own (1 unlocked on glibc x86_64 and i686, 0 on glibc s390x and musl): a lock unlocked on x86_64 came back locked on
 * s390x and musl. The runtime now describes each (rwlocktype.c, spintype.c, barriertype.c): a read-write lock as how
 * the program holds it (unlocked, read-locked N times, write-locked; restored fresh and locked again so), a spin lock
 * as locked or not, a barrier as its count. pthread_once_t is an int whose "done" value is 2 in both (MutexIT).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PthreadObjectsIT {
    @TempDir
    Path work;

    /**
     * A global read-write lock (static initialiser), a function-local static one and a heap table's (pthread_rwlock_init),
     * a global spin lock and the table's, a barrier of one, a once. Each round looks up under the local and the
     * table's read locks (the table's taken twice) with 200 site visits inside, then updates under the global write
     * lock and the table's spin lock with ~150 visits inside, and prints what the try functions answer (EBUSY is 16 on
     * every platform here). About 370 visits a round, 12 rounds.
     */
    private static final String PROGRAM = """
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
static pthread_rwlock_t cache = PTHREAD_RWLOCK_INITIALIZER;
static pthread_spinlock_t spin;
static pthread_barrier_t step;
static pthread_once_t once = PTHREAD_ONCE_INIT;
struct table { pthread_rwlock_t lock; pthread_spinlock_t guard; unsigned v[16]; };
static struct table *t;
static int inits;
static void init_once(void) { inits++; }
static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
static unsigned lookup(int k, int *busy) {
  static pthread_rwlock_t local = PTHREAD_RWLOCK_INITIALIZER;
  pthread_rwlock_rdlock(&local);
  pthread_rwlock_rdlock(&t->lock);
  pthread_rwlock_rdlock(&t->lock);
  unsigned h = t->v[k % 16] + work(200);
  int w = pthread_rwlock_trywrlock(&t->lock);
  int r = pthread_rwlock_tryrdlock(&local);
  if (r == 0) pthread_rwlock_unlock(&local);
  pthread_rwlock_unlock(&t->lock);
  int w2 = pthread_rwlock_trywrlock(&t->lock);
  pthread_rwlock_unlock(&t->lock);
  int w3 = pthread_rwlock_trywrlock(&t->lock);
  if (w3 == 0) pthread_rwlock_unlock(&t->lock);
  pthread_rwlock_unlock(&local);
  *busy = w * 10000 + r * 1000 + w2 * 10 + w3;
  return h;
}
static int update(int k) {
  pthread_rwlock_wrlock(&cache);
  pthread_spin_lock(&t->guard);
  t->v[k % 16] = work(150 + k);
  int r = pthread_rwlock_tryrdlock(&cache), w = pthread_rwlock_trywrlock(&cache), s = pthread_spin_trylock(&t->guard);
  pthread_spin_unlock(&t->guard);
  pthread_rwlock_unlock(&cache);
  return r * 10000 + w * 100 + s;
}
int main(void) {
  unsigned h = 0;
  t = malloc(sizeof *t);
  pthread_rwlock_init(&t->lock, 0);
  pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
  pthread_spin_init(&t->guard, PTHREAD_PROCESS_PRIVATE);
  pthread_barrier_init(&step, 0, 1);
  for (int i = 0; i < 16; i++) t->v[i] = (unsigned)i;
  for (int r = 0; r < 12; r++) {
    int busy, held;
    pthread_once(&once, init_once);
    h = h * 7 + lookup(r, &busy);
    held = update(r);
    int s = pthread_spin_trylock(&spin);
    if (s == 0) pthread_spin_unlock(&spin);
    int s2 = pthread_spin_trylock(&t->guard);
    if (s2 == 0) pthread_spin_unlock(&t->guard);
    int w = pthread_rwlock_trywrlock(&cache);
    if (w == 0) pthread_rwlock_unlock(&cache);
    int b = pthread_barrier_wait(&step) == PTHREAD_BARRIER_SERIAL_THREAD;
    printf("%d %u busy=%d held=%d spin=%d%d cache=%d barrier=%d once=%d\\n", r, h, busy, held, s, s2, w, b, inits);
  }
  pthread_rwlock_destroy(&t->lock);
  pthread_barrier_destroy(&step);
  free(t);
  return 0;
}
""";

    /** x86_64 -> x86_64-musl -> s390x -> i686, as the issue asks: glibc to musl and back, both byte orders and widths. */
    private static List<Target> chain() {
        return List.of(HOPS.get(0), MigratesLikeGcc.musl(), HOPS.get(1), HOPS.get(2));
    }

    @Test
    void readWriteLocksSpinLocksAndABarrierMigrateLikeGcc() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "p", PROGRAM);
        assertThat(plain.out()).startsWith("0 ")
                .endsWith(" busy=160160 held=161616 spin=00 cache=0 barrier=1 once=1\n");
        List<Target> chain = chain();
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "p", chain, plain);
        // stops inside lookup's and update's work() (locks held) and between rounds
        int[][] stops = {{100, 250, 330, 420}, {470, 190, 1200}, {1400, 560, 700}, {2000, 1000, 90}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }

    /**
     * The states the chain carries are the ones the program holds: stopped on x86_64 at each of a round's visits in
     * steps, the checkpoints hold the local lock read-locked (1) and unlocked (0), the global one write-locked
     * (65535) and unlocked, and the barrier's count less one (0).
     */
    @Test
    void aCheckpointHoldsHowEachLockIsHeld() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "h", PROGRAM);
        List<Target> one = List.of(HOPS.getFirst());
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "h", one, plain);
        Set<Value> local = new HashSet<>();
        Set<Value> cache = new HashSet<>();
        for (int stop = 400; stop <= 800; stop += 40) {
            MigratesLikeGcc.Stopped s = MigratesLikeGcc.stoppedAt(work, "h" + stop, one.getFirst(), exes.getFirst(), stop);
            local.add(s.global("local"));
            cache.add(s.global("cache"));
            assertThat(s.global("step")).isEqualTo(held(0));
        }
        assertThat(local).containsExactlyInAnyOrder(held(0), held(1));
        assertThat(cache).containsExactlyInAnyOrder(held(0), held(65535));
    }

    private static Value held(long v) {
        return new Value.StructValue(List.of(new Value.IntValue(BigInteger.valueOf(v))));
    }

    /** A process-shared read-write lock: refused by name at the checkpoint, the program goes on. */
    @Test
    void aProcessSharedReadWriteLockIsRefusedByName() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "shared", """
                #include <pthread.h>
                #include <stdio.h>
                static pthread_rwlock_t shared;
                static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
                int main(void) {
                  pthread_rwlockattr_t a;
                  pthread_rwlockattr_init(&a);
                  pthread_rwlockattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
                  pthread_rwlock_init(&shared, &a);
                  pthread_rwlockattr_destroy(&a);
                  for (int r = 0; r < 5; r++) {
                    pthread_rwlock_rdlock(&shared);
                    unsigned h = work(100);
                    pthread_rwlock_unlock(&shared);
                    printf("%d %u\\n", r, h + work(300));
                  }
                  return 0;
                }
                """, 700);
        assertThat(r.err()).contains("pthread_rwlock_t 'shared' is process-shared");
    }

    /**
     * A checkpoint whose spin lock's one-bit member holds 2 (forged, CRCs right): the Java reader refuses it, and so
     * does the C reader of the restoring runtime (exit 66), by the bit-field's width.
     */
    @Test
    void aForgedSpinLockIsRefusedByBothReaders() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "f", PROGRAM);
        List<Target> one = List.of(HOPS.getFirst());
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "f", one, plain);
        MigratesLikeGcc.Stopped stopped = MigratesLikeGcc.stoppedAt(work, "forged", one.getFirst(), exes.getFirst(), 1000);
        assertThat(stopped.global("spin")).isEqualTo(held(0));
        Run second = MigratesLikeGcc.forgedGlobalRefused(one.getFirst(), exes.getFirst(), stopped, "spin", held(2), "spin.locked");
        assertThat(second.err()).contains("value of bit-field 'locked' does not fit its 1 bits");
    }
}
