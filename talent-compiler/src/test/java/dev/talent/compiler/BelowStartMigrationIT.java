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
 * Pointers below an array's start, in no object, as C programs index from 1 (Numerical Recipes' {@code v = malloc(..) -
 * 1}, {@code a1 = a - 1}, mujs's {@code VT = vartab - 1}): carried as so many elements below the array's first element
 * (docs/FORMAT.md "Pointers", format major 5) and restored in the restoring ISA's element size. Until then every such
 * checkpoint was refused. Each run is compared with plain gcc's.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class BelowStartMigrationIT {
    @TempDir
    Path work;

    /**
     * 1-based vectors on the heap (float, double, a struct whose size differs between i686 and x86_64), a global
     * array and a local array of long (4 bytes on i686, 8 on x86_64) reached through {@code a - 1}; the heap vectors
     * are made by a function (Numerical Recipes' {@code vector(nl, nh)}) and held in globals and locals.
     */
    static final String ONE_BASED = """
            #include <stdio.h>
            #include <stdlib.h>
            struct pt { int id; double w; };
            static float *fv;
            static double gd[8];
            static double *gd1;
            static float *vector(int nl, int nh) {
              float *v = malloc((size_t)(nh - nl + 1) * sizeof *v);
              if (!v) exit(2);
              return v - nl;
            }
            static double *dvector(int nl, int nh) {
              double *v = malloc((size_t)(nh - nl + 1) * sizeof *v);
              if (!v) exit(2);
              return v - nl;
            }
            static struct pt *svector(int nl, int nh) {
              struct pt *v = malloc((size_t)(nh - nl + 1) * sizeof *v);
              if (!v) exit(2);
              return v - nl;
            }
            /* out of line, so that gcc -O2 does not see a constant subscript below the array (-Warray-bounds) */
            __attribute__((noinline)) static double *dfrom(double *a, int nl) { return a - nl; }
            __attribute__((noinline)) static long *lfrom(long *a, int nl) { return a - nl; }
            static unsigned long long step(unsigned long long h, double *dv, struct pt *sv, long *a1, int r) {
              int k = 1 + r % 8;
              fv[k] += 1.0f;
              dv[k] += 0.5;
              sv[k].w += sv[k].id;
              gd1[k] += 2;
              a1[k] += k;
              return h * 1000003u + (unsigned long long)(fv[k] * 4) + (unsigned long long)(dv[k] * 8)
                     + (unsigned long long)sv[k].w + (unsigned long long)gd1[k] + (unsigned long long)a1[k];
            }
            int main(void) {
              int n = 8;
              long a[8];
              long *a1 = lfrom(a, 1);
              double *dv = dvector(1, n);
              struct pt *sv = svector(1, n);
              unsigned long long h = 1;
              fv = vector(1, n);
              gd1 = dfrom(gd, 1);
              for (int i = 1; i <= n; i++) {
                fv[i] = i * 0.5f; dv[i] = i * 0.25; sv[i].id = i; sv[i].w = i * 1.5; gd1[i] = i; a1[i] = i * 3;
              }
              for (int r = 0; r < 3000; r++) {
                h = step(h, dv, sv, a1, r);
                if (r % 500 == 499) printf("r=%d h=%llu\\n", r, h % 1000000007ull);
              }
              free(fv + 1);
              free(dv + 1);
              free(sv + 1);
              printf("end %llu %ld\\n", h % 1000000007ull, a1[8]);
              return 0;
            }
            """;

    @Test
    void oneBasedVectorsMigrateFromX86ToEveryIsa() throws Exception {
        // x86_64 to s390x, i686, aarch64 and riscv64 in turn, stopped at several points of the loop
        MigratesLikeGcc.checkEveryStop(work, "onebased", ONE_BASED, HOPS.size(), 10, 700, 1501, 2500, 2999);
    }

    @Test
    void oneBasedVectorsMigrateBothWaysThroughI686AndS390x() throws Exception {
        // x86_64 -> i686 -> s390x -> x86_64: each leg writes and reads pointers below an array in its own sizes
        Target x86 = HOPS.getFirst();
        Target s390x = HOPS.get(1);
        Target i686 = HOPS.get(2);
        assertThat(List.of(s390x.name(), i686.name())).containsExactly("s390x", "i686");
        Run plain = MigratesLikeGcc.plainGcc(work, "both", ONE_BASED);
        List<Target> chain = List.of(x86, i686, s390x, x86);
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "both", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{50, 900, 1700}, {1200, 300, 1000}}, plain);
    }
}
