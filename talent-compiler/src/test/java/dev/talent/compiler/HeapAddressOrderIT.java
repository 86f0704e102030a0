package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
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
 * Issue 11 (docs/COVERAGE.md "addrord"): heap blocks keep their address order across a restore. Until then a restore
 * allocated the blocks in the order the checkpoint's writer had reached them, so that pointers to different blocks
 * compared otherwise than before the stop (a qsort by address printed other ids, exit 0), on the same ISA too. Now the
 * checkpoint says the blocks' address order (docs/FORMAT.md "HORD") and the restore lays them out in it, whatever
 * their sizes on the restoring ISA. The program records, for every pair of live blocks (small slots, medium blocks,
 * blocks over 128 KiB, from malloc, calloc and realloc, with holes of freed ones, and small structs whose size differs
 * between ISAs), which one comes first, shuffles the pointers in a loop (the stops fall there), then compares every
 * pair again and checks a qsort by address against the record; it prints the number of pairs that changed, which
 * must stay 0 as in plain gcc's run, at every stop and through every hop, with blocks freed, reallocated and
 * allocated after each restart.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class HeapAddressOrderIT {
    @TempDir
    Path work;

    static final String PROGRAM = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #define N 24
            #define M 8
            struct node { struct node *next; long val; };
            static int *v[N];
            static struct node *nodes[M];
            static unsigned char before[N + M][N + M];
            static unsigned seed = 12345;
            static unsigned rnd(void) { seed = seed * 1103515245u + 12345u; return (seed >> 16) & 0x7fff; }
            static size_t len_of(int i, int round) {
              switch ((i + round) % 4) {
              case 0: return 3 + (size_t)i;                 /* small: a slot */
              case 1: return 300 + 10 * (size_t)i;          /* medium */
              case 2: return 40000 + 100 * (size_t)i;       /* > 128 KiB */
              default: return 17;
              }
            }
            static int *make(int i, int round) {
              size_t n = len_of(i, round);
              int *p;
              if (i % 3 == 0) p = calloc(n, sizeof *p);
              else if (i % 3 == 1) { p = malloc(n / 2 * sizeof *p + sizeof *p); p = realloc(p, n * sizeof *p); }
              else p = malloc(n * sizeof *p);
              for (size_t k = 0; k < 4 && k < n; k++) p[k] = (int)(k * 7 + (size_t)i);
              p[0] = i;
              return p;
            }
            /* every live block's address, in one list: its start as a char pointer */
            static int list(char **all, int *id) {
              int n = 0;
              for (int i = 0; i < N; i++) if (v[i]) { all[n] = (char *)v[i]; id[n++] = v[i][0]; }
              for (int i = 0; i < M; i++) if (nodes[i]) { all[n] = (char *)nodes[i]; id[n++] = 100 + (int)nodes[i]->val; }
              return n;
            }
            static int cmp(const void *a, const void *b) {
              char *x = *(char *const *)a, *y = *(char *const *)b;
              return x < y ? -1 : x > y;
            }
            static int slot(int id) { return id >= 100 ? N + id - 100 : id; }
            static void record(void) {
              char *all[N + M]; int id[N + M];
              int n = list(all, id);
              memset(before, 0, sizeof before);
              for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) before[slot(id[i])][slot(id[j])] = all[i] < all[j] ? 1 : 2;
            }
            static long compare(void) {
              char *all[N + M]; int id[N + M], sorted[N + M];
              long bad = 0, sum = 0;
              int n = list(all, id);
              for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                  if (before[slot(id[i])][slot(id[j])] && before[slot(id[i])][slot(id[j])] != (all[i] < all[j] ? 1 : 2)) bad++;
              /* sorted by address: each neighbour must have come before its successor before the stop too */
              qsort(all, (size_t)n, sizeof all[0], cmp);
              for (int k = 0; k < n; k++) {
                int s = -1;
                for (int i = 0; i < N; i++) if ((char *)v[i] == all[k]) s = i;
                for (int i = 0; i < M; i++) if ((char *)nodes[i] == all[k]) s = N + i;
                sorted[k] = s;
              }
              for (int k = 1; k < n; k++)
                if (before[sorted[k - 1]][sorted[k]] != 1) bad++;
              for (int i = 0; i < N; i++) if (v[i]) for (int k = 1; k < 3; k++) sum += v[i][k];
              return bad * 1000000 + sum % 1000000;
            }
            int main(void) {
              for (int i = 0; i < N; i++) v[i] = make(i, 0);
              for (int i = 0; i < M; i++) { nodes[i] = malloc(sizeof *nodes[i]); nodes[i]->val = i; nodes[i]->next = i ? nodes[i - 1] : NULL; }
              for (int i = 0; i < N; i += 5) { free(v[i]); v[i] = NULL; }   /* holes */
              for (int round = 0; round < 6; round++) {
                record();
                for (int k = 0; k < 3000; k++) {                  /* the pointers swapped around: a site */
                  int a = (int)(rnd() % N), b = (int)(rnd() % N);
                  int *t = v[a]; v[a] = v[b]; v[b] = t;
                }
                /* ids follow the blocks: put each back in its own slot */
                int *back[N] = {0};
                for (int i = 0; i < N; i++) if (v[i]) back[v[i][0]] = v[i];
                memcpy(v, back, sizeof v);
                printf("round %d: %ld\\n", round, compare());
                /* the heap changes: one block freed, one grown by realloc, one made anew */
                int f = (round * 7 + 1) % N, g = (round * 5 + 2) % N, h = (round * 3) % N;
                free(v[f]); v[f] = NULL;
                if (v[g]) { size_t n = len_of(g, 0) + 5000; v[g] = realloc(v[g], n * sizeof *v[g]); }
                if (!v[h]) v[h] = make(h, round);
                if (round % 2) { free(nodes[round]); nodes[round] = malloc(sizeof *nodes[round]); nodes[round]->val = round; }
              }
              return 0;
            }
            """;

    @Test
    void blocksKeepTheirAddressOrderOnTheSameIsa() throws Exception {
        // about 5,500 site visits a round, 3,000 of them in the shuffle; 4200 falls in the comparison
        MigratesLikeGcc.checkEveryStop(work, "ord", PROGRAM, 1, 1500, 4200, 7000, 12500, 18000, 30000);
    }

    @Test
    void blocksKeepTheirAddressOrderThroughHops() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "hops", PROGRAM);
        // no pair changed order in gcc's run (the count of changed pairs is printed in millions)
        assertThat(plain.out()).matches("(round \\d: \\d{1,6}\n){6}");
        List<Target> chain = List.of(HOPS.get(0), HOPS.get(1), HOPS.get(2), HOPS.get(0));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "hops", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{1500, 7000, 12500}, {4200, 3000, 9000}}, plain);
    }
}
