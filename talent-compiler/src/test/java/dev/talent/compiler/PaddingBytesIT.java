package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The padding bytes of a struct local: a program that {@code memset}s its keys and compares them with {@code memcmp}
 * (a hash table's slots in a local array, as many do) relies on the padding staying zero. A restore rebuilt such a
 * local member by member on a stack that held other bytes, so the padding came back as garbage and {@code memcmp}
 * found fewer equal keys: {@code lh=210} (and 168, 201, 231, 236 at other stops) for gcc's {@code lh=242}, exit 0,
 * on every hop (found by hand, docs/COVERAGE.md "pad"). The runtime now zeroes a frame variable before it decodes it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PaddingBytesIT {
    @TempDir
    Path work;

    static final String PAD = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            struct key { char c; int x; short s; long long z; };
            static int spin(int n) { int s = 0; for (int i = 0; i < n; i++) s += i & 3; return s; }
            int main(void) {
                struct key k, *slots = malloc(64 * sizeof *slots);
                struct key loc[64];
                memset(slots, 0, 64 * sizeof *slots); memset(loc, 0, sizeof loc);
                int hits = 0, lh = 0;
                for (int i = 0; i < 400; i++) {
                    memset(&k, 0, sizeof k);
                    k.c = (char)('a' + i % 5); k.x = i % 3; k.s = (short)(i % 2); k.z = i % 4;
                    int h = i % 60; if (i % 7 == 0) k.x++;
                    if (memcmp(&slots[h], &k, sizeof k) == 0) hits++; else slots[h] = k;
                    if (memcmp(&loc[h], &k, sizeof k) == 0) lh++; else memcpy(&loc[h], &k, sizeof k);
                    hits += spin(i % 9) * 0;
                }
                printf("hits=%d lh=%d\\n", hits, lh);
                free(slots);
                return 0;
            }
            """;

    @Test
    void memsetPaddingOfALocalStructArraySurvivesARestore() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "pad", PAD);
        assertThat(plain.out()).isEqualTo("hits=242 lh=242\n");
        CompileResult r = MigratesLikeGcc.compiled(work, "pad");
        List<Target> chain = List.of(HOPS.getFirst(), HOPS.get(1), HOPS.get(2));
        assertThat(chain).extracting(Target::name).containsExactly("x86_64", "s390x", "i686");
        List<Path> exes = new ArrayList<>();
        for (Target t : chain) {
            Path exe = link(t, r, work.resolve("pad." + t.name()));
            assertThat(run(command(t, exe), Map.of(), null).out()).as("uninterrupted on " + t.name()).isEqualTo(plain.out());
            exes.add(exe);
        }
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{40, 300}, {664, 600}}, plain);
        MigratesLikeGcc.chainEqualsGcc(work.resolve("back"), List.of(chain.get(2), chain.get(0)),
                List.of(exes.get(2), exes.get(0)), new int[][] {{1333}}, plain);
    }
}
