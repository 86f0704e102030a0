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

    /**
     * uthash's test hook {@code alt_malloc} ({@code if (--malloc_cnt <= 0) return 0; return malloc(sz);}) and wrappers
     * that give {@code NULL} for a size of 0: a null pointer returns no block, so they are wrappers. Before, a
     * {@code return 0} made them none, and uthash's bucket array ({@code (UT_hash_bucket *)uthash_malloc(64 * sizeof
     * ...)}) was refused at every checkpoint as "64 of them or one larger object". A function returning only NULL is none.
     */
    @Test
    void aWrapperThatMayReturnNullStillTypesItsCallersBlocks() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                struct bucket { struct bucket *head; unsigned count; };
                static int budget = 100;
                static void *alt(size_t sz) { if (--budget <= 0) return 0; return malloc(sz); }
                static void *orNull(size_t n) { void *p = NULL; if (n) p = malloc(n); return p; }
                static void *never(size_t n) { (void)n; return NULL; }
                int main(void) {
                  struct bucket *b = (struct bucket *) alt(64 * sizeof(struct bucket));
                  unsigned *t = orNull(16 * sizeof *t);
                  int *z = never(4);
                  return (b != 0) + (t != 0) + (z != 0);
                }
                """);
        List<String> l = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c");
        assertThat(l.get(7)).contains("(struct bucket *) talent_heap_type_first(alt(64 * sizeof(struct bucket)), &talent_td_");
        assertThat(l.get(8)).contains("talent_heap_type_first(orNull(16 * sizeof *t), &talent_td_");
        assertThat(l.get(9)).isEqualTo("  int *z = never(4);");
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
    @Test
    void aKAndRCharWrapperIsTypedByItsCallersAndItsCharUsesStayChar() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                #include <stdlib.h>
                #include <string.h>
                typedef struct node { char *name; struct node *next; } node;
                typedef long inchr;
                char *myalloc(size)
                size_t size;
                {
                  char *ptr;
                  if ((ptr = (char*)malloc(size))==NULL) { fprintf(stderr, "oom\\n"); exit(1); }
                  else { return ptr; }
                }
                int main(void) {
                  node *n = (node*)myalloc(sizeof(node));
                  inchr *in = (inchr*)myalloc(sizeof(inchr)*4);
                  char **rows = (char**)myalloc(sizeof(char*)*3);
                  char *s = myalloc(8);
                  puts(strcpy(myalloc(4), "ab"));
                  void *v = myalloc(16);
                  return (n != 0) + (in != 0) + (rows != 0) + (s != 0) + (v != 0);
                }
                """);
        List<String> l = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c");
        // the wrapper's own (char*) says nothing about the block: untyped there
        assertThat(l.get(9)).contains("(char*)talent_malloc(size, 0, ");
        assertThat(l.get(13)).contains("(node*)talent_heap_type_first(myalloc(sizeof(node)), &talent_td_");
        assertThat(l.get(14)).contains("(inchr*)talent_heap_type_first(myalloc(sizeof(inchr)*4), &talent_td_");
        assertThat(l.get(15)).contains("(char**)talent_heap_type_first(myalloc(sizeof(char*)*3), &talent_td_");
        // used as the char * it is: a char array, as when the wrapper's site typed it
        assertThat(l.get(16)).contains("char *s = talent_heap_type_first(myalloc(8), &talent_td_");
        assertThat(l.get(17)).contains("strcpy(talent_heap_type_first(myalloc(4), &talent_td_");
        // stored as void *: left to the pointers that reference it at a checkpoint
        assertThat(l.get(18)).isEqualTo("  void *v = myalloc(16);");
    }

    @Test
    void aReallocWrapperReturningItsParameterAndAVoidPointerKeptBeforeTheCast() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                struct rec { int code; char *name; };
                struct ap { struct rec *data; char *error; int n; };
                static void *resize(void *buf, const int min) {
                  if (buf) buf = realloc(buf, min);
                  else buf = malloc(min);
                  return buf;
                }
                static void *grow(void *p, int n) { if (n == 0) return p; p = realloc(p, n); return p; }
                static int push(struct ap *ap, int code) {
                  void *tmp = resize(ap->data, (ap->n + 1) * (int)sizeof(struct rec));
                  if (!tmp) return 0;
                  ap->data = (struct rec *)tmp;
                  ap->data[ap->n++].code = code;
                  void *e = grow(ap->error, 8);
                  ap->error = e;
                  void *other = ap->error;
                  struct rec *r = other;
                  return r != 0;
                }
                int main(void) { struct ap a = {0, 0, 0}; return push(&a, 3); }
                """);
        List<String> l = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c");
        assertThat(l.get(4)).contains("buf = talent_realloc(buf, min, 0, ");
        assertThat(l.get(5)).contains("buf = talent_malloc(min, 0, ");
        assertThat(l.get(12)).contains("ap->data = (struct rec *)talent_heap_type_first(tmp, &talent_td_");
        // grow may hand back its caller's pointer: typed through the checked entry point
        assertThat(l.get(15)).contains("ap->error = talent_heap_type_result(e, &talent_td_");
        // a void * that also holds other pointers is not followed
        assertThat(l.get(17)).isEqualTo("  struct rec *r = other;");
    }

    @Test
    void gnuStyleFamiliesAndWrappersCallingWrappersAreTypedAtTheOutermostCaller() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                #include <stdlib.h>
                #include <string.h>
                struct item { char *name; double w; };
                static void die(const char *m) { fprintf(stderr, "%s\\n", m); exit(1); }
                void *xmalloc(size_t n) { void *p = malloc(n); if (!p && n) die("oom"); return p; }
                void *xcalloc(size_t n, size_t s) { void *p = calloc(n, s); if (!p) die("oom"); return p; }
                void *xrealloc(void *p, size_t n) { p = realloc(p, n); if (!p && n) die("oom"); return p; }
                void *xzalloc(size_t n) { return memset(xmalloc(n), 0, n); }
                void *xmemdup(const void *p, size_t n) { return memcpy(xmalloc(n), p, n); }
                char *xstrdup(const char *s) { return xmemdup(s, strlen(s) + 1); }
                int main(void) {
                  struct item *it = xzalloc(sizeof *it);
                  it->name = xstrdup("x");
                  int *v = xrealloc(NULL, 10 * sizeof(int));
                  double *d = xcalloc(4, sizeof *d);
                  puts(xstrdup("y"));
                  return (it != 0) + (v != 0) + (d != 0);
                }
                """);
        List<String> l = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c");
        // the inner calls are not typed: their blocks are the outer wrapper's result
        assertThat(l.get(8)).contains("return memset(xmalloc(n), 0, n);");
        assertThat(l.get(9)).contains("return memcpy(xmalloc(n), p, n);");
        assertThat(l.get(10)).contains("return xmemdup(s, strlen(s) + 1);");
        assertThat(l.get(12)).contains("struct item *it = talent_heap_type_first(xzalloc(sizeof *it), &talent_td_");
        assertThat(l.get(13)).contains("it->name = talent_heap_type_first(xstrdup(\"x\"), &talent_td_");
        // xrealloc returns its parameter on every path only after assigning it: the unchecked entry point
        assertThat(l.get(14)).contains("int *v = talent_heap_type_first(xrealloc(NULL, 10 * sizeof(int)), &talent_td_");
        assertThat(l.get(15)).contains("double *d = talent_heap_type_first(xcalloc(4, sizeof *d), &talent_td_");
        assertThat(l.get(16)).contains("puts(talent_heap_type_first(xstrdup(\"y\"), &talent_td_");
    }

    @Test
    void aWrapperInAnotherFileTypesItsCallersHere() {
        CProgram p = CProgram.in(dir).file("w.c", """
                #include <stdlib.h>
                void *resize_buffer(void *buf, unsigned n) {
                  if (buf) buf = realloc(buf, n);
                  else buf = malloc(n);
                  if (!buf) exit(1);
                  return buf;
                }
                """).file("a.c", """
                void *resize_buffer(void *buf, unsigned n);
                struct member { long pos; int size; };
                int main(void) {
                  struct member *m = 0;
                  void *tmp = resize_buffer(m, 4 * sizeof *m);
                  m = (struct member *)tmp;
                  return m == 0;
                }
                """);
        List<String> l = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c");
        assertThat(l.get(5)).contains("m = (struct member *)talent_heap_type_first(tmp, &talent_td_");
    }

    @Test
    void returnedParametersAndLocalsAssignedAnythingElseAreNotWrappers() {
        List<String> l = CProgram.originalLines(CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                static char *g;
                static char *shifted(char *p, int n) { p = realloc(p, (size_t)n); p = p + 1; return p; }
                static char *global(int n) { g = malloc((size_t)n); return g; }
                static void *taken(void *p, int n) { void **q = &p; *q = realloc(p, (size_t)n); return p; }
                static void *either(void *p, void *o, int n) { p = n ? realloc(p, (size_t)n) : o; return p; }
                int main(void) {
                  long *a = (long *) shifted(0, 9);
                  long *b = (long *) global(8);
                  long *c = taken(0, 8);
                  long *d = either(0, 0, 8);
                  return (a != 0) + (b != 0) + (c != 0) + (d != 0);
                }
                """).instrumented("a.c"));
        String all = String.join("\n", l);
        assertThat(all).doesNotContain("talent_heap_type_first").doesNotContain("talent_heap_type_result");
    }
}
