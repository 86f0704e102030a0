package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StaticsHoistingTest {
    @TempDir
    Path dir;

    @Test
    void functionStaticsMoveToFileScopeOnTheFunctionsLineAndAreRenamed() {
        String out = CProgram.in(dir).file("a.c", """
                int counter(void) {
                  static int calls = 0, *last = &calls;
                  calls++;
                  return *last;
                }
                int main(void) { return counter(); }
                """).instrumented("a.c");
        var lines = CProgram.originalLines(out);
        assertThat(lines.get(0)).isEqualTo("static int __talent_s_counter_calls = 0; TALENT_GAP(__talent_gap0) static int *__talent_s_counter_last = "
                + "&__talent_s_counter_calls; TALENT_GAP(__talent_gap1) int counter(void) {");
        assertThat(lines.get(1)).isBlank();
        assertThat(lines.get(2)).contains("__talent_s_counter_calls++;");
        assertThat(out).contains("{ \"a.c:__talent_s_counter_calls\", \"calls\", \"a.c:2:14\", (void *)&__talent_s_counter_calls,");
        assertThat(out).contains("{ \"a.c:__talent_s_counter_last\", \"last\",");
    }

    /**
     * lz4's shape: a table whose element type is a typedef of the function. The type's declaration moves to file
     * scope before the static (both on the function's line), so the table is in the unit's table with a descriptor of
     * its own, and the function's other uses of the type (a local of it) still compile.
     */
    @Test
    void aStaticOfALocalTypeMovesToFileScopeWithItsType() {
        String out = CProgram.in(dir).file("a.c", """
                int main(void) {
                  typedef struct { unsigned a; int b; } entry;
                  static const entry tbl[] = {{1, 2}, {3, 4}};
                  struct local { int v; };
                  static struct local keep;
                  entry e = tbl[1];
                  return keep.v + e.b;
                }
                """).instrumented("a.c");
        var lines = CProgram.originalLines(out);
        assertThat(lines.get(0)).startsWith("typedef struct { unsigned a; int b; } entry; struct local { int v; }; "
                + "static const entry __talent_s_main_tbl[] = {{1, 2}, {3, 4}}; TALENT_GAP(__talent_gap0) static struct local "
                + "__talent_s_main_keep; TALENT_GAP(__talent_gap1) ");
        for (int i = 1; i <= 4; i++) assertThat(lines.get(i)).as("line " + (i + 1)).isBlank();
        assertThat(lines.get(5)).contains("entry e = __talent_s_main_tbl[1];");
        assertThat(out).contains("(void *)&__talent_s_main_tbl, ").contains("(void *)&__talent_s_main_keep, ")
                .contains("TALENT_STRUCT_TYPE(entry, \"entry\"");
    }

    /**
     * A state machine's {@code static enum { IDLE, RUN } state = IDLE;}: the anonymous enum and its constants move to
     * file scope with the static, and the function's uses of the constants still name them. Before, the build refused
     * the static ("has a type declared inside the function").
     */
    @Test
    void aBoolStaticMovesWhenClangPrintsItsTypeAsBool() {
        // libdeflate's tgetopt.c; the shift makes clang print _Bool as `bool` (stdbool.h's macro); a typedef named
        // bool stays the program's own
        String out = CProgram.in(dir).file("a.c", """
                #include <stdbool.h>
                static unsigned short le16(const unsigned char *p) { return ((unsigned short)p[1] << 8) | p[0]; }
                int next(const unsigned char *p) {
                  static bool done;
                  done = !done;
                  return done + le16(p);
                }
                int main(void) { unsigned char b[2] = {1, 2}; return next(b); }
                """).instrumented("a.c");
        assertThat(out).contains("static bool __talent_s_next_done;");
        String own = CProgram.in(dir).file("a.c", """
                typedef struct { int v; } bool;
                int next(int k) {
                  static bool done;
                  done.v += k;
                  return done.v;
                }
                int main(void) { return next(1); }
                """).instrumented("a.c");
        assertThat(own).contains("static bool __talent_s_next_done;");
    }

    @Test
    void aMemberNamedAsALocalIsNoUseOfThatLocal() {
        // mawk 1.3.4's rexp0.c: `static const struct { CCLASS_ENUM code; ... } cclass_table[]` and a local `code`
        String out = CProgram.in(dir).file("a.c", """
                int lookup(int k) {
                  static const struct { int code; const char *name; } table[] = { { 1, "code" }, { 2, "b" } };
                  int code = 0;
                  for (int i = 0; i < 2; i++) if (table[i].code == k) code = i;
                  return code;
                }
                int main(void) { return lookup(2); }
                """).instrumented("a.c");
        assertThat(CProgram.originalLines(out).get(0))
                .startsWith("static const struct { int code; const char *name; } __talent_s_lookup_table[] = ");
    }

    @Test
    void aStaticOfAnAnonymousEnumMovesWithItsConstants() {
        String out = CProgram.in(dir).file("a.c", """
                int step(void) {
                  static enum { IDLE, RUN } state = IDLE;
                  static struct { enum { LOW, HIGH } level; int n; } st;
                  state = state == IDLE ? RUN : IDLE;
                  st.level = st.n++ % 2 ? HIGH : LOW;
                  return (int)state + (int)st.level;
                }
                int main(void) { return step(); }
                """).instrumented("a.c");
        var lines = CProgram.originalLines(out);
        assertThat(lines.get(0)).startsWith("static enum { IDLE, RUN } __talent_s_step_state = IDLE; TALENT_GAP(__talent_gap0) "
                + "static struct { enum { LOW, HIGH } level; int n; } __talent_s_step_st; TALENT_GAP(__talent_gap1) int step(void) {");
        assertThat(lines.get(3)).contains("__talent_s_step_state = __talent_s_step_state == IDLE ? RUN : IDLE;");
        assertThat(out).contains("(void *)&__talent_s_step_state, ").contains("(void *)&__talent_s_step_st, ");
    }

    /** An enum constant of the same name elsewhere: moving the constants would change what the name means there. */
    @Test
    void aStaticOfAnAnonymousEnumWhoseConstantIsDeclaredElsewhereIsRejected() {
        var d = CProgram.in(dir).file("a.c", """
                static int other(void) { int IDLE = 4; return IDLE; }
                int main(void) {
                  static enum { IDLE, RUN } state = IDLE;
                  state = RUN;
                  return (int)state + other();
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.message()).contains("'state' has a type declared inside the function, whose name 'IDLE' is "
                    + "declared elsewhere in the file too");
        });
    }

    /** Another function's type of the same name: moving the type could change what the name means there. */
    @Test
    void aStaticOfALocalTypeWhoseNameIsDeclaredElsewhereIsRejected() {
        var d = CProgram.in(dir).file("a.c", """
                static int other(void) { struct local { long w; } x = {1}; return (int)x.w; }
                int main(void) {
                  struct local { int v; };
                  static struct local keep;
                  return keep.v + other();
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(4);
            assertThat(e.message()).contains("'keep' has a type declared inside the function, whose name 'local' is "
                    + "declared elsewhere in the file too");
        });
    }

    /**
     * md4c's shape ({@code md_is_html_block_start_condition}): the typedef names a tag declared by it, the tag's
     * definition follows in the same block (clang's {@code previousDecl}). Both statements declare one type and move
     * together; before, the definition was taken for another type of the same name and the tables were refused
     * ("whose name 'TAG_tag' is declared elsewhere in the file too").
     */
    @Test
    void aTypedefOfATagDefinedInTheNextStatementMovesWithTheDefinition() {
        String out = CProgram.in(dir).file("a.c", """
                int main(void) {
                  typedef struct TAG_tag TAG;
                  struct TAG_tag { const char *name; unsigned len : 8; };
                  static const TAG t1[] = {{"pre", 3}, {0, 0}};
                  static const TAG *map[2] = {t1, t1};
                  return (int)map[1][0].len;
                }
                """).instrumented("a.c");
        var lines = CProgram.originalLines(out);
        assertThat(lines.get(0)).startsWith("typedef struct TAG_tag TAG; struct TAG_tag { const char *name; unsigned len : 8; }; "
                + "static const TAG __talent_s_main_t1[] = ");
        assertThat(lines.get(0)).contains("static const TAG *__talent_s_main_map[2] = {__talent_s_main_t1, __talent_s_main_t1};");
        assertThat(out).contains("(void *)&__talent_s_main_t1, ").contains("(void *)&__talent_s_main_map, ");
    }

    /** The same tag defined again in an inner block is another type (no previousDecl): still refused. */
    @Test
    void aTagRedefinedInAnInnerBlockIsStillAnotherType() {
        var d = CProgram.in(dir).file("a.c", """
                int main(void) {
                  typedef struct tag TAG;
                  struct tag { int a; };
                  static TAG keep;
                  { struct tag { long w; } x = {2}; keep.a += (int)x.w; }
                  return keep.a;
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(4);
            assertThat(e.message()).contains("'keep' has a type declared inside the function, whose name 'tag' is "
                    + "declared elsewhere in the file too");
        });
    }

    /** A type declared together with a variable does not move (the variable stays automatic). */
    @Test
    void aStaticOfALocalTypeDeclaredWithAVariableIsRejected() {
        var d = CProgram.in(dir).file("a.c", """
                int main(void) {
                  struct local { int v; } first = {1};
                  static struct local keep;
                  return keep.v + first.v;
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.message()).contains("'keep' has a type declared inside the function");
        });
    }

    /**
     * clzip 1.13 (survey of 2026-12-03): {@code enum { bufsize = 16 }; static char buf[bufsize];} moved as written
     * made gcc reject the generated file ({@code 'bufsize' undeclared here}); the enumeration (declared by a
     * statement of its own, its constants declared nowhere else) now moves to file scope before the static.
     */
    @Test
    void aStaticWhoseSizeIsALocalEnumConstantMovesWithTheEnumeration() {
        String out = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                const char *format(unsigned n) {
                  enum { buffers = 2, bufsize = 16 };
                  static char buf[buffers][bufsize];
                  static int current = 0;
                  char *b = buf[current++]; current %= buffers;
                  snprintf(b, bufsize, "%u", n);
                  return b;
                }
                int main(void) { return format(7)[0] != '7'; }
                """).instrumented("a.c");
        var lines = CProgram.originalLines(out);
        assertThat(lines.get(1)).startsWith("enum { buffers = 2, bufsize = 16 }; static char __talent_s_format_buf[buffers][bufsize]; "
                + "TALENT_GAP(__talent_gap0) static int __talent_s_format_current = 0; TALENT_GAP(__talent_gap1) ");
        assertThat(out).contains("{ \"a.c:__talent_s_format_buf\", \"buf\", \"a.c:4:15\"");
    }

    @Test
    void aStaticWhoseInitialiserNamesALocalIsRejectedNamingIt() {
        var d = CProgram.in(dir).file("a.c", """
                int main(void) {
                  enum { start = 3 } first = start;
                  static int n = start;
                  return n++ + (int)first;
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.message()).contains("'n' refers to 'start'");
        });
    }

    @Test
    void namesInStringsAndMemberDesignatorsAreNotLocalReferences() {
        String out = CProgram.in(dir).file("a.c", """
                struct p { int len; const char *s; };
                int main(void) {
                  int len = 2;
                  static struct p keep = { .len = 4, .s = "len" };
                  return keep.len - len - 2;
                }
                """).instrumented("a.c");
        assertThat(CProgram.originalLines(out).get(1))
                .startsWith("static struct p __talent_s_main_keep = { .len = 4, .s = \"len\" }; ");
    }

    /**
     * A {@code #line} directive between a table's elements (gperf's output) names no local: before, its word
     * {@code line} was taken for a use of the parameter {@code line}, and the static refused.
     */
    @Test
    void aPreprocessorLineInTheDeclarationNamesNoLocal() {
        var unit = CProgram.in(dir).file("a.c", """
                const char *name(int line) {
                  static const char *words[] = {
                #line 10 "words.list"
                    "alpha", "beta" };
                  return words[line % 2];
                }
                int main(void) { return *name(1); }
                """).analyze().unit("a.c");
        assertThat(unit.diags().all()).isEmpty();
        assertThat(unit.statics()).hasSize(1);
    }

    /**
     * A help text of a few thousand characters as a function-local static (with a quote, escapes and a name of a
     * local inside): the declaration's literals were blanked with a regular expression that recursed once per
     * character and overflowed the stack (talent build: internal error).
     */
    @Test
    void aLongLiteralInAFunctionStaticMovesWithIt() {
        String help = "  -n, --count=N   print N lines; don't \\\"stop\\\" at len\\n".repeat(300);
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                static void usage(int len) {
                  static const char text[] = "%s";
                  fputs(text + len, stdout);
                }
                int main(void) { for (int i = 0; i < 3; i++) usage(i); return 0; }
                """.formatted(help));
        String out = p.instrumented("a.c");
        assertThat(CProgram.originalLines(out).get(1)).startsWith("static const char __talent_s_usage_text[] = \"  -n, --count=N");
        assertThat(out).contains("fputs(__talent_s_usage_text + len, stdout);");
        p.compilesWithGcc("a.c");
    }
}
