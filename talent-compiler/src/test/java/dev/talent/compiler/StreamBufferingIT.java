package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CheckpointWriter;
import dev.talent.format.GlobalVar;
import dev.talent.format.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * stdout fully buffered in the program's own buffer (BUFDECL: a global array, or a heap block), 100 bytes, with
     * write(2) on its descriptor between pieces of each line when WRITES is 1: where the W's fall shows when that
     * buffer filled (the C library's own buffer of a restarted process is thousands of bytes). Before, the checkpoint
     * was refused by name ("the program gave stdout a buffer of its own with setvbuf").
     */
    static final String OWN_STDOUT = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <unistd.h>
            BUFDECL
            static unsigned mix(unsigned h, int n) {
              for (int i = 0; i < n; i++) h = h * 33 + (unsigned)i;
              return h;
            }
            int main(void) {
              unsigned h = 1;
              BUFINIT
              if (setvbuf(stdout, obuf, _IOFBF, 100) != 0) return 3;
              for (int r = 0; r < 12; r++) {
                h = mix(h, 500);
                printf("r%d h=%u ", r, h);
                if (WRITES && write(1, "W", 1) != 1) return 5;
                printf("%s\\n", r % 3 ? "." : "...");
              }
              return 0;
            }
            """;

    static String ownStdout(boolean heap, boolean writes) {
        return OWN_STDOUT.replace("BUFDECL", heap ? "" : "static char obuf[100];")
                .replace("BUFINIT", heap ? "char *obuf = malloc(100);\n  if (!obuf) return 4;" : "")
                .replace("WRITES", writes ? "1" : "0");
    }

    @Test
    void stdoutInAGlobalBufferOfTheProgramsMigratesLikeGcc() throws Exception {
        String source = ownStdout(false, true);
        Run plain = MigratesLikeGcc.plainGcc(work, "own", source);
        // the W's come before the line pieces that were in the 100-byte buffer when they were written (glibc writes the
        // first byte alone)
        assertThat(plain.out()).startsWith("rWWWWW0 h=").contains(" ...\nr1 h=").contains("WWWWWW .\nr6 h=");
        List<Target> chain = List.of(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "own", chain, plain);
        int[][] stops = {{700, 2900, 1300}, {2600, 1100, 2000}, {4100, 300, 900}};
        // stdout to a file
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
        // and to a pipe
        Run piped = MigrationHops.run(piped(List.of(work.resolve("own.orig").toString())), Map.of(), null);
        assertThat(piped.rc()).as(piped.err()).isZero();
        chainThroughPipeEqualsGcc(chain, exes, stops, piped.out());
        // musl keeps 8 bytes of a buffer for pushing back (its lines fill it elsewhere than glibc's): no W's there
        List<Target> musl = MigratesLikeGcc.withMusl(HOPS.get(0));
        if (musl.size() > 1) {
            String quiet = ownStdout(false, false);
            Run plainQuiet = MigratesLikeGcc.plainGcc(work, "ownq", quiet);
            List<Path> muslExes = MigratesLikeGcc.linkedFor(work, "ownq", musl, plainQuiet);
            int[][] muslStops = {{700}, {2600}, {4100}};
            MigratesLikeGcc.chainEqualsGcc(work, musl, muslExes, muslStops, plainQuiet);
            Run pipedQuiet = MigrationHops.run(piped(List.of(work.resolve("ownq.orig").toString())), Map.of(), null);
            chainThroughPipeEqualsGcc(musl, muslExes, muslStops, pipedQuiet.out());
        }
    }

    /** The same with the buffer a heap block (malloc): carried as a pointer into the block. */
    @Test
    void stdoutInAHeapBufferOfTheProgramsMigratesLikeGcc() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "ownh", ownStdout(true, true), 3, 700, 2600, 4100);
        assertThat(out).startsWith("rWWWWW0 h=");
    }

    /**
     * The buffer a char array member of a struct (`setvbuf(stdout, g.buf, _IOFBF, 100)`), the struct a global or a heap
     * block, with a long after the array (the struct's size and the member's place differ on i686): carried by its path
     * to the member. Before, the checkpoint was refused ("it is in an object that is not an array of char").
     */
    static String ownStdoutInAMember(boolean heap) {
        return OWN_STDOUT.replace("BUFDECL", "struct out { int n; char buf[100]; long tail; };" + (heap ? "" : " static struct out g;"))
                .replace("BUFINIT", heap ? "struct out *s = malloc(sizeof *s);\n  if (!s) return 4;" : "")
                .replace("setvbuf(stdout, obuf,", heap ? "setvbuf(stdout, s->buf," : "setvbuf(stdout, g.buf,")
                .replace("WRITES", "1");
    }

    @Test
    void stdoutInAMemberOfAGlobalStructMigratesLikeGcc() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "membg", ownStdoutInAMember(false), 3, 700, 2600, 4100);
        assertThat(out).startsWith("rWWWWW0 h=");
    }

    @Test
    void stdoutInAMemberOfAHeapStructMigratesLikeGcc() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "membh", ownStdoutInAMember(true), 3, 700, 2600, 4100);
        assertThat(out).startsWith("rWWWWW0 h=");
    }

    /**
     * A file opened with fopen, line-buffered in a local array of main (setvbuf _IOLBF), its size read with stat(2)
     * while a line is half written: the sizes show the mode, the file's contents that nothing was lost or doubled. (A
     * newline and what follows it in one call are written differently by glibc, which writes all, and musl, which
     * keeps what follows: one call each.)
     */
    static String localLineBuffer(Path log) {
        return """
                #include <stdio.h>
                #include <sys/stat.h>
                static unsigned mix(unsigned h, int n) {
                  for (int i = 0; i < n; i++) h = h * 33 + (unsigned)i;
                  return h;
                }
                static long size(const char *path) {
                  struct stat st;
                  return stat(path, &st) == 0 ? (long)st.st_size : -1L;
                }
                int main(void) {
                  char lbuf[64];
                  char line[128];
                  unsigned h = 1;
                  FILE *f = fopen("LOG", "w");
                  if (!f || setvbuf(f, lbuf, _IOLBF, sizeof lbuf) != 0) return 2;
                  for (int r = 0; r < 10; r++) {
                    h = mix(h, 500);
                    fprintf(f, "line %d h=%u\\n", r, h);
                    fprintf(f, "half %d", r);
                    printf("r%d size=%ld\\n", r, size("LOG"));
                    fprintf(f, " end\\n");
                  }
                  fclose(f);
                  f = fopen("LOG", "r");
                  if (!f) return 3;
                  while (fgets(line, sizeof line, f)) printf("log: %s", line);
                  fclose(f);
                  return 0;
                }
                """.replace("LOG", log.toString());
    }

    @Test
    void aFileInALocalBufferOfMainMigratesLikeGcc() throws Exception {
        String source = localLineBuffer(work.resolve("loc.log"));
        Run plain = MigratesLikeGcc.plainGcc(work, "loc", source);
        assertThat(plain.out()).contains("r1 size=").contains("log: half 9 end\n");
        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "loc", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{700, 1200, 600}, {2600, 300, 1500},
            {3900, 1000, 100}}, plain);
        Run piped = MigrationHops.run(piped(List.of(work.resolve("loc.orig").toString())), Map.of(), null);
        chainThroughPipeEqualsGcc(chain, exes, new int[][] {{1700, 900, 400}}, piped.out());
    }

    /**
     * stdout given a buffer with setbuf (a static array, of glibc's BUFSIZ, more than musl's), 100-byte lines with a
     * write(2) after each: where the W's fall shows the buffer's 8192 bytes (the C library's own for a file or a
     * pipe is the file's block size).
     */
    static final String SETBUF = """
            #include <stdio.h>
            #include <unistd.h>
            static char sbuf[8192];
            static unsigned mix(unsigned h, int n) {
              for (int i = 0; i < n; i++) h = h * 33 + (unsigned)i;
              return h;
            }
            int main(void) {
              unsigned h = 1;
              setbuf(stdout, sbuf);
              for (int r = 0; r < 120; r++) {
                h = mix(h, 50);
                printf("r%03d h=%010u %s\\n", r, h, "..........................................................................");
                if (WRITES && write(1, "W", 1) != 1) return 5;
              }
              return 0;
            }
            """;

    @Test
    void stdoutWithSetbufMigratesLikeGcc() throws Exception {
        String source = SETBUF.replace("WRITES", "1");
        Run plain = MigratesLikeGcc.plainGcc(work, "sb", source);
        assertThat(plain.out()).startsWith("W".repeat(88) + "r000 h=");
        List<Target> chain = List.of(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "sb", chain, plain);
        int[][] stops = {{700, 2900, 1300}, {4100, 1100, 300}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
        Run piped = MigrationHops.run(piped(List.of(work.resolve("sb.orig").toString())), Map.of(), null);
        chainThroughPipeEqualsGcc(chain, exes, stops, piped.out());
        List<Target> musl = MigratesLikeGcc.withMusl(HOPS.get(0));
        if (musl.size() > 1) {
            String quiet = SETBUF.replace("WRITES", "0");
            Run plainQuiet = MigratesLikeGcc.plainGcc(work, "sbq", quiet);
            MigratesLikeGcc.chainEqualsGcc(work, musl, MigratesLikeGcc.linkedFor(work, "sbq", musl, plainQuiet),
                    new int[][] {{700}, {4100}}, plainQuiet);
        }
    }

    /** cmd with its stdout into a pipe (cat), its exit status kept. */
    static List<String> piped(List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("bash", "-o", "pipefail", "-c", "\"$@\" | cat", "piped"));
        all.addAll(cmd);
        return all;
    }

    /** As MigratesLikeGcc.chainEqualsGcc, every leg's stdout a pipe: their output together must be expected. */
    private void chainThroughPipeEqualsGcc(List<Target> chain, List<Path> exes, int[][] stops, String expected)
            throws Exception {
        for (int[] s : stops) {
            Path ck = MigrationHops.checkpointDir(work.resolve("pipe-ck-" + chain.size() + "-" + s[0]
                    + "-" + exes.getFirst().getFileName()));
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            for (int i = 0; i < chain.size(); i++) {
                Map<String, String> env = new HashMap<>(Map.of("TALENT_CHECKPOINT_DIR", ck.toString()));
                if (i > 0) env.put("TALENT_RESTART", "1");
                boolean last = i == chain.size() - 1;
                if (!last) env.put("TALENT_STOP_AFTER", String.valueOf(s[Math.min(i, s.length - 1)]));
                Run leg = MigrationHops.run(piped(MigrationHops.command(chain.get(i), exes.get(i))), env, null);
                out.append(leg.out());
                err.append(chain.get(i).name()).append(": ").append(leg.err());
                assertThat(leg.rc()).as("stops " + Arrays.toString(s) + " on " + chain.get(i).name() + "\n" + err)
                        .isEqualTo(last ? 0 : 75);
            }
            assertThat(out.toString()).as("stdout a pipe, stops " + Arrays.toString(s) + "\n" + err).isEqualTo(expected);
        }
    }

    /**
     * A buffer in an object whose size differs across ISAs ({@code long lbuf[64]}: 512 bytes on x86_64, 256 on i686)
     * refuses the checkpoint by name; the program goes on. So does a local array of a function that is no longer on
     * the call chain (its frame is gone: the C library would write into another frame's memory).
     */
    @Test
    void aBufferThatCannotBeCarriedIsRefusedByName() throws Exception {
        Run run = MigratesLikeGcc.refusedAt(work, "longs", """
                #include <stdio.h>
                static long lbuf[64];
                int main(void) {
                  unsigned h = 1;
                  setvbuf(stdout, (char *)lbuf, _IOFBF, sizeof lbuf);
                  for (int i = 0; i < 2000; i++) h = h * 33 + (unsigned)i;
                  printf("h=%u\\n", h);
                  return 0;
                }
                """, 50);
        assertThat(run.err()).contains("the buffer of 512 bytes the program gave stdout with setvbuf cannot be carried: "
                + "it is not inside an array of char in the object it is in");
    }

    /**
     * A checkpoint is hostile input: the buffer's size forged past the end of the program's small global (a size both
     * readers accept by shape: the object's size is the target's) must not make setvbuf write past it; the restart
     * ends by name (exit 65) before the program resumes.
     */
    @Test
    void aForgedBufferSizeEndsTheRestartByName() throws Exception {
        String source = """
                #include <stdio.h>
                static char small[64];
                static char after[64] = "after";
                int main(void) {
                  unsigned h = 1;
                  setvbuf(stdout, small, _IOFBF, sizeof small);
                  for (int i = 0; i < 2000; i++) h = h * 33 + (unsigned)i;
                  printf("h=%u %s\\n", h, after);
                  return 0;
                }
                """;
        Files.writeString(work.resolve("forged.c"), source);
        Target x86 = HOPS.getFirst();
        Path exe = MigrationHops.link(x86, MigratesLikeGcc.compiled(work, "forged"), work.resolve("forged.x86_64"));
        Path ck = MigrationHops.checkpointDir(work.resolve("ck"));
        Run first = MigrationHops.run(MigrationHops.command(x86, exe),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "500"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Path file = CheckpointDirectory.list(ck).getFirst().file();
        Checkpoint c = CheckpointReader.read(Files.readAllBytes(file), file.getFileName().toString());
        List<GlobalVar> globals = new ArrayList<>();
        boolean found = false;
        for (GlobalVar g : c.globals()) {
            if (g.key().equals("<libc>:streams")) {
                List<Value> fields = new ArrayList<>(((Value.StructValue) g.value()).fields());
                List<Value> sizes = new ArrayList<>(((Value.ArrayValue) fields.get(3)).elements());
                assertThat(sizes.getFirst()).isEqualTo(Value.IntValue.of(64));
                assertThat(((Value.ArrayValue) fields.get(5)).elements().getFirst()).isInstanceOf(Value.ObjectRef.class);
                sizes.set(0, Value.IntValue.of(4096));
                fields.set(3, new Value.ArrayValue(sizes));
                g = new GlobalVar(g.key(), g.name(), g.declPos(), g.type(), new Value.StructValue(fields));
                found = true;
            }
            globals.add(g);
        }
        assertThat(found).as("the stop carries <libc>:streams").isTrue();
        byte[] forged = CheckpointWriter.write(new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(),
                c.heap(), c.files(), c.pendingWait()));
        // the Java reader takes it by shape (a size within bounds, with a buffered mode): the object is the target's
        CheckpointReader.read(forged, file.getFileName().toString());
        Files.write(file, forged);
        Run restart = MigrationHops.run(MigrationHops.command(x86, exe),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(restart.rc()).as(restart.err()).isIn(65, 66);
        assertThat(restart.out()).isEmpty();
        assertThat(restart.err()).contains("the buffer of 4096 bytes of stdout (<libc>:streams) cannot be used: it runs "
                + "past the end of the object it is in");
    }
}
