package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Allocation wrappers' blocks typed by their callers (issue 11, cause 3; docs/CODEGEN.md "Heap calls"). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WrapperAllocTypesTest {
    @TempDir
    Path dir;

    @Test
    void callsOfAWrapperCastOrAssignedToATypedPointerTypeTheBlock() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                struct cell { char *name; struct cell *link; };
                static void *grab(int n) { void *p; p = malloc((size_t)n); if (!p) exit(1); return p; }
                static void *direct(size_t n) { return calloc(1, n); }
                int main(void) {
                  struct cell *c = (struct cell *) grab(sizeof(struct cell));
                  c->name = grab(7);
                  unsigned *t;
                  t = direct(16 * sizeof *t);
                  void *raw = grab(3);
                  return (c->name != 0) + (t != 0) + (raw != 0);
                }
                """);
        List<String> l = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c");
        assertThat(l.get(5)).contains("(struct cell *) talent_heap_type_first(grab(sizeof(struct cell)), &talent_td_");
        assertThat(l.get(6)).contains("c->name = talent_heap_type_first(grab(7), &talent_td_");
        assertThat(l.get(8)).contains("t = talent_heap_type_first(direct(16 * sizeof *t), &talent_td_");
        // no typed use: left alone (the checkpoint-time inference from pointers still applies)
        assertThat(l.get(9)).isEqualTo("  void *raw = grab(3);");
    }

    @Test
    void aFunctionReturningAnythingButAFreshAllocationIsNotAWrapper() {
        List<String> l = CProgram.originalLines(CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                static char pool[64];
                static void *fromPool(int n) { return n < 64 ? (void *)pool : malloc((size_t)n); }
                static void *moved(int n) { void *p = malloc((size_t)n); p = (char *)p + 1; return p; }
                static void *aliased(int n) { void *p = malloc((size_t)n); void **q = &p; return *q; }
                int main(void) {
                  char *a = fromPool(3);
                  int *b = moved(9);
                  int *c = aliased(8);
                  return a[0] + (b != 0) + (c != 0);
                }
                """).instrumented("a.c"));
        assertThat(String.join("\n", l)).doesNotContain("talent_heap_type_first");
    }

    @Test
    void callsThroughAnAllocatorPointerAreTypedFromTheCallersCastAlsoInsideAMacro() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                typedef void *(*alloc_func)(void *opaque, unsigned items, unsigned size);
                typedef struct { alloc_func zalloc; void *opaque; } stream;
                typedef struct st { int n; unsigned short tab[4]; } st;
                static void *zcalloc(void *o, unsigned items, unsigned size) { (void)o; return calloc(items, size); }
                #define ZALLOC(strm, items, size) (*((strm)->zalloc))((strm)->opaque, (items), (size))
                #define PLUS(strm, n) (*((strm)->zalloc))((strm)->opaque, 1, (n)) + 1
                int main(void) {
                  stream z = { zcalloc, 0 };
                  st *s = (st *) ZALLOC(&z, 1, sizeof(st));
                  unsigned char *w;
                  w = (unsigned char *) ZALLOC(&z, 64, 2);
                  unsigned short *q = z.zalloc(z.opaque, 8, 2);
                  char *e = (char *) PLUS(&z, 4);
                  int (*f)(void) = 0;
                  void *raw = ZALLOC(&z, 3, 1);
                  return (s != 0) + (w != 0) + (q != 0) + (e != 0) + (raw != 0) + (f != 0);
                }
                """);
        List<String> l = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c");
        String all = String.join("\n", l);
        assertThat(all).contains("st *s = (st *) talent_heap_type_result(")
                .contains("w = (unsigned char *) talent_heap_type_result(")
                .contains("unsigned short *q = talent_heap_type_result(");
        // the macro expands to more than the call (the cast's operand is the call, its parent is '+'): left alone
        assertThat(l.stream().filter(x -> x.contains("char *e =")).findFirst().orElseThrow()).doesNotContain("talent_heap_type_result");
        // no typed use: left alone
        assertThat(l.stream().filter(x -> x.contains("void *raw =")).findFirst().orElseThrow()).doesNotContain("talent_heap_type_result");
    }
}
