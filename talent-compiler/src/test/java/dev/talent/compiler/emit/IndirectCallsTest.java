package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.CompileResult;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls through function pointers are chain calls (docs/CODEGEN.md "Calls through pointers"; issue 11, cause
 * 7): input C to the instrumented statement, which gcc must compile without a warning.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IndirectCallsTest {
    @TempDir
    Path dir;

    private static final String WORK = "int work(int n) { for (int i = 0; i < n; i++) n--; return n; }\n";

    @Test
    void aCallThroughAStructMemberIsAChainCallThatSavesItsTargetInATemporary() {
        CProgram p = CProgram.in(dir).file("a.c", WORK + """
                struct ops { int (*f[2])(int); };
                int apply(struct ops *o, int k) {
                  int r;
                  r = o->f[k](3);
                  return r;
                }
                int main(void) { struct ops o = { { work, work } }; return apply(&o, 1); }
                """);
        List<String> l = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c").analyze();
        // the target is evaluated once into a temporary, saved by its name: a restart calls that very function
        assertThat(l.get(4)).isEqualTo("  __typeof__(((void)0, (o->f[k]))) __talent_t1; __typeof__(__talent_t1(3)) __talent_t2; "
                + "__talent_t1 = (o->f[k]); if (0) { __talent_r1: ; o = (__typeof__(o))talent_restore_ptr(0, &talent_td_1); "
                + "TALENT_RESTORE_INT(1, k, &talent_td_0); __talent_t1 = (__typeof__(__talent_t1))talent_restore_fptr(3, &talent_td_4); "
                + "talent_frame_restored(); } __talent_t2 = __talent_t1(3); if (__builtin_expect(talent_unwinding, 0)) { "
                + "talent_frame_begin(1, 1); talent_save_ptr(0, \"o\", \"a.c:3:23\", (const void *)o, &talent_td_1); "
                + "TALENT_SAVE_INT(1, \"k\", \"a.c:3:30\", k, &talent_td_0); "
                + "talent_save_fptr(3, \"__talent_t1\", \"a.c:5:7\", (void (*)(void))__talent_t1, &talent_td_4); "
                + "talent_frame_end(); return __talent_zret; } r = __talent_t2;");
        assertThat(p.function("apply").chain).isTrue();
        assertThat(l).noneMatch(s -> s.contains("talent_suspended"));
    }

    @Test
    void aCalleeExpressionWithASideEffectIsEvaluatedOnceIntoATemporary() {
        CProgram p = CProgram.in(dir).file("a.c", WORK + """
                int main(void) {
                  int (*fs[2])(int) = { work, work };
                  int (**it)(int) = fs;
                  int v = (*it++)(4) + 1;
                  return v + (int)(it - fs);
                }
                """);
        String line = CProgram.originalLines(p.instrumented("a.c")).get(4);
        p.compilesWithGcc("a.c");
        assertThat(line).startsWith("  __typeof__(((void)0, ((*it++)))) __talent_t1; __typeof__(__talent_t1(4)) __talent_t2; "
                + "__talent_t1 = ((*it++)); if (0) { __talent_r1: ;");
        // the pointer is saved by its target's name, and the restart calls through the restored temporary
        assertThat(line).contains("__talent_t1 = (__typeof__(__talent_t1))talent_restore_fptr(")
                .contains("} __talent_t2 = __talent_t1(4); if (__builtin_expect(talent_unwinding, 0))")
                .endsWith("int v = __talent_t2 + 1;");
    }

    @Test
    void aFunctionThatCallsThroughAPointerIsAChainFunctionOnlyWhenAChainFunctionsAddressIsTaken() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int twice(int n) { return 2 * n; }
                int call(int (*f)(int), int n) { return f(n); }
                int main(void) { int s = 0; for (int i = 0; i < 3; i++) s += call(twice, i); return s; }
                """);
        String out = p.instrumented("a.c");
        p.analyze();
        assertThat(p.function("call").chain).isFalse();
        assertThat(p.function("twice").chain).isFalse();
        assertThat(out).doesNotContain("talent_suspended");

        CProgram q = CProgram.in(dir).file("a.c", WORK + """
                int call(int (*f)(int), int n) { return f(n); }
                int main(void) { return call(work, 3); }
                """).analyze();
        assertThat(q.function("call").chain).isTrue();
        assertThat(q.function("call").points).hasSize(1);
    }

    @Test
    void libraryCallersOfCallbacksAndNocheckpointFunctionsStaySuspended() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                static int cmp(const void *a, const void *b) {
                  for (int i = 0; i < 1; i++) { }
                  return *(const int *)a - *(const int *)b;
                }
                #pragma talent nocheckpoint
                static int quiet(int (*f)(const void *, const void *), int *v) { return f(&v[0], &v[1]); }
                int main(void) {
                  int v[3] = { 3, 1, 2 };
                  qsort(v, 3, sizeof v[0], cmp);
                  return quiet(cmp, v);
                }
                """);
        List<String> l = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c");
        assertThat(l.get(6)).contains("return ({ talent_suspended++; __auto_type __talent_sv = f(&v[0], &v[1]); "
                + "talent_suspended--; __talent_sv; });");
        assertThat(l.get(9)).contains("({ talent_suspended++; qsort(v, 3, sizeof v[0], cmp); talent_suspended--; });");
    }

    @Test
    void aCallThroughAPointerThatCannotBeHoistedRunsSuspendedWithAWarning() {
        // 3000000000: long on x86_64, long long on i686, a '?:' type talent cannot spell for every ISA (1L moves since
        // 2026-12-06, h/elvis)
        CProgram p = CProgram.in(dir).file("a.c", WORK + """
                int main(void) {
                  int (*f)(int) = work; int v0 = 1;
                  long v = v0 ? ({ unsigned t = f(3); t + 1; }) : 3000000000;
                  return (int)v;
                }
                """);
        CompileResult r = p.compile();
        List<String> l = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c");
        assertThat(l.get(3)).contains("unsigned t = ({ talent_suspended++; __auto_type __talent_sv = f(3); talent_suspended--; __talent_sv; });");
        assertThat(r.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.WARNING)
                .anySatisfy(d -> {
                    assertThat(d.line()).isEqualTo(4);
                    assertThat(d.message()).contains("call through a function pointer is inside a statement expression");
                });
    }

    @Test
    void aDirectChainCallInAStatementExpressionIsStillRefused() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", WORK + """
                int main(void) { int (*f)(int) = work; int k = 1; return (int)((k ? ({ unsigned t = work(3); t; }) : 3000000000) + f(1)); }
                """).rejection();
        assertThat(d).anySatisfy(x -> {
            assertThat(x.line()).isEqualTo(2);
            assertThat(x.message()).contains("call of 'work', which may checkpoint, is inside a statement expression");
        });
    }
}
