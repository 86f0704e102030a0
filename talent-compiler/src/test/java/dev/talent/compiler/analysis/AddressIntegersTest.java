package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Addresses turned into integers; each refused and allowed form also in src/test/resources/diagnostics/address-integers*. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AddressIntegersTest {
    @TempDir
    Path dir;

    @Test
    void aUintptrSlotThatMayHoldANumberIsRefusedAtItsStoreWithTheNameAndWhatToDo() {
        List<Diagnostic> d = CProgram.in(dir).file("ip.c", """
                #include <stdio.h>
                #include <stdlib.h>
                #include <stdint.h>
                struct node { long val; };
                static uintptr_t slots[40];
                int main(void) {
                    long total = 0;
                    for (int i = 0; i < 40; i++) {
                        struct node *nd = malloc(sizeof *nd);
                        nd->val = i * 3;
                        slots[i] = (uintptr_t)nd;
                    }
                    slots[0] ^= 0x5bd1e995u;
                    for (int r = 0; r < 200; r++)
                        for (int i = 0; i < 40; i++) {
                            struct node *nd = (struct node *)slots[i];
                            nd->val += r;
                            total += nd->val % 7;
                        }
                    printf("total=%ld\\n", total);
                    return 0;
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(x.file()).endsWith("ip.c");
            assertThat(x.line()).isEqualTo(11);
            assertThat(x.column()).isEqualTo(20);
            assertThat(x.message()).startsWith("address 'nd' converted to an integer (uintptr_t) and stored (=)")
                    .contains("relocates pointers only");
            assertThat(x.remedy()).contains("keep the value as a pointer");
        });
    }

    @Test
    void aUintptrSlotThatHoldsOnlyAddressesIsCarriedAsAnAddress() throws Exception {
        CProgram p = CProgram.in(dir).file("ip.c", """
                #include <stdio.h>
                #include <stdlib.h>
                #include <stdint.h>
                struct node { long val; };
                static uintptr_t slots[40];
                int main(void) {
                    long total = 0;
                    for (int i = 0; i < 40; i++) {
                        struct node *nd = malloc(sizeof *nd);
                        nd->val = i * 3;
                        slots[i] = (uintptr_t)nd;
                    }
                    for (int r = 0; r < 200; r++)
                        for (int i = 0; i < 40; i++) {
                            struct node *nd = (struct node *)slots[i];
                            nd->val += r;
                            total += nd->val % 7;
                        }
                    printf("total=%ld\\n", total);
                    return 0;
                }
                """);
        assertThat(p.instrumented("ip.c")).contains("TALENT_ADDRINT_TYPE(");
    }

    @Test
    void luaHashpointerThroughAMacroIsRefusedAndItsRoundTripToAPointerIsNot() {
        List<Diagnostic> d = CProgram.in(dir).file("t.c", """
                #include <stddef.h>
                #include <limits.h>
                #define point2uint(p) ((unsigned int)((size_t)(p) & UINT_MAX))
                #define hashmod(n) ((n) % 31)
                struct obj { int v; };
                struct obj *buckets[31];
                void (*fns[2])(void);
                static unsigned hashpointer(const void *p) { return hashmod(point2uint(p)); }
                static const void *topointer(int i) { return (void *)(size_t)fns[i]; }
                int main(void) {
                  static struct obj o;
                  buckets[hashpointer(&o)] = &o;
                  return topointer(0) != 0;
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(8);
            assertThat(x.message()).startsWith("address 'p' converted to an integer (size_t) and its low bits (%) returned");
        });
    }

    @Test
    void anImplicitConversionAndOneInANocheckpointFunctionAreRefusedToo() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", """
                #pragma talent nocheckpoint
                static long key(int *p) {
                  long k = -1;
                  k = p;
                  return k;
                }
                int main(void) { int x = 1; return (int)key(&x); }
                """).rejection();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(4);
            assertThat(x.message()).startsWith("address 'p' converted to an integer (long) and stored (=)");
        });
    }

    /** lz4's overflow checks and alignment test (lz4.c, 1.9.4): evaluated at once, never kept. */
    @Test
    void overflowChecksAndAlignmentTestsWithAComputedMaskAreAccepted() {
        CProgram.in(dir).file("a.c", """
                #include <stddef.h>
                #include <stdint.h>
                typedef uintptr_t uptrval;
                static int aligned(const void *ptr, size_t alignment) { return ((size_t)ptr & (alignment - 1)) == 0; }
                int main(int argc, char **argv) {
                  unsigned char buf[64];
                  unsigned char *op = buf;
                  size_t length = (size_t)argc * 8;
                  for (int i = 0; i < argc; i++) {
                    if ((uptrval)(op) + length < (uptrval)(op)) return 2;
                    if ((uptrval)op - length > (uptrval)op) return 3;
                    if (!aligned(argv[i], sizeof(void *))) return 4;
                  }
                  return 0;
                }
                """).analyze();
    }

    /** The same sums kept, passed on, or compared with something that is not an address: still refused. */
    @Test
    void aSumOfAnAddressThatIsKeptOrComparedWithAPlainIntegerIsRefused() {
        List<Diagnostic> d = CProgram.in(dir).file("b.c", """
                #include <stdint.h>
                int main(int argc, char **argv) {
                  uintptr_t end = (uintptr_t)argv + 8;
                  char *back = (char *)((uintptr_t)argv[0] + 1);
                  int n = argc;
                  if ((uintptr_t)argv + 8 < (uintptr_t)n) return 1;
                  return back != 0 && end != 0;
                }
                """).rejection();
        assertThat(d).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m).contains("'argv' converted")
                .contains("used in arithmetic (+)"));
        assertThat(d).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m).contains("'argv[0]' converted")
                .contains("used in arithmetic (+) and converted to char *"));
        assertThat(d).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m).contains("and compared with a value"));
        assertThat(d).hasSize(3);
    }

    @Test
    void comparisonsAlignmentTestsDifferencesAndPrintingAreAccepted() {
        CProgram.in(dir).file("a.c", """
                #include <stdint.h>
                #include <stdio.h>
                int main(void) {
                  char buf[16];
                  char *p = buf + 3;
                  long d = (uintptr_t)p - (uintptr_t)buf;
                  if ((uintptr_t)p % 4 == 1 || ((uintptr_t)p & 3) != 0 || (uintptr_t)p < (uintptr_t)buf) d++;
                  printf("%ld %lx\\n", d, (unsigned long)p);
                  return (uintptr_t)p ? 0 : 1;
                }
                """).analyze();
    }

    /** The shape of Unity's TEST_ASSERT_EQUAL_PTR: the callee, in another file, compares and then prints digits. */
    private static final String CHECK_C = """
            #include <stdio.h>
            #include "check.h"
            int failures;
            static void print_text(const char *s) { while (*s) putchar(*s++); }
            static void print_unsigned(unsigned long long n) {
              unsigned long long d = 1;
              while (n / d > 9) d *= 10;
              do { putchar((char)('0' + n / d % 10)); d /= 10; } while (d > 0);
            }
            static void print_number(long long n, int hex) {
              unsigned long long u = (unsigned long long)n;
              if (hex) { printf("0x%llx", u); return; }
              if (n < 0) { putchar('-'); u = (unsigned long long)(-n); }
              print_unsigned(u);
            }
            void assert_equal_number(long long expected, long long actual, int line, int hex) {
              if (expected != actual) {
                failures++;
                print_text("line ");
                print_unsigned((unsigned long long)line);
                print_text(": expected ");
                print_number(expected, hex);
                print_text(" was ");
                print_number(actual, hex);
                putchar('\\n');
              }
            }
            """;
    private static final String CHECK_H = """
            void assert_equal_number(long long expected, long long actual, int line, int hex);
            #define ASSERT_EQUAL_PTR(e, a) assert_equal_number((long long)(long)(e), (long long)(long)(a), __LINE__, 1)
            """;

    @Test
    void anAddressPassedToAProgramFunctionThatOnlyComparesAndPrintsItIsAccepted() {
        CProgram.in(dir).file("check.h", CHECK_H).file("check.c", CHECK_C).file("t.c", """
                #include <stdint.h>
                #include <stdlib.h>
                #include "check.h"
                static int same(uintptr_t a, uintptr_t b) { return a == b; }
                int main(void) {
                  int *p = malloc(4 * sizeof *p), *q = p;
                  long n = 0;
                  for (int i = 0; i < 4; i++) {
                    ASSERT_EQUAL_PTR(p, q);
                    assert_equal_number((long long)(intptr_t)p, (long long)(intptr_t)NULL, __LINE__, 0);
                    n += same((uintptr_t)p, (uintptr_t)q);
                  }
                  free(p);
                  return n == 4 ? 0 : 1;
                }
                """).analyze();
    }

    /**
     * The same shape where the callee keeps, returns, hashes or compares the integer too late: refused by name ('late'
     * takes long long, no integer that holds addresses: two uintptr_t parameters every call passes addresses to are
     * carried as addresses, and compared rightly after a checkpoint).
     */
    @Test
    void anAddressPassedToAFunctionThatKeepsItOrComparesItAfterACheckpointIsRefused() {
        List<Diagnostic> d = CProgram.in(dir).file("check.h", CHECK_H).file("check.c", CHECK_C).file("t.c", """
                #include <stdint.h>
                #include <stdio.h>
                #include <stdlib.h>
                #include "check.h"
                static long long last;
                static int counts[16];
                extern void external_log(long long v);
                static int work(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }
                static void keep(long long expected, long long actual) {
                  if (expected != actual) last = expected;
                }
                static long long id(long long v) { return v; }
                static void bucket(uintptr_t k) { counts[k % 16]++; }
                static int late(long long a, long long b) {
                  int s = work(10);
                  return s + (a == b);
                }
                static void relay(long long v, long long w) { keep(v, w); }
                int main(void) {
                  int *p = malloc(sizeof *p), *q = p;
                  keep((long long)(long)p, (long long)(long)q);
                  relay((long long)(long)p, 0);
                  long long x = id((long long)(long)p);
                  bucket((uintptr_t)p);
                  int r = late((long long)(long)p, (long long)(long)q);
                  external_log((long long)(long)p);
                  printf("%lld %d\\n", x != 0, r);
                  free(p);
                  return 0;
                }
                """).rejection();
        assertThat(d).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .startsWith("address 'p' converted to an integer (long) and passed to 'keep', whose parameter 'expected' is"
                        + " stored in 'last' (=) (")
                .contains("t.c:10:"));
        assertThat(d).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .startsWith("address 'p' converted to an integer (long) and passed to 'relay', whose parameter 'v' is passed to"
                        + " 'keep', whose parameter 'expected' is stored in 'last'"));
        assertThat(d).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .startsWith("address 'p' converted to an integer (long) and passed to 'id', whose parameter 'v' is returned"));
        assertThat(d).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .startsWith("address 'p' converted to an integer (uintptr_t) and passed to 'bucket', whose parameter 'k' is"
                        + " used as an array index"));
        assertThat(d).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .startsWith("address 'p' converted to an integer (long) and passed to 'late', whose parameter 'a' is"
                        + " compared with a value that is not a constant after a point where a checkpoint may be taken"));
        assertThat(d).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .startsWith("address 'q' converted to an integer (long) and passed to 'late', whose parameter 'b' is"
                        + " compared with a value that is not a constant after a point"));
        assertThat(d).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .startsWith("address 'p' converted to an integer (long) and passed to 'external_log', a function the program"
                        + " does not define"));
        assertThat(d).hasSize(7);
    }

    /** The program's own typedefs of a pointer-sized integer, chains of them too, hold addresses like the names they end in. */
    @Test
    void aProgramsTypedefChainEndingInAPointerSizedIntegerIsCarriedAsAnAddress() {
        CProgram p = CProgram.in(dir).file("w.c", """
                #include <stdio.h>
                #include <stdlib.h>
                #include <stdint.h>
                typedef uintptr_t word;
                typedef const word cword;
                typedef unsigned long ulong_t;
                struct cell { word at; ulong_t tagged; };
                static cword fixed[1] = { 0 };
                int main(void) {
                    long *v = malloc(8 * sizeof *v);
                    struct cell c = { (word)v, (ulong_t)&v[2] | 1 };
                    word w = (uintptr_t)(v + 1);
                    for (int i = 0; i < 8; i++) v[i] = i;
                    printf("%ld %ld %ld %d\\n", *(long *)c.at, *(long *)(c.tagged & ~(ulong_t)1), *(long *)w, fixed[0] == 0);
                    return 0;
                }
                """);
        String out = p.instrumented("w.c");
        assertThat(out).contains("TALENT_ADDRINT_TYPE(");
        p.compilesWithGcc("w.c");
    }

    /**
     * A typedef chain that ends in a C library typedef not a pointer's size on every ISA ({@code uint64_t}: 8 bytes on
     * i686), and one written differently per ISA, are refused where the address is made.
     */
    @Test
    void aTypedefOfUint64OrOneThatDiffersPerIsaIsRefusedByName() throws Exception {
        List<Diagnostic> d = CProgram.in(dir).file("u.c", """
                #include <stdint.h>
                typedef uint64_t u64w;
                static u64w kept;
                int main(void) { int x = 1; kept = (u64w)&x; return *(int *)kept - 1; }
                """).rejection();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(4);
            assertThat(x.message()).startsWith("address '&x' converted to an integer (u64w) and stored (=)");
        });
        List<Diagnostic> e = CProgram.in(java.nio.file.Files.createDirectories(dir.resolve("isa"))).file("i.c", """
                #include <stdint.h>
                #ifdef __i386__
                typedef unsigned long long pword;
                #else
                typedef unsigned long pword;
                #endif
                static pword kept;
                int main(void) { int x = 1; kept = (pword)&x; return *(int *)kept - 1; }
                """).rejection();
        assertThat(e).isNotEmpty().allSatisfy(x -> assertThat(x.message())
                .startsWith("address '&x' converted to an integer (pword) and stored (=)"));
    }

    /** A parameter every call passes an address to (or a proven parameter's value) carries addresses; its frames save it as one. */
    @Test
    void aParameterThatEveryCallPassesAnAddressIsCarriedAsAnAddress() {
        CProgram p = CProgram.in(dir).file("pa.c", """
                #include <stdio.h>
                #include <stdint.h>
                static uintptr_t slots[4];
                static void keep(int i, uintptr_t at) { slots[i] = at; }
                static void keep_tagged(int i, uintptr_t at) { keep(i, at | 1); }
                static long deref(uintptr_t at) { return *(long *)(at & ~(uintptr_t)1); }
                int main(void) {
                    static long v[4] = { 1, 2, 3, 4 };
                    keep(0, (uintptr_t)&v[0]);
                    keep_tagged(1, (uintptr_t)&v[1]);
                    printf("%ld %ld\\n", deref(slots[0]), deref(slots[1]));
                    return 0;
                }
                """);
        assertThat(p.instrumented("pa.c")).contains("TALENT_ADDRINT_TYPE(");
        p.compilesWithGcc("pa.c");
    }

    /**
     * A parameter some call passes a number (or arithmetic on an address) to, or whose function's address is taken, is
     * no address: the conversion at the call keeps its refusal, naming the parameter's use.
     */
    @Test
    void aParameterSomeCallPassesANumberOrOfAFunctionCalledThroughAPointerIsRefused() {
        List<Diagnostic> d = CProgram.in(dir).file("pn.c", """
                #include <stdint.h>
                static uintptr_t slot;
                static void keep(uintptr_t at) { slot = at; }
                static void keep2(uintptr_t at) { slot = at; }
                int main(void) {
                    static long v[2];
                    keep((uintptr_t)&v[0]);
                    keep(4096 * 1024);
                    void (*f)(uintptr_t) = keep2;
                    f(0);
                    keep2((uintptr_t)&v[1]);
                    return (int)*(long *)slot;
                }
                """).rejection();
        assertThat(d).hasSize(2);
        assertThat(d.get(0).line()).isEqualTo(7);
        assertThat(d.get(0).message()).startsWith("address '&v[0]' converted to an integer (uintptr_t) and passed to 'keep',"
                + " whose parameter 'at' is stored in 'slot'");
        assertThat(d.get(1).line()).isEqualTo(11);
        assertThat(d.get(1).message()).startsWith("address '&v[1]' converted to an integer (uintptr_t) and passed to 'keep2',"
                + " whose parameter 'at' is stored in 'slot'");
    }

    /**
     * An address rounded up to an alignment and kept ({@code (p + 63) & ~63}, {@code (x + a - 1) & ~(a - 1)}) is still
     * refused where it is made, naming it: the rounded address may lie in the next object, or at a start of an object
     * that the rounding of an address one past the previous one also gives (docs/CODEGEN.md).
     */
    @Test
    void anAlignedAddressKeptInAnIntegerIsRefusedByName() {
        List<Diagnostic> d = CProgram.in(dir).file("al.c", """
                #include <stdint.h>
                #include <stdlib.h>
                static uintptr_t ring;
                int main(void) {
                    char *raw = malloc(200);
                    uintptr_t aligned = ((uintptr_t)raw + 63) & ~(uintptr_t)63;
                    ring = ((uintptr_t)raw + 16 - 1) & ~(uintptr_t)(16 - 1);
                    *(char *)aligned = 1;
                    return *(char *)ring;
                }
                """).rejection();
        assertThat(d).hasSize(2);
        assertThat(d.get(0).line()).isEqualTo(6);
        assertThat(d.get(0).message()).startsWith("address 'raw' converted to an integer (uintptr_t) and used in arithmetic (+)"
                + " and its low bits (&) stored in 'aligned'");
        assertThat(d.get(1).line()).isEqualTo(7);
        assertThat(d.get(1).message()).startsWith("address 'raw' converted to an integer (uintptr_t) and used in arithmetic (+, -)"
                + " and its low bits (&) stored (=)");
    }
}
