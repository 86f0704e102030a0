package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.checkpointDir;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
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

    /**
     * mujs's {@code js_realloc}: a wrapper whose block comes from the program's allocator behind a function pointer
     * ({@code p = J->alloc(J->actx, p, n); if (!p) ...; return p;}). Its table of {@code struct fn *}, grown by doubling
     * and reached only through a {@code struct fn **} at its start, was refused at every checkpoint (the block "may be
     * N of them or one larger object"); the wrapper's callers now type it (checked: the function pointer may return
     * anything), and every stop restarts on s390x and i686 with plain gcc's output. As in mujs, the wrapper may
     * checkpoint: {@code J->alloc} may reach any function whose address is taken, {@code spin} among them.
     */
    static final String THROUGH_POINTER = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            typedef void *(*alloc_fn)(void *ctx, void *p, int n);
            struct state { alloc_fn alloc; void *ctx; };
            struct fn { long code; const char *name; };
            static void *defaultalloc(void *ctx, void *p, int n) {
                (void)ctx;
                if (n == 0) { free(p); return NULL; }
                return realloc(p, (size_t)n);
            }
            static void *js_realloc(struct state *J, void *p, int n) {
                p = J->alloc(J->ctx, p, n);
                if (!p) abort();
                return p;
            }
            static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k % 7; return s; }
            static long (*work)(long) = spin;
            int main(void) {
                struct state S = { defaultalloc, NULL }, *J = &S;
                struct fn **tab = NULL;
                int len = 0, cap = 0;
                long acc = 0, sum = 0;
                for (int i = 0; i < 40; i++) {
                    if (len == cap) { cap = cap ? cap * 2 : 4; tab = js_realloc(J, tab, cap * (int)sizeof *tab); }
                    tab[len] = js_realloc(J, NULL, sizeof **tab);
                    tab[len]->code = i * 3;
                    tab[len]->name = i % 2 ? "odd" : "even";
                    len++;
                    acc += work(40);
                }
                for (int i = 0; i < len; i++) sum += tab[i]->code + (long)strlen(tab[i]->name);
                printf("%ld %ld %d\\n", sum, acc, cap);
                return 0;
            }
            """;

    @Test
    void aWrapperReturningWhatAnAllocatorPointerReturnsTypesItsCallersBlocks() throws Exception {
        MigratesLikeGcc.checkEveryStop(work, "through", THROUGH_POINTER, 3, 50, 300, 800, 1200, 1600);
    }
    /**
     * The shapes of real programs' wrappers (issue 11): figlet's K&amp;R {@code char *myalloc(size)} returning
     * {@code (char*)malloc(size)}, whose callers cast to structs, to {@code long} arrays and to arrays of pointers and
     * also keep {@code char} strings; clzip's {@code resize} returning its parameter after {@code realloc} or
     * {@code malloc}, kept in a {@code void *tmp} before the cast; GNU's {@code xmalloc}/{@code xrealloc}/
     * {@code xstrdup} with a {@code die} on NULL, {@code xstrdup} through {@code xmemdup} through {@code xmalloc}.
     * Before, the first was refused at a checkpoint (a pointer in a block typed {@code char}) and clzip's block was
     * refused as a guessed type; now each stop restarts on s390x and i686 with plain gcc's output.
     */
    static final String SHAPES = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            typedef long inchr;
            typedef struct comnode { char *name; inchr code; struct comnode *next; } comnode;
            struct rec { int code; char *label; };
            struct table { struct rec *data; int n; char *log; int logsize; };
            char *myalloc(size)
            size_t size;
            {
              char *ptr;
              if ((ptr = (char*)malloc(size))==NULL) { fprintf(stderr, "out of memory\\n"); exit(1); }
              else { return ptr; }
            }
            static void die(const char *m) { fprintf(stderr, "%s\\n", m); exit(1); }
            void *xmalloc(size_t n) { void *p = malloc(n); if (!p && n) die("oom"); return p; }
            void *xrealloc(void *p, size_t n) { p = realloc(p, n); if (!p && n) die("oom"); return p; }
            void *xmemdup(const void *p, size_t n) { return memcpy(xmalloc(n), p, n); }
            char *xstrdup(const char *s) { return xmemdup(s, strlen(s) + 1); }
            static void *resize(void *buf, const int min) { if (buf) buf = realloc(buf, min); else buf = malloc(min); return buf; }
            static int push(struct table *t, int code, const char *label) {
              void *tmp = resize(t->data, (t->n + 1) * (int)sizeof(struct rec));
              if (!tmp) return 0;
              t->data = (struct rec *)tmp;
              t->data[t->n].code = code;
              t->data[t->n].label = xstrdup(label);
              t->n++;
              int len = (int)strlen(label);
              tmp = resize(t->log, t->logsize + len + 1);
              if (!tmp) return 0;
              t->log = (char *)tmp;
              memcpy(t->log + t->logsize, label, (size_t)len + 1);
              t->logsize += len;
              return 1;
            }
            int main(void) {
              comnode *list = NULL;
              struct table t = { 0, 0, 0, 0 };
              inchr *line = (inchr *)myalloc(sizeof(inchr) * 64);
              char **rows = (char **)myalloc(sizeof(char *) * 8);
              unsigned *counts = xrealloc(NULL, 16 * sizeof *counts);
              char buf[32];
              for (int i = 0; i < 8; i++) { rows[i] = myalloc((size_t)12); snprintf(rows[i], 12, "row%d", i * 3); }
              for (int i = 0; i < 64; i++) line[i] = (inchr)i * 40503L;
              for (int i = 0; i < 16; i++) counts[i] = (unsigned)i;
              for (int i = 0; i < 60; i++) {
                comnode *c = (comnode *)myalloc(sizeof(comnode));
                snprintf(buf, sizeof buf, "n%d", i * 7);
                c->name = myalloc(strlen(buf) + 1);
                strcpy(c->name, buf);
                c->code = line[i % 64];
                c->next = list;
                list = c;
                if (!push(&t, i, buf)) return 2;
              }
              unsigned long long h = 0;
              for (int r = 0; r < 200; r++)
                for (comnode *c = list; c; c = c->next) {
                  h = (h * 31 + (unsigned char)c->name[1] + (unsigned long long)c->code + counts[r % 16]) % 1000000007ull;
                  counts[(r + (int)(c->code % 16)) % 16] += (unsigned)r;
                  struct rec *q = &t.data[(r * 7 + (int)(c->code % 60)) % t.n];
                  h = (h + (unsigned)q->code + (unsigned char)q->label[1] + (unsigned char)rows[r % 8][3]) % 1000000007ull;
                }
              printf("h=%llu %s %d %.20s %s\\n", h, list->name, t.n, t.log, rows[7]);
              return 0;
            }
            """;

    @Test
    void charWrappersReallocWrappersAndGnuFamiliesMigrateToAnotherByteOrder() throws Exception {
        MigratesLikeGcc.check(work, "shapes", SHAPES, 3, 1, 30, 100, 150, 1000, 6000, 11500);
        // each of those stops was taken, not refused (a refusal lets the program go on with gcc's output, which check
        // accepts as a stop not reached): before, every one was refused naming a block of clzip's or GNU's shape
        for (int stop : new int[] {1, 100, 11500}) {
            Path ck = checkpointDir(work.resolve("taken-" + stop));
            MigrationHops.Run r = MigrationHops.run(MigrationHops.command(MigrationHops.HOPS.getFirst(),
                    work.resolve("shapes." + MigrationHops.HOPS.getFirst().name())),
                    Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", String.valueOf(stop)), null);
            assertThat(r.rc()).as("stop after " + stop + "\n" + r.err()).isEqualTo(75);
        }
    }

    /**
     * cJSON's strings: {@code (unsigned char*)hooks->allocate(n)} through a function pointer to {@code malloc}, typed
     * {@code unsigned char} by its cast ({@code talent_heap_type_result}). The runtime reads a block's header only
     * where it is mapped, and took that to be p's own page: a small block starting a page (its header ending the page
     * before, in the same slab chunk) stayed untyped, reached only through {@code char *}s, so carried as raw bytes,
     * and every restore on another byte order or pointer width was refused (exit 65, "3 bytes whose element type
     * talent could not infer") — in cJSON's {@code afl} driver at every stop from 30,000 visits on. 3,000 records and
     * names make such blocks certain whatever the slab's start; each stop now restarts with plain gcc's output.
     */
    static final String PAGE_START = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            typedef struct { void *(*allocate)(size_t); void (*deallocate)(void *); } hooks_t;
            static hooks_t hooks = { malloc, free };
            struct item { struct item *next; char *name; int value; };
            static char *dup(const char *s) {
              size_t n = strlen(s) + 1;
              unsigned char *c = (unsigned char *)hooks.allocate(n);
              memcpy(c, s, n);
              return (char *)c;
            }
            int main(void) {
              struct item *head = NULL;
              unsigned h = 0;
              for (int i = 0; i < 3000; i++) {
                char buf[32];
                snprintf(buf, sizeof buf, "k%d", i % 97);
                struct item *it = (struct item *)hooks.allocate(sizeof *it);
                it->name = dup(buf);
                it->value = i;
                it->next = head;
                head = it;
              }
              for (int r = 0; r < 5; r++)
                for (struct item *it = head; it; it = it->next)
                  h = h * 31 + (unsigned)it->value + (unsigned char)it->name[1];
              printf("%u\\n", h);
              return 0;
            }
            """;

    @Test
    void smallBlocksStartingAPageAreTypedThroughAnAllocatorPointer() throws Exception {
        MigratesLikeGcc.checkEveryStop(work, "pagestart", PAGE_START, 3, 3000, 3500, 9000);
    }
}
