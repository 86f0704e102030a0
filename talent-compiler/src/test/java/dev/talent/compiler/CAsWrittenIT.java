package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls that may checkpoint in conditionally evaluated and re-evaluated positions (issue 11, cause 1), and
 * variables hidden by others of the same name (cause 11), recursion without loops (cause 8): the instrumented program, stopped at many points
 * inside them and restarted on other ISAs, prints what plain gcc's build prints.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CAsWrittenIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdio.h>
            static unsigned long long acc = 0;
            static int calls = 0;
            int work(int n) {
              int s = 0;
              for (int i = 0; i < n % 7 + 1; i++) s += i * 3 + n;
              calls++;
              acc += (unsigned long long)s * (unsigned)s + 7; /* commutative: argument order is unspecified */
              return s;
            }
            void vwork(int n) { for (int i = 0; i < n % 3 + 1; i++) acc += (unsigned)(i + n); }
            int f2(int a, int b) { return a * 7 + b; }
            static int pick(int x) { return x > 2 ? work(x) : (x < 0 ? -work(-x) : 0); }
            int main(void) {
              unsigned h = 0;
              int i = 0, k;
              for (i = 0; i < 20; i++) {
                if (i % 2 && work(i) > 10) h += 1;
                if (i % 3 == 0 || work(i + 1) < 30) h += 2;
                h += (i & 1) ? work(i) : work(i * 2) + 1;
                h += (i > 5 ? (vwork(i), 3) : 4);
                k = (h++, work((int)(h % 50)));
                h += k;
                h += work(i++); i--;
                h += f2(work(i), work(i + 3));
                int d = i > 3 && work(i) ? work(i + 1) : 0;
                h += d + pick(i - 3);
              }
              int j = 0;
              do { j++; if (j == 3) continue; h += j; } while (work(j) < 40 && j < 12);
              for (int m = 0; m < 50; m = work(m) % 7 + m + 1) { if (m == 4) continue; h ^= m; }
              while (j > 0 && work(j) >= 0) j -= 2;
              printf("h=%u acc=%llu calls=%d\\n", h, acc, calls);
              return h > 0 ? (work(1) & 0) : 1;
            }
            """;

    static final String SHADOWED = """
            #include <stdio.h>
            int main(void) {
              int i = 5;
              unsigned total = 0;
              for (int k = 0; k < 30; k++) {
                int i = k * 2;
                for (int j = 0; j < 4; j++) { unsigned total = (unsigned)(i + j); if (total % 3) i++; }
                total += (unsigned)i;
              }
              {
                unsigned total = 1;
                for (int i = 0; i < 20; i++) total = total * 3 + (unsigned)i;
                printf("%u\\n", total);
              }
              printf("%d %u\\n", i, total);
              return 0;
            }
            """;

    static final String RECURSIVE = """
            #include <stdio.h>
            struct node { int key; struct node *l, *r; };
            static struct node pool[64];
            static int used;
            static int even(int n);
            static int odd(int n) { return n == 0 ? 0 : even(n - 1); }
            static int even(int n) { return n == 0 ? 1 : odd(n - 1); }
            static long fib(int n) { if (n < 2) return n; return fib(n - 1) + fib(n - 2); }
            static struct node *insert(struct node *t, int k) {
              if (!t) { t = &pool[used++]; t->key = k; t->l = t->r = 0; return t; }
              if (k < t->key) t->l = insert(t->l, k); else t->r = insert(t->r, k);
              return t;
            }
            static long sum(const struct node *t, int depth) {
              return t ? (long)t->key * depth + sum(t->l, depth + 1) + sum(t->r, depth + 1) : 0;
            }
            int main(void) {
              struct node *root = 0;
              unsigned k = 7;
              long f = fib(16);
              int e = even(91);
              if (k && e == 0) k++;
              for (int i = 0; i < 40; i++) { k = k * 1103515245u + 12345u; root = insert(root, (int)(k >> 16) % 1000); }
              printf("%ld %d %ld\\n", f, e, sum(root, 1));
              return 0;
            }
            """;

    @Test
    void recursionWithoutLoopsIsCheckpointedAtFunctionEntry() throws Exception {
        MigratesLikeGcc.check(work, "recursive", RECURSIVE, 3, 1, 2, 50, 1000, 2500, 3000, 3300, 3400, 3500);
    }

    @Test
    void hiddenVariablesMigrateLikeAnUninterruptedRun() throws Exception {
        MigratesLikeGcc.check(work, "shadowed", SHADOWED, 3, 1, 7, 40, 77, 120, 150, 158, 165);
    }

    @Test
    void conditionalAndReEvaluatedCallsMigrateLikeAnUninterruptedRun() throws Exception {
        String out = MigratesLikeGcc.check(work, "cexpr", PROGRAM, 3, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 500, 610);
        assertThat(out).startsWith("h=");
    }

    /** lz4's overflow checks and alignment test (issue 11): accepted at build time, evaluated afresh after a restore. */
    static final String ADDRESS_CHECKS = """
            #include <stdint.h>
            #include <stdio.h>
            #include <stdlib.h>
            typedef uintptr_t uptrval;
            static int aligned(const void *ptr, size_t alignment) { return ((size_t)ptr & (alignment - 1)) == 0; }
            static size_t copy(unsigned char *op, const unsigned char *ip, size_t length) {
              if ((uptrval)(op) + length < (uptrval)(op)) return 0;
              if ((uptrval)(ip) + length < (uptrval)(ip)) return 0;
              size_t n = 0;
              for (size_t i = 0; i < length; i++) { op[i] = (unsigned char)(ip[i] ^ (unsigned char)i); n += op[i]; }
              return n;
            }
            int main(void) {
              unsigned char *src = malloc(4096), *dst = malloc(4096);
              unsigned long total = 0;
              for (int i = 0; i < 4096; i++) src[i] = (unsigned char)(i * 7);
              for (int r = 0; r < 200; r++) {
                size_t len = (size_t)(r * 13 % 4000) + 1;
                total += copy(dst, src + r % 50, len);
                total += (unsigned long)aligned(dst + r % 16, 8) * 1000 + (unsigned long)aligned(src, sizeof(long));
              }
              printf("total=%lu\\n", total);
              free(src);
              free(dst);
              return 0;
            }
            """;

    @Test
    void overflowChecksAndAlignmentTestsOnAddressesMigrateLikeAnUninterruptedRun() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "checks", ADDRESS_CHECKS, 3, 1, 500, 40000, 120000, 200000);
        assertThat(out).startsWith("total=");
    }

    /**
     * {@code T *p = xmalloc(sizeof *p);} (mujs's {@code js_Function *F = js_malloc(J, sizeof *F);}) with an allocation
     * wrapper that may checkpoint, for a list node and blocks of a struct reached through a typedef: the call is hoisted before
     * the declaration and the name in its {@code sizeof} spelled by its type. Before, gcc rejected the generated code
     * ("'nd' undeclared").
     */
    static final String SIZEOF_SELF = """
            #include <stdio.h>
            #include <stdlib.h>
            struct node { struct node *next; long v; };
            typedef struct { double w; int n; } item;
            static unsigned long grabs;
            static void *xmalloc(size_t n) {
              void *p = 0;
              for (int tries = 0; tries < 2 && !p; tries++) { p = malloc(n); grabs++; }
              if (!p) exit(1);
              return p;
            }
            static struct node *push(struct node *head, long v) {
              struct node *nd = xmalloc(sizeof *nd), *spare = xmalloc(sizeof(spare[0]));
              item *it = xmalloc(sizeof(*it));
              nd->next = head;
              it->w = v * 0.5; it->n = (int)v;
              spare[0].v = it->n;
              nd->v = v + (long)it->w + spare[0].v;
              free(it);
              free(spare);
              return nd;
            }
            int main(void) {
              struct node *h = 0;
              for (long i = 0; i < 400; i++) h = push(h, i * 7 % 13);
              unsigned long long s = 0;
              for (struct node *p = h; p; p = p->next) s = s * 3 + (unsigned long long)p->v;
              printf("s=%llu grabs=%lu\\n", s, grabs);
              return 0;
            }
            """;

    @Test
    void aSizeofOfTheDeclaredNameInAChainCallOfItsInitialiserMigrates() throws Exception {
        String expected = MigratesLikeGcc.checkEveryStop(work, "sizeofself", SIZEOF_SELF, 3, 1, 300, 1001, 1600);
        assertThat(expected).startsWith("s=");
    }
}
