package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A binary file of numbers written with fwrite and read back with fread. Found by hand: the file keeps the bytes of
 * the ISA that wrote them, so restarted on s390x the program read byte-swapped numbers (and, stopped while writing,
 * left a file of two byte orders) and printed another sum with exit 0. Now such a build's checkpoints stay on their
 * byte order (and, for a struct with a long, on their pointer width): the restore elsewhere is refused (exit 65)
 * naming the call; where allowed, the output is plain gcc's.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ByteFilesIT {
    @TempDir
    Path work;

    static final String FILE = """
            #include <stdio.h>
            #include <stdint.h>
            #define DATA "%s"
            DECL
            int main(void) {
              FILE *w = fopen(DATA, "wb");
              if (!w) return 1;
              for (uint32_t i = 0; i < 400; i++) {
                SET;
                if (fwrite(&v, sizeof v, 1, w) != 1) return 2;
                if (i %% 100 == 0) printf("wrote %%u\\n", (unsigned)i);
              }
              fclose(w);
              FILE *in = fopen(DATA, "rb");
              if (!in) return 3;
              uint32_t h = 0, n = 0;
              while (fread(&v, sizeof v, 1, in) == 1) {
                h = h * 31 + (uint32_t)(GET %% 1000);
                if (++n %% 100 == 0) printf("read %%u h=%%u\\n", (unsigned)n, (unsigned)h);
              }
              fclose(in);
              printf("n=%%u h=%%u\\n", (unsigned)n, (unsigned)h);
              return 0;
            }
            """;

    private void check(String name, String decl, String set, String get, List<String> refusedOn, List<String> allowedOn)
            throws Exception {
        Path data = work.resolve(name + ".bin");
        Run plain = MigratesLikeGcc.plainGcc(work, name,
                FILE.formatted(data).replace("DECL", decl).replace("SET", set).replace("GET", get));
        assertThat(plain.rc()).isZero();
        String expected = plain.out();
        assertThat(expected).contains("n=400 h=");
        CompileResult r = MigratesLikeGcc.compiled(work, name);
        assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.message()).contains("'fwrite' writes the bytes of '&v'"));
        // stopped while writing (the file would hold two byte orders) and while reading it back
        MigratesLikeGcc.boundToByteOrder(work, name, r, expected, List.of("150", "600"), refusedOn, allowedOn,
                "'fwrite' writes the bytes of '&v'", name + ".c:");
    }

    @Test
    void intsWrittenToAFileStayOnTheirByteOrder() throws Exception {
        check("ints", "static int v;", "v = (int)(i * 2654435761u)", "(uint32_t)v",
                List.of("s390x"), List.of("x86_64", "i686", "aarch64"));
    }

    @Test
    void recordsWithALongStayOnTheirByteOrderAndWidth() throws Exception {
        check("records", "struct record { int id; long total; } v;", "v.id = (int)i; v.total = (long)(i * 2654435761u)",
                "(uint32_t)(v.id + v.total)", List.of("s390x", "i686"), List.of("x86_64", "aarch64"));
    }
}
