package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** MainRename alone (OneEmitter): input C to the text it leaves. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MainRenameTest {
    @TempDir
    Path dir;

    @Test
    void theDeclarationTheDefinitionACallAndAnAddressOfMainAreRenamed() {
        var e = OneEmitter.of(dir, """
                int main(void);
                int depth;
                int main(void) {
                  if (depth++ < 2) return main();
                  int (*self)(void) = main;
                  return self != 0;
                }
                """);
        new MainRename(e.unit.tu(), e.plan).emit();
        assertThat(e.lines()).containsExactly(
                "int talent_user_main(void);",
                "int depth;",
                "int talent_user_main(void) {",
                "  if (depth++ < 2) return talent_user_main();",
                "  int (*self)(void) = talent_user_main;",
                "  return self != 0;",
                "}");
    }

    @Test
    void mainsBodyUsingAFunctionNameIsFramedByDefinitionsOfTheNamesToMain() {
        var e = OneEmitter.of(dir, """
                #include <assert.h>
                #include <stdio.h>
                static void f(void) { puts(__func__); }
                int main(int argc, char **argv) {
                  f();
                  printf("%s %s %s\\n", __func__, __FUNCTION__, __PRETTY_FUNCTION__);
                  assert(argc > 0 && argv);
                  return 0;
                } int after;
                """);
        new MainRename(e.unit.tu(), e.plan).emit();
        assertThat(e.lines()).containsExactly(
                "#include <assert.h>",
                "#include <stdio.h>",
                "static void f(void) { puts(__func__); }",
                "int talent_user_main(int argc, char **argv) {",
                "#define __func__ \"main\"",
                "#define __FUNCTION__ \"main\"",
                "#define __PRETTY_FUNCTION__ \"main\"",
                "#line 4",
                "",
                "  f();",
                "  printf(\"%s %s %s\\n\", __func__, __FUNCTION__, __PRETTY_FUNCTION__);",
                "  assert(argc > 0 && argv);",
                "  return 0;",
                "}",
                "#undef __func__",
                "#undef __FUNCTION__",
                "#undef __PRETTY_FUNCTION__",
                "#line 9",
                " int after;");
    }

    /** C99 5.1.2.2.3: reaching main's closing brace returns 0; talent_user_main's would return what a register held. */
    @Test
    void mainThatReachesItsClosingBraceReturnsZeroThere() {
        var e = OneEmitter.of(dir, """
                #include <stdio.h>
                int main(void) {
                  long s = 0;
                  for (int i = 0; i < 10; i++) s += i;
                  printf("%ld\\n", s);
                }
                void other(void) {
                }
                """);
        new MainRename(e.unit.tu(), e.plan).emit();
        assertThat(e.lines()).containsExactly(
                "#include <stdio.h>",
                "int talent_user_main(void) {",
                "  long s = 0;",
                "  for (int i = 0; i < 10; i++) s += i;",
                "  printf(\"%ld\\n\", s);",
                " return 0; }",
                "void other(void) {",
                "}");
    }

    @Test
    void mainWithoutAFunctionNameKeepsItsBody() {
        var e = OneEmitter.of(dir, """
                static void f(void) { (void)__func__; }
                int main(void) {
                  f();
                  return 0;
                }
                """);
        new MainRename(e.unit.tu(), e.plan).emit();
        assertThat(e.lines()).containsExactly(
                "static void f(void) { (void)__func__; }",
                "int talent_user_main(void) {",
                "  f();",
                "  return 0;",
                "}");
    }
}
