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
}
