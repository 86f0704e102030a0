package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.toolchain.Isa;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers kept in pointers: a hash table's tombstone {@code (void *)1}, small numbers {@code (void *)(size_t)(r + 2)}
 * as values, a list's end marker {@code (struct node *)-1}, a local {@code (void *)3} and a heap member
 * {@code (void *)65535}, compared with their constants after every stop. Before, each was saved as indeterminate
 * (none is an address of anything) and restored as 0xDEAD: the program counted other live and dead slots after a
 * restart, or after a checkpoint that could not be written on the same ISA, exit 0 (found in the indent hunt).
 * Carried as the number now (format major 6, docs/FORMAT.md "Pointers"), the same on 32 and 64 bits.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class NumbersInPointersIT {
    @TempDir
    Path work;

    static final String SENTINELS = """
            #include <stdio.h>
            #include <stdlib.h>
            #define DELETED ((void *)1)
            struct node { struct node *next; void *tag; int v; };
            #define END ((struct node *)-1)
            static void *slots[16];
            static struct node *list = END;
            static unsigned work(unsigned x) {
              for (int i = 0; i < 40; i++) x = x * 1103515245u + 12345u + (unsigned)i;
              return x;
            }
            int main(void) {
              void *kind = (void *)3;
              struct node *heap = malloc(sizeof *heap);
              heap->next = END;
              heap->tag = (void *)65535;
              heap->v = 7;
              unsigned h = 1;
              for (int r = 0; r < 400; r++) {
                int i = (r * 7) % 16;
                slots[i] = r % 3 == 0 ? DELETED : (void *)(size_t)(r % 100 + 2);
                if (r == 200) list = heap;
                unsigned live = 0, dead = 0, small = 0;
                for (int k = 0; k < 16; k++) {
                  if (slots[k] == DELETED) dead++;
                  else if (slots[k] != NULL) live++;
                  if (slots[k] == (void *)(size_t)(r % 100 + 2)) small++;
                }
                h = h * 31u + live * 7u + dead + small * 3u + (kind == (void *)3) + (heap->next == END) * 2u
                    + (heap->tag == (void *)65535) * 4u + (list == END) * 8u;
                h = work(h);
                if (r % 50 == 49) printf("r=%d h=%u live=%u dead=%u small=%u end=%d\\n", r, h, live, dead, small, list == END);
              }
              free(heap);
              return 0;
            }
            """;

    @Test
    void sentinelsAndSmallNumbersInPointersMigrateLikeGcc() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "sentinels", SENTINELS);
        assertThat(plain.out()).contains("r=399 ");
        List<Target> chain = MigratesLikeGcc.withMusl(Target.of(Isa.X86_64), Target.of(Isa.S390X), Target.of(Isa.I686));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "sentinels", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{300, 2000, 5000}, {9000, 4000, 100}}, plain);
    }
}
