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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two separate objects side by side on the writing ISA (docs/FORMAT.md "Pointers"): a pointer whose pointee fits only
 * one of them (one past a {@code double} array before an {@code int} array, the start of an {@code int} array after a
 * {@code double} one) is that one on every ISA, and the start of a scalar right after a scalar is its start. Where the
 * pointee fits both ({@code int *ec = c + 6} with {@code b} right after {@code c} on i686), the writer takes the start
 * (docs/COVERAGE.md: a wrong result where the reader's layout puts them apart, not handled).
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

}
