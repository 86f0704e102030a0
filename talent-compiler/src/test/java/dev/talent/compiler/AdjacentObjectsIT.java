package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two separate objects side by side on the writing ISA (docs/FORMAT.md "Pointers"): a pointer whose pointee fits only
 * one of them (one past a {@code double} array before an {@code int} array, the start of an {@code int} array after a
 * {@code double} one) is that one on every ISA, and the start of a scalar right after a scalar is its start. Where the
 * pointee fits both ({@code int *ec = c + 6} with {@code b} right after {@code c} on i686), the gaps the compiler writes
 * after globals and frame variables keep the two apart everywhere (docs/CODEGEN.md "Gaps between globals", "Gaps between
 * frame variables"); where there is none, the checkpoint carries both readings.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdjacentObjectsIT {
    @TempDir
    Path work;


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

    /**
     * Pointers one past the end of an object with static storage and to the start of another of the same type: one
     * declaration of several arrays (`ec` was `&b` on i686, restored on x86_64 as `b`: gcc's `12015` printed as `8103`,
     * exit 0), separate declarations, an external array, a function's statics, one past a scalar.
     */
    static final String SAME_TYPE = """
            #include <stdio.h>
            static int a[4], b[4], c[6];
            static long s1;
            static long s2;
            double dd[3];
            double de[2];
            int main(void) {
              static short f1[3], f2[5];
              int *ec = c + 6, *pb = b, *ea = a + 4;
              long *e1 = &s1 + 1, *p2 = &s2;
              double *edd = dd + 3, *pde = de;
              short *ef1 = f1 + 3, *pf2 = f2;
              long sum = 0;
              for (int i = 0; i < 60; i++) {
                c[i % 6] += i; b[i % 4] += 2 * i; a[i % 4] ^= i; s1 += i; s2 += s1;
                dd[i % 3] += 0.25 * i; de[i % 2] -= i; f1[i % 3] += (short)i; f2[i % 5] -= (short)i;
                for (int *q = c; q < ec; q++) sum += *q;
                for (int *q = a; q < ea; q++) sum += *q;
                for (short *q = f1; q < ef1; q++) sum += *q;
                for (double *q = dd; q < edd; q++) sum += (long)*q;
                sum += (ec - c) + 10 * (ea - a) + 100 * (e1 - &s1) + 1000 * (edd - dd) + 10000 * (ef1 - f1);
                sum += pb[i % 4] + *p2 % 7 + (long)pde[i % 2] + pf2[i % 5];
              }
              printf("%ld %d %d %d %ld %ld %.2f %.1f %d %d\\n", sum, a[1], b[2], c[5], s1, s2, dd[2], de[1], f1[0], f2[4]);
              return 0;
            }
            """;

    /**
     * Frame variables side by side (docs/CODEGEN.md "Gaps between frame variables"): gcc puts {@code x}, {@code y},
     * {@code d} and {@code a} directly one after another on i686 and s390x and leaves a hole between {@code d} and
     * {@code a} on x86_64 and aarch64 (and between {@code b} and {@code c} on aarch64), so {@code ed = d + 3} was
     * {@code a}'s start on i686 and came back as {@code a} on x86_64. Declarations of several variables, arrays whose
     * length is their initialiser's, structs, a variable whose address another declarator of its declaration takes,
     * parameters.
     */
    static final String FRAME = """
            #include <stdio.h>
            #include <string.h>
            struct pt { int x, y; };
            static long work(const int *p, const int *e, int i) {
              long s = 0;
              for (const int *q = p; q < e; q++) s += *q * (i % 7 + 1);
              return s;
            }
            static long bytes(const char *p, const char *e) {
              unsigned s = 0;
              while (p < e) s = s * 31 + (unsigned char)*p++;
              return (long)(s % 100000);
            }
            static long pair(int u, int v, int i) {
              int *pu = &u, *pv = &v, *eu = &u + 1;
              long s = work(pu, eu, i) + work(pv, pv + 1, i);
              return s + (eu - pu);
            }
            int main(void) {
              int x = 3, y = 4;
              int d[3] = {9, 8, 7};
              int a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[6] = {0};
              char s[] = "hello", t[] = "world";
              struct pt p = {1, 2}, q = {3, 4};
              int n = 5, *pn = &n;
              int *ed = d + 3, *ea = a + sizeof a / sizeof a[0], *eb = b + 4, *ec = c + 6;
              int *px = &x, *py = &y, *ex = &x + 1, *ey = &y + 1;
              char *es = s + sizeof s, *et = t + strlen(t);
              struct pt *ep = &p + 1, *pq = &q;
              long sum = 0;
              for (int i = 0; i < 40; i++) {
                c[i % 6] += i; b[i % 4] += 2 * i; a[i % 4] ^= i; d[i % 3] -= i; *px += i; *py ^= i;
                s[i % 5] = (char)('a' + i % 26); t[(i + 2) % 5] = (char)('A' + i % 26); p.x += i; pq->y -= i; *pn += 1;
                sum += work(d, ed, i) + work(a, ea, i) + work(b, eb, i) + work(c, ec, i);
                sum += work(px, ex, i) + work(py, ey, i) + bytes(s, es) % 1000 + bytes(t, et) % 1000;
                sum += work(&p.x, (const int *)ep, i) + (ep - &p) + n + pair(i, i + 1, i);
                sum += (ed - d) + 10 * (ea - a) + 100 * (eb - b) + 1000 * (ec - c) + 10000 * (ex - px) + 100000 * (ey - py);
              }
              printf("%ld %d %d %d %d %d %d %s %s %d %d %d\\n", sum, a[1], b[2], c[5], d[0], x, y, s, t, p.x, q.y, n);
              return 0;
            }
            """;

    /** Every pointer one past a local comes back as that, on every pair of layouts, never refused. */
    @Test
    @Timeout(600)
    void framesVariablesSideBySideMigrateEverywhere() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "frame", FRAME);
        Map<String, Path> exes = build("frame", plain, "i686", "x86_64", "s390x", "aarch64");
        for (int stop : new int[] {3, 50, 150}) {
            assertThat(migratesOrRefuses("frame", exes, "i686", "x86_64", stop, plain)).isTrue();
            assertThat(migratesOrRefuses("frame", exes, "x86_64", "i686", stop, plain)).isTrue();
            assertThat(migratesOrRefuses("frame", exes, "s390x", "aarch64", stop, plain)).isTrue();
            assertThat(migratesOrRefuses("frame", exes, "aarch64", "i686", stop, plain)).isTrue();
        }
    }

    /** Every pointer above comes back as what it was, on every pair of layouts, never refused. */
    @Test
    @Timeout(600)
    void onePastTheEndAndTheNextObjectStartMigrateEverywhere() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "same", SAME_TYPE);
        Map<String, Path> exes = build("same", plain, "i686", "x86_64", "s390x", "riscv64");
        for (int stop : new int[] {5, 61, 300}) {
            assertThat(migratesOrRefuses("same", exes, "i686", "x86_64", stop, plain)).isTrue();
            assertThat(migratesOrRefuses("same", exes, "x86_64", "i686", stop, plain)).isTrue();
            assertThat(migratesOrRefuses("same", exes, "s390x", "x86_64", stop, plain)).isTrue();
            assertThat(migratesOrRefuses("same", exes, "riscv64", "i686", stop, plain)).isTrue();
        }
    }

    /**
     * A declaration whose specifiers define a type cannot be split: its objects stay side by side where gcc puts them
     * so (two 24-byte structs on i686 and s390x; x86_64 aligns each to 16).
     */
    static final String UNSPLIT = """
            #include <stdio.h>
            static struct { int v[6]; } c, b;
            int main(void) {
              int *ec = c.v + 6, *pb = b.v;
              long sum = 0;
              for (int i = 0; i < 40; i++) {
                c.v[i % 6] += i; b.v[i % 4] -= i;
                for (int *q = c.v; q < ec; q++) sum += *q;
                sum += pb[i % 4];
              }
              printf("%ld %d %d\\n", sum, c.v[5], b.v[3]);
              return 0;
            }
            """;

    /**
     * Where the two are together (i686, s390x), the checkpoint carries both readings of {@code ec}/{@code pb}, and a
     * layout that puts them apart refuses the restore instead of a wrong result; one that keeps them together migrates;
     * from x86_64, where they are apart, every restore migrates.
     */
    @Test
    void objectsOfOneDeclarationThatDefinesATypeAreRefusedWhereTheLayoutsDiffer() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "unsplit", UNSPLIT);
        Map<String, Path> exes = build("unsplit", plain, "i686", "x86_64", "s390x");
        assertThat(migratesOrRefuses("unsplit", exes, "i686", "x86_64", 7, plain)).isFalse();
        assertThat(migratesOrRefuses("unsplit", exes, "i686", "s390x", 7, plain)).isTrue();
        assertThat(migratesOrRefuses("unsplit", exes, "x86_64", "i686", 7, plain)).isTrue();
    }

    /** Struct globals one past each other, an array member's end at the end of a struct object, locals. */

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
        Path ck = checkpointDir(work.resolve(name + "-ck-" + from + "-" + to + "-" + stop));
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
        Path ck = checkpointDir(work.resolve("typed-inspect"));
        assertThat(run(command(isa("x86_64"), exes.get("x86_64")), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                "TALENT_STOP_AFTER", "20"), null).rc()).isEqualTo(75);
        Path file = ck.resolve("ckpt-000001.tck");
        String text = InspectRenderer.text(CheckpointReader.read(Files.readAllBytes(file), file.getFileName().toString()));
        assertThat(text).as(text).contains("p2 : unsigned int * = &g2").contains("plb : long * = &frame#0:lb").doesNotContain(" or (char *)");
    }

}
