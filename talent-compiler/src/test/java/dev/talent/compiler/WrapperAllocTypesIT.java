package dev.talent.compiler;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocks allocated inside an allocation wrapper (bzip2's {@code myMalloc}: {@code void *p = malloc(n); ...
 * return p;}) take their types from the callers' casts and typed pointers (issue 11, cause 3): a list of
 * {@code Cell}s, each with a name block used only as {@code char}, and an {@code unsigned} table. Before, all
 * were carried as raw bytes and a restore on s390x (another byte order) was refused (exit 65); now stopped at
 * many visits and restarted on s390x and i686, the program prints what plain gcc's build prints.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class WrapperAllocTypesIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            typedef struct cell { char *name; struct cell *link; int weight; } Cell;
            static void *myMalloc(int n) {
              void *p;
              p = malloc((size_t)n);
              if (p == NULL) exit(1);
              return p;
            }
            static Cell *snoc(Cell *root, const char *s, int w) {
              Cell *c = (Cell *) myMalloc(sizeof(Cell));
              c->name = (char *) myMalloc(5 + (int)strlen(s));
              strcpy(c->name, s);
              c->weight = w;
              c->link = root;
              return c;
            }
            int main(void) {
              Cell *root = NULL;
              unsigned *tab = myMalloc(16 * sizeof(unsigned));
              for (int i = 0; i < 16; i++) tab[i] = i * 2654435761u;
              char buf[32];
              for (int i = 0; i < 40; i++) { snprintf(buf, sizeof buf, "n%d", i * 7); root = snoc(root, buf, i); }
              unsigned long long h = 0;
              for (int r = 0; r < 300; r++)
                for (Cell *c = root; c; c = c->link)
                  h = (h * 31 + (unsigned char)c->name[1] + tab[(r + c->weight) % 16] + (unsigned)c->weight) % 1000000007ull;
              printf("h=%llu %s\\n", h, root->name);
              return 0;
            }
            """;

    @Test
    void wrapperBlocksTypedByTheirCallersMigrateToAnotherByteOrder() throws Exception {
        MigratesLikeGcc.check(work, "wrap", PROGRAM, 3, 1, 30, 45, 400, 3000, 9000);
    }
}
