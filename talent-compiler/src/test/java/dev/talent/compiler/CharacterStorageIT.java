package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Character storage that the program uses as other types (a bump allocator over a static {@code unsigned char}
 * pool, ints kept in a char buffer) is carried as bytes, in the writing ISA's layout and byte order. Restored on
 * s390x, such a program printed other sums with exit 0 (found by hand: {@code sum=27769} where gcc prints
 * {@code sum=52350}) or crashed. A pointer of a non-character type into character storage, saved at a checkpoint,
 * now refuses it by name (values.c); the program goes on as gcc's build.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CharacterStorageIT {
    @TempDir
    Path work;

    static final String INTS_IN_CHARS = """
            #include <stdio.h>
            static _Alignas(8) unsigned char pool[4096];
            int main(void) {
              int *a = (int *)pool;
              long sum = 0;
              for (int i = 0; i < 1000; i++) {
                a[i] = i * 7;
                for (int j = 0; j <= i; j += 50) sum += a[j] % 11;
              }
              printf("sum=%ld a500=%d\\n", sum, a[500]);
              return 0;
            }
            """;

    static final String POOL_ALLOCATOR = """
            #include <stdio.h>
            #include <stddef.h>
            static _Alignas(16) unsigned char pool[1 << 16];
            static size_t used;
            static void *pool_alloc(size_t n) { void *p = pool + used; used += (n + 15) & ~(size_t)15; return p; }
            struct node { struct node *next; long v; };
            int main(void) {
              struct node *head = NULL;
              long sum = 0;
              for (int i = 0; i < 2000; i++) {
                struct node *n = pool_alloc(sizeof *n);
                n->v = i * 3;
                n->next = head;
                head = n;
                for (struct node *p = head; p && p->v > i * 3 - 30; p = p->next) sum += p->v % 7;
              }
              printf("sum=%ld used=%zu first=%ld second=%ld\\n", sum, used, head->v, head->next->v);
              return 0;
            }
            """;

    @Test
    void intsKeptInACharacterArrayRefuseTheCheckpoint() throws Exception {
        Run run = MigratesLikeGcc.refusedAt(work, "ints", INTS_IN_CHARS, 3000);
        assertThat(run.err()).contains("pointer 'a' (int *").contains("points into character storage (unsigned char[4096])");
    }

    @Test
    void structsOfAPoolAllocatorRefuseTheCheckpoint() throws Exception {
        Run run = MigratesLikeGcc.refusedAt(work, "pool", POOL_ALLOCATOR, 3000);
        assertThat(run.err()).contains("(struct node *").contains("uses as struct node");
    }
}
