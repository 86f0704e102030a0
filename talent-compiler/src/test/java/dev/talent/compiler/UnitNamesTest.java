package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources that share a base name in different directories (libdeflate's lib/x86/cpu_features.c and
 * lib/arm/cpu_features.c) are units of their own names; before, the build refused the program ("two source files are
 * named cpu_features.c").
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UnitNamesTest {
    @TempDir
    Path dir;

    @Test
    void aBaseNameSharedBetweenDirectoriesNamesEachUnitByItsPathBelowTheCommonDirectory() {
        Path x86 = Path.of("/src/lib/x86/cpu_features.c");
        Path arm = Path.of("/src/lib/arm/cpu_features.c");
        Path main = Path.of("/src/programs/main.c");
        assertThat(CheckpointCompiler.unitNames(List.of(x86, main, arm)))
                .containsExactly("x86_cpu_features.c", "main.c", "arm_cpu_features.c");
        // a name so made that another source has already is numbered on; the order of the sources decides
        Path taken = Path.of("/src/lib/x86_cpu_features.c");
        assertThat(CheckpointCompiler.unitNames(List.of(x86, taken, arm)))
                .containsExactly("x86_cpu_features_2.c", "x86_cpu_features.c", "arm_cpu_features.c");
        assertThat(CheckpointCompiler.unitNames(List.of(Path.of("/a/b/util.c"), Path.of("/a/util.c"))))
                .containsExactly("b_util.c", "util.c");
    }

    @Test
    void twoUnitsOfOneBaseNameKeepTheirStaticsApart() throws IOException {
        Files.createDirectories(dir.resolve("x86"));
        Files.createDirectories(dir.resolve("arm"));
        String unit = """
                static int count;
                int bump_%s(int n) { for (int i = 0; i < n; i++) count += i; return count; }
                """;
        CProgram.in(dir)
                .file("x86/state.c", unit.formatted("x86"))
                .file("arm/state.c", unit.formatted("arm"))
                .file("m.c", """
                        #include <stdio.h>
                        int bump_x86(int n);
                        int bump_arm(int n);
                        int main(void) { printf("%d %d\\n", bump_x86(5), bump_arm(7)); return 0; }
                        """).compile();
        Path out = dir.resolve("out");
        assertThat(out.resolve("x86_state.c")).exists();
        assertThat(out.resolve("arm_state.c")).exists();
        String program = Files.readString(out.resolve("talent_program.c"), StandardCharsets.ISO_8859_1);
        assertThat(program).contains("{ \"bump_x86\", \"x86_state.c:2:5\", 0 }").contains("{ \"bump_arm\", \"arm_state.c:2:5\", 0 }");
        // each unit's table names its unit, and so keys its static count apart from the other's
        assertThat(Files.readString(out.resolve("x86_state.c"), StandardCharsets.ISO_8859_1)).contains("= { \"x86_state.c\"");
        assertThat(Files.readString(out.resolve("arm_state.c"), StandardCharsets.ISO_8859_1)).contains("= { \"arm_state.c\"");
    }

    @Test
    void aSourceGivenTwiceIsRefused() throws IOException {
        Path m = dir.resolve("m.c");
        Files.writeString(m, "int main(void) { return 0; }\n");
        CompileRequest twice = new CompileRequest(List.of(m, dir.resolve(".").resolve("m.c")), List.of(), dir.resolve("out"), "t");
        assertThatThrownBy(() -> new CheckpointCompiler().compile(twice))
                .isInstanceOf(CompilationFailedException.class)
                .hasMessageContaining("is given twice");
    }
}
