package dev.talent.compiler.ast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** Runs clang (the front end) on small files; checks that file/line tracking tells files apart. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClangAstLoaderTest {
    @TempDir
    Path dir;

    private TranslationUnit load(String main, String header) throws Exception {
        Files.writeString(dir.resolve("h.h"), header);
        Path c = dir.resolve("m.c");
        Files.writeString(c, main);
        return new ClangAstLoader().load(c, List.of("-I" + dir));
    }

    @Test
    void declarationsFromHeadersAreNotInTheMainFile() throws Exception {
        TranslationUnit tu = load("""
                #include "h.h"
                int g;
                int main(void) { return helper(g); }
                """, """
                static inline int helper(int x) {
                  return x + 1;
                }
                """);
        Node helper = find(tu, "FunctionDecl", "helper");
        Node main = find(tu, "FunctionDecl", "main");
        Node g = find(tu, "VarDecl", "g");
        assertThat(tu.isMainFileNode(helper)).isFalse();
        assertThat(helper.position().file()).endsWith("h.h");
        assertThat(tu.isMainFileNode(main)).isTrue();
        assertThat(tu.isMainFileNode(g)).isTrue();
        assertThat(main.position().line()).isEqualTo(3);
        assertThat(g.position().line()).isEqualTo(2);
        // the body of helper spans lines 1..3 of h.h; elided lines must have been filled in
        Node body = Ast.functionBody(helper);
        assertThat(body.end().line()).isEqualTo(3);
        assertThat(body.end().file()).endsWith("h.h");
    }

    @Test
    void macroLocationsUseTheExpansionPointAndAreMarked() throws Exception {
        TranslationUnit tu = load("""
                #define SQ(x) ((x) * (x))
                int f(int a) {
                  int b = SQ(a);
                  return b;
                }
                """, "");
        Node sq = Ast.collect(find(tu, "FunctionDecl", "f"), "ParenExpr").getFirst();
        assertThat(sq.begin().inMacro()).isTrue();
        assertThat(sq.begin().line()).isEqualTo(3);
        assertThat(tu.isMacroFree(sq)).isFalse();
        Node ret = Ast.collect(find(tu, "FunctionDecl", "f"), "ReturnStmt").getFirst();
        assertThat(ret.begin().line()).isEqualTo(4);
        assertThat(tu.isMacroFree(ret)).isTrue();
        assertThat(tu.text().substring(ret.begin().offset(), Ast.statementEnd(tu.text(), ret))).isEqualTo("return b;");
    }

    /**
     * clang's JSON prints an initialiser list with fewer elements than its array under "array_filler" (the filler
     * first, then the initialisers) and no "inner": the initialisers are the node's children, the filler is not.
     */
    @Test
    void initialisersOfAPartlyInitialisedArrayAreChildren() throws Exception {
        TranslationUnit tu = load("""
                static long op_add(long a, long b) { return a + b; }
                static long work(long n) { return n; }
                struct op { const char *str; long (*fn)(long, long); };
                static const struct op table[4] = { { "+", op_add } };
                long f(long k) {
                  long v[4] = { work(k), k };
                  return v[0] + v[1] + table[0].fn(1, 2);
                }
                """, "");
        Node global = find(tu, "VarDecl", "table");
        Node list = global.firstChildOfKind("InitListExpr");
        assertThat(list.inner()).singleElement().satisfies(e -> assertThat(e.is("InitListExpr")).isTrue());
        assertThat(Ast.collect(global, "DeclRefExpr")).extracting(n -> n.referencedDecl().path("name").asText())
                .containsExactly("op_add");
        Node local = find(tu, "VarDecl", "v");
        assertThat(local.firstChildOfKind("InitListExpr").inner()).hasSize(2);
        assertThat(Ast.collect(local, "CallExpr")).singleElement()
                .satisfies(c -> assertThat(c.begin().line()).isEqualTo(6));
    }

    @Test
    void clangErrorsBecomeDiagnostics() throws Exception {
        Path c = dir.resolve("bad.c");
        Files.writeString(c, "int main(void) { return x; }\n");
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(dev.talent.compiler.CompilationFailedException.class,
                () -> new ClangAstLoader().load(c, List.of()));
        assertThat(e.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.line()).isEqualTo(1);
            assertThat(d.message()).contains("x");
        });
    }

    @Test
    void aLargeFileIsReadAsAStreamAndReportsProgress() throws Exception {
        // about 170 KB of C: its JSON AST is larger than ClangAstLoader.PROGRESS_STEP_BYTES
        StringBuilder c = new StringBuilder("#include <stdio.h>\n");
        for (int i = 0; i < 1500; i++) {
            c.append("static int f").append(i).append("(int n) {\n  int acc = ").append(i)
                    .append(";\n  for (int k = 0; k < n; k++) acc += k * 3 - (acc >> 2);\n  printf(\"%d\\n\", acc);\n  return acc;\n}\n");
        }
        c.append("int main(void) { return f1(2) + f1499(3); }\n");
        Path file = dir.resolve("big.c");
        Files.writeString(file, c);
        List<dev.talent.compiler.CompileEvent> events = new java.util.ArrayList<>();

        TranslationUnit tu = new ClangAstLoader("clang", events::add).load(file, List.of());

        assertThat(events).last().isInstanceOfSatisfying(dev.talent.compiler.CompileEvent.AstRead.class, done -> {
            assertThat(done.done()).isTrue();
            assertThat(done.sourceBytes()).isEqualTo(c.length());
            assertThat(done.astBytes()).isGreaterThan(ClangAstLoader.PROGRESS_STEP_BYTES);
        });
        assertThat(events.subList(0, events.size() - 1)).isNotEmpty()
                .allSatisfy(e -> assertThat(((dev.talent.compiler.CompileEvent.AstRead) e).done()).isFalse());
        Node last = find(tu, "FunctionDecl", "f1499");
        assertThat(tu.isMainFileNode(last)).isTrue();
        assertThat(last.position().line()).isEqualTo(2 + 6 * 1499);
        assertThat(Ast.collect(last, "ForStmt")).singleElement()
                .satisfies(loop -> assertThat(loop.begin().line()).isEqualTo(4 + 6 * 1499));
        // equal attribute values are one object: every reference to acc holds the same referencedDecl
        List<Node> accs = Ast.collect(last, "DeclRefExpr").stream()
                .filter(r -> r.referencedDecl().path("name").asText().equals("acc")).toList();
        assertThat(accs).hasSizeGreaterThan(3);
        assertThat(accs).allSatisfy(r -> assertThat(r.referencedDecl()).isSameAs(accs.getFirst().referencedDecl()));
        assertThat(accs.getFirst().json().path("referencedDecl").path("kind").asText()).isEqualTo("VarDecl");
    }

    private static Node find(TranslationUnit tu, String kind, String name) {
        return Ast.collect(tu.root(), kind).stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }
}
