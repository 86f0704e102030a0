package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * State and functions defined in project headers are instrumented like the main file's (the headers are
 * inlined into each translation unit that includes them, docs/CODEGEN.md "Headers"), and every object with
 * static storage that talent does not save is a build error naming it (analysis.StaticStorage; those refusals are
 * marked at their lines in src/test/resources/diagnostics, DiagnosticMarkersTest).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HeaderStateTest {
    @TempDir
    Path dir;

    /** The program of issue 11: its table and state live in tab.h, filled by a loop of a header function. */
    static final String TAB_H = """
            static unsigned table[16]; static unsigned state = 7;
            static void fill(void) { for (int i = 0; i < 16; i++) table[i] = i * 2654435761u; }
            """;
    static final String M_C = """
            #include <stdio.h>
            #include "tab.h"
            int main(void) { fill(); unsigned h = 0;
              for (int r = 0; r < 100; r++) { h = h * 31 + table[r % 16] + state; state += 3; }
              printf("h=%u state=%u\\n", h, state); return 0; }
            """;

    @Test
    void variablesOfAHeaderAreSavedWithTheUnitThatIncludesIt() {
        String out = CProgram.in(dir).file("tab.h", TAB_H).file("m.c", M_C).instrumented("m.c");
        assertThat(out).contains("{ \"m.c:table\", \"table\", \"tab.h:1:17\", (void *)&table,")
                .contains("{ \"m.c:state\", \"state\", \"tab.h:1:44\", (void *)&state,");
    }

    @Test
    void aLoopOfAHeaderFunctionIsASiteAndItsLinesStayThoseOfTheHeader() {
        CProgram p = CProgram.in(dir).file("tab.h", TAB_H).file("m.c", M_C).analyze();
        assertThat(p.function("fill").sites).hasSize(1);
        assertThat(p.function("fill").chain).isTrue();
        String out = CProgram.in(dir).file("tab.h", TAB_H).file("m.c", M_C).instrumented("m.c");
        Path m = dir.resolve("m.c");
        // the header's text follows '#line 1 "<dir>/tab.h"', then the main file resumes at the line after the include
        assertThat(out).contains("#line 1 \"" + dir.resolve("tab.h") + "\"\n")
                .contains("\n#line 3 \"" + m + "\"\nint talent_user_main(void)");
        CompileResult r = CProgram.in(dir).file("tab.h", TAB_H).file("m.c", M_C).compile();
        assertThat(read(r.programTable())).contains("\"tab.h:2:26\"");   // where fill's loop site is, in the point table
    }

    @Test
    void aHeaderStaticIncludedByTwoFilesIsOneObjectPerFile() {
        CompileResult r = CProgram.in(dir)
                .file("count.h", "static int calls;\nstatic inline void bump(void) { static int n; n++; calls++; }\n")
                .file("a.c", "#include \"count.h\"\nvoid other(void);\nint main(void) { bump(); other(); return calls; }\n")
                .file("b.c", "#include \"count.h\"\nvoid other(void) { for (int i = 0; i < 3; i++) bump(); }\n")
                .compile();
        String a = read(r.instrumentedSources().get(0));
        String b = read(r.instrumentedSources().get(1));
        assertThat(a).contains("{ \"a.c:calls\", \"calls\", \"count.h:1:12\"").contains("{ \"a.c:__talent_s_bump_n\", \"n\", \"count.h:2:44\"");
        assertThat(b).contains("{ \"b.c:calls\", \"calls\", \"count.h:1:12\"").contains("{ \"b.c:__talent_s_bump_n\", \"n\", \"count.h:2:44\"");
    }

    @Test
    void aStaticFunctionOfAHeaderWhoseAddressTwoFilesTakeIsListedUnderEachFilesKey() {
        CompileResult r = CProgram.in(dir)
                .file("h.h", "static unsigned hits;\nstatic void inc(void) { hits++; }\n")
                .file("a.c", "#include \"h.h\"\nvoid (*ap)(void) = inc;\nint main(void) { ap(); return (int)hits; }\n")
                .file("b.c", "#include \"h.h\"\nvoid (*bp)(void) = inc;\n")
                .compile();
        assertThat(read(r.programTable())).contains("{ \"a.c:inc\", \"h.h:2:13\", talent_fn_")
                .contains("{ \"b.c:inc\", \"h.h:2:13\", talent_fn_").doesNotContain("{ \"inc\"");
    }

    /** The unit is preprocessed: a conditional is decided as clang decides it with the headers next to the source. */
    @Test
    void hasIncludeOfAHeaderNextToTheSourceIsDecidedThere() {
        String out = CProgram.in(dir).file("config.h", "#define FAST 1\n").file("m.c", """
                #if __has_include("config.h") && !__has_include("absent.h")
                int main(void) { return 0; }
                #endif
                """).instrumented("m.c");
        assertThat(out).doesNotContain("__has_include").contains("int talent_user_main(void)");
    }

    @Test
    void aHeaderWithPragmaOnceIncludedTwiceIsInlinedOnce() {
        String out = CProgram.in(dir)
                .file("once.h", "#pragma once\nstatic int hits = 1;\n")
                .file("two.h", "#include \"once.h\"\n")
                .file("m.c", "#include \"once.h\"\n#include \"two.h\"\nint main(void) { return hits; }\n")
                .instrumented("m.c");
        assertThat(out).containsOnlyOnce("static int hits = 1;").doesNotContain("#pragma once").doesNotContain("__talent_once_");
        assertThat(out).containsOnlyOnce("{ \"m.c:hits\"");
    }

    @Test
    void constantTablesAndDeclarationsOutsideTheUnitAreNotRefused() {
        CProgram.in(dir)
                .file("k.h", "static const int primes[] = {2, 3, 5};\nextern int shared;\n")
                .file("m.c", "#define K \"k.h\"\n#include K\n" + SYSTEM_HEADERS + "int shared;\n"
                        + "int main(void) { return primes[1] + shared + errno + (stdin != 0); }\n")
                .analyze();
    }

    /** What the C library's headers define (static inline helpers, constants) is not the program's state. */
    static final String SYSTEM_HEADERS = """
            #define _GNU_SOURCE
            #include <assert.h>
            #include <ctype.h>
            #include <errno.h>
            #include <fcntl.h>
            #include <float.h>
            #include <inttypes.h>
            #include <limits.h>
            #include <locale.h>
            #include <math.h>
            #include <pthread.h>
            #include <setjmp.h>
            #include <signal.h>
            #include <stdarg.h>
            #include <stdbool.h>
            #include <stddef.h>
            #include <stdint.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/socket.h>
            #include <sys/stat.h>
            #include <sys/time.h>
            #include <sys/wait.h>
            #include <time.h>
            #include <unistd.h>
            #include <wchar.h>
            """;

    @Test
    void pragmasInAHeaderAreHonouredAndThoseInInactiveBranchesIgnored() {
        CProgram p = CProgram.in(dir)
                .file("p.h", """
                        #pragma talent nocheckpoint
                        static int quiet(int n) { for (int i = 0; i < n; i++) n--; return n; }
                        #if 0
                        #pragma talent checkpoint
                        #endif
                        static int busy(int n) {
                          n++;
                        #pragma talent checkpoint
                          return n; }
                        """)
                .file("m.c", "#include \"p.h\"\nint main(void) { return quiet(3) + busy(1); }\n")
                .analyze();
        assertThat(p.function("quiet").chain).isFalse();
        assertThat(p.function("busy").sites).hasSize(1);
        assertThat(p.function("main").chain).isTrue();
    }

    /**
     * tinyscheme's {@code #if USE_DL / #include "dynload.h" / #endif} with USE_DL 0: the inlined header, which includes
     * the unit's big header again (guarded), lies in a branch the preprocessor skips, with the #line that resumed the
     * main file; messages after it named lines shifted by the skipped text (scheme.c:1266 for 580).
     */
    @Test
    void linesAfterAHeaderInlinedInASkippedBranchAreTheFilesOwn() {
        List<Diagnostic> refused = CProgram.in(dir)
                .file("big.h", """
                        #ifndef BIG_H
                        #define BIG_H
                        #include <stdlib.h>
                        struct cell { long a, b; };
                        static int one(void) { return 1; }
                        static int two(void) { return 2; }
                        #endif
                        """)
                .file("dl.h", "#ifndef DL_H\n#define DL_H\n#include \"big.h\"\nint ext(void);\n#endif\n")
                .file("m.c", """
                        #include "big.h"
                        #if USE_DL
                        # include "dl.h"
                        #endif
                        int main(void) {
                          char *cp = malloc(64);
                          return (int)((unsigned long)cp % 32) + one() + two();
                        }
                        """)
                .rejection();
        assertThat(refused).hasSize(1);
        assertThat(refused.getFirst().file()).endsWith("m.c");
        assertThat(refused.getFirst().line()).isEqualTo(7);
    }

    private static String read(Path p) {
        try {
            return java.nio.file.Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
