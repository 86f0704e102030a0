package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream's buffering mode (the setvbuf family) and its orientation (fwide) are carried across a migration (the
 * runtime's streammodes.c, the global {@code <libc>:streams}). Found in issue 11: a restarted process opened its
 * streams with the C library's defaults, so output the program interleaved with write(2) came out in another order,
 * and a stream the program had oriented wide took printf again (exit 0, other output), on the same ISA too.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StreamBufferingIT {
    @TempDir
    Path work;

    /**
     * stdout line-buffered (setlinebuf), written beside write(2) on its descriptor; a file unbuffered (setvbuf _IONBF),
     * another unbuffered by setbuf(f, NULL) and a third line-buffered with setvbuf and a size, their sizes read with
     * stat(2) while a line is half written: the order of the bytes and the sizes show each mode (a restarted process
     * would have them fully buffered, the C library's default for a pipe or a file).
     */
    static String buffering(Path log) {
        return """
                #include <stdio.h>
                #include <sys/stat.h>
                #include <unistd.h>
                static unsigned mix(unsigned h, int n) {
                  for (int i = 0; i < n; i++) h = h * 33 + (unsigned)i;
                  return h;
                }
                static long size(const char *path) {
                  struct stat st;
                  return stat(path, &st) == 0 ? (long)st.st_size : -1L;
                }
                static void show(const char *path) {
                  char line[256];
                  FILE *f = fopen(path, "r");
                  if (!f) return;
                  while (fgets(line, sizeof line, f)) printf("%s: %s", path + sizeof "LOG" - 1, line);
                  fclose(f);
                }
                int main(void) {
                  unsigned h = 1;
                  FILE *a = fopen("LOG.a", "w"), *b = fopen("LOG.b", "w"), *c = fopen("LOG.c", "w");
                  if (!a || !b || !c) return 2;
                  setlinebuf(stdout);
                  setvbuf(a, NULL, _IONBF, 0);
                  setbuf(b, NULL);
                  setvbuf(c, NULL, _IOLBF, 512);
                  for (int r = 0; r < 6; r++) {
                    h = mix(h, 500);
                    printf("x%d h=%u\\n", r, h);
                    printf("y");
                    if (write(1, "W", 1) != 1) return 5;
                    printf("\\n");
                    fprintf(a, "a%d ", r);
                    fprintf(b, "b%d ", r);
                    fprintf(c, "c%d\\nc", r);
                    printf("sizes a=%ld b=%ld c=%ld\\n", size("LOG.a"), size("LOG.b"), size("LOG.c"));
                    fprintf(a, "\\n");
                    fprintf(b, "\\n");
                    fprintf(c, "\\n");
                  }
                  fclose(a);
                  fclose(b);
                  fclose(c);
                  show("LOG.a");
                  show("LOG.b");
                  show("LOG.c");
                  return 0;
                }
                """.replace("LOG", log.toString());
    }

    @Test
    void bufferingModesMigrateLikeGcc() throws Exception {
        String source = buffering(work.resolve("buf.log"));
        Run plain = MigratesLikeGcc.plainGcc(work, "buf", source);
        assertThat(plain.out()).startsWith("x0 h=").contains("\nWy\nsizes a=3 b=3 c=3\nx1 h=")
                .contains("\nsizes a=7 b=7 c=8\n").contains(".c: c0\n.c: c\n.c: c1\n");
        // x86_64 -> s390x -> i686 -> x86_64 with musl: stops in every round
        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "buf", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{300, 700, 1100}, {1200, 600, 1000},
            {2600, 100, 200}}, plain);
        // and on the same ISA
        MigratesLikeGcc.checkEveryStop(work, "buf1", buffering(work.resolve("buf1.log")), 1, 50, 1700, 2990);
    }

    /**
     * The same calls written inside a C library macro's arguments ({@code assert(setvbuf(...) == 0)}): the compiler
     * cannot rename them in the text (assert's message is its argument's text) and only warned, and a restarted process
     * had the C library's default modes (fully buffered): the bytes came in another order, the sizes were other.
     */
    @Test
    void modesSetInsideAssertMigrateLikeGcc() throws Exception {
        String source = buffering(work.resolve("as.log")).replace("#include <stdio.h>\n", "#include <assert.h>\n#include <stdio.h>\n")
                .replace("setlinebuf(stdout);", "assert((setlinebuf(stdout), 1));")
                .replace("setvbuf(a, NULL, _IONBF, 0);", "assert(setvbuf(a, NULL, _IONBF, 0) == 0);")
                .replace("setbuf(b, NULL);", "assert((setbuf(b, NULL), b != NULL));")
                .replace("setvbuf(c, NULL, _IOLBF, 512);", "assert(!setvbuf(c, NULL, _IOLBF, 512));");
        assertThat(source).contains("assert(setvbuf(a,").contains("assert((setbuf(b,").contains("assert(!setvbuf(c,");
        MigratesLikeGcc.checkEveryStop(work, "as", source, 3, 300, 1200, 2600);
    }

    /**
     * stdout oriented wide by fwide before the loop: printf fails (-1) and wprintf works in glibc's run. After a restart
     * without the orientation, the round's printf would orient stdout to bytes (printing, its wprintf failing).
     */
    static final String WIDE = """
            #include <stdio.h>
            #include <wchar.h>
            static unsigned mix(unsigned h, int n) {
              for (int i = 0; i < n; i++) h = h * 33 + (unsigned)i;
              return h;
            }
            int main(void) {
              unsigned h = 1;
              fwide(stdout, 1);
              for (int r = 0; r < 4; r++) {
                int n;
                h = mix(h, 500);
                n = printf("narrow %d\\n", r);
                wprintf(L"%d wide h=%u n=%d o=%d\\n", r, h, n, fwide(stdout, 0));
              }
              return 0;
            }
            """;

    @Test
    void aWideStdoutStaysWide() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "wide", WIDE);
        assertThat(plain.out()).startsWith("0 wide h=").contains(" n=-1 o=1\n1 wide h=").doesNotContain("narrow");
        // musl's printf writes to a wide stream (gcc's run with musl differs): glibc's ISAs only
        MigratesLikeGcc.check(work, "wide", WIDE, 3, 50, 700, 1300, 1900);
        MigratesLikeGcc.checkEveryStop(work, "wide1", WIDE, 1, 1000);
    }

    /**
     * stdout unbuffered ({@code setvbuf(stdout, NULL, _IONBF, 0)}, MODE {@code 'n'}) or line-buffered with
     * {@code _IOLBF} and no size (MODE {@code 'l'}) with write(2) on its descriptor between pieces of a line: a
     * restarted process with the C library's default (full buffering for a pipe) would put the W before the pieces.
     */
    static final String STDOUT_MODES = """
            #include <stdio.h>
            #include <unistd.h>
            static unsigned mix(unsigned h, int n) {
              for (int i = 0; i < n; i++) h = h * 33 + (unsigned)i;
              return h;
            }
            int main(void) {
              unsigned h = 1;
              if (MODE == 'l') setvbuf(stdout, NULL, _IOLBF, 0);
              else setvbuf(stdout, NULL, _IONBF, 0);
              for (int r = 0; r < 6; r++) {
                h = mix(h, 500);
                printf("out %d ", r);
                if (write(1, "W", 1) != 1) return 5;
                printf("h=%u\\n", h);
                if (write(1, "V", 1) != 1) return 5;
              }
              printf("\\n");
              return 0;
            }
            """;

    @Test
    void unbufferedAndLineBufferedStdoutMigrateLikeGcc() throws Exception {
        String unbuffered = MigratesLikeGcc.checkEveryStop(work, "nbf", STDOUT_MODES.replace("MODE", "'n'"), 3, 300, 1700, 2900);
        assertThat(unbuffered).startsWith("out 0 Wh=").contains("\nVout 1 Wh=");
        String line = MigratesLikeGcc.checkEveryStop(work, "lbf", STDOUT_MODES.replace("MODE", "'l'"), 3, 300, 1700, 2900);
        assertThat(line).startsWith("Wout 0 h=").contains("\nVWout 1 h=");
    }

    /** A buffer of the program's own (setvbuf(f, buf, ...)) refuses the checkpoint by name; the program goes on. */
    @Test
    void aBufferOfTheProgramsOwnIsRefusedByName() throws Exception {
        Run run = MigratesLikeGcc.refusedAt(work, "own", """
                #include <stdio.h>
                static char buf[4096];
                int main(void) {
                  unsigned h = 1;
                  setvbuf(stdout, buf, _IOFBF, sizeof buf);
                  for (int i = 0; i < 2000; i++) h = h * 33 + (unsigned)i;
                  printf("h=%u\\n", h);
                  return 0;
                }
                """, 50);
        assertThat(run.err()).contains("the program gave stdout a buffer of its own with setvbuf");
    }
}
