package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: a pthread_mutexattr_t (pthread_condattr_t, pthread_attr_t) local of a function that may checkpoint was
 * refused at build time (private member '__size'), though it is set up, used and destroyed before the function's
 * loops. Handing its address to the threads library does not make it address-taken, its _init is a write: it is saved
 * only where it is live (analysis.ThreadAttributes), and only there refused.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ThreadAttributesTest {
    @TempDir
    Path dir;

    @Test
    void attributesDeadAtEverySiteAreNotSaved() {
        String out = CProgram.in(dir).file("m.c", """
                #include <pthread.h>
                #include <time.h>
                static pthread_mutex_t m;
                static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
                int main(void) {
                  pthread_mutexattr_t ma;
                  pthread_condattr_t ca;
                  pthread_attr_t ta;
                  size_t stack = 0;
                  unsigned h = work(10);
                  pthread_mutexattr_init(&ma);
                  pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
                  pthread_mutex_init(&m, &ma);
                  pthread_mutexattr_destroy(&ma);
                  pthread_condattr_init(&ca);
                  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
                  pthread_condattr_destroy(&ca);
                  pthread_attr_init(&ta);
                  pthread_attr_getstacksize(&ta, &stack);
                  pthread_attr_destroy(&ta);
                  for (int i = 0; i < 10; i++) h += work(i) + (stack > 0);
                  return (int)(h & 1);
                }
                """).instrumented("m.c");
        assertThat(out).doesNotContain("__size").contains("pthread_mutexattr_init(&ma)");
    }

    /**
     * A pthread_rwlockattr_t and a pthread_barrierattr_t set up and destroyed before the loops: not saved (they were
     * refused at build time before, private member '__size'); the lock and barrier they made are (rwlocktype.c,
     * barriertype.c).
     */
    @Test
    void readWriteLockAndBarrierAttributesDeadAtEverySiteAreNotSaved() {
        String out = CProgram.in(dir).file("m.c", """
                #include <pthread.h>
                static pthread_rwlock_t rw;
                static pthread_barrier_t b;
                static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
                int main(void) {
                  pthread_rwlockattr_t ra;
                  pthread_barrierattr_t ba;
                  unsigned h = work(10);
                  pthread_rwlockattr_init(&ra);
                  pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_PRIVATE);
                  pthread_rwlock_init(&rw, &ra);
                  pthread_rwlockattr_destroy(&ra);
                  pthread_barrierattr_init(&ba);
                  pthread_barrier_init(&b, &ba, 1);
                  pthread_barrierattr_destroy(&ba);
                  for (int i = 0; i < 10; i++) h += work(i) + (pthread_barrier_wait(&b) != 0);
                  return (int)(h & 1);
                }
                """).instrumented("m.c");
        assertThat(out).doesNotContain("__size").contains("pthread_rwlockattr_init(&ra)")
                .contains("&rw, &talent_rwlock_type").contains("&b, &talent_barrier_type");
    }

    @Test
    void attributesLiveAtASiteAreStillRefusedByName() {
        List<Diagnostic> d = CProgram.in(dir).file("m.c", """
                #include <pthread.h>
                static pthread_mutex_t m;
                static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
                int main(void) {
                  pthread_mutexattr_t ma;
                  pthread_mutexattr_init(&ma);
                  unsigned h = work(10);
                  pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
                  pthread_mutex_init(&m, &ma);
                  pthread_mutexattr_destroy(&ma);
                  return (int)(h & 1);
                }
                """).rejection();
        assertThat(d).anySatisfy(x -> assertThat(x.message()).contains("variable 'ma'").contains("private member"));
    }

    @Test
    void anAttributeWhoseAddressIsKeptIsSavedEverywhere() {
        List<Diagnostic> d = CProgram.in(dir).file("m.c", """
                #include <pthread.h>
                static pthread_mutex_t m;
                static pthread_mutexattr_t *kept;
                static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
                int main(void) {
                  pthread_mutexattr_t ma;
                  pthread_mutexattr_init(&ma);
                  kept = &ma;
                  pthread_mutex_init(&m, &ma);
                  pthread_mutexattr_destroy(&ma);
                  unsigned h = work(10);
                  return (int)(h & 1);
                }
                """).rejection();
        assertThat(d).anySatisfy(x -> assertThat(x.message()).contains("variable 'ma'").contains("private member"));
    }
}
