package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.compiler.ast.ClangAstLoader;
import dev.talent.compiler.ast.TranslationUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CheckpointCompilerTest {
    @TempDir
    Path dir;

    private static final String PROGRAM = """
            int main(void) {
              int s = 0;
              for (int i = 0; i < 10; i++) s += i;
              return s;
            }
            """;

    @Test
    void fingerprintIsStableAndFollowsTheSource() throws Exception {
        Files.createDirectories(dir.resolve("x"));
        String a = CProgram.in(dir.resolve("x")).file("a.c", PROGRAM).compile().fingerprint();
        String again = CProgram.in(dir.resolve("x")).file("a.c", PROGRAM).compile().fingerprint();
        String changed = CProgram.in(dir.resolve("x")).file("a.c", PROGRAM.replace("10", "11")).compile().fingerprint();
        assertThat(again).isEqualTo(a);
        assertThat(changed).isNotEqualTo(a);
    }

    @Test
    void outputsKeepBaseNamesAndLineCount() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", PROGRAM).compile();
        assertThat(r.instrumentedSources()).containsExactly(dir.resolve("out/a.c"));
        assertThat(r.programTable()).isEqualTo(dir.resolve("out/talent_program.c"));
        assertThat(CProgram.originalLines(Files.readString(r.instrumentedSources().getFirst()))).hasSize(5);
    }

    @Test
    void aProgramWithoutMainIsRejected() {
        var d = CProgram.in(dir).file("a.c", "int f(void) { return 1; }\n").rejection();
        assertThat(d).singleElement().satisfies(x -> assertThat(x.message()).contains("no main"));
    }

    @Test
    void anInternalCrashNamesThePassAndThePosition() throws Exception {
        Path c = dir.resolve("a.c");
        Files.writeString(c, PROGRAM);
        // a loader that returns a tree whose function has lost its body's statements list: a pass must crash
        ClangAstLoader real = new ClangAstLoader();
        ClangAstLoader broken = new ClangAstLoader() {
            @Override
            public TranslationUnit load(Path source, List<String> args) throws CompilationFailedException {
                TranslationUnit tu = real.load(source, args);
                dev.talent.compiler.ast.Ast.collect(tu.root(), "ForStmt").getFirst().inner().clear();
                return tu;
            }
        };
        assertThatThrownBy(() -> new CheckpointCompiler(broken).compile(
                new CompileRequest(List.of(c), List.of(), dir.resolve("out"), "t")))
                .isInstanceOf(InternalCompilerError.class)
                .hasMessageContaining("internal error in pass site placement")
                .hasMessageContaining("main (a.c:1:5)");
    }
}
