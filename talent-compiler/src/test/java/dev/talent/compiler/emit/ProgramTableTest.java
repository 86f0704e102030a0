package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.CompileResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                .contains("{ 0, 1, \"b.c:1:21\" }, /* 0 */")
                .contains("{ 1, 0, \"a.c:2:54\" }, /* 1 */")
                .contains("extern int talent_user_main(int, char **);")
                .contains("return talent_user_main(argc, argv);")
                .contains("\"" + r.fingerprint() + "\"")
                .contains("talent_functions, 2,\n  talent_points, 2,\n");
        assertThat(r.fingerprint()).matches("[0-9a-f]{32}");
    }

    @Test
    void mainWithoutParameters() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", "int main(void) { return 0; }\n").compile();
        String t = Files.readString(r.programTable());
        assertThat(t).contains("extern int talent_user_main(void);").contains("return talent_user_main();")
                .contains("talent_points, 0,");
    }
}
