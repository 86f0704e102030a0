package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated code never spells the C library's private members (issue 11, cause 9), and gcc's messages about
 * the generated tables name the generated file.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LibraryTypesTest {
    @TempDir
    Path dir;

    @Test
    void aStructStatLiveAtASiteIsDescribedByItsPublicMembersOnly() {
        String out = CProgram.in(dir).file("m.c", """
                #include <sys/stat.h>
                int main(void) {
                  struct stat st;
                  long total = 0;
                  if (stat(".", &st) != 0) return 1;
                  for (int i = 0; i < 10; i++) total += (long)st.st_mode + i;
                  return (int)(total & 1);
                }
                """).instrumented("m.c");
        assertThat(out).contains("TALENT_FIELD(struct stat, st_mode,").contains("TALENT_FIELD(struct stat, st_size,")
                .doesNotContain("__pad0").doesNotContain("__glibc_reserved");
    }

    @Test
    void aLibraryTypeWithAPrivateMemberLiveAtASiteIsRefusedByName() {
        List<Diagnostic> d = CProgram.in(dir).file("m.c", """
                #include <string.h>
                #include <wchar.h>
                int main(void) {
                  mbstate_t st;
                  wchar_t w;
                  int n = 0;
                  memset(&st, 0, sizeof st);
                  for (int i = 0; i < 10; i++) n += mbrtowc(&w, "a", 1, &st) == 1 ? 1 : 0;
                  return n;
                }
                """).rejection();
        assertThat(d).anySatisfy(x -> assertThat(x.message()).contains("private member '__count'")
                .contains("differs between ISAs"));
    }

    @Test
    void theTablesFollowALineDirectiveNamingTheGeneratedFile() {
        String text = "int x;\n#line 7 \"m.c\"\nint y;\n" + CheckpointCompiler.TABLES_MARK + "\nstatic int t;\n";
        String out = CheckpointCompiler.generatedLines(text, Path.of("/b/.talent/src/m.c"));
        assertThat(out).isEqualTo("int x;\n#line 7 \"m.c\"\nint y;\n#line 5 \"/b/.talent/src/m.c\"\n"
                + CheckpointCompiler.TABLES_MARK + "\nstatic int t;\n");
    }
}
