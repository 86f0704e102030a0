package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A size whose value differs between i686 and the LP64 ISAs, kept by the program (a table walked with a byte stride
 * held in a struct). Found by hand: the stride is a number to the checkpoint, so stopped on x86_64 and restarted on
 * i686 (or the reverse) the program walked its array of 8-byte elements with a 16-byte stride and printed other sums
 * with exit 0. Now such a build's checkpoints stay on their pointer width: the restore on the other one is refused
 * (exit 65) naming the size; to s390x and aarch64 the output is plain gcc's.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SizeValuesIT {
    @TempDir
    Path work;

    static final String STRIDE = """
            #include <stdio.h>
            struct item { long key; int weight; };
            static struct item tab[64];
            struct walker { char *base; size_t stride; size_t n; };
            int main(void) {
              struct walker w = { (char *)tab, sizeof tab[0], sizeof tab / sizeof tab[0] };
              unsigned long h = 0;
              for (int i = 0; i < 64; i++) { tab[i].key = i * 7919L % 1000; tab[i].weight = i % 13; }
              for (int r = 0; r < 200; r++) {
                for (size_t i = 0; i < w.n; i++) {
                  struct item *p = (struct item *)(w.base + i * w.stride);
                  h = (h * 31 + (unsigned long)p->key + p->weight) & 0xffffffffUL;
                }
                if (r % 50 == 49) printf("r %d h %lu\\n", r, h);
              }
              return 0;
            }
            """;

    @Test
    void aStrideKeptInAStructStaysOnItsPointerWidth() throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, "stride", STRIDE).out();
        assertThat(expected).endsWith("r 199 h 1371254640\n");
        CompileResult r = MigratesLikeGcc.compiled(work, "stride");
        MigratesLikeGcc.boundToByteOrder(work, "stride", r, expected, List.of("5", "3000"), List.of("i686"),
                List.of("s390x", "aarch64"), "'sizeof(struct item)' at stride.c:6:36 is the initial value of 'w'",
                "a checkpoint moves only between ISAs of the pointer width it was written on");
    }

    @Test
    void sizesUsedAtOnceStillMigrateToI686() throws Exception {
        MigratesLikeGcc.check(work, "wrapped", """
                #include <stdio.h>
                #include <stdlib.h>
                #include <string.h>
                struct item { long key; struct item *next; };
                static void *xmalloc(size_t n) { void *p = malloc(n); if (!p) exit(1); return p; }
                static struct item *items[32];
                int main(void) {
                  unsigned long h = 0;
                  for (int r = 0; r < 40; r++) {
                    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
                      struct item *it = xmalloc(sizeof *it);
                      memset(it, 0, sizeof(struct item));
                      it->key = (long)(r * 31 + i);
                      it->next = items[i];
                      items[i] = it;
                      h = (h * 33 + (unsigned long)it->key + (it->next ? (unsigned long)it->next->key : 7)) & 0xffffffffUL;
                    }
                  }
                  printf("h %lu\\n", h);
                  return 0;
                }
                """, 3, 5, 300, 900);
    }
}
