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

    /** The same shape where the callee keeps, returns, hashes or compares the integer too late: refused by name. */
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
                static int late(uintptr_t a, uintptr_t b) {
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
                  int r = late((uintptr_t)p, (uintptr_t)q);
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
                .startsWith("address 'p' converted to an integer (uintptr_t) and passed to 'late', whose parameter 'a' is"
                        + " compared with a value that is not a constant after a point where a checkpoint may be taken"));
        assertThat(d).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .startsWith("address 'q' converted to an integer (uintptr_t) and passed to 'late', whose parameter 'b' is"
                        + " compared with a value that is not a constant after a point"));
        assertThat(d).extracting(Diagnostic::message).anySatisfy(m -> assertThat(m)
                .startsWith("address 'p' converted to an integer (long) and passed to 'external_log', a function the program"
                        + " does not define"));
        assertThat(d).hasSize(7);
    }
}
