package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Survey of 2026-12-03 (byacc registers an exit handler that removes its temporary files): the C library keeps the
 * handlers registered with {@code atexit} in a list a checkpoint does not carry. Before, the process stopped by the
 * checkpoint ran them as it exited 75 and the restored process never did: the program below printed {@code bye} in
 * the middle of its output and not at the end, exit 0 (and byacc's restore failed on its removed temporary file). A
 * checkpoint of a program that registered one is now refused, naming the handler; one taken before the registration
 * migrates, and the handler registered after the restore runs at the end.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExitHandlersIT {
    @TempDir
    Path work;

    private static final String WORK = """
            #include <stdio.h>
            #include <stdlib.h>
            static void bye(void) { printf("bye\\n"); }
            static unsigned work(unsigned n) {
              unsigned h = 0;
              for (unsigned i = 0; i < n; i++) h = h * 31 + i;
              return h;
            }
            """;

    @Test
    void aCheckpointAfterAtexitIsRefusedNamingTheHandler() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "atexit", WORK + """
                int main(void) {
                  atexit(bye);
                  for (int r = 0; r < 10; r++) printf("%u\\n", work(1000 + r));
                  return 0;
                }
                """, 3000);
        assertThat(r.err()).contains("registered 1 exit handler with atexit (the first: 'bye')");
    }

    @Test
    void aCheckpointBeforeAtexitMigratesAndTheHandlerRunsAtTheEnd() throws Exception {
        String out = MigratesLikeGcc.check(work, "late", WORK + """
                int main(void) {
                  for (int r = 0; r < 10; r++) printf("%u\\n", work(1000 + r));
                  atexit(bye);
                  printf("%u\\n", work(77));
                  return 0;
                }
                """, 2, 5, 3000, 9000);
        assertThat(out).endsWith("bye\n");
    }
}
