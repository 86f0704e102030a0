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
 * Issue 11: {@code static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;} (qrencode's rsecc.c locks one around the
 * set-up of its tables) was refused at build time: pthread_mutex_t is a C library type whose private member
 * {@code __data} differs between ISAs. The runtime now describes it (mutextype.c) by its kind alone: an unlocked mutex
 * is carried as default, recursive or error-checking and restored freshly initialised of that kind; a locked one, or
 * one initialised with other attributes, refuses the checkpoint by name. pthread_once_t is an int whose "done" value
 * is 2 in glibc and musl alike: a once already run stays run.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class MutexIT {
    @TempDir
    Path work;

    /**
     * A global and a function-local static mutex (PTHREAD_MUTEX_INITIALIZER), a recursive and an error-checking one
     * made with pthread_mutex_init, a pthread_once_t. The table set-up under the function-local lock takes the first
     * ~8,500 site visits; after it each round visits 500 sites with no lock held, and prints what each kind answers
     * (a recursive mutex is taken twice, an error-checking one reports an unlock it does not hold and a second lock).
     */
    private static final String PROGRAM = """
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t rec, chk;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static unsigned table[64];
static int inits;
static void init_once(void) { inits++; }
static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
static unsigned get(int k) {
  static pthread_mutex_t local = PTHREAD_MUTEX_INITIALIZER;
  static int ready;
  pthread_once(&once, init_once);
  pthread_mutex_lock(&local);
  if (!ready) { for (int i = 0; i < 64; i++) table[i] = work(100 + i); ready = 1; }
  pthread_mutex_unlock(&local);
  return table[k % 64];
}
static void setup(void) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&rec, &a);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&chk, &a);
  pthread_mutexattr_destroy(&a);
}
int main(void) {
  unsigned h = 0;
  setup();
  for (int r = 0; r < 30; r++) {
    pthread_mutex_lock(&lock);
    h = h * 7 + get(r * 5);
    pthread_mutex_unlock(&lock);
    h += work(500);
    /* what each kind answers: a recursive mutex is taken twice, an error-checking one tells an unlock it does not hold */
    int r1 = pthread_mutex_trylock(&rec), r2 = pthread_mutex_trylock(&rec);
    pthread_mutex_unlock(&rec);
    pthread_mutex_unlock(&rec);
    int e1 = pthread_mutex_unlock(&chk) == EPERM, e2 = pthread_mutex_lock(&chk), e3 = pthread_mutex_lock(&chk) == EDEADLK;
    pthread_mutex_unlock(&chk);
    int t = pthread_mutex_trylock(&lock);
    if (t == 0) pthread_mutex_unlock(&lock);
    printf("%d %u rec=%d%d chk=%d%d%d lock=%d once=%d\\n", r, h, r1, r2, e1, e2, e3, t, inits);
  }
  return 0;
}
""";

    @Test
    void unlockedMutexesOfEachKindAndADoneOnceMigrateLikeGcc() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "k", PROGRAM);
        assertThat(plain.out()).contains("0 ").endsWith("rec=00 chk=101 lock=0 once=1\n");
        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "k", chain, plain);
        // every stop after the set-up (past ~8,500 visits; ~23,500 in all), inside work() and between rounds
        int[][] stops = {{9000, 1500, 1000}, {14000, 250, 2000}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }

    /**
     * A pthread_mutexattr_t local of main, which checkpoints before its _init and after its _destroy (refused at build
     * time before: ThreadAttributesTest): the attribute is not saved, the recursive mutex it made is carried (a
     * trylock of it while held answers 0 on gcc's run; EBUSY would show a default one).
     */
    @Test
    void anAttributeLocalOfACheckpointingFunctionMigratesLikeGcc() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "attr", """
                #include <pthread.h>
                #include <stdio.h>
                static pthread_mutex_t m;
                static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
                int main(void) {
                  pthread_mutexattr_t ma;
                  unsigned h = work(300);
                  pthread_mutexattr_init(&ma);
                  pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
                  pthread_mutex_init(&m, &ma);
                  pthread_mutexattr_destroy(&ma);
                  for (int r = 0; r < 8; r++) {
                    pthread_mutex_lock(&m);
                    int again = pthread_mutex_trylock(&m);
                    if (again == 0) pthread_mutex_unlock(&m);
                    pthread_mutex_unlock(&m);
                    h = h * 7 + work(200 + r);
                    printf("%d again=%d h=%u\\n", r, again, h);
                  }
                  return 0;
                }
                """, 3, 150, 700, 1500);
        assertThat(out).contains("0 again=0 h=");
    }

    /** A stop inside the set-up, while the function-local mutex and the global one are held: refused by name. */
    @Test
    void aCheckpointWhileAMutexIsLockedIsRefusedByName() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "held", PROGRAM, 3000);
        assertThat(r.err()).contains("cannot checkpoint: pthread_mutex_t '").contains("' is locked; talent carries a mutex only "
                + "while it is unlocked");
        assertThat(r.err()).containsAnyOf("'lock'", "'local'");
    }

    /** A process-shared mutex carries an attribute talent does not: refused by name, the program goes on. */
    @Test
    void aMutexWithAttributesBesidesItsTypeIsRefusedByName() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "shared", """
                #include <pthread.h>
                #include <stdio.h>
                static pthread_mutex_t shared;
                static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
                static void setup(void) {
                  pthread_mutexattr_t a;
                  pthread_mutexattr_init(&a);
                  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
                  pthread_mutex_init(&shared, &a);
                  pthread_mutexattr_destroy(&a);
                }
                int main(void) {
                  setup();
                  for (int r = 0; r < 5; r++) {
                    pthread_mutex_lock(&shared);
                    unsigned h = work(100);
                    pthread_mutex_unlock(&shared);
                    printf("%d %u\\n", r, h + work(300));
                  }
                  return 0;
                }
                """, 700);
        assertThat(r.err()).contains("pthread_mutex_t 'shared' was initialised with attributes besides its type");
    }

    /**
     * A checkpoint whose mutex has kind 3 (none; forged from a real one, CRCs right): the Java reader refuses it, and
     * so does the C reader of the restoring runtime (exit 66, an invalid file), naming the kind.
     */
    @Test
    void aForgedKindIsRefusedByBothReaders() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "f", PROGRAM);
        List<Target> one = List.of(HOPS.getFirst());
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "f", one, plain);
        MigratesLikeGcc.Stopped stopped = MigratesLikeGcc.stoppedAt(work, "forged", one.getFirst(), exes.getFirst(), 9000);
        assertThat(stopped.global("chk")).isEqualTo(new Value.StructValue(List.of(new Value.IntValue(BigInteger.TWO))));
        Run second = MigratesLikeGcc.forgedGlobalRefused(one.getFirst(), exes.getFirst(), stopped, "chk",
                new Value.StructValue(List.of(new Value.IntValue(BigInteger.valueOf(3)))), "a pthread_mutex_t of kind 3, which is none");
        assertThat(second.err()).contains("a pthread_mutex_t of kind 3, which is none");
    }
}
