package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.CompileResult;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ProgramTableTest {
    @TempDir
    Path dir;

    @Test
    void tablesListUnitsFunctionsPointsAndInvokeMain() throws Exception {
        CompileResult r = CProgram.in(dir)
                .file("b.c", "int helper(int n) { while (n > 0) n -= 2; return n; }\n")
                .file("a.c", "int helper(int);\nint main(int argc, char **argv) { (void)argv; return helper(argc); }\n")
                .compile();
        String t = Files.readString(r.programTable());
        assertThat(t).contains("extern const talent_unit talent_unit_0;\nextern const talent_unit talent_unit_1;\n")
                .contains("{ \"helper\", \"b.c:1:5\", 0 }, /* 0 */")
                .contains("{ \"main\", \"a.c:2:5\", 0 }, /* 1 */")
                .doesNotContain("talent_fn_")
                .contains("{ 0, 1, \"b.c:1:21\" }, /* 0 */")
                .contains("{ 1, 0, \"a.c:2:54\" }, /* 1 */")
                .contains("extern int talent_user_main(int, char **);")
                .contains("return talent_user_main(argc, argv);")
                .contains("\"" + r.fingerprint() + "\"")
                .contains("talent_functions, 2,\n  talent_points, 2,\n")
                // per point, the ids of the variables its resume code restores (helper's n at its loop's site)
                .contains("static const unsigned talent_point_vars_0[] = { 0 };\n")
                .contains("const talent_point_vars talent_the_point_vars[] = {\n  { talent_point_vars_0, 1 }, /* 0 */\n"
                        + "  { talent_point_vars_1, 1 }, /* 1 */\n};");
        assertThat(r.fingerprint()).matches("[0-9a-f]{32}");
    }

    @Test
    void mainWithoutParameters() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", "int main(void) { return 0; }\n").compile();
        String t = Files.readString(r.programTable());
        assertThat(t).contains("extern int talent_user_main(void);").contains("return talent_user_main();")
                .contains("talent_points, 0,").contains("talent_the_point_vars[] = {\n  { 0, 0 }\n};");
    }

    @Test
    void functionsWhoseAddressIsTakenHaveTheirAddressAndLibraryFunctionsTakenByAddressFollow() throws Exception {
        CompileResult r = CProgram.in(dir)
                .file("b.c", """
                        #include <stdlib.h>
                        #include <string.h>
                        static int by_len(const void *a, const void *b) { return (int)strlen(a) - (int)strlen(b); }
                        void sort(char **v, int n) { qsort(v, n, sizeof *v, by_len); }
                        int (*pick)(const char *, const char *) = strcmp;
                        """)
                .file("a.c", """
                        #include <stdio.h>
                        #include <stdlib.h>
                        void sort(char **v, int n);
                        int (*reader)(const char *, ...) = scanf;
                        int main(void) { int (*f)(int) = abs; char *v[2] = {"bb", "a"}; sort(v, 2); return f(-1) + (qsort == 0); }
                        """)
                .compile();
        String t = Files.readString(r.programTable());
        // by_len is passed to qsort; no pointer can point to sort or main
        assertThat(t).contains("extern void talent_fn_0(void);\nextern void talent_lib_strcmp(void) __asm__(\"strcmp\");")
                .doesNotContain("talent_fn_1").doesNotContain("talent_fn_2")
                .contains("{ \"by_len\", \"b.c:3:12\", talent_fn_0 }, /* 0 */")
                .contains("{ \"sort\", \"b.c:4:6\", 0 }, /* 1 */")
                .contains("{ \"main\", \"a.c:5:5\", 0 }, /* 2 */")
                .contains("{ \"strcmp\", \"\", talent_lib_strcmp }, /* 3 (library) */")
                .contains("extern void talent_lib_scanf(void) __asm__(\"__isoc99_scanf\");")
                .contains("{ \"scanf\", \"\", talent_lib_scanf }, /* 4 (library) */")
                .contains("{ \"abs\", \"\", talent_lib_abs }, /* 5 (library) */")
                .contains("{ \"qsort\", \"\", talent_lib_qsort }, /* 6 (library) */")
                .contains("talent_functions, 7,")
                .doesNotContain("\"strlen\"");
        String b = Files.readString(r.instrumentedSources().getFirst());
        assertThat(b).contains("extern __typeof__(by_len) talent_fn_0 __attribute__((alias(\"by_len\")));")
                .doesNotContain("alias(\"sort\")");
        assertThat(Files.readString(r.instrumentedSources().get(1))).doesNotContain("__attribute__((alias(");
    }

    @Test
    void aFunctionWhoseAddressIsTakenInAnotherFileOrAnInitialiserHasItsAddress() throws Exception {
        CompileResult r = CProgram.in(dir)
                .file("b.c", """
                        int twice(int x) { return 2 * x; }
                        static int inc(int x) { return x + 1; }
                        int (*const ops[])(int) = { inc };
                        """)
                .file("a.c", "int twice(int);\nint main(void) { int (*f)(int) = twice; return f(1); }\n")
                .compile();
        String t = Files.readString(r.programTable());
        assertThat(t).contains("{ \"twice\", \"b.c:1:5\", talent_fn_0 }, /* 0 */")
                .contains("{ \"inc\", \"b.c:2:12\", talent_fn_1 }, /* 1 */")
                .contains("{ \"main\", \"a.c:2:5\", 0 }, /* 2 */");
    }

    @Test
    void aGlobalArrayDeclaredWithoutSizeIsSavedWithTheSizeOfItsDefinition() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", "int table[];\nint table[4];\nint one[];\nint main(void) { return table[0] + one[0]; }\n").compile();
        assertThat(r.diagnostics()).noneSatisfy(d -> assertThat(d.message()).contains("has no size"));
        String a = Files.readString(r.instrumentedSources().getFirst());
        assertThat(a).contains("{ \"table\", \"table\", \"a.c:2:5\", (void *)&table, ")
                .contains("{ \"one\", \"one\", \"a.c:3:5\", (void *)&one, ");
    }

    /**
     * A global of a struct with a flexible array member is saved (the member an array of no elements), unless its
     * initialiser gives that member elements (GNU C): they lie past the struct, where nothing would save them.
     */
    @Test
    void aGlobalWhoseInitialiserFillsAFlexibleArrayMemberIsRefusedNamingIt() throws Exception {
        List<Diagnostic> refused = CProgram.in(dir).file("a.c", """
                struct vec { int n; int d[]; };
                static struct vec g = { 2, { 5, 6 } };
                static struct vec z = { 2 };
                int main(void) { return g.d[1] + z.n; }
                """).rejection();
        assertThat(refused).filteredOn(d -> d.severity() == Diagnostic.Severity.ERROR).singleElement()
                .satisfies(d -> {
                    assertThat(d.line()).isEqualTo(2);
                    assertThat(d.message()).contains("global 'g'").contains("flexible array member 'd'");
                });
    }

    @Test
    void aC99InlineFunctionIsEmittedSoThatItsAliasHasATarget() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", """
                inline int sq(int x) { return x * x; }
                int main(void) { int (*f)(int) = sq; return f(0); }
                """).compile();
        String a = Files.readString(r.instrumentedSources().getFirst());
        assertThat(a).contains("extern __typeof__(sq) sq;\nextern __typeof__(sq) talent_fn_0 __attribute__((alias(\"sq\")));");
    }

    @Test
    void aC99InlineFunctionWithoutAPointerToItStaysAnInlineDefinition() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", "inline int sq(int x) { return x * x; }\nint main(void) { return sq(0); }\n").compile();
        assertThat(Files.readString(r.instrumentedSources().getFirst())).doesNotContain("extern __typeof__(sq)");
    }

    /**
     * A program that defines on_exit itself (portable code does, where its C library lacks it) keeps its own: the
     * link wraps on_exit (the runtime carries its handlers), so the table defines the wrapper as a call of the
     * program's; atexit and exit, which no program defines, get none.
     */
    @Test
    void aProgramsOwnOnExitIsCalledThroughTheWrapper() throws Exception {
        CompileResult r = CProgram.in(dir)
                .file("a.c", """
                        #include <stdlib.h>
                        int on_exit(void (*f)(int, void *), void *a) { (void)f; (void)a; return 0; }
                        int main(void) { return on_exit(0, 0); }
                        """)
                .compile();
        String t = Files.readString(r.programTable());
        assertThat(t).contains("int __real_on_exit(void (*f)(int, void *), void *a);\n")
                .contains("int __wrap_on_exit(void (*f)(int, void *), void *a) { return __real_on_exit(f, a); }\n")
                .doesNotContain("__wrap_atexit").doesNotContain("__wrap_exit");
    }

    /**
     * A program that defines strerror, strsignal or psignal itself (old portable code does) keeps its own: the link
     * wraps them (the runtime gives glibc's texts), so the table defines each wrapper as a call of the program's.
     */
    @Test
    void aProgramsOwnStrerrorAndPsignalAreCalledThroughTheWrapper() throws Exception {
        CompileResult r = CProgram.in(dir)
                .file("a.c", """
                        char *strerror(int e) { return e ? "failed" : "fine"; }
                        void psignal(int s, const char *m) { (void)s; (void)m; }
                        int main(void) { psignal(1, strerror(0)); return 0; }
                        """)
                .compile();
        String t = Files.readString(r.programTable());
        assertThat(t).contains("char * __real_strerror(int e);\n")
                .contains("char * __wrap_strerror(int e) { return __real_strerror(e); }\n")
                .contains("void __wrap_psignal(int s, const char *m) { __real_psignal(s, m); }\n")
                .doesNotContain("__wrap_strsignal").doesNotContain("__wrap_strerror_r");
    }

    /** Likewise a program's own regerror and herror (errtexts.c gives glibc's texts): the wrapper calls the program's. */
    @Test
    void aProgramsOwnRegerrorAndHerrorAreCalledThroughTheWrapper() throws Exception {
        CompileResult r = CProgram.in(dir)
                .file("a.c", """
                        #include <stddef.h>
                        size_t regerror(int e, const void *p, char *b, size_t n) { (void)p; (void)b; (void)n; return (size_t)e; }
                        void herror(const char *s) { (void)s; }
                        int main(void) { herror(0); return (int)regerror(0, 0, 0, 0); }
                        """)
                .compile();
        String t = Files.readString(r.programTable());
        assertThat(t).contains("__SIZE_TYPE__ __wrap_regerror(int e, const void *r, char *b, __SIZE_TYPE__ n) {"
                        + " return __real_regerror(e, r, b, n); }\n")
                .contains("void __wrap_herror(const char *s) { __real_herror(s); }\n")
                .doesNotContain("__wrap_gai_strerror").doesNotContain("__wrap_hstrerror");
    }
}
