package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.link;
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
 * A pointer into a string literal holding NUL bytes inside ({@code "a\0bb\0ccc\0"}, walked with
 * {@code p += strlen(p) + 1}: GNU indent's GNU_SETTINGS_STRING) is carried as the whole literal and the element it
 * addresses, so that walking on past an embedded NUL after a restart reads the bytes plain gcc's build reads, on every
 * ISA. Found in indent 2.2.12: the literal was carried as its text from the preceding NUL to the next one, restored as
 * a copy of that alone, and the walk after the restart read past the copy (`command line: unknown option ""`, exit 1,
 * on i686); the reproducer below printed other hashes with exit 0, on the same ISA too, even after a checkpoint that
 * was refused (the frames are replayed from the saved state).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class NulLiteralsIT {
    @TempDir
    Path work;

    static final String SOURCE = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #define SET "a\\0bb\\0ccc\\0dddd\\0"
            static const char *const settings[] = { SET, "-x\\0-yz\\0", "plain" };
            static const char *past;
            int main(void) {
              const char **heap = malloc(2 * sizeof *heap);
              unsigned h = 0;
              if (!heap) return 1;
              past = SET + 2;
              for (int r = 0; r < 300; r++) {
                const char *p = settings[r % 3 == 2 ? 0 : r % 3];
                heap[r % 2] = settings[1] + 3;
                for (int k = 0; *p; k++) {
                  h = h * 31 + (unsigned)strlen(p) + (unsigned)p[0] + (unsigned)k + 5u * (p == settings[0] + 5);
                  p += strlen(p) + 1;
                }
                h = h * 7 + (unsigned)past[r % 3] + (unsigned)heap[0][r % 3] + 3u * (heap[1] == settings[1] + 3);
                if (r % 50 == 0) printf("r=%d h=%u past=%s heap=%s\\n", r, h, past, heap[0]);
              }
              printf("h=%u past=%s %u\\n", h, past, (unsigned)(past == settings[0] + 2));
              free(heap);
              return 0;
            }
            """;

    @Test
    void pointersPastEmbeddedNulsMigrateAcrossIsas() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "nul", SOURCE);
        assertThat(plain.rc()).isZero();
        assertThat(plain.out()).startsWith("r=0 ").contains("r=250 ").endsWith(" 1\n");
        Target x86 = HOPS.get(0), s390x = HOPS.get(1), i686 = HOPS.get(2);
        assertThat(List.of(x86, s390x, i686)).extracting(Target::name).containsExactly("x86_64", "s390x", "i686");
        List<Target> chain = MigratesLikeGcc.withMusl(x86, s390x, i686);
        if (chain.size() == 3) chain.add(x86);
        CompileResult program = MigratesLikeGcc.compiled(work, "nul");
        List<Path> exes = new ArrayList<>();
        for (Target t : chain) exes.add(link(t, program, work.resolve("nul." + t.name())));
        Run straight = MigrationHops.run(MigrationHops.command(x86, exes.getFirst()), Map.of(), null);
        assertThat(straight.out()).isEqualTo(plain.out());
        // about 4 site visits per pass of the outer loop: stops in the middle of the walks, on every ISA
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{5, 301, 150}, {102, 7, 3}, {603, 250, 11}}, plain);
        MigratesLikeGcc.chainEqualsGcc(work.resolve("same"), List.of(x86, x86), List.of(exes.getFirst(), exes.getFirst()),
                new int[][] {{103}, {772}}, plain);
    }
}
