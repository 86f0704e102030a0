package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thread-locals of a single-threaded unit become plain statics of the unit's table (issue 11); a unit that starts
 * threads keeps them and is refused (diagnostics/thread-local).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ThreadLocalsTest {
    @TempDir
    Path dir;

    @Test
    void threadLocalsOfASingleThreadedUnitAreSavedAsStatics() {
        String out = CProgram.in(dir).file("a.c", """
                extern __thread int depth;
                static __thread unsigned counter = 3;
                _Thread_local int hits[4], *last;
                __thread int depth;
                int bump(void) {
                  static _Thread_local long seen;
                  for (int i = 0; i < 3; i++) { seen += i; counter++; hits[i]++; }
                  last = &hits[1];
                  return (int)seen + depth;
                }
                int main(void) { return bump(); }
                """).instrumented("a.c");
        var lines = CProgram.originalLines(out);
        // the keyword is blanked column for column: messages keep their columns
        assertThat(lines.get(0)).isEqualTo("extern          int depth;");
        assertThat(lines.get(1)).isEqualTo("static          unsigned counter = 3; TALENT_GAP(__talent_gap1)");
        assertThat(out).doesNotContain("__thread").doesNotContain("_Thread_local");
        assertThat(out).contains("{ \"a.c:counter\", \"counter\", \"a.c:2:26\", (void *)&counter,")
                .contains("{ \"hits\", \"hits\", \"a.c:3:19\", (void *)&hits,")
                .contains("{ \"last\", \"last\", \"a.c:3:29\", (void *)&last,")
                .contains("{ \"depth\", \"depth\", ")
                .contains("(void *)&__talent_s_bump_seen,");
    }

    @Test
    void aUnitThatStartsThreadsKeepsItsThreadLocalsAndIsRefused() {
        var d = CProgram.in(dir).file("a.c", """
                #include <threads.h>
                static _Thread_local int n;
                static int run(void *a) { n++; return a != 0; }
                int main(void) { thrd_t t; thrd_create(&t, run, 0); return n; }
                """).rejection();
        assertThat(d).anySatisfy(e -> assertThat(e.message()).contains("thread-local variable 'n'"));
        assertThat(d).anySatisfy(e -> assertThat(e.message()).contains("threads are not supported ('thrd_create')"));
    }

    /**
     * pthread_key_create (and C11's tss_create): the key is a number of this process's C library, its value and
     * destructor in the library's tables. Carried as the number, a restarted process had no such key
     * (pthread_getspecific answered NULL after the restore): refused at build time by name.
     */
    @Test
    void threadSpecificDataKeysAreRefusedByName() {
        var d = CProgram.in(dir).file("a.c", """
                #include <pthread.h>
                #include <threads.h>
                static pthread_key_t k;
                static tss_t t;
                static int v = 42;
                int main(void) {
                  pthread_key_create(&k, 0);
                  tss_create(&t, 0);
                  pthread_setspecific(k, &v);
                  int n = 0;
                  for (int i = 0; i < 3; i++) n += *(int *)pthread_getspecific(k);
                  return n;
                }
                """).rejection();
        assertThat(d).anySatisfy(e -> assertThat(e.message()).contains("thread-specific data is not supported ('pthread_key_create')")
                .contains("a restarted process has no such key"));
        assertThat(d).anySatisfy(e -> assertThat(e.message()).contains("thread-specific data is not supported ('tss_create')"));
    }
}
