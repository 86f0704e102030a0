package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.CompileResult;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ByteCopiesTest {
    @TempDir
    Path dir;

    private static String program(String type, String copy) {
        return """
                #include <stdio.h>
                #include <string.h>
                #include <stdint.h>
                static unsigned char buf[256];
                static char text[64];
                static void *(*copy)(void *, const void *, size_t) = memmove;
                int main(void) {
                  TYPE v = 7;
                  size_t n = 0;
                  for (int i = 0; i < 10; i++) {
                    COPY;
                    n += sizeof v;
                  }
                  memcpy(text, "abc", 4);
                  copy(buf, &v, sizeof v); /* through a pointer: not seen */
                  printf("%zu %s\\n", n, text);
                  return 0;
                }
                """.replace("TYPE", type).replace("COPY", copy);
    }

    @Test
    void anIntCopiedIntoCharacterStorageGivesBigEndianIsasAFingerprintOfTheirOwn() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", program("uint32_t", "memcpy(buf + n, &v, sizeof v)")).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).contains("#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__")
                .contains("\"" + r.fingerprint() + "-be\"").doesNotContain("-32\"")
                .contains("the bytes of a uint32_t are copied into character storage at a.c:11:5");
        assertThat(r.diagnostics()).anySatisfy(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.line()).isEqualTo(11);
            assertThat(d.message()).contains("does not move between big-endian (s390x) and little-endian ISAs");
        });
    }

    @Test
    void aLongReadOutOfCharacterStorageAlsoBindsThePointerWidth() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", program("long", "memcpy(&v, buf + n, sizeof v)")).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).contains("\"" + r.fingerprint() + "-be\"").contains("#elif __SIZEOF_POINTER__ == 4")
                .contains("\"" + r.fingerprint() + "-32\"").contains("the bytes of a long are copied out of character storage");
    }

    @Test
    void charactersCopiedIntoCharacterStorageAreNotReported() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", program("char", "memcpy(buf + n, &v, sizeof v)")).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).doesNotContain("__BYTE_ORDER__").doesNotContain("talent_the_isa_note");
    }
}
