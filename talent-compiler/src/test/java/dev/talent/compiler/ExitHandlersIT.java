package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Survey of 2026-12-03 (byacc registers an exit handler that removes its temporary files): the C library keeps the
 * handlers registered with {@code atexit} in a list a checkpoint does not carry. Before, the process stopped by the
 * checkpoint ran them as it exited 75 and the restored process never did: a program printed {@code bye} in the
 * middle of its output and not at the end, exit 0 (and byacc's restore failed on its removed temporary file); then
 * such a checkpoint was refused. The runtime now keeps the program's handlers (atexit and on_exit, with on_exit's
 * argument as a pointer) in a list the checkpoint carries and runs them itself at exit, last registered first: the
 * handlers registered before a stop run once, after a restart on another ISA and C library, in order with those
 * registered after it.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ExitHandlersIT {
    @TempDir
    Path work;

    private static final String WORK = """
            #define _DEFAULT_SOURCE
            #include <stdio.h>
            #include <stdlib.h>
            int on_exit(void (*fn)(int, void *), void *arg);
            static unsigned work(unsigned n) {
              unsigned h = 0;
              for (unsigned i = 0; i < n; i++) h = h * 31 + i;
              return h;
            }
            """;

    /**
     * Handlers registered before, between and after the stops (atexit and on_exit, one with a pointer into a global
     * array, one into a heap block the program changes later), the program ending by exit(3): every chain of stops
     * restarted on s390x, i686 and x86_64 with musl prints gcc's output, the handlers last in reverse order, once.
     */
    @Test
    void handlersRegisteredBeforeAStopRunOnceInOrderAfterARestartOnAnotherIsa() throws Exception {
        String source = WORK + """
                static char names[3][8] = {"first", "second", "third"};
                static void bye(void) { printf("bye\\n"); }
                static void later(void) { printf("later\\n"); }
                static void named(int status, void *arg) { printf("on_exit %d %s\\n", status, (char *)arg); }
                int main(void) {
                  int *counter = malloc(sizeof *counter);
                  *counter = 0;
                  atexit(bye);
                  on_exit(named, names[1]);
                  for (int r = 0; r < 10; r++) {
                    printf("%u\\n", work(1000 + r));
                    if (r == 4) { on_exit(named, names[2]); atexit(later); }
                    (*counter)++;
                  }
                  on_exit((void (*)(int, void *)) named, (char *) names[0]);
                  printf("%u %d\\n", work(77), *counter);
                  exit(3);
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "h", source);
        assertThat(plain.out()).endsWith("on_exit 3 first\nlater\non_exit 3 third\non_exit 3 second\nbye\n");
        assertThat(plain.rc()).isEqualTo(3);

        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "h", chain, plain);
        // about 1000 site visits per round: stops before, between and after the registrations of round 4
        int[][] stops = {{1, 2000, 3000}, {3000, 2000, 1500}, {5500, 1000, 1000}, {9500, 300, 200}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }

    /** More handlers than a checkpoint carries: still run at exit in order, and a checkpoint is refused by name. */
    @Test
    void moreHandlersThanACheckpointCarriesAreRefusedByName() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "many", WORK + """
                static int n;
                static void count(void) { printf("%d\\n", n--); }
                int main(void) {
                  for (int i = 0; i < 40; i++) { atexit(count); n++; }
                  for (int r = 0; r < 10; r++) printf("%u\\n", work(1000 + r));
                  return 0;
                }
                """, 3000);
        assertThat(r.err()).contains("registered 40 exit handlers with atexit/on_exit, more than the 32 a checkpoint")
                .contains("carries (the first beyond them: 'count')");
    }

    /** A checkpoint after at_quick_exit is refused naming the handler: that list stays the C library's, not carried. */
    @Test
    void aCheckpointAfterAtQuickExitIsRefusedNamingTheHandler() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "quick", WORK + """
                static void quick(void) { printf("quick\\n"); fflush(stdout); }
                int main(void) {
                  at_quick_exit(quick);
                  for (int r = 0; r < 10; r++) printf("%u\\n", work(1000 + r));
                  fflush(stdout);
                  quick_exit(0);
                }
                """, 3000);
        assertThat(r.err()).contains("registered 1 handler with at_quick_exit (the first: 'quick')");
    }
}
