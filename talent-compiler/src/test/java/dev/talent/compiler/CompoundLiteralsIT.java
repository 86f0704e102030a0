package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compound literals (issue 11): a pointer to a block-scope literal live at a site, one to a file-scope literal, and
 * literals evaluated again in a loop; stopped at many points and restarted on other ISAs, the program prints what
 * plain gcc's build prints. Before they were named, a restart crashed (the pointer pointed nowhere talent knew).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CompoundLiteralsIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdio.h>
            struct pt { int x, y; };
            struct opts { int n; const char *name; };
            struct list { int v; struct list *next; };
            static int *table = (int[]){3, 1, 4, 1, 5, 9, 2, 6};
            struct pt *origin = &(struct pt){7, 8};
            static long work(struct pt *p, const int *a, int n) {
              long s = 0;
              for (int i = 0; i < n; i++) s += p->x * a[i % 3] + p->y;
              return s;
            }
            static int size(struct opts o) { int s = 0; for (int i = 0; i < o.n; i++) s += o.name[i % 2]; return s; }
            int main(void) {
              struct pt *p = &(struct pt){1, 2};
              int *a = (int[]){1, 2, 3};
              const char *const *names = (const char *const[]){"alpha", "beta", "gamma"};
              struct list *head = &(struct list){1, &(struct list){2, 0}};
              long t = 0;
              for (int i = 0; i < 60; i++) {
                int *row = (int[4]){i, i + 1, i * 2};
                p->x += i % 5;
                a[i % 3] += row[2] % 7;
                table[i % 8] ^= i;
                origin->x += table[(i + 3) % 8];
                t += work(p, a, 4) + size((struct opts){.n = i % 4 + 1, .name = names[i % 3]}) + row[1] + row[3];
                t += head->v + head->next->v + (int)sizeof((int[]){1, 2});
                head->next->v++;
              }
              printf("%ld %d %d %d %d %d %d\\n", t, p->x, p->y, a[0], a[2], origin->x, table[5]);
              return 0;
            }
            """;

    @Test
    void pointersToCompoundLiteralsMigrateLikeAnUninterruptedRun() throws Exception {
        String out = MigratesLikeGcc.check(work, "complit", PROGRAM, 3, 1, 2, 5, 17, 60, 123, 200, 250, 299, 310);
        assertThat(out).isNotBlank();
    }
}
