package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.CompileResult;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SizeValuesTest {
    @TempDir
    Path dir;

    private static final String HEAD = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            struct item { long key; int weight; };
            struct small { int a; float b; };
            """;

    private CompileResult compile(String body) throws Exception {
        return CProgram.in(dir).file("a.c", HEAD + body).compile();
    }

    private static void widthBound(CompileResult r, int line, String... what) throws Exception {
        String table = Files.readString(r.programTable());
        assertThat(table).contains("#if __SIZEOF_POINTER__ == 4").contains("\"" + r.fingerprint() + "-32\"")
                .doesNotContain("-be\"").contains(what);
        // what talent build writes to NAME.binding (talent run and the fleet read it): the pointer width only
        assertThat(r.binding()).hasValueSatisfying(b -> {
            assertThat(b.byteOrder()).isFalse();
            assertThat(b.pointerWidth()).isTrue();
            assertThat(b.why()).contains(what[0]);
        });
        assertThat(r.diagnostics()).anySatisfy(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.line()).isEqualTo(line);
            assertThat(d.message()).contains("does not move between 32-bit (i686) and 64-bit ISAs");
        });
    }

    private static void free(CompileResult r) throws Exception {
        String table = Files.readString(r.programTable());
        assertThat(table).doesNotContain("-32\"").doesNotContain("__SIZEOF_POINTER__");
        assertThat(r.binding()).isEmpty();
        assertThat(r.diagnostics()).noneSatisfy(d -> assertThat(d.message()).contains("32-bit (i686) and 64-bit"));
    }

    @Test
    void aStrideKeptInAStructBindsThePointerWidth() throws Exception {
        CompileResult r = compile("""
                static struct item tab[8];
                struct walker { char *base; size_t stride; };
                int main(void) {
                  struct walker w = { (char *)tab, sizeof tab[0] };
                  long s = 0;
                  for (int i = 0; i < 8; i++) s += ((struct item *)(w.base + i * w.stride))->key;
                  printf("%ld\\n", s);
                  return 0;
                }
                """);
        widthBound(r, 9, "'sizeof(struct item)' at a.c:9:36 is the initial value of 'w'");
    }

    @Test
    void anElementSizeKeptByTheProgramsOwnFunctionBindsThePointerWidth() throws Exception {
        CompileResult r = compile("""
                struct vec { void *data; size_t elsize, len; };
                static void vec_init(struct vec *v, size_t elsize) { v->data = NULL; v->elsize = elsize; v->len = 0; }
                static size_t offset_of_weight(void) { return offsetof(struct item, weight); }
                int main(void) {
                  struct vec v;
                  vec_init(&v, sizeof(struct item));
                  size_t w;
                  w = offset_of_weight();
                  for (int i = 0; i < 3; i++) v.len += 1;
                  printf("%zu %zu\\n", v.len, w);
                  return 0;
                }
                """.replace("offsetof(struct item, weight)", "__builtin_offsetof(struct item, weight)"));
        widthBound(r, 8, "'offsetof(...)' at a.c:8:47 is returned",
                "'sizeof(struct item)' at a.c:11:16 is passed to 'vec_init', which keeps its parameter 'elsize'");
    }

    @Test
    void aByteOffsetIntoAnArrayOfStructsKeptAsAHandleBindsThePointerWidth() throws Exception {
        CompileResult r = compile("""
                static struct item pool[16];
                static size_t handles[16];
                int main(void) {
                  for (int i = 0; i < 16; i++) handles[i] = (size_t)((char *)&pool[(i * 3) % 16] - (char *)pool);
                  long s = 0;
                  for (int i = 0; i < 16; i++) s += ((struct item *)((char *)pool + handles[i]))->key;
                  printf("%ld\\n", s);
                  return 0;
                }
                """);
        widthBound(r, 9, "a byte difference of character pointers cast from 'struct item *' at a.c:9:54 is assigned to 'handles'");
    }

    @Test
    void sizesUsedAtOnceOrTheSameEverywhereBindNothing() throws Exception {
        CompileResult r = compile("""
                static void *xmalloc(size_t n) { void *p = malloc(n); if (!p) exit(1); return p; }
                static void *grab(size_t n) { return xmalloc(n * 2); }
                static struct item items[16];
                static const size_t sizes[] = { sizeof(struct item), sizeof(long) };
                int main(void) {
                  static const size_t stride = sizeof items[0];
                  struct item *a = malloc(4 * sizeof *a);
                  struct item *b = xmalloc(sizeof(struct item));
                  struct item *c = grab(sizeof *c);
                  size_t count = sizeof items / sizeof items[0];
                  size_t small = sizeof(struct small), word = sizeof(int) * 2;
                  char *end = (char *)items + sizeof items;
                  static char text[64];
                  static int nums[8];
                  char *p = strchr(text, 'x');
                  long at = p ? p - text : -1, elements = &items[5] - items, bytes = (char *)&nums[3] - (char *)nums;
                  memset(a, 0, 4 * sizeof(struct item));
                  long s = 0;
                  for (size_t i = 0; i < count && (char *)&items[i] < end; i++) s += items[i].key + (i < sizeof(long));
                  printf("%ld %zu %zu %d %ld\\n", s, small, word, b != c, at + elements + bytes + (long)(sizes[1] + stride));
                  free(a);
                  return 0;
                }
                """);
        free(r);
    }

    @Test
    void aSizePassedThroughAFunctionPointerToAKeeperBindsThePointerWidth() throws Exception {
        CompileResult r = compile("""
                struct pool { size_t elsize; long used; };
                struct ops { void (*init)(struct pool *, size_t); };
                static void pool_init(struct pool *p, size_t elsize) { p->elsize = elsize; p->used = 0; }
                static struct pool pool;
                int main(void) {
                  struct ops ops = { pool_init };
                  ops.init(&pool, sizeof(struct item));
                  for (int i = 0; i < 3; i++) pool.used += 1;
                  printf("%ld\\n", pool.used);
                  return 0;
                }
                """);
        widthBound(r, 12, "'sizeof(struct item)' at a.c:12:19 is passed through a function pointer that may call 'pool_init',"
                + " which keeps its parameter 'elsize'");
    }

    @Test
    void aSizePassedThroughAnAllocatorHookOrALibraryPointerBindsNothing() throws Exception {
        // zlib's idiom: strm->zalloc(opaque, items, size), a hook that passes the size on to the C library; and a
        // function pointer to malloc itself; a function of the same shape that keeps only its pointer keeps no size
        CompileResult r = compile("""
                struct stream { void *(*zalloc)(void *, unsigned, unsigned); void *opaque; };
                static void *my_alloc(void *opaque, unsigned items, unsigned size) { (void)opaque; return calloc(items, size); }
                static void *keep_ptr;
                static void *keeper(void *a, unsigned b, unsigned c) { (void)b; (void)c; keep_ptr = a; return a; }
                int main(void) {
                  struct stream s = { my_alloc, NULL };
                  void *(*other)(void *, unsigned, unsigned) = keeper;
                  void *(*alloc)(size_t) = malloc;
                  struct item *a = s.zalloc(s.opaque, 4, sizeof(struct item));
                  struct item *b = alloc(sizeof(struct item));
                  printf("%d %d\\n", a != NULL && b != NULL, other(NULL, 0, 0) == NULL);
                  free(a);
                  free(b);
                  return 0;
                }
                """);
        free(r);
    }
}
