package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.format.CheckpointReader;
import dev.talent.format.InspectRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One past the end of one object and the start of another, two separate objects side by side on the writing ISA
 * (docs/FORMAT.md "Pointers", boundary pointers). {@code static int a[4], b[4], c[6]}: i686 (and s390x, riscv64) link
 * {@code b} right after {@code c}, x86_64 (and aarch64) align {@code b} to 16 bytes, 8 bytes after {@code c}'s end.
 * {@code int *ec = c + 6} stopped on i686 was saved as a pointer to {@code b}: restored on x86_64 the ring over
 * {@code c} ran over {@code b} and the program printed other sums with exit 0 (gcc {@code 5681 11362 12015}, stopped
 * after 5 visits on i686 and restarted on x86_64: {@code 5681 11362 8103}; the struct program: gcc {@code 56100 0 280
 * 580 300 1305}, migrated {@code 45001 2 1 480 300 1305}). Such a pointer now carries both readings; a restore whose layout puts
 * the two apart is refused naming the pointer (exit 65), one whose layout keeps them together restores it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdjacentObjectsIT {
    @TempDir
    Path work;

    static final String RINGS = """
            #include <stdio.h>
            static int a[4], b[4], c[6];
            int main(void) {
              int *pa = a, *ea = a + 4, *pb = b, *eb = b + 4, *pc = c, *ec = c + 6;
              long sa = 0, sb = 0, sc = 0;
              for (int i = 0; i < 50; i++) {
                *pa++ += i; if (pa == ea) pa = a;
                *pb++ += 2 * i; if (pb == eb) pb = b;
                *pc++ += 3 * i; if (pc == ec) pc = c;
                sa += a[i % 4]; sb += b[i % 4]; sc += c[i % 6];
              }
              printf("%ld %ld %ld\\n", sa, sb, sc);
              for (int k = 0; k < 4; k++) printf("%d %d ", a[k], b[k]);
              for (int k = 0; k < 6; k++) printf("%d ", c[k]);
              printf("\\n");
              return 0;
            }
            """;

    /** Neighbours of other types: the pointer's type tells the reading, nothing is refused. */
    static final String TYPED = """
            #include <stdio.h>
            static double d[2];
            static int b[4];
            static short h[6];
            static unsigned g1 = 1, g2 = 2, g3 = 3;
            int main(void) {
              int *pb = b, *eb = b + 4;
              double *pd = d, *ed = d + 2;
              short *ph = h, *eh = h + 6;
              unsigned *p1 = &g1, *p2 = &g2, *p3 = &g3;
              long la = 5, lb = 6, *plb = &lb, *pla = &la;
              long s = 0;
              for (int i = 0; i < 50; i++) {
                *pb++ += i; if (pb == eb) pb = b;
                *pd++ += 0.5 * i; if (pd == ed) pd = d;
                *ph++ += (short)(3 * i); if (ph == eh) ph = h;
                *p1 += 1; *p2 += 2; *p3 += *p1; *plb += *pla; *pla += 1;
                s += b[i % 4] + (long)d[i % 2] + h[i % 6];
              }
              printf("%ld %d %.1f %d %u %u %u %ld %ld\\n", s, b[1], d[0], h[5], g1, g2, g3, la, lb);
              return 0;
            }
            """;

    /** Struct globals one past each other, an array member's end at the end of a struct object, locals. */
    static final String STRUCTS = """
            #include <stdio.h>
            struct rec { int v[6]; };
            static struct rec r1, r2, r3;
            int main(void) {
              struct rec *q = &r2, *endq = &r2 + 1;
              int *p3 = r3.v, *end3 = r3.v + 6;
              int la[6], lb[4], *pl = la, *el = la + 6, *ql = lb, *fl = lb + 4;
              long s = 0;
              for (int k = 0; k < 6; k++) la[k] = 0;
              for (int k = 0; k < 4; k++) lb[k] = 0;
              for (int i = 0; i < 60; i++) {
                q->v[i % 6] += i; if (++q == endq) q = &r2;
                *p3++ += 2 * i; if (p3 == end3) p3 = r3.v;
                *pl++ += i; if (pl == el) pl = la;
                *ql++ += 3 * i; if (ql == fl) ql = lb;
                s += r1.v[i % 6] + r2.v[i % 6] + r3.v[i % 6] + la[i % 6] + lb[i % 4];
              }
              printf("%ld %d %d %d %d %d\\n", s, r1.v[0], r2.v[1], r3.v[2], la[3], lb[1]);
              return 0;
            }
            """;

    private static Target isa(String name) {
        return HOPS.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private Map<String, Path> build(String name, Run plain, String... isas) throws Exception {
        CompileResult r = MigratesLikeGcc.compiled(work, name);
        Map<String, Path> exes = new HashMap<>();
        for (String n : isas) {
            Path exe = link(isa(n), r, work.resolve(name + "." + n));
            Run straight = run(command(isa(n), exe), Map.of(), null);
            assertThat(straight.out()).as("uninterrupted on " + n).isEqualTo(plain.out());
            exes.put(n, exe);
        }
        return exes;
    }

    /**
     * Stopped on {@code from} after {@code stop} visits, restarted on {@code to}: never a wrong result. Returns true
     * when the restore migrated (the two outputs make gcc's, its exit status), false when it was refused (exit 65, no
     * output, a message naming a pointer whose two readings are apart on {@code to}).
     */
    private boolean migratesOrRefuses(String name, Map<String, Path> exes, String from, String to, int stop, Run plain)
            throws Exception {
        Path ck = Files.createDirectories(work.resolve(name + "-ck-" + from + "-" + to + "-" + stop));
        Files.setPosixFilePermissions(ck, PosixFilePermissions.fromString("rwx------"));
        Run first = run(command(isa(from), exes.get(from)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                "TALENT_STOP_AFTER", String.valueOf(stop)), null);
        assertThat(first.rc()).as("stop after " + stop + " on " + from + "\n" + first.err()).isEqualTo(75);
        Run second = run(command(isa(to), exes.get(to)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                "TALENT_RESTART", "1"), null);
        String what = name + " stopped after " + stop + " on " + from + ", restarted on " + to + "\n" + first.err()
                + second.err();
        if (second.rc() == 65) {
            assertThat(second.out()).as(what).isEmpty();
            assertThat(second.err()).as(what).contains("talent: cannot restore pointer '")
                    .contains("(the two were side by side there), which are apart on " + to);
            return false;
        }
        assertThat(first.out() + second.out()).as(what).isEqualTo(plain.out());
        assertThat(second.rc()).as(what).isEqualTo(plain.rc());
        return true;
    }

    @Test
    void anEndPointerWhereI686LinksTheNextArrayIsRefusedOnX86_64AndRestoredWhereTheLayoutAgrees() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "rings", RINGS);
        assertThat(plain.out()).startsWith("5681 11362 12015\n");
        Map<String, Path> exes = build("rings", plain, "i686", "x86_64", "s390x");
        for (int stop : new int[] {5, 20, 41}) {
            // i686: b right after c, so ec = c + 6 is also &b; x86_64 puts b 8 bytes further
            assertThat(migratesOrRefuses("rings", exes, "i686", "x86_64", stop, plain)).as("i686 -> x86_64").isFalse();
            // x86_64 -> i686: ec is no object's start there; eb = b + 4 is &a on both
            assertThat(migratesOrRefuses("rings", exes, "x86_64", "i686", stop, plain)).as("x86_64 -> i686").isTrue();
            // s390x links them as i686 does: both readings are one address, the pointer restores
            assertThat(migratesOrRefuses("rings", exes, "i686", "s390x", stop, plain)).as("i686 -> s390x").isTrue();
            assertThat(migratesOrRefuses("rings", exes, "s390x", "x86_64", stop, plain)).as("s390x -> x86_64").isFalse();
        }
        // the refusal names the pointer and both objects
        Path ck = Files.createDirectories(work.resolve("rings-message"));
        Files.setPosixFilePermissions(ck, PosixFilePermissions.fromString("rwx------"));
        assertThat(run(command(isa("i686"), exes.get("i686")), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                "TALENT_STOP_AFTER", "3"), null).rc()).isEqualTo(75);
        Run refused = run(command(isa("x86_64"), exes.get("x86_64")), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                "TALENT_RESTART", "1"), null);
        assertThat(refused.err()).contains("cannot restore pointer 'ec' (declared at rings.c:4:")
                .contains("on i686 it pointed both to the start of 'b' and one past the end of 'c'");
    }

    /**
     * Pointers whose pointee fits one neighbour only, and pointers to scalars that follow a scalar of their type
     * (`&g2` right after `g1`, `&lb` beside `la`: one past a scalar is rare, the start of one is everywhere; Csmith seed
     * 6309's `uint32_t *g_79 = &g_58` was refused on s390x when both readings were carried).
     */
    @Test
    void neighboursOfOtherTypesMigrateEverywhere() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "typed", TYPED);
        Map<String, Path> exes = build("typed", plain, "i686", "x86_64", "s390x");
        for (int stop : new int[] {4, 23, 42}) {
            assertThat(migratesOrRefuses("typed", exes, "i686", "x86_64", stop, plain)).isTrue();
            assertThat(migratesOrRefuses("typed", exes, "x86_64", "i686", stop, plain)).isTrue();
            assertThat(migratesOrRefuses("typed", exes, "s390x", "x86_64", stop, plain)).isTrue();
        }
        // the pointers to scalars are written as their starts, not as both readings (which the layouts above happen to
        // keep together, and others put apart)
        Path ck = Files.createDirectories(work.resolve("typed-inspect"));
        Files.setPosixFilePermissions(ck, PosixFilePermissions.fromString("rwx------"));
        assertThat(run(command(isa("x86_64"), exes.get("x86_64")), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                "TALENT_STOP_AFTER", "20"), null).rc()).isEqualTo(75);
        Path file = ck.resolve("ckpt-000001.tck");
        String text = InspectRenderer.text(CheckpointReader.read(Files.readAllBytes(file), file.getFileName().toString()));
        assertThat(text).as(text).contains("p2 : unsigned int * = &g2").contains("plb : long * = &frame#0:lb").doesNotContain(" or (char *)");
    }

    @Test
    void structGlobalsAndLocalsNeverGiveAWrongResult() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "structs", STRUCTS);
        Map<String, Path> exes = build("structs", plain, "i686", "x86_64", "s390x");
        int migrated = 0;
        for (int stop : new int[] {12, 33, 57}) {
            for (String[] pair : new String[][] {{"i686", "x86_64"}, {"x86_64", "i686"}, {"i686", "s390x"},
                    {"x86_64", "s390x"}, {"s390x", "i686"}}) {
                if (migratesOrRefuses("structs", exes, pair[0], pair[1], stop, plain)) migrated++;
            }
        }
        // from x86_64, where every struct global is 16-byte aligned with 8 bytes after it, nothing is ambiguous
        assertThat(migratesOrRefuses("structs", exes, "x86_64", "i686", 40, plain)).isTrue();
        assertThat(migrated).isPositive();
    }
}
