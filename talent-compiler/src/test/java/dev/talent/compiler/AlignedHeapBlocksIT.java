package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.toolchain.Isa;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heap blocks allocated over-aligned by {@code posix_memalign}, {@code aligned_alloc} and {@code memalign} (32 to 256
 * bytes), their alignment tested after every stop through a mask the program computes. Before, a restore gave such a
 * block the header's 16-byte alignment only: the program printed "0" for its alignment test after a restart, on the
 * same ISA too, exit 0 (issue 11, hunt10). The block's position now names its alignment ({@code aligned@64:?},
 * docs/FORMAT.md "HEAP"), and a restore on any ISA lays the block out aligned so.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class AlignedHeapBlocksIT {
    @TempDir
    Path work;

    static final String ALIGNED = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <stdint.h>
            #include <malloc.h>
            struct ring { uint32_t *data; uint32_t *end; size_t align; };
            static uint64_t work(const uint32_t *a, const uint32_t *end) {
              uint64_t s = 0;
              for (const uint32_t *q = a; q < end; q++) s = s * 31 + *q;
              return s;
            }
            int main(void) {
              struct ring r[4];
              for (int b = 0; b < 4; b++) {
                size_t al = (size_t)32 << b;
                void *p = NULL;
                char *pad = malloc(8 + 24 * (size_t)b);
                if (!pad) return 1;
                if (b == 0 && posix_memalign(&p, al, 100 * sizeof(uint32_t)) != 0) return 1;
                if (b == 1) p = aligned_alloc(al, 100 * sizeof(uint32_t));
                if (b >= 2) p = memalign(al, 100 * sizeof(uint32_t));
                if (!p) return 1;
                r[b].data = p;
                r[b].end = r[b].data + 100;
                r[b].align = al;
                for (int i = 0; i < 100; i++) r[b].data[i] = (uint32_t)(i * 2654435761u) ^ (uint32_t)b;
                free(pad);
              }
              uint64_t h = 0;
              for (int round = 0; round < 24; round++) {
                struct ring *x = &r[round % 4];
                h = h * 7 + work(x->data, x->end);
                x->data[round] += 1;
                printf("%d %llu aligned to %u: %d\\n", round, (unsigned long long)(h % 1000003), (unsigned)x->align,
                       (int)(((uintptr_t)x->data & (x->align - 1)) == 0));
              }
              for (int b = 0; b < 4; b++) free(r[b].data);
              return 0;
            }
            """;

    @Test
    void overAlignedBlocksKeepTheirAlignmentThroughEveryRestart() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "aligned", ALIGNED);
        assertThat(plain.out()).contains("23 680011 aligned to 256: 1\n").doesNotContain(": 0");
        List<Target> chain = MigratesLikeGcc.withMusl(Target.of(Isa.X86_64), Target.of(Isa.S390X), Target.of(Isa.I686));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "aligned", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{50, 300, 400}, {450, 500, 600}}, plain);
        List<Target> same = List.of(Target.of(Isa.X86_64), Target.of(Isa.X86_64));
        MigratesLikeGcc.chainEqualsGcc(work, same, List.of(exes.getFirst(), exes.getFirst()), new int[][] {{1500}}, plain);
    }

    /**
     * A block aligned above 4096 bytes (the most a restore lays out): the checkpoint that reaches it is refused by
     * name and the program goes on as plain gcc's. Before, its position said nothing of the alignment and a restore
     * gave it 16 bytes: "aligned: 0" after a restart, exit 0.
     */
    @Test
    void aBlockAlignedAbove4096IsRefused() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "page2", """
                #include <stdio.h>
                #include <stdlib.h>
                #include <stdint.h>
                int main(void) {
                  void *p = NULL;
                  if (posix_memalign(&p, 8192, 256) != 0) return 1;
                  unsigned char *b = p;
                  unsigned h = 0;
                  for (int i = 0; i < 256; i++) { b[i] = (unsigned char)i; h = h * 31 + b[i]; }
                  printf("%u aligned: %d\\n", h, (int)(((uintptr_t)b & 8191) == 0));
                  free(p);
                  return 0;
                }
                """, 100);
        assertThat(r.err()).contains("a heap block of 256 bytes was allocated with an alignment above 4096 bytes");
    }
}
