package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.link;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pointers into wide and unicode string literals ({@code L"..."}, {@code u"..."}, {@code U"..."}, and {@code u8"..."},
 * which is narrow) at any offset, held in a global, a static local, a local, a static table and a heap block, are
 * carried as the literal and the element they address, not as bytes: the bytes' order differs between ISAs, and
 * {@code wchar_t} is signed on x86 and s390x and unsigned on aarch64. Found in docs/COVERAGE.md's "wstr" program:
 * {@code static const wchar_t *ws = L"h\u00e9llo"} was saved as indeterminate and every restart died of a SIGSEGV
 * (exit 139), on the same ISA too.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class WideStringLiteralsIT {
    @TempDir
    Path work;

    static final String SOURCE = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <wchar.h>
            #include <uchar.h>
            static const wchar_t *ws = L"h\\u00e9llo";
            static const char16_t *s16 = u"ab\\u1234cd";
            static const char32_t *s32 = U"x\\U0001F600yz";
            static const char *s8 = u8"caf\\u00e9!";
            const wchar_t *const WNONE = L"(none)";
            struct ent { const wchar_t *w; const char16_t *h; int n; };
            static struct ent table[] = { { L"alpha", u"one", 1 }, { L"beta\\u00df", u"two", 2 }, { L"(none)", u"three", 3 } };
            static unsigned mix(unsigned h, unsigned v) { return h * 1000003u ^ v; }
            int main(void) {
              static const wchar_t *stail = L"h\\u00e9llo" + 2;
              const char32_t *lp = s32 + 1;
              const wchar_t *cur = WNONE;
              struct ent *heap = malloc(4 * sizeof *heap);
              unsigned h = 0;
              if (!heap) return 1;
              for (int k = 0; k < 4; k++) heap[k] = table[k % 3];
              for (int r = 0; r < 3000; r++) {
                heap[r % 4].w = r % 5 ? table[r % 3].w + r % 3 : L"(none)";
                heap[r % 4].h = u"two" + r % 3;
                if (r % 7 == 0) cur = WNONE;
                else if (r % 7 == 3) cur = table[r % 3].w;
                if (r == 1500) { ws = L"h\\u00e9llo" + 1; lp = U"x\\U0001F600yz" + 3; stail--; }
                h = mix(h, (unsigned)ws[r % 4]);
                h = mix(h, (unsigned)s16[r % 5]);
                h = mix(h, (unsigned)*lp + (unsigned)s32[r % 4]);
                h = mix(h, (unsigned char)s8[r % 6]);
                h = mix(h, (unsigned)stail[r % 3]);
                for (int k = 0; k < 4; k++)
                  h = mix(h, (unsigned)heap[k].w[0] + 7u * (heap[k].w == WNONE) + 11u * (heap[k].h == table[1].h)
                             + (unsigned)heap[k].h[0]);
                h = mix(h, (cur == WNONE) + 2u * (cur == table[2].w) + 4u * (ws == table[0].w) + (unsigned)wcslen(cur));
                if (r % 500 == 0) printf("r=%d h=%u\\n", r, h);
              }
              printf("h=%u len=%u %u\\n", h, (unsigned)wcslen(ws), (unsigned)(cur == WNONE));
              free(heap);
              return 0;
            }
            """;

    @Test
    void pointersIntoWideLiteralsMigrateAcrossIsas() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "wide", SOURCE);
        assertThat(plain.rc()).isZero();
        assertThat(plain.out()).contains("r=2500 ").startsWith("r=0 ");
        Target x86 = HOPS.get(0), s390x = HOPS.get(1), i686 = HOPS.get(2), aarch64 = HOPS.get(3);
        assertThat(List.of(x86, s390x, i686, aarch64)).extracting(Target::name)
                .containsExactly("x86_64", "s390x", "i686", "aarch64");
        CompileResult program = MigratesLikeGcc.compiled(work, "wide");
        List<Target> chain = List.of(x86, s390x, i686, aarch64, x86);
        List<Path> exes = new ArrayList<>();
        for (Target t : chain.subList(0, 4)) exes.add(link(t, program, work.resolve("wide." + t.name())));
        exes.add(exes.getFirst());
        Run straight = MigrationHops.run(MigrationHops.command(x86, exes.getFirst()), java.util.Map.of(), null);
        assertThat(straight.out()).isEqualTo(plain.out());
        // about 3000 site visits per loop pass of the program's 3000: stops before and after r == 1500, then at
        // every ISA; the same ISA too
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{700, 600, 900, 500}, {2200, 150, 150, 150}}, plain);
        MigratesLikeGcc.chainEqualsGcc(work.resolve("same"), List.of(x86, x86), List.of(exes.getFirst(), exes.getFirst()),
                new int[][] {{1200}}, plain);
    }
}
