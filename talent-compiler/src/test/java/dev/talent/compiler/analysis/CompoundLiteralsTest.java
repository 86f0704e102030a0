package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Compound literals get named variables, saved like other variables (docs/CODEGEN.md "Compound literals"). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CompoundLiteralsTest {
    @TempDir
    Path dir;

    private static final String FORMS = """
            #include <stdio.h>
            struct pt { int x, y; };
            struct opts { int n; };
            static int *gp = (int[]){5, 6, 7};
            static int size(struct opts o) { int s = 0; for (int i = 0; i < o.n; i++) s += i; return s; }
            int main(void) {
              struct pt *p = &(struct pt){1, 2};
              int s = size((struct opts){.n = 3}) + (int){4} + (int)sizeof((int[]){1, 2});
              for (int i = 0; i < 3; i++) { int *a = (int[]){i, 2, 3}; s += p->x + a[i] + gp[i]; }
              printf("%d\\n", s);
              return 0;
            }
            """;

    @Test
    void literalsWhoseObjectIsUsedBecomeNamedVariables() {
        String out = CProgram.in(dir).file("m.c", FORMS).instrumented("m.c");
        List<String> lines = CProgram.originalLines(out);
        // file scope: a named static with the literal's initialiser, in the unit's table like any variable
        assertThat(lines.get(3)).contains("static int __talent_lit1[3] = {5, 6, 7}; TALENT_GAP(__talent_gap0) static int *gp = (__talent_lit1);");
        // block scope: declared before the statement, initialised where the literal is evaluated
        assertThat(lines.get(6)).contains("struct pt __talent_lit2; struct pt *p = &(*(__typeof__(__talent_lit2) *)__builtin_memcpy("
                + "(void *)&__talent_lit2, &(struct pt){1, 2}, sizeof __talent_lit2));");
        // values only (an argument by value, a scalar, sizeof): left as written
        assertThat(lines.get(7)).contains("size)((struct opts){.n = 3})").contains("(int){4}").contains("sizeof((int[]){1, 2})")
                .doesNotContain("&(struct opts)").doesNotContain("&(int)").doesNotContain("&(int[]){1, 2}");
        // in a loop body, each evaluation initialises it again; the size left out is clang's
        assertThat(lines.get(8)).contains("int __talent_lit3[3]; int *a = (*(__typeof__(__talent_lit3) *)__builtin_memcpy(");
        // saved at the points in its scope by name, as address-taken variables are; the one declared in the loop body
        // after the site is not in scope there (each iteration initialises it again)
        assertThat(out).contains("\"__talent_lit2\", \"m.c:").doesNotContain("\"__talent_lit3\", \"m.c:");
    }

    @Test
    void anArgumentToATransparentUnionIsNotAWrittenLiteral() {
        // glibc's bind takes a transparent union under _GNU_SOURCE: clang wraps the argument in a compound literal
        // of the union type (a prvalue); it is passed by value, neither rewritten nor refused (EpollDupIT's bind)
        String out = CProgram.in(dir).file("b.c", """
                #define _GNU_SOURCE
                #include <sys/socket.h>
                #include <netinet/in.h>
                int main(void) {
                  struct sockaddr_in a = {0};
                  int s = socket(AF_INET, SOCK_DGRAM, 0), r = 0;
                  for (int i = 0; i < 3; i++) r += bind(s, (struct sockaddr *)&a, sizeof a);
                  return r != 0;
                }
                """).instrumented("b.c");
        assertThat(out).doesNotContain("__talent_lit").contains("bind(s, (struct sockaddr *)&a__talent_w.__talent_o, sizeof a__talent_w.__talent_o)");
    }

    @Test
    void typeNamesAndDeclarations() {
        assertThat(CompoundLiterals.typeName("int[]", "int[3]")).isEqualTo("int[3]");
        assertThat(CompoundLiterals.typeName("const char *const [ ]", "const char *const[2]")).isEqualTo("const char *const [2]");
        assertThat(CompoundLiterals.typeName("int[][2]", "int[4][2]")).isEqualTo("int[4][2]");
        assertThat(CompoundLiterals.typeName("struct pt", "struct pt")).isEqualTo("struct pt");
        assertThat(CompoundLiterals.declaration("int[4][2]", "v")).isEqualTo("int v[4][2]; ");
        assertThat(CompoundLiterals.declaration("struct pt", "v")).isEqualTo("struct pt v; ");
        assertThat(CompoundLiterals.declaration("int (*)(void)", "v")).isNull();
    }
}
