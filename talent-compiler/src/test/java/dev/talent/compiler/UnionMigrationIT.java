package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unions migrate through their first member (docs/FORMAT.md). Found by Csmith (seed 105, --max-funcs 1):
 * a union whose first member is a bit-field was written as the whole storage unit's integer, so on a
 * big-endian ISA the field read another 19 bits and the program printed another checksum, exit 0. And a
 * union whose bytes its first member does not cover cannot be migrated: the checkpoint is refused, naming it, and the program goes on.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UnionMigrationIT {
    @TempDir
    Path work;

    @Test
    void aUnionWhoseFirstMemberIsABitFieldRestoresOnABigEndianIsa() throws Exception {
        Path src = work.resolve("u.c");
        Files.writeString(src, """
                #include <stdio.h>
                union U0 { volatile unsigned f0 : 19; volatile int f1; };
                static volatile union U0 g = {524287u};
                int main(void) {
                    unsigned h = 0;
                    for (int r = 0; r < 100; r++) h = h * 31 + g.f0 + (unsigned)r;
                    printf("h=%u f0=%u\\n", h, (unsigned)g.f0);
                    return 0;
                }
                """);
        Path orig = work.resolve("u.orig");
        assertThat(run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null).rc()).isZero();
        String expected = run(List.of(orig.toString()), Map.of(), null).out();
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "u"));
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.stream().filter(t -> t.name().equals("s390x")).findFirst().orElseThrow();
        Path exe = link(x86, r, work.resolve("u.x86_64"));
        Path foreign = link(s390x, r, work.resolve("u.s390x"));
        Path ck = Files.createDirectories(work.resolve("ck"));
        Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "50"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(s390x, foreign), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(first.out() + second.out()).isEqualTo(expected);
    }

    @Test
    void aUnionHoldingMoreThanItsFirstMemberIsRefusedAtTheCheckpointByName() throws Exception {
        // refused by name; the program goes on to plain gcc's output (MigratesLikeGcc.refusedAt)
        Run first = MigratesLikeGcc.refusedAt(work, "w", """
                #include <stdio.h>
                union W { char c; double d; };
                static union W w;
                int main(void) {
                    double s = 0;
                    w.d = 2.5;
                    for (int r = 0; r < 100; r++) s += w.d * r;
                    printf("%g\\n", s);
                    return 0;
                }
                """, 50);
        assertThat(first.err()).contains("union 'w'").contains("first member 'c'");
    }

    /**
     * Survey of 2026-12-03 (ncompress 4.2.4.6, compress42.c:1360): a hash key built in a union through a struct
     * member and read as its long member; the hash table holds such keys. Restarted on s390x the keys meant other
     * things and the .Z output differed, exit 0. Now the byte orders have fingerprints of their own: a restart on
     * s390x is refused (exit 65) with the union's name; on x86_64 it prints plain gcc's output.
     */
    @Test
    void aUnionReadThroughAnotherMemberThanWrittenStaysOnItsByteOrder() throws Exception {
        Path src = work.resolve("pun.c");
        Files.writeString(src, """
                #include <stdio.h>
                static long keys[128];
                static int nkeys;
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k; return s; }
                int main(void) {
                  union { long code; struct { unsigned char c; unsigned short ent; } e; } f;
                  long hits = 0, s = 0;
                  f.code = 0;
                  for (int i = 0; i < 300; i++) {
                    f.e.c = (unsigned char)(i % 10); f.e.ent = (unsigned short)(i % 7);
                    s += spin(i % 5);
                    int k;
                    for (k = 0; k < nkeys && keys[k] != f.code; k++) { }
                    if (k < nkeys) hits++; else keys[nkeys++] = f.code;
                  }
                  printf("hits=%ld keys=%d s=%ld\\n", hits, nkeys, s);
                  return 0;
                }
                """);
        Path orig = work.resolve("pun.orig");
        assertThat(run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null).rc()).isZero();
        String expected = run(List.of(orig.toString()), Map.of(), null).out();
        assertThat(expected).isEqualTo("hits=230 keys=70 s=600\n");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "pun"));
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.stream().filter(t -> t.name().equals("s390x")).findFirst().orElseThrow();
        Path exe = link(x86, r, work.resolve("pun.x86_64"));
        Path foreign = link(s390x, r, work.resolve("pun.s390x"));
        for (String stop : List.of("5", "300")) {
            Path ck = Files.createDirectories(work.resolve("ck" + stop));
            Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", stop), null);
            assertThat(first.rc()).as(first.err()).isEqualTo(75);
            Run there = run(command(s390x, foreign), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
            assertThat(there.rc()).as(there.err()).isEqualTo(65);
            assertThat(there.out()).isEmpty();
            assertThat(there.err()).contains("is written through member 'e'").contains("read through 'code'");
            Run here = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
            assertThat(here.rc()).as(here.err()).isZero();
            assertThat(first.out() + here.out()).isEqualTo(expected);
        }
    }

    /**
     * A tagged union whose first member is a pointer, holding a number (an interpreter's value): the pointer
     * points nowhere, and was saved as indeterminate, so the number came back as 0xdead, exit 0. And a union whose
     * first member is a char array reserving the size of a struct of pointers (lz4's LZ4_streamDecode_u): the
     * pointer was carried as bytes. Both are refused at the checkpoint now, naming the union.
     */
    @Test
    void aUnionWhoseFirstMemberCannotCarryItsValueIsRefusedAtTheCheckpoint() throws Exception {
        Run number = MigratesLikeGcc.refusedAt(work, "num", """
                #include <stdio.h>
                union v { void *p; long i; double d; };
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k; return s; }
                int main(void) {
                  union v a[2];
                  long t = 0;
                  a[0].i = 42; a[1].p = &t;
                  for (int r = 0; r < 100; r++) t += spin(10) + a[0].i;
                  printf("%ld %d\\n", t, a[1].p == &t);
                  return 0;
                }
                """, 50);
        assertThat(number.err()).contains("pointer 'a[0].p'").contains("is in a union").contains("would lose its value");
        Run bytes = MigratesLikeGcc.refusedAt(work, "res", """
                #include <stdio.h>
                #include <stdlib.h>
                struct state { const char *dict; size_t size; };
                union reserve { char min[32]; struct state in; };
                static long spin(long n) { long s = 0; for (long k = 0; k < n; k++) s += k; return s; }
                int main(void) {
                  union reserve u;
                  char *dict = malloc(16);
                  struct state *st = &u.in;
                  st->dict = dict; st->size = 16;
                  long t = 0;
                  for (int r = 0; r < 100; r++) t += spin(10) + (long)u.in.size;
                  printf("%ld\\n", t);
                  free(dict);
                  return 0;
                }
                """, 50);
        assertThat(bytes.err()).contains("union 'u'").contains("member 'in' (at byte 0)").contains("first member 'min'");
    }
}
