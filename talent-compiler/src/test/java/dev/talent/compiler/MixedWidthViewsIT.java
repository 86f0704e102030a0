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
 * One heap block used through a {@code uint32_t *} and a {@code uint16_t *} at the same time, allocated through a
 * function pointer (bzip2's compression: {@code s->arr1}/{@code s->ptr} as {@code UInt32[]}, {@code s->mtfv} as
 * {@code UInt16[]}, issue 11). Which view is live depends on the phase, so no conversion is right; but the bytes are
 * right on every ISA of the writer's byte order. Before, every checkpoint was refused (exit 70, "is used as 'uint32_t'
 * and as 'uint16_t'"); now the block is carried as raw bytes bound to the byte order only (docs/FORMAT.md "HEAP",
 * flag bit 2): x86_64 -> aarch64 -> i686 (another pointer width) and x86_64 -> riscv64 equal plain gcc's output, a
 * restore on s390x (another byte order) is refused with exit 65 naming the block, and a view of an ISA-dependent type
 * ({@code long}: 4 bytes on i686) or a {@code float} beside {@code uint16_t} is still refused at the checkpoint, and
 * so is the block on i686 itself (a writer whose {@code long} is 4 bytes cannot tell a 4-byte {@code long} apart).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MixedWidthViewsIT {
    @TempDir
    Path work;

    /** WIDE is the type of the block's first view. */
    static final String PROGRAM = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <stdint.h>
            typedef void *(*alloc_fn)(void *opaque, int n, int m);
            typedef struct state { WIDE *arr1; uint16_t *mtfv; WIDE *ptr; int n; alloc_fn bzalloc; void *opaque; } state;
            static void *my_alloc(void *opaque, int n, int m) { (void)opaque; return malloc((size_t)n * (size_t)m); }
            __attribute__((noinline)) static uint32_t sort_phase(state *s, uint32_t seed) {
              uint32_t h = 0;
              for (int i = 0; i < s->n; i++) s->ptr[i] = (WIDE)(((uint32_t)i * 2654435761u ^ seed) % 65521u);
              for (int i = 0; i < s->n; i++) h = h * 31u + (uint32_t)s->arr1[i];
              return h;
            }
            __attribute__((noinline)) static uint32_t mtf_phase(state *s, uint32_t h) {
              for (int i = 0; i < s->n; i++) {
                h = h * 33u + s->mtfv[i];
                s->mtfv[i] = (uint16_t)(s->mtfv[i] * 7u + (uint32_t)i);
              }
              return h;
            }
            int main(void) {
              state st;
              st.bzalloc = my_alloc;
              st.opaque = NULL;
              st.n = 600;
              st.arr1 = st.bzalloc(st.opaque, st.n, (int)sizeof(WIDE));
              st.mtfv = (uint16_t *)st.arr1;
              st.ptr = st.arr1;
              uint32_t total = 0;
              for (uint32_t round = 0; round < 12; round++) {
                uint32_t a = sort_phase(&st, round * 40503u);
                uint32_t b = mtf_phase(&st, a);
                total = total * 1000003u + b;
                printf("round %u: %u %u\\n", (unsigned)round, (unsigned)a, (unsigned)b);
              }
              uint32_t w = 0;
              for (int i = 0; i < st.n; i++) w = w * 131u + st.mtfv[i];
              printf("total=%u w=%u\\n", (unsigned)total, (unsigned)w);
              free(st.arr1);
              return 0;
            }
            """;

    /**
     * The same program with the block allocated by a plain {@code malloc(n * sizeof(WIDE))}: the block takes its type
     * from the allocation call, not from the pointers into it. Before, the {@code uint16_t *} view of that typed block
     * was let through unchecked: the block was converted as {@code uint32_t} elements, so on s390x the restore went on
     * with the halves of every word swapped and printed other numbers than gcc with exit 0.
     */
    static final String DIRECT = PROGRAM.replace("st.bzalloc(st.opaque, st.n, (int)sizeof(WIDE))",
            "malloc((size_t)st.n * sizeof(WIDE))");

    private static Target hop(String name) {
        return HOPS.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aBlockOfUint32AndUint16ViewsMigratesAmongOneByteOrder() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "mixed", PROGRAM.replace("WIDE", "uint32_t"));
        // stops inside the uint32_t phase of a round and inside the uint16_t phase of another
        List<Target> chain = List.of(hop("x86_64"), hop("aarch64"), hop("i686"));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "mixed", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{300, 2500}, {1500, 900}, {5000, 3100}}, plain);
    }

    @Test
    void theRawBlockIsRefusedOnAnotherByteOrderNamingIt() throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, "order", PROGRAM.replace("WIDE", "uint32_t")).out();
        CompileResult r = MigratesLikeGcc.compiled(work, "order");
        MigratesLikeGcc.boundToByteOrder(work, "order", r, expected, List.of("700", "1900"), List.of("s390x"),
                List.of("riscv64"), "cannot restore the heap block allocated at order.c:", "fixed-width integers of "
                        + "several widths", "restore it on a platform with the same byte order");
    }

    @Test
    void aFloatViewBesideUint16IsStillRefusedAtTheCheckpoint() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "floats", PROGRAM.replace("WIDE", "float"), 700);
        assertThat(stopped.err()).contains("cannot checkpoint: the heap block allocated at floats.c:")
                .contains("is used as 'float' and as 'uint16_t'").contains("same bytes under two types");
    }

    /** On i686 (a 4-byte long) no 4-byte integer type is known to be fixed-width: the block is refused as before. */
    @Test
    void onAWriterWithA4ByteLongTheBlockIsStillRefused() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "narrow", PROGRAM.replace("WIDE", "uint32_t"));
        Target i686 = hop("i686");
        Path exe = MigrationHops.link(i686, MigratesLikeGcc.compiled(work, "narrow"), work.resolve("narrow.i686"));
        Path ck = MigrationHops.checkpointDir(work.resolve("narrow-ck"));
        Run stopped = MigrationHops.run(MigrationHops.command(i686, exe), java.util.Map.of("TALENT_CHECKPOINT_DIR",
                ck.toString(), "TALENT_STOP_AFTER", "700"), null);
        assertThat(stopped.err()).contains("talent: checkpoint 1 refused: cannot checkpoint: the heap block allocated at "
                + "narrow.c:").contains("is used as 'uint32_t' and as 'uint16_t'");
        assertThat(stopped.out()).as("the program goes on as plain gcc's\n" + stopped.err()).isEqualTo(plain.out());
        assertThat(stopped.rc()).as(stopped.err()).isEqualTo(plain.rc());
    }

    @Test
    void aLongViewBesideUint16IsStillRefusedAtTheCheckpoint() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "longs", PROGRAM.replace("WIDE", "long"), 700);
        assertThat(stopped.err()).contains("cannot checkpoint: the heap block allocated at longs.c:")
                .contains("is used as 'long' and as 'uint16_t'").contains("same bytes under two types");
    }

    @Test
    void aDirectlyMallocedBlockOfTwoWidthsMigratesAmongOneByteOrder() throws Exception {
        assertThat(DIRECT).isNotEqualTo(PROGRAM).contains("malloc((size_t)st.n * sizeof(WIDE))");
        Run plain = MigratesLikeGcc.plainGcc(work, "direct", DIRECT.replace("WIDE", "uint32_t"));
        List<Target> chain = List.of(hop("x86_64"), hop("aarch64"), hop("i686"));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "direct", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{300, 2500}, {1500, 900}}, plain);
    }

    @Test
    void aDirectlyMallocedBlockOfTwoWidthsIsRefusedOnAnotherByteOrder() throws Exception {
        String expected = MigratesLikeGcc.plainGcc(work, "dorder", DIRECT.replace("WIDE", "uint32_t")).out();
        CompileResult r = MigratesLikeGcc.compiled(work, "dorder");
        MigratesLikeGcc.boundToByteOrder(work, "dorder", r, expected, List.of("700", "1900"), List.of("s390x"),
                List.of("riscv64"), "cannot restore the heap block allocated at dorder.c:", "fixed-width integers of "
                        + "several widths", "restore it on a platform with the same byte order");
    }

    @Test
    void aFloatViewBesideUint16OfADirectlyMallocedBlockIsRefusedAtTheCheckpoint() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "dfloats", DIRECT.replace("WIDE", "float"), 700);
        assertThat(stopped.err()).contains("cannot checkpoint: the heap block allocated at dfloats.c:")
                .contains("is used as 'float' and as 'uint16_t'").contains("same bytes under two types");
    }
}
