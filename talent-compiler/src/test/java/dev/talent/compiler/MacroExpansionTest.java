package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unit is instrumented after preprocessing (UnitPreprocessor): calls and mallocs written in the program's
 * macros are ordinary calls; the C library's macros and headers stay for each ISA's gcc; messages name the
 * file and line the code was written in.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MacroExpansionTest {
    @TempDir
    Path dir;

    /** The four forms of issue 11, cause 2 and 3, in one program (MacroCallsIT runs it migrated). */
    static final String MACROS_C = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <limits.h>
            #include <inttypes.h>
            #include "tab.h"
            #define TWICE(x) (work(x) * 2)
            #define CHECK(c) do { if (!(c)) { printf("check failed\\n"); exit(1); } } while (0)
            #define FIELD(p) ((p)->v)
            #define ALLOC(sz) malloc(sz)
            struct box { long v; };
            static long work(long n) { long s = 0; for (long k = 0; k < n; k++) s += (k ^ (s >> 3)) & 0xffff; return s; }
            int main(void) {
              struct box x = { 0 };
              long acc = 0;
              fill();
              for (int i = 0; i < 60; i++) {
                acc += TWICE(i % 7);
                CHECK(work(i) >= 0);
                FIELD(&x) = work(i);
                long *p = ALLOC(sizeof(long) * 4);
                p[0] = x.v % 1000 + (long)(table[i % 16] % 1000u) + (long)(state % 1000u); state += 3;
                acc += p[0] % 1000;
                free(p);
              }
              printf("acc=%ld x=%ld big=%d u=%" PRIu64 "\\n", acc, x.v, LONG_MAX > 0, (uint64_t)acc);
              return 0;
            }
            """;

    @Test
    void callsAndMallocsInMacrosAreInstrumentedLikeOrdinaryOnes() {
        CProgram p = CProgram.in(dir).file("tab.h", HeaderStateTest.TAB_H).file("m.c", MACROS_C).analyze();
        assertThat(p.function("main").chain).isTrue();
        // the chain calls of TWICE, CHECK and FIELD's assignment are points of main: four calls plus the loop's site
        assertThat(p.function("main").points).hasSizeGreaterThanOrEqualTo(5);
        String out = CProgram.in(dir).file("tab.h", HeaderStateTest.TAB_H).file("m.c", MACROS_C).instrumented("m.c");
        assertThat(out).contains("acc += (__talent_t").contains("((&x__talent_w.__talent_o)->v) = __talent_t")
                .contains("talent_malloc(sizeof(long) * 4, ").doesNotContain("ALLOC(sizeof");
        // the C library's macros are gcc's to expand, per ISA
        assertThat(out).contains("%\" PRIu64 \"").contains("LONG_MAX > 0").contains("#include <inttypes.h>");
        assertThat(out).doesNotContain("/tmp/talent-unit");
    }

    /** The C library's assert and isfinite around calls that may checkpoint (picosat, mujs): run suspended whole. */
    static final String LIBRARY_MACROS_C = """
            #include <assert.h>
            #include <math.h>
            #include <stdio.h>
            static long work(long n) { long s = 0; for (long i = 0; i < n; i++) s += i % 7; return s; }
            static double fwork(int n) { double d = 0; for (int i = 0; i < n; i++) d += 0.5; return d; }
            int main(void) {
              long total = 0; int fin = 0;
              for (int r = 0; r < 200; r++) {
                assert(work(r + 5) >= 0);
                if (isfinite(fwork(r))) fin++;
                total += work(r);
              }
              printf("total=%ld fin=%d\\n", total, fin);
              return 0;
            }
            """;

    @Test
    void aCallThatMayCheckpointInALibraryMacroRunsTheMacroSuspendedWithItsTextUntouched() {
        CProgram p = CProgram.in(dir).file("m.c", LIBRARY_MACROS_C);
        String out = p.instrumented("m.c");
        assertThat(out).contains("({ talent_suspended++; assert(work(r + 5) >= 0); talent_suspended--; });")
                .contains("if (({ talent_suspended++; __auto_type __talent_sv = isfinite(fwork(r)); talent_suspended--;"
                        + " __talent_sv; })) fin++;");
        p.compilesWithGcc("m.c");
        assertThat(p.analyze().diagnostics()).filteredOn(d -> d.message().contains("the macro runs suspended")).hasSize(2);
    }

    @Test
    void aRefusalInsideAMacroNamesTheLineWhereTheMacroIsUsed() {
        List<Diagnostic> d = CProgram.in(dir).file("m.c", """
                #include <alloca.h>
                #define BUF(n) char *buf = __builtin_alloca_with_align(n, 65536)

                static int work(int n) {
                  for (int i = 0; i < n; i++) {
                    BUF(n);
                    buf[0] = 1; }
                  return n; }
                int main(void) { return work(3); }
                """).rejection();
        assertThat(d).anySatisfy(x -> {
            assertThat(x.file()).isEqualTo(dir.resolve("m.c").toString());
            assertThat(x.line()).isEqualTo(6);
            assertThat(x.message()).contains("alloca in 'work'");
        });
    }

    @Test
    void featureMacrosStayForTheLibraryHeadersAndMacrosLeftInTheTextAreNotDefinedTwice() {
        String out = CProgram.in(dir).file("m.c", """
                #define _GNU_SOURCE
                #define NDEBUG 1
                #include <assert.h>
                #include <string.h>
                static int level = 2;
                #define level (level + 1)
                int main(void) { assert(level > 0); return (int)strlen("ab") + level; }
                """).instrumented("m.c");
        assertThat(out).contains("#define _GNU_SOURCE").contains("#define NDEBUG 1").contains("assert((level + 1) > 0)");
        // level's expansion keeps the name level: gcc must not expand it a second time
        assertThat(out).doesNotContain("#define level").contains("return (int)strlen(\"ab\") + (level + 1);");
    }

    @Test
    void conditionalsOnTheTargetIsaAreNamedAndNotEvaluatedOnesKeepOneText() {
        // the program is preprocessed per ISA (PerIsaPreprocessingTest); the conditional is named in a warning
        CompileResult r = CProgram.in(dir).file("m.c", """
                #include <limits.h>
                int main(void) {
                #if LONG_MAX > 2147483647
                  return 8;
                #else
                  return 4;
                #endif
                }
                """).compile();
        assertThat(r.diagnostics()).anySatisfy(x -> {
            assertThat(x.file()).isEqualTo(dir.resolve("m.c").toString());
            assertThat(x.line()).isEqualTo(3);
            assertThat(x.message()).contains("'LONG_MAX'").contains("differs between the ISAs");
        });
        // not evaluated (inside a skipped group), or testing only whether a macro every ISA has is defined
        assertThat(CProgram.in(dir).file("m.c", """
                #include <stdint.h>
                #if 0
                #if SIZE_MAX > 1
                #endif
                #endif
                #ifdef SIZE_MAX
                int ok;
                #endif
                int main(void) { return 0; }
                """).compile().byIsa()).isEmpty();
    }

    @Test
    void conditionalsOnTheProgramsOwnMacrosAreDecided() {
        String out = CProgram.in(dir).file("m.c", """
                #include <stdint.h>
                #define LEVEL 2
                #if LEVEL > 1 && INT32_MAX > 0
                static int level(void) { return LEVEL; }
                #else
                static int level(void) { return 0; }
                #endif
                int main(void) { return level(); }
                """).instrumented("m.c");
        assertThat(out).contains("static int level(void) { return 2; }").doesNotContain("return 0; }");
    }

    /**
     * A comment open at the end of a directive's line goes on with the directive (libdeflate's common_defs.h):
     * before, its second half was left behind as text of the condition and clang refused the file. A macro named
     * only in a comment of a conditional does not make it depend on the ISA.
     */
    @Test
    void aConditionalGoesOnOverAMultiLineCommentAndItsCommentsAreNotRead() {
        String out = CProgram.in(dir).file("m.c", """
                #define GNU 1
                #define X86 1
                #if defined(GNU) && \\
                    (defined(X86) || \\
                     /*
                      * another ISA, __x86_64__ or
                      */ defined(WASM))
                #  define FAST 1
                #else
                #  define FAST 0
                #endif
                #if FAST /* not LONG_MAX,
                            nor __i386__ */ && 1
                static int fast(void) { return 7; }
                #endif
                int main(void) { return fast() + FAST; }
                """).instrumented("m.c");
        assertThat(out).contains("static int fast(void) { return 7; }").contains("return fast() + 1;");
    }

    @Test
    void theInstrumentedTextIsTheSameOnEveryBuild() throws Exception {
        CProgram p = CProgram.in(dir).file("tab.h", HeaderStateTest.TAB_H).file("m.c", MACROS_C);
        String first = p.instrumented("m.c");
        String second = p.instrumented("m.c");
        assertThat(second).isEqualTo(first);
        assertThat(Files.readString(p.outputDir().resolve("talent_program.c"))).isNotEmpty();
    }
}
