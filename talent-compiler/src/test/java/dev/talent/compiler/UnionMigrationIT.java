package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unions migrate through the member that carries their value, chosen at the checkpoint (docs/FORMAT.md "Values",
 * format major 3). Found by Csmith (seed 105, --max-funcs 1): a union whose first member is a bit-field was written as
 * the whole storage unit's integer, so on a big-endian ISA the field read another 19 bits and the program printed
 * another checksum, exit 0. A union that no member carries (every member would lose something) is refused at the
 * checkpoint, naming it, and the program goes on.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UnionMigrationIT {
    @TempDir
    Path work;

    @Test
    void aUnionWhoseFirstMemberIsABitFieldRestoresOnABigEndianIsa() throws Exception {
        Path src = work.resolve("u.c");
        Files.writeString(src, """
                #include <stdio.h>
                union U0 { volatile unsigned f0 : 19; volatile int f1; };
                static volatile union U0 g = {524287u};
                int main(void) {
                    unsigned h = 0;
                    for (int r = 0; r < 100; r++) h = h * 31 + g.f0 + (unsigned)r;
                    printf("h=%u f0=%u\\n", h, (unsigned)g.f0);
                    return 0;
                }
                """);
        Path orig = work.resolve("u.orig");
        assertThat(run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null).rc()).isZero();
        String expected = run(List.of(orig.toString()), Map.of(), null).out();
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "u"));
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.stream().filter(t -> t.name().equals("s390x")).findFirst().orElseThrow();
        Path exe = link(x86, r, work.resolve("u.x86_64"));
        Path foreign = link(s390x, r, work.resolve("u.s390x"));
        Path ck = Files.createDirectories(work.resolve("ck"));
        Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "50"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(s390x, foreign), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(first.out() + second.out()).isEqualTo(expected);
    }

    /**
     * Found with Csmith (seed 6014, talent bench csmith): a union holding a pointer whose uint8_t first member holds 1
     * was carried, when written on s390x, as its int64_t member 2^56 (the byte at offset 0 is the top byte there, and
     * a 64-bit integer beyond 32 bits was preferred over members of every size), so restored on a little-endian ISA
     * the first member read 0: another checksum, exit 0. Each row stops on x86_64, then on s390x, and restores
     * s390x's checkpoint on aarch64.
     */
    @Test
    void aSmallNumberInANarrowMemberWrittenOnABigEndianIsaKeepsItsMember() throws Exception {
        chain("narrow", """
                #include <stdint.h>
                #include <stdio.h>
                union U0 { volatile uint8_t f0; int8_t *f1; int64_t f2; const uint32_t f3; };
                static union U0 g[3] = {{1U}, {7U}, {200U}};
                static int8_t byte;
                int main(void) {
                  unsigned h = 0;
                  for (int r = 0; r < 3000; r++) {
                    h = h * 31 + g[r % 2].f0 + (unsigned)r;
                    if (r == 1500) g[2].f1 = &byte;
                  }
                  printf("h=%u f0=%u %u ptr=%d\\n", h, (unsigned)g[0].f0, (unsigned)g[1].f0, g[2].f1 == &byte);
                  return 0;
                }
                """, "h=2332231044 f0=1 7 ptr=1\n", new int[][] {{5, 40, 500}, {900, 300, 100}, {1400, 400, 50}, {2000, 200, 30}});
    }

    /**
     * Tagged values as interpreters keep them (mujs's js_Value: a short string in a char array beside an int and a
     * double, chosen by a tag outside the union). The bytes of "ab" are carried alike by the char array and by the int
     * (25185): restored on s390x as the int, the string came back empty, exit 0. Which member was written is not
     * recorded, so such a value is bound to its byte order: refused on s390x (exit 65, naming it), restored on
     * aarch64 and i686.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aTaggedValueThatTwoMembersReadDifferentlyOnTheOtherByteOrderStaysOnItsByteOrder() throws Exception {
        String source = """
                #include <stdio.h>
                #include <string.h>
                struct val { union { int boolean; double number; char shrstr[16]; const char *litstr; } u; char type; };
                static struct val vals[4];
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k % 7; return s; }
                int main(void) {
                    long acc = 0;
                    strcpy(vals[0].u.shrstr, "ab"); vals[0].type = 's';
                    vals[1].u.boolean = 1; vals[1].type = 'b';
                    vals[2].u.number = 2.5; vals[2].type = 'n';
                    vals[3].u.litstr = "lit"; vals[3].type = 'l';
                    for (int r = 0; r < 400; r++) acc += spin(50);
                    for (int k = 0; k < 4; k++) {
                        switch (vals[k].type) {
                        case 's': printf("s %s\\n", vals[k].u.shrstr); break;
                        case 'b': printf("b %d\\n", vals[k].u.boolean); break;
                        case 'n': printf("n %g\\n", vals[k].u.number); break;
                        default: printf("l %s\\n", vals[k].u.litstr); break;
                        }
                    }
                    printf("%ld\\n", acc);
                    return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "tagged", source);
        assertThat(plain.out()).startsWith("s ab\nb 1\nn 2.5\nl lit\n");
        MigratesLikeGcc.boundToByteOrder(work, "tagged", MigratesLikeGcc.compiled(work, "tagged"), plain.out(),
                List.of("5", "300"), List.of("s390x"), List.of("aarch64", "i686"), "cannot restore 'vals[0].u'",
                "restore it on a little-endian platform");
    }

    /**
     * A small number written through a union's int64_t member and read back through it, where the program names its
     * uint8_t member too (Csmith's unions): on a little-endian writer both carry the bytes alike, and the value was
     * carried as the first member, uint8_t 1, which on s390x is 2^56 in the int64_t: another sum, exit 0. Now refused
     * on s390x and restored on aarch64. A member the program never names is not taken into account: the union of
     * aSmallNumberInANarrowMemberWrittenOnABigEndianIsaKeepsItsMember (f2 and f3 never named) still moves to s390x.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aSmallNumberInAWideMemberOfAUnionWhoseNarrowMemberIsNamedStaysOnItsByteOrder() throws Exception {
        String source = """
                #include <stdint.h>
                #include <stdio.h>
                union U1 { uint8_t f0; int64_t f2; };
                static union U1 g[2];
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k % 5; return s; }
                int main(void) {
                    long acc = 0;
                    g[0].f2 = 1; g[1].f0 = 3;
                    for (int r = 0; r < 400; r++) acc += spin(40) + g[0].f2 + g[1].f0;
                    printf("%ld %lld %u\\n", acc, (long long)g[0].f2, (unsigned)g[1].f0);
                    return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "wide", source);
        MigratesLikeGcc.boundToByteOrder(work, "wide", MigratesLikeGcc.compiled(work, "wide"), plain.out(),
                List.of("5", "300"), List.of("s390x"), List.of("aarch64"), "cannot restore 'g[0]'",
                "restore it on a little-endian platform");
    }

    @Test
    void aUnionThatNoMemberCarriesIsRefusedAtTheCheckpointByName() throws Exception {
        // c[1] and x.s both written: c does not carry x.s's bytes, x does not carry c[1] (its padding); refused by
        // name, and the program goes on to plain gcc's output (MigratesLikeGcc.refusedAt)
        Run first = MigratesLikeGcc.refusedAt(work, "w", """
                #include <stdio.h>
                union W { char c[2]; struct { char a; short s; } x; };
                static union W w;
                int main(void) {
                    long s = 0;
                    w.c[1] = 'z';
                    w.x.s = 5;
                    for (int r = 0; r < 100; r++) s += w.x.s * r + w.c[1];
                    printf("%ld\\n", s);
                    return 0;
                }
                """, 50);
        assertThat(first.err()).contains("union 'w'").contains("first member 'c'");
    }

    /**
     * Found by the issue 11 hunt (2026-12-05): a tagged union whose first member is a struct of bit-fields with gaps
     * (bits of the storage units no field names, an unnamed {@code :0}) and whose other member is a double. The check
     * that the first member covers the union's bytes copied the struct's bytes whole, but a struct is carried member by
     * member: the double's bits in the gaps were dropped, and the restart printed other sums with exit 0, on the same
     * ISA too (s=680948 d9=32.0 where gcc prints s=740720 d9=62.0). Now the check copies only what the encoding
     * carries, and such a checkpoint is refused by the union's name.
     */
    @Test
    void aDoubleInAUnionOfBitFieldsWithGapsIsRefusedNotTruncated() throws Exception {
        Run first = MigratesLikeGcc.refusedAt(work, "gaps", """
                #include <stdio.h>
                struct bits { unsigned a : 3; unsigned b : 9; signed c : 5; unsigned : 0; unsigned d : 7; };
                union cell { struct bits s; double d; };
                struct tagged { int kind; union cell u; };
                static struct tagged cells[40];
                int main(void) {
                  for (int i = 0; i < 40; i++) {
                    cells[i].kind = i % 2;
                    if (cells[i].kind) { cells[i].u.s.a = i; cells[i].u.s.b = i * 13; cells[i].u.s.c = -i; cells[i].u.s.d = i * 3; }
                    else cells[i].u.d = i * 1.5;
                  }
                  long s = 0;
                  for (int r = 0; r < 100; r++)
                    for (int i = 0; i < 40; i++) {
                      struct tagged *t = &cells[i];
                      if (t->kind) { s += t->u.s.a + t->u.s.b + t->u.s.c + t->u.s.d; t->u.s.c++; t->u.s.b += 3; }
                      else { s += (long)t->u.d; t->u.d += 0.5; }
                    }
                  printf("s=%ld c5=%d b7=%u d9=%.1f\\n", s, cells[5].u.s.c, cells[7].u.s.b, cells[8].u.d);
                  return 0;
                }
                """, 1500);
        assertThat(first.out()).isEqualTo("s=740720 c5=-1 b7=391 d9=62.0\n");
        assertThat(first.err()).contains("union 'cells[").contains("first member 's'");
    }

    /**
     * Survey of 2026-12-03 (ncompress 4.2.4.6, compress42.c:1360): a hash key built in a union through a struct
     * member and read as its long member; the hash table holds such keys. Restarted on s390x the keys meant other
     * things and the .Z output differed, exit 0. Now the byte orders have fingerprints of their own: a restart on
     * s390x is refused (exit 65) with the union's name; on x86_64 it prints plain gcc's output.
     */
    @Test
    void aUnionReadThroughAnotherMemberThanWrittenStaysOnItsByteOrder() throws Exception {
        Path src = work.resolve("pun.c");
        Files.writeString(src, """
                #include <stdio.h>
                static long keys[128];
                static int nkeys;
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k; return s; }
                int main(void) {
                  union { long code; struct { unsigned char c; unsigned short ent; } e; } f;
                  long hits = 0, s = 0;
                  f.code = 0;
                  for (int i = 0; i < 300; i++) {
                    f.e.c = (unsigned char)(i % 10); f.e.ent = (unsigned short)(i % 7);
                    s += spin(i % 5);
                    int k;
                    for (k = 0; k < nkeys && keys[k] != f.code; k++) { }
                    if (k < nkeys) hits++; else keys[nkeys++] = f.code;
                  }
                  printf("hits=%ld keys=%d s=%ld\\n", hits, nkeys, s);
                  return 0;
                }
                """);
        Path orig = work.resolve("pun.orig");
        assertThat(run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null).rc()).isZero();
        String expected = run(List.of(orig.toString()), Map.of(), null).out();
        assertThat(expected).isEqualTo("hits=230 keys=70 s=600\n");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "pun"));
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.stream().filter(t -> t.name().equals("s390x")).findFirst().orElseThrow();
        Path exe = link(x86, r, work.resolve("pun.x86_64"));
        Path foreign = link(s390x, r, work.resolve("pun.s390x"));
        for (String stop : List.of("5", "300")) {
            Path ck = Files.createDirectories(work.resolve("ck" + stop));
            Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", stop), null);
            assertThat(first.rc()).as(first.err()).isEqualTo(75);
            Run there = run(command(s390x, foreign), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
            assertThat(there.rc()).as(there.err()).isEqualTo(65);
            assertThat(there.out()).isEmpty();
            assertThat(there.err()).contains("is written through member 'e'").contains("read through 'code'");
            Run here = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
            assertThat(here.rc()).as(here.err()).isZero();
            assertThat(first.out() + here.out()).isEqualTo(expected);
        }
    }

    /**
     * A union where two members hold pointers to memory talent knows, each where the other member has a number: no
     * member carries it (each would restore the other's pointer aimed at the old address), refused by name.
     */
    @Test
    void aUnionWithPointersInTwoMembersOverEachOthersNumbersIsRefusedAtTheCheckpoint() throws Exception {
        Run both = MigratesLikeGcc.refusedAt(work, "two", """
                #include <stdio.h>
                union two { struct { void *a; long n; } x; struct { long m; void *b; } y; };
                static long g, h;
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k; return s; }
                int main(void) {
                  union two u;
                  long t = 0;
                  u.x.a = &g;
                  u.y.b = &h;
                  for (int r = 0; r < 100; r++) t += spin(10) + (u.x.a == (void *)&g) + (u.y.b == (void *)&h);
                  printf("%ld\\n", t);
                  return 0;
                }
                """, 50);
        assertThat(both.err()).contains("union 'u'").contains("holds a pointer in its member 'y' (at byte 8)")
                .contains("first member 'x'");
    }

    /**
     * Refused at the checkpoint on main until 2026-12-04 (docs/COVERAGE.md survey): an interpreter's cell whose cons
     * cell's cdr lies where the first member (a string) has its length (tinyscheme), and a tagged value union
     * {@code { void *p; long i; double d; }} holding a number (Lua-style values). Each union is now carried by the
     * member its value needs: stopped at several visits on x86_64 and restarted through s390x, aarch64 and
     * x86_64-musl, the output is plain gcc's.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void interpreterCellsAndTaggedValuesMigrateThroughTheMemberTheyHold() throws Exception {
        chain("cells", """
                #include <stdio.h>
                #include <stdlib.h>
                #include <string.h>
                enum { T_NUM = 1, T_REAL, T_STR, T_CONS };
                struct num { char is_fixnum; union { long ivalue; double rvalue; } value; };
                struct cell {
                  unsigned flag;
                  union {
                    struct { char *svalue; int length; } string;
                    struct num number;
                    struct { struct cell *car; struct cell *cdr; } cons;
                  } object;
                };
                static struct cell *pool;
                static int used;
                static struct cell *NIL;
                static struct cell *mk(unsigned flag) { struct cell *c = &pool[used++]; c->flag = flag; return c; }
                static struct cell *cons(struct cell *a, struct cell *d) {
                  struct cell *c = mk(T_CONS); c->object.cons.car = a; c->object.cons.cdr = d; return c;
                }
                static struct cell *fix(long v) {
                  struct cell *c = mk(T_NUM); c->object.number.is_fixnum = 1; c->object.number.value.ivalue = v; return c;
                }
                static struct cell *real(double v) {
                  struct cell *c = mk(T_REAL); c->object.number.is_fixnum = 0; c->object.number.value.rvalue = v; return c;
                }
                static struct cell *str(const char *s) {
                  struct cell *c = mk(T_STR);
                  c->object.string.length = (int)strlen(s);
                  c->object.string.svalue = malloc(strlen(s) + 1);
                  strcpy(c->object.string.svalue, s);
                  return c;
                }
                static double eval_sum(struct cell *l) {
                  double s = 0;
                  for (; l != NIL; l = l->object.cons.cdr) {
                    struct cell *x = l->object.cons.car;
                    if (x->flag == T_NUM) s += (double)x->object.number.value.ivalue;
                    else if (x->flag == T_REAL) s += x->object.number.value.rvalue;
                    else if (x->flag == T_STR) s += x->object.string.length + (x->object.string.svalue[0] == 'o');
                  }
                  return s;
                }
                int main(void) {
                  struct cell *list, *x;
                  double total = 0;
                  int i;
                  pool = calloc(1024, sizeof *pool);
                  NIL = mk(0);
                  list = NIL;
                  for (i = 0; i < 300; i++) {
                    double s;
                    if (i % 3 == 0) x = fix(i - 100);
                    else if (i % 3 == 1) x = real(i * 0.25);
                    else x = str(i % 2 ? "odd" : "even-word");
                    list = cons(x, list);
                    s = eval_sum(list);
                    total += s;
                  }
                  printf("total=%.2f cells=%d head=%s\\n", total, used, list->object.cons.car->object.string.svalue);
                  return 0;
                }
                """, "total=457412.50 cells=601 head=odd\n", new int[][] {{50, 5000, 20000}, {30000, 100, 7000}});
        chain("tagged", """
                #include <stdio.h>
                union v { void *p; long i; double d; };
                struct val { int tag; union v u; };
                static long target = 7;
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k; return s; }
                int main(void) {
                  struct val vals[6];
                  long t = 0;
                  double dsum = 0;
                  vals[0].tag = 0; vals[0].u.i = 42;
                  vals[1].tag = 1; vals[1].u.p = &target;
                  vals[2].tag = 2; vals[2].u.d = 2.5;
                  vals[3].tag = 0; vals[3].u.i = -9;
                  vals[4].tag = 2; vals[4].u.d = -0.125;
                  vals[5].tag = 1; vals[5].u.p = &vals[0];
                  for (int r = 0; r < 300; r++) {
                    t += spin(10);
                    for (int k = 0; k < 6; k++) {
                      if (vals[k].tag == 0) t += vals[k].u.i;
                      else if (vals[k].tag == 2) dsum += vals[k].u.d;
                      else if (vals[k].u.p == &target) t += *(long *)vals[k].u.p;
                      else t += ((struct val *)vals[k].u.p)->u.i;
                    }
                  }
                  printf("%ld %.3f\\n", t, dsum);
                  return 0;
                }
                """, "38100 712.500\n", new int[][] {{40, 800, 1500}, {2000, 300, 100}});
    }

    /**
     * mujs's js_Object (its Function.prototype, after the first stop of its test script): a tagged union whose member
     * for native functions holds a string literal, function pointers and an int, beside members with data pointers at
     * the function pointers' offsets. The writer took a function's address read through another member's data pointer
     * for a pointer to memory talent knows (the text lies in the read-only range), so no member carried the value and
     * every checkpoint was refused ("its first member 'boolean' does not cover"). Now carried by the native member:
     * stopped on x86_64, restarted on s390x and stopped again, finished on i686, the output is plain gcc's.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aTaggedObjectHoldingFunctionPointersBesideDataPointersMigrates() throws Exception {
        chain("native", List.of(HOPS.get(0), HOPS.get(1), HOPS.get(2)), """
                #include <stdio.h>
                #include <stdlib.h>
                typedef void (*cfn)(long *);
                enum { NUMBER, NATIVE, CLOSURE };
                struct env { long k; };
                struct obj {
                  int type;
                  union {
                    int boolean;
                    double number;
                    struct { const char *string; int length; } s;
                    struct { struct env *code; struct env *scope; } f;
                    struct { const char *name; cfn function; cfn constructor; int length; void *data; } c;
                    struct { void *prog; char *source; unsigned short flags; } r;
                  } u;
                };
                static void add3(long *x) { *x += 3; }
                static void twice(long *x) { *x *= 2; }
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k % 7; return s; }
                int main(void) {
                  struct obj *o = calloc(6, sizeof *o);
                  static struct obj proto;
                  long acc = 0, v = 1;
                  proto.type = NATIVE;
                  proto.u.c.name = "Function.prototype";
                  proto.u.c.function = add3;
                  proto.u.c.length = 0;
                  for (int i = 0; i < 6; i++) {
                    if (i % 3 == 0) { o[i].type = NATIVE; o[i].u.c.name = i ? "twice" : "add3";
                      o[i].u.c.function = i ? twice : add3; o[i].u.c.constructor = i ? add3 : NULL; o[i].u.c.length = i; }
                    else if (i % 3 == 1) { o[i].type = CLOSURE; o[i].u.f.code = malloc(sizeof (struct env));
                      o[i].u.f.code->k = i; o[i].u.f.scope = NULL; }
                    else { o[i].type = NUMBER; o[i].u.number = i * 0.5; }
                  }
                  for (int r = 0; r < 600; r++) {
                    acc += spin(20);
                    proto.u.c.function(&v);
                    v %= 1000003;
                    struct obj *x = &o[r % 6];
                    if (x->type == NATIVE) { x->u.c.function(&v); if (x->u.c.constructor) x->u.c.constructor(&v); }
                    else if (x->type == CLOSURE) v += x->u.f.code->k;
                    else v += (long)x->u.number;
                  }
                  printf("%s %s %d %ld %ld\\n", proto.u.c.name, o[3].u.c.name, o[3].u.c.length, v, acc);
                  return 0;
                }
                """, null, new int[][] {{50, 300, 900}, {2000, 40, 100}});
    }

    /**
     * mujs's js_Object holding an array (after 50,000 visits of its test script): the array's elements are a heap block
     * allocated behind a function pointer (mujs's {@code J->alloc}), so talent does not know its type until a typed
     * pointer is encoded into it. The array member's {@code js_Value *} was taken for a pointer into bytes that it
     * would read as something else, so no member carried the value and the checkpoint was refused. Now the member
     * whose pointer would type the block carries it when every other member that carries the value reads the block
     * alike: stopped on x86_64, restarted on s390x and stopped again, finished on i686, the output is plain gcc's.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aTaggedObjectPointingToAnUntypedHeapArrayMigrates() throws Exception {
        chain("array", List.of(HOPS.get(0), HOPS.get(1), HOPS.get(2)), """
                #include <stdio.h>
                #include <stdlib.h>
                struct val { union { int boolean; double number; const char *litstr; } u; char type; };
                struct obj {
                    int type;
                    union {
                        int boolean;
                        double number;
                        struct { const char *string; int length; } s;
                        struct { int length; int simple; int capacity; struct val *array; } a;
                        struct { struct obj *target; int i, n; void *head; } iter;
                    } u;
                };
                typedef void *(*alloc_fn)(void *ctx, void *p, size_t n);
                static void *defaultalloc(void *ctx, void *p, size_t n) { (void)ctx; return realloc(p, n); }
                static alloc_fn alloc = defaultalloc;
                static void *js_malloc(size_t n) { return alloc(NULL, NULL, n); }
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k % 7; return s; }
                int main(void) {
                    struct obj *o = js_malloc(sizeof *o);
                    long acc = 0;
                    double sum = 0;
                    o->type = 1;
                    o->u.a.length = 1; o->u.a.simple = 1; o->u.a.capacity = 1;
                    o->u.a.array = js_malloc(sizeof (struct val));
                    o->u.a.array[0].type = 'n';
                    for (int r = 0; r < 300; r++) {
                        acc += spin(20);
                        o->u.a.array[0].u.number = r * 0.25;
                        sum += o->u.a.array[0].u.number;
                    }
                    printf("%d %.2f %ld %c\\n", o->u.a.length, sum, acc, o->u.a.array[0].type);
                    return 0;
                }
                """, "1 11212.50 17100 n\n", new int[][] {{50, 2000, 3000}, {4000, 500, 100}});
    }

    /**
     * The same, where two members carry the value and read the untyped blocks it points to as different structs: which
     * one the program wrote, and so what the blocks hold, cannot be told. Refused at the checkpoint, naming the union
     * and both members; the program goes on with plain gcc's output.
     */
    @Test
    void aTaggedObjectWhoseMembersReadAnUntypedHeapBlockAsDifferentTypesIsRefusedByName() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(Files.createDirectories(work.resolve("undecided")), "und", """
                #include <stdio.h>
                #include <stdlib.h>
                struct fn { long code[4]; };
                struct env { long k; struct env *up; };
                struct obj {
                    int type;
                    union {
                        double number;
                        struct { struct fn *function; struct env *scope; } f;
                        struct { struct env *first; struct fn *second; } g;
                    } u;
                };
                typedef void *(*alloc_fn)(void *p, size_t n);
                static void *defaultalloc(void *p, size_t n) { return calloc(1, n); }
                static alloc_fn alloc = defaultalloc;
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k % 7; return s; }
                int main(void) {
                    struct obj *o = alloc(NULL, sizeof *o);
                    void *a = alloc(NULL, 2 * sizeof (struct fn)), *b = alloc(NULL, 2 * sizeof (struct env));
                    long acc = 0;
                    o->type = 1;
                    o->u.f.function = a;
                    o->u.f.scope = b;
                    a = b = NULL;
                    o->u.f.function[1].code[2] = 5;
                    for (int r = 0; r < 300; r++) acc += spin(20) + o->u.f.function[1].code[2] + (o->u.f.scope->up == NULL);
                    if (o->type == 2) acc += o->u.g.first->k + o->u.g.second->code[0];
                    printf("%ld\\n", acc);
                    return 0;
                }
                """, 500);
        assertThat(stopped.err()).contains("union 'o->u'").contains("its members 'f' and 'g' both carry but read as "
                + "different types");
    }

    /**
     * Which member a union holds is read from its bytes, not from what the program wrote: a {@code long} beyond 32 bits
     * and a normal {@code double} can be the same bytes. Both are carried as the {@code long}, so a restore on i686,
     * whose {@code long} cannot hold it, is refused (exit 65) rather than giving the long's low half as its value; the
     * same checkpoint restored on x86_64 prints plain gcc's output.
     */
    @Test
    void aLongBeyond32BitsInAUnionWithADoubleIsRefusedOnI686() throws Exception {
        Path src = work.resolve("wide.c");
        // the shifts from <limits.h>, not sizeof(long): a size the program keeps binds it to its pointer width
        // (SizeValues), which would refuse the restore before the union is looked at
        Files.writeString(src, """
                #include <limits.h>
                #include <stdio.h>
                #define WIDE (ULONG_MAX > 0xffffffffUL)
                union v { void *p; long i; double d; };
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k; return s; }
                int main(void) {
                  union v a[2];
                  long t = 0;
                  a[0].i = (long)(0x40040000UL << (WIDE ? 32 : 0));
                  a[1].d = 2.5;
                  for (int r = 0; r < 100; r++) t += spin(10) + (a[0].i >> (WIDE ? 40 : 8)) + (long)a[1].d;
                  printf("%ld\\n", t);
                  return 0;
                }
                """);
        Path orig = work.resolve("wide.orig");
        assertThat(run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null).rc()).isZero();
        String expected = run(List.of(orig.toString()), Map.of(), null).out();
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("wout"), "wide"));
        Target x86 = HOPS.getFirst();
        Target i686 = HOPS.stream().filter(t -> t.name().equals("i686")).findFirst().orElseThrow();
        Path exe = link(x86, r, work.resolve("wide.x86_64"));
        Path foreign = link(i686, r, work.resolve("wide.i686"));
        Path ck = Files.createDirectories(work.resolve("wck"));
        Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "50"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run there = run(command(i686, foreign), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(there.rc()).as(there.err()).isEqualTo(65);
        assertThat(there.out()).isEmpty();
        assertThat(there.err()).contains("does not fit in 32-bit");
        Run here = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(here.rc()).as(here.err()).isZero();
        assertThat(first.out() + here.out()).isEqualTo(expected);
    }

    /**
     * libyaml 0.2.5's yaml_document_delete (api.c:1130-1142), distilled: a node copied into a local and taken apart in
     * a switch on its tag, each arm writing and reading its own member of the union. Before, the build counted the
     * sequence written in one arm and the scalar read in another as a pun and bound the program to its byte order (the
     * restore on s390x refused, exit 65); arms of one switch on a tag the program never writes never meet on one value.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aTaggedUnionTakenApartInASwitchOnItsTagMigratesAcrossByteOrders() throws Exception {
        chain("yamlnodes", List.of(HOPS.get(0), HOPS.get(1), HOPS.get(2)), """
                #include <stdio.h>
                #include <stdlib.h>
                typedef struct {
                  enum kind { SCALAR = 1, SEQUENCE, MAPPING } type;
                  union {
                    struct { char *value; size_t length; int style; } scalar;
                    struct { struct { int *start, *end, *top; } items; int style; } sequence;
                    struct { long pairs; } mapping;
                  } data;
                } node_t;
                static node_t nodes[300];
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k; return s; }
                int main(void) {
                  long sum = 0;
                  for (int i = 0; i < 300; i++) {
                    node_t *n = &nodes[i];
                    sum += spin(i % 5); n->type = 1 + i % 3;
                    if (n->type == SCALAR) { n->data.scalar.value = malloc(8); n->data.scalar.length = i; }
                    else if (n->type == SEQUENCE) { n->data.sequence.items.start = malloc(16); n->data.sequence.items.top = n->data.sequence.items.start + i % 4; }
                    else n->data.mapping.pairs = i * 7L;
                  }
                  for (int i = 299; i >= 0; i--) {
                    sum += spin(i % 4); node_t node = nodes[i];
                    switch (node.type) {
                      case SCALAR: sum += (long)node.data.scalar.length; free(node.data.scalar.value); node.data.scalar.value = 0; break;
                      case SEQUENCE: sum += node.data.sequence.items.top - node.data.sequence.items.start; free(node.data.sequence.items.start);
                        node.data.sequence.items.start = node.data.sequence.items.top = 0; break;
                      default: sum += node.data.mapping.pairs * 3; node.data.mapping.pairs = 0;
                    }
                    nodes[i] = node;
                    printf("%d:%ld%c", i, sum, i % 10 ? ' ' : '\\n');
                  }
                  printf("sum=%ld\\n", sum); return 0;
                }
                """, null, new int[][] {{300, 1000}, {850, 500}, {1300, 150}});
    }

    /**
     * cmark 0.30.2's node (node.h), distilled: a union whose first member is a list of ints and chars, another a link of
     * two string pointers. On s390x (static executables from 0x1000000) a bullet list's start 0, then its list type 1,
     * delimiter 0, bullet '*' and tight 1, read as the link's title, make 0x01002a01: an address in the code, which the
     * checkpoint took for a pointer the program stored, so no member carried the list and the checkpoint was refused
     * ("holds a pointer in its member 'link' (at byte 8) where its first member 'list' has none"). Numbers that read as
     * an address in the code are no pointer: stopped on s390x, the list is carried by its own member.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aListWhoseNumbersReadAsACodeAddressOnABigEndianIsaIsNoPointer() throws Exception {
        chain("cmarknodes", List.of(HOPS.get(0), HOPS.get(1), HOPS.get(2)), """
                #include <stdio.h>
                #include <stdlib.h>
                #include <string.h>
                enum { LIST = 1, LINK };
                typedef struct node {
                  struct node *next; unsigned short type;
                  union {
                    struct { int marker_offset, padding, start; unsigned char list_type, delimiter, bullet_char, tight; } list;
                    struct { unsigned char *url, *title; } link;
                  } as;
                } node;
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k; return s; }
                int main(void) {
                  node *head = NULL; long sum = 0; char buf[32];
                  for (int i = 0; i < 200; i++) {
                    node *n = calloc(1, sizeof *n);
                    n->type = i % 3 ? LIST : LINK;
                    if (n->type == LIST) { n->as.list.padding = 2; n->as.list.list_type = 1; n->as.list.bullet_char = "-*+"[i % 3]; n->as.list.tight = 1; }
                    else { snprintf(buf, sizeof buf, "u%d", i); n->as.link.url = (unsigned char *)strdup(buf); n->as.link.title = (unsigned char *)strdup(buf + 1); }
                    n->next = head; head = n; sum += spin(i % 7);
                  }
                  for (node *n = head; n; n = n->next) {
                    sum += spin(3);
                    if (n->type == LIST) sum += n->as.list.padding + n->as.list.bullet_char + n->as.list.tight;
                    else sum += (long)strlen((char *)n->as.link.url) * 100 + atoi((char *)n->as.link.title);
                  }
                  printf("sum=%ld\\n", sum); return 0;
                }
                """, null, new int[][] {{100, 300}, {400, 600}, {700, 500}});
    }

    private void chain(String name, String source, String expected, int[][] stops) throws Exception {
        // not i686: a double in a long/double union is carried as the long its bits make (beyond 32 bits), which a
        // 32-bit long cannot take back; that restore is refused (aDoubleInALongDoubleUnionStaysOn64BitIsas)
        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(3));
        assertThat(chain.subList(0, 3)).extracting(Target::name).containsExactly("x86_64", "s390x", "aarch64");
        chain(name, chain, source, expected, stops);
    }

    /** As above through {@code chain}; {@code expected} null: plain gcc's output, whatever it is. */
    private void chain(String name, List<Target> chain, String source, String expected, int[][] stops) throws Exception {
        Path dir = Files.createDirectories(work.resolve(name));
        Run plain = MigratesLikeGcc.plainGcc(dir, name, source);
        if (expected != null) assertThat(plain.out()).isEqualTo(expected);
        List<Path> exes = MigratesLikeGcc.linkedFor(dir, name, chain, plain);
        MigratesLikeGcc.chainEqualsGcc(dir, chain, exes, stops, plain);
    }
}
