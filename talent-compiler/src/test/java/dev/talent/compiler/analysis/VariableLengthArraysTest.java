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

/** Variable-length arrays in functions that may checkpoint (issue 11, cause 6; docs/CODEGEN.md). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class VariableLengthArraysTest {
    @TempDir
    Path dir;

    private static final String WORK = "int work(int n) { for (int i = 0; i < n; i++) n--; return n; }\n";

    @Test
    void aVlaWhoseScopeHoldsNoPointIsAcceptedAndNoJumpEntersItsScope() {
        CProgram p = CProgram.in(dir).file("a.c", "#include <string.h>\n" + WORK + """
                int main(int argc, char **argv) {
                  int s = work(argc);
                  {
                    int v[argc + 3];
                    memset(v, 0, sizeof v);
                    s += v[0] + (int)sizeof v;
                  }
                  (void)argv;
                  return s + work(2);
                }
                """);
        p.compile();
        p.compilesWithGcc("a.c").analyze();
        assertThat(p.function("main").chain).isTrue();
        assertThat(p.function("main").points).hasSize(2);
    }

    @Test
    void aVlaInScopeAtPointsIsDeclaredAgainWithItsSavedLengthOnRestore() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int main(int argc, char **argv) {
                  int v[argc + 3];
                  for (int i = 0; i < argc + 3; i++) v[i] = i;
                  (void)argv;
                  return v[0];
                }
                """);
        List<String> l = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c").analyze();
        // the prologue jumps to the label before the declaration, never into the array's scope
        assertThat(l.get(0)).contains("switch (talent_resume_point(0)) { case 0: goto __talent_v0; default: break; }");
        assertThat(l.get(1)).startsWith("  int __talent_vr0 = 0; if (0) { __talent_v0: ; __talent_vr0 = 1; } _Pragma(\"GCC diagnostic push\") ")
                .contains("int v[__builtin_expect(talent_restoring, 0) ? talent_restore_count(2) : (size_t)(argc + 3)]; "
                        + "const talent_type __talent_vtd_2 __attribute__((unused)) = "
                        + "TALENT_ARRAY_TYPE(__typeof__(v), \"int[argc + 3]\", __typeof__(v[0]), &talent_td_0); _Pragma(\"GCC diagnostic pop\") ")
                .endsWith("if (__builtin_expect(__talent_vr0, 0)) switch (talent_current_point()) { case 0: goto __talent_r0; "
                        + "default: __builtin_unreachable(); } ");
        // saved and restored through memory with the run-time descriptor
        // (a copy of the descriptor, which a checkpoint encodes after the frame has returned)
        assertThat(String.join("\n", l)).contains("talent_save_mem(2, \"v\", \"a.c:2:7\", (const void *)&v, talent_keep_type(&__talent_vtd_2), 1);")
                .contains("talent_bind(2, (void *)&v, talent_keep_type(&__talent_vtd_2));");
        assertThat(p.function("main").vlas).hasSize(1);
    }

    @Test
    void aVlaOfVlasIsDeclaredAgainWithEachSavedLength() {
        CProgram p = CProgram.in(dir).file("a.c", """
                int main(int argc, char **argv) {
                  int v[argc][4][argc + 1];
                  for (int i = 0; i < argc; i++) v[i][0][0] = i;
                  (void)argv;
                  return v[0][0][0];
                }
                """);
        String l = CProgram.originalLines(p.instrumented("a.c")).get(1);
        p.compilesWithGcc("a.c").analyze();
        // each run-time length from the checkpoint (depth 0: the array's count; depth 2: its elements' elements'),
        // the fixed one left alone
        assertThat(l).contains("int v[__builtin_expect(talent_restoring, 0) ? talent_restore_count(2) : (size_t)(argc)][4]"
                        + "[__builtin_expect(talent_restoring, 0) ? talent_restore_dim(2, 2) : (size_t)(argc + 1)];")
                .contains("TALENT_ARRAY_TYPE(__typeof__(v[0]), \"int[4][argc + 1]\", __typeof__((v[0])[0]), &__talent_vtd_2_e_e)");
        assertThat(p.function("main").vlas).singleElement().satisfies(v -> assertThat(v.dims()).hasSize(2));
    }

    @Test
    void aPointerToAVlaIsDeclaredAgainWithItsSavedLengthAndAParameterGetsItsDescriptorBeforeThePrologue() {
        CProgram p = CProgram.in(dir).file("a.c", WORK + """
                static int sum(int n, int a[n][n]) { int s = 0; for (int i = 0; i < n; i++) s += a[i][i]; return s; }
                int main(int argc, char **argv) {
                  int m[argc + 1][argc + 1];
                  int (*rows)[argc + 1] = m;
                  rows[0][0] = 1;
                  int r = work(argc) + sum(argc + 1, m);
                  (void)argv;
                  return r + rows[0][0];
                }
                """);
        List<String> l = CProgram.originalLines(p.instrumented("a.c"));
        p.compilesWithGcc("a.c").analyze();
        assertThat(l.get(4)).contains("int (*rows)[__builtin_expect(talent_restoring, 0) ? talent_restore_dim(3, 1) : (size_t)(argc + 1)] = m;")
                .contains("TALENT_PTR_TYPE_TO(__typeof__(rows), \"int (*)[argc + 1]\", \"int[argc + 1]\", &__talent_vtd_3_p)");
        assertThat(l.get(1)).contains("static int sum(int n, int a[n][n]) { const talent_type __talent_vtd_1_p")
                .containsSubsequence("TALENT_PTR_TYPE_TO(__typeof__(a)", "talent_resume_point(");
        assertThat(p.function("main").vlas).hasSize(2);
    }

    @Test
    void otherVariablyModifiedDeclarationsInScopeAtASiteAreRefusedNamingThePoint() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", WORK + """
                int main(int argc, char **argv) {
                  typedef int row[argc];
                  int (**pp)[argc] = 0;
                  int r = work(argc);
                  (void)argv;
                  return r + (pp != 0) + (int)sizeof(row);
                }
                """).rejection();
        assertThat(d).hasSize(2).allSatisfy(x -> assertThat(x.message()).contains("is in scope at a checkpoint point (a.c:5:")
                .contains("talent declares again only a variable-length array (of arrays)"));
        assertThat(d.get(0).message()).contains("variably modified type 'row'");
        assertThat(d.get(1).message()).contains("'pp'");
    }

    @Test
    void vlasInLoopsWithResumeCopiesAndNestedVlasCompile() {
        CProgram p = CProgram.in(dir).file("a.c", WORK + """
                int main(int argc, char **argv) {
                  long s = 0;
                  int a[argc + 2];
                  for (int r = 0; r < 3; r++) {
                    int b[r + argc];
                    for (int i = 0; i < r + argc; i++) b[i] = work(i) + a[0] * 0;
                    s += b[0] + work(r);
                  }
                  (void)argv;
                  return (int)s + a[1] * 0;
                }
                """);
        String out = p.instrumented("a.c");
        p.compilesWithGcc("a.c").analyze();
        assertThat(p.function("main").vlas).hasSize(2);
        // each label once, even though the loop is emitted twice (resume copy)
        assertThat(out.split("__talent_v1: ;", -1)).hasSize(2);
        assertThat(out.split("__talent_v0: ;", -1)).hasSize(2);
    }

    @Test
    void aVlaInALoopThatVersioningEmitsTwiceIsRefused() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", """
                int main(int argc, char **argv) {
                  long s = 0;
                  for (int r = 0; r < 8; r++) {
                    int b[argc + 40];
                    for (int i = 0; i < argc + 40; i++) b[i] = i * r;
                    s += b[1];
                  }
                  (void)argv;
                  return (int)s;
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(4);
            assertThat(x.message()).contains("variable-length array 'b' is declared in a loop that talent emits twice",
                    "short loop nest", "at a.c:3:3");
            assertThat(x.remedy()).contains("before the loop");
        });
    }

    @Test
    void aVlaInAStripMinedLoopIsRefused() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", """
                int main(int argc, char **argv) {
                  long s = 0;
                  int n = argc + 40;
                  for (int r = 0; r < n * 50; r++) {
                    int c[r % 5 + 1];
                    for (int i = 0; i < r % 5 + 1; i++) c[i] = i + r;
                    s = (s + c[0]) % 1000003;
                  }
                  (void)argv;
                  return (int)s;
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(5);
            assertThat(x.message()).contains("variable-length array 'c' is declared in a loop that talent emits twice");
        });
    }

    @Test
    void aVlaInAFunctionThatCannotCheckpointIsAccepted() {
        CProgram p = CProgram.in(dir).file("a.c", """
                static int sum(int n) { int v[n + 1]; v[0] = n; return v[0]; }
                int main(void) { return sum(3); }
                """).analyze();
        assertThat(p.function("sum").chain).isFalse();
    }

    @Test
    void variablyModifiedTypesAreRecognisedThroughArraysAndPointers() {
        assertThat(VariableLengthArrays.isVariablyModified("int[n + 1]")).isTrue();
        assertThat(VariableLengthArrays.isVariablyModified("int (*)[n]")).isTrue();
        assertThat(VariableLengthArrays.isVariablyModified("double[4][m]")).isTrue();
        assertThat(VariableLengthArrays.isVariablyModified("int[16]")).isFalse();
        assertThat(VariableLengthArrays.isVariablyModified("char *")).isFalse();
    }
}
