package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "real C programs migrate": statics as ordinary C writes them, each program stopped on x86_64 at several
 * points and restarted on s390x and i686 (byte order, pointer width), every output equal to plain gcc's. The links
 * ({@link MigrationHops#link}) also require gcc to accept the generated units with {@code -Wall} and no warning (for
 * C, {@code -Wall} enables {@code -Wunused-const-variable}: no descriptor is emitted that nothing uses).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalTypeStaticsIT {
    @TempDir
    Path work;

    /**
     * lz4's shape (lz4hc.c's {@code clTable}): a {@code static const} table whose element type is a typedef of the
 * function (with a member of the function's enum typedef), a writable
     * {@code static} table of a struct declared in the function (written every round, so a lost one prints other
     * numbers), a static pointer into it, an array sized by the function's enum constant, and an automatic local of the
     * function's type live across the loop's site. Before, the build refused the statics ("has a type declared inside
     * the function").
     */
    static final String LOCAL_TYPES = """
            #include <stdio.h>
            static unsigned mix(int n) {
              enum { N = 5 };
              typedef enum { fast, slow } strat_e;
              typedef struct { strat_e strat; unsigned short code; signed char len; long long weight; } entry;
              struct node { struct node *next; int v; double w; };
              union cell { unsigned u; float f; };
              static const entry tbl[N] = {{fast, 3, -1, 1LL << 40}, {slow, 7, 2, -5}, {fast, 11, -3, 77},
                                           {slow, 13, 4, 1}, {slow, 17, 5, -9}};
              static struct node pool[N];
              static struct node *head;
              static union cell cells[2];
              static entry hist[N];
              entry cur = {fast, 0, 0, 0};
              unsigned h = 2166136261u;
              for (int i = 0; i < n; i++) {
                const entry *e = &tbl[(i * 3) % N];
                cur.code = (unsigned short)(cur.code * 31 + e->code);
                cur.len = (signed char)(cur.len + e->len);
                cur.weight += e->strat == slow ? e->weight >> (i % 7) : e->weight % 977;
                hist[i % N].weight += cur.weight % 1000;
                hist[i % N].code ^= cur.code;
                pool[i % N].v += i;
                pool[i % N].w += 0.5 * i;
                pool[i % N].next = head;
                head = &pool[i % N];
                cells[i % 2].u = cells[i % 2].u * 33u + (unsigned)head->v;
                h = (h ^ cur.code ^ (unsigned)cur.len ^ (unsigned)hist[i % N].weight ^ cells[0].u) * 16777619u;
              }
              return h ^ (unsigned)(head ? head->w : 0);
            }
            int main(void) {
              unsigned t = 0;
              for (int r = 0; r < 40; r++) t = t * 7 + mix(r);
              printf("t=%u\\n", t);
              return 0;
            }
            """;

    @Test
    void staticsOfTypesDeclaredInTheirFunctionMigrate() throws Exception {
        String expected = MigratesLikeGcc.checkEveryStop(work, "local", LOCAL_TYPES, 3, 1, 17, 150, 420, 779);
        assertThat(expected).startsWith("t=");
    }

    /**
     * md4c's shape ({@code md_is_html_block_start_condition}): {@code typedef struct TAG_tag TAG;}, the tag defined in
     * the next statement, tables of {@code TAG} with a bit-field, and a table of pointers to them, read in a loop that
     * checkpoints; a writable table of the type counts the hits (a lost one prints other numbers). Before, the build
     * refused every table ("whose name 'TAG_tag' is declared elsewhere in the file too").
     */
    static final String FORWARD_TAG = """
            #include <stdio.h>
            #include <string.h>
            static int lookup(const char *w) {
              typedef struct TAG_tag TAG;
              struct TAG_tag { const char *name; unsigned len : 8; };
              static const TAG a6[] = {{"address", 7}, {"aside", 5}, {NULL, 0}};
              static const TAG p6[] = {{"p", 1}, {"param", 5}, {"pre", 3}, {NULL, 0}};
              static const TAG xx[] = {{NULL, 0}};
              static const TAG *map[3] = {a6, p6, xx};
              static TAG seen[4];
              const TAG *t = map[w[0] == 'a' ? 0 : w[0] == 'p' ? 1 : 2];
              for (int i = 0; t[i].name != NULL; i++)
                if (t[i].len == strlen(w) && strcmp(t[i].name, w) == 0) {
                  seen[i % 4].len = (seen[i % 4].len + t[i].len) & 0xff;
                  seen[i % 4].name = t[i].name;
                  return i + 1 + seen[i % 4].len;
                }
              return 0;
            }
            int main(void) {
              static const char *words[] = {"p", "pre", "aside", "div", "param", "address", "px"};
              unsigned h = 0;
              for (int r = 0; r < 300; r++) h = h * 31 + (unsigned)lookup(words[r % 7]) + (unsigned)r;
              printf("h=%u\\n", h);
              return 0;
            }
            """;

    @Test
    void staticTablesOfATypedefWhoseTagIsDefinedNextMigrate() throws Exception {
        String expected = MigratesLikeGcc.checkEveryStop(work, "fwdtag", FORWARD_TAG, 3, 2, 40, 333, 600);
        assertThat(expected).startsWith("h=");
    }

    /**
     * Globals whose types are typedefs of fixed-width and other C library integer types, scalars and arrays, at file
     * scope and in a function; the links require no gcc warning about the generated descriptors.
     */
    static final String TYPEDEF_SCALARS = """
            #include <stddef.h>
            #include <stdint.h>
            #include <stdio.h>
            static int32_t v;
            static uint64_t big = 1;
            static size_t z;
            static uint8_t bytes[16];
            static ptrdiff_t d;
            static const int16_t steps[3] = {3, -2, 5};
            int32_t shared;
            int main(void) {
              static uint16_t local[4];
              for (int i = 0; i < 300; i++) {
                v += steps[i % 3] * i;
                big = big * 6364136223846793005u + 1442695040888963407u;
                z += (size_t)i;
                bytes[i % 16] = (uint8_t)(bytes[i % 16] * 3 + i);
                d -= i;
                local[i % 4] = (uint16_t)(local[i % 4] + (uint16_t)big);
                shared ^= v;
              }
              printf("%d %llu %zu %u %td %u %d\\n", (int)v, (unsigned long long)big, z, bytes[7], d, local[2], (int)shared);
              return 0;
            }
            """;

    @Test
    void typedefedIntegerGlobalsMigrateWithoutUnusedDescriptors() throws Exception {
        String expected = MigratesLikeGcc.checkEveryStop(work, "scalars", TYPEDEF_SCALARS, 3, 1, 90, 233);
        assertThat(expected).contains(" 44850 ");
    }

    /**
     * State machines and thread-locals as single-threaded C writes them: {@code static enum { ... } state = IDLE;} in
     * a function (an anonymous enum declared by the static's own statement), and {@code __thread}/{@code
     * _Thread_local} variables at file scope and in a function, written every round. Before, the build refused both
     * ("has a type declared inside the function", "thread-local variable ... cannot be saved").
     */
    static final String ENUM_STATES_AND_THREAD_LOCALS = """
            #include <stdio.h>
            extern __thread unsigned long long total;
            static __thread unsigned counter = 3;
            _Thread_local int hits[4];
            __thread unsigned long long total;
            static unsigned work(unsigned n) { unsigned h = 0; for (unsigned i = 0; i < n; i++) h = h * 31 + i; return h; }
            static unsigned step(int r) {
              static enum { IDLE, SCAN, EMIT } state = IDLE;
              static struct { enum { LOW = 2, HIGH = 9 } level; int n; } st;
              static _Thread_local unsigned seen;
              seen += 2;
              switch (state) {
                case IDLE: state = SCAN; break;
                case SCAN: state = r % 3 ? SCAN : EMIT; break;
                case EMIT: state = IDLE; break;
              }
              st.level = st.n++ % 2 ? HIGH : LOW;
              counter = counter * 7 + work(seen % 50) + (unsigned)state + (unsigned)st.level;
              hits[counter % 4]++;
              total += counter;
              return counter;
            }
            int main(void) {
              unsigned h = 0;
              for (int r = 0; r < 300; r++) h ^= step(r);
              printf("h=%u counter=%u total=%llu hits=%d,%d,%d,%d\\n", h, counter, total, hits[0], hits[1], hits[2], hits[3]);
              return 0;
            }
            """;

    @Test
    void enumStateStaticsAndThreadLocalsOfASingleThreadedProgramMigrate() throws Exception {
        String expected = MigratesLikeGcc.checkEveryStop(work, "states", ENUM_STATES_AND_THREAD_LOCALS, 3, 1, 40, 1501, 5003);
        assertThat(expected).startsWith("h=");
    }

    /**
     * libdeflate 1.14's tgetopt.c: {@code static bool done;} in a function, with {@code <stdbool.h>}. After some
     * diagnostics clang prints every {@code _Bool} as {@code bool} (its printing policy follows the macro, here after
     * the shift in {@code le16}), which the build took for a typedef it did not know and refused the statics ("has a
     * type declared inside the function"). The state is kept in unsigned ints so i686 takes every stop.
     */
    static final String STDBOOL_STATICS = """
            #include <stdio.h>
            #include <stdbool.h>
            static bool flag;
            static bool flags[8];
            struct s { bool on; int n; };
            static struct s st;
            static unsigned short le16(const unsigned char *p) { return ((unsigned short)p[1] << 8) | p[0]; }
            static int step(int i) {
              static bool seen;
              static bool tab[4];
              seen = !seen; tab[i % 4] = seen ^ (i % 3 == 0);
              return seen + tab[(i + 1) % 4];
            }
            int main(void) {
              unsigned char b[2] = {1, 2};
              unsigned acc = le16(b);
              for (int i = 0; i < 200; i++) {
                bool odd = i & 1;
                flag = flag ^ odd; flags[i % 8] = flag ^ (i % 5 == 0); st.on = !st.on; st.n += st.on;
                acc = acc * 3 + (unsigned)step(i) + flag + flags[(i + 3) % 8] + odd;
              }
              printf("acc=%u n=%d\\n", acc, st.n);
              return 0;
            }
            """;

    @Test
    void boolStaticsMigrateWhenClangPrintsTheirTypeAsBool() throws Exception {
        String expected = MigratesLikeGcc.checkEveryStop(work, "stdbool", STDBOOL_STATICS, 3, 1, 37, 150);
        assertThat(expected).startsWith("acc=");
    }

    /**
     * gperf's output (GNU indent 2.2.12's lexi.c): {@code #line} directives between the elements of a function's
     * static table. Before, the moved declaration was joined onto one line and gcc failed ("stray '#' in program").
     * {@code __builtin_LINE()} and {@code __builtin_FILE()} are gcc's own (not expanded by talent's preprocessing): in
     * the initialisers, after the statics and in the code that follows the directives they must say what they say in
     * plain gcc's build.
     */
    static final String LINE_DIRECTIVES = """
            #include <stdio.h>
            #include <string.h>
            static const char *base(const char *f) { const char *s = strrchr(f, '/'); return s ? s + 1 : f; }
            static unsigned work(unsigned n) { unsigned s = 0; for (unsigned i = 0; i < n; i++) s = s * 31 + i; return s; }
            static const char *name(int k, int *line) {
              static const char *words[] =
                {
            #line 10 "words.list"
                  "alpha",
            #line 11 "words.list"
                  "beta"
                };
              static const int lines[] = { __LINE__, __builtin_LINE(),
            #line 20 "lines.list"
                __builtin_LINE() };
              int acc = 0;
              for (int i = 0; i < k % 5; i++) acc += i;
              *line = lines[k % 3] * 1000 + __builtin_LINE() + acc;
              return words[k % 2];
            }
            int main(void) {
              unsigned t = 0;
              for (int r = 0; r < 30; r++) {
                int line;
                const char *w = name(r, &line);
                t = t * 7 + work(100u + (unsigned)r);
                printf("%s %d %u %d %s\\n", w, line, t, __builtin_LINE(), base(__builtin_FILE()));
              }
              return 0;
            }
            """;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void staticTablesWithLineDirectivesMoveWithTheirLines() throws Exception {
        String expected = MigratesLikeGcc.checkEveryStop(work, "gperf", LINE_DIRECTIVES, 3, 2, 140, 2900);
        assertThat(expected).startsWith("alpha ").contains(" lines.list\n");
    }
}
