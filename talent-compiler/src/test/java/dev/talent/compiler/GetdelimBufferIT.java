package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found 2026-12-06 (h/hunt4): the buffer {@code getdelim} allocates for the program (records split at {@code ';'})
 * was a heap block of the C library's of no known type, carried as raw bytes, so every restart on another byte order
 * or pointer width was refused (exit 65) where {@code getline}'s buffer, the same kind of block, migrated. The call is
 * now wrapped as getline is (runtime blocking.c): its buffer is a char block.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GetdelimBufferIT {
    @TempDir
    Path work;

    @Test
    void theBufferOfGetdelimMigratesAcrossByteOrdersAndWidths() throws Exception {
        String source = """
                #define _DEFAULT_SOURCE
                #include <stdio.h>
                #include <stdlib.h>
                static unsigned work(unsigned n) {
                  unsigned h = 7;
                  for (unsigned i = 0; i < n; i++) h = h * 31 + i;
                  return h;
                }
                int main(int argc, char **argv) {
                  (void)argc;
                  char path[4096];
                  snprintf(path, sizeof path, "%s.txt", argv[0]);
                  FILE *f = fopen(path, "w+");
                  if (!f) return 2;
                  for (int i = 0; i < 40; i++) fprintf(f, "rec%d;", i * 7);
                  rewind(f);
                  char *line = NULL;
                  size_t cap = 0;
                  unsigned h = 0;
                  for (int r = 0; r < 6 && getdelim(&line, &cap, ';', f) > 0; r++) {
                    h += work(1000 + r);
                    printf("%d %s %u\\n", r, line, h);
                  }
                  free(line);
                  fclose(f);
                  return 0;
                }
                """;
        String out = MigratesLikeGcc.checkEveryStop(work, "gd", source, 3, 2500, 4500);
        assertThat(out).startsWith("0 rec0; ").contains("\n5 rec35; ");
    }
}
