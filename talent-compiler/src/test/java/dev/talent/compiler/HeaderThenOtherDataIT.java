package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One allocation holding a struct and then data of other types, reached through {@code (T *)p + 1} (lhasa's decoders:
 * {@code calloc(1, sizeof(LHADecoder) + dtype->extra_size + dtype->max_read)}, the algorithm's own struct right after
 * the header, issue 11). The block is typed by its allocation as the header's struct, so the bytes after the first
 * element were converted as more header structs: stopped on x86_64 and restarted on s390x, the program printed
 * {@code 3 937374.50 2143188682205} for gcc's {@code 3 999500.00 2000} with exit 0, and lhasa itself called a
 * function pointer restored as an invalid address. Now such a view past the first element is refused at the
 * checkpoint, naming both types, and the program goes on; an array of the struct itself still migrates.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class HeaderThenOtherDataIT {
    @TempDir
    Path work;

    /** VIEW declares {@code a}, the view of the bytes after the header; STEP uses it. */
    static final String PROGRAM = """
            #include <stdio.h>
            #include <stdlib.h>
            struct vec { int n; int cap; };
            struct acc { double sum; long count; };
            __attribute__((noinline)) void step(struct acc *a, double x) {
              a->sum += x;
              a->count++;
            }
            __attribute__((noinline)) void add(double *d, double x) {
              d[0] += x;
              d[1] += 1.0;
            }
            int main(void) {
              struct vec *v = calloc(1, sizeof(struct vec) + sizeof(struct acc));
              VIEW
              v->n = 3;
              for (int i = 0; i < 2000; i++)
                STEP;
              PRINT
              free(v);
              return 0;
            }
            """;

    static final String STRUCT_AFTER = PROGRAM.replace("VIEW", "struct acc *a = (struct acc *)(v + 1);")
            .replace("STEP", "step(a, i * 0.5)").replace("PRINT", "printf(\"%d %.2f %ld\\n\", v->n, a->sum, a->count);");

    static final String DOUBLES_AFTER = PROGRAM.replace("VIEW", "double *d = (double *)(v + 1);")
            .replace("STEP", "add(d, i * 0.5)").replace("PRINT", "printf(\"%d %.2f %.0f\\n\", v->n, d[0], d[1]);");

    @Test
    void aStructAfterTheHeaderIsRefusedAtTheCheckpointNamingBothTypes() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "after", STRUCT_AFTER, 500);
        assertThat(stopped.out()).isEqualTo("3 999500.00 2000\n");
        assertThat(stopped.err()).contains("cannot checkpoint: the heap block allocated at after.c:")
                .contains("is used as 'struct vec' and as 'struct acc'")
                .contains("past its first 'struct vec', where talent would convert the bytes as more 'struct vec'")
                .contains("same bytes under two types");
    }

    @Test
    void numbersAfterTheHeaderAreRefusedAtTheCheckpoint() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "nums", DOUBLES_AFTER, 500);
        assertThat(stopped.out()).isEqualTo("3 999500.00 2000\n");
        assertThat(stopped.err()).contains("cannot checkpoint: the heap block allocated at nums.c:")
                .contains("is used as 'struct vec' and as 'double'").contains("past its first 'struct vec'");
    }

    /**
     * lhasa's shape: {@code calloc(1, sizeof(struct decoder) + extra)}, the data after the header used as another struct
     * only through the {@code void *} the decoding function takes, the stop in a loop where only the header's pointer
     * is live (lhasa stopped in crc16.c). No pointer of the data's type is there to refuse it, and the block was
     * converted as more headers: restarted on s390x, the program printed other numbers. Now the allocation says one
     * header followed by other data, and the checkpoint is refused naming both parts; the program goes on.
     */
    static final String VOID_ONLY = """
            #include <stdio.h>
            #include <stdlib.h>
            struct decoder { int kind; unsigned crc; size_t extra; };
            struct lzh { double scale; long count; short bits[6]; };
            static unsigned crc_step(unsigned crc, int x) {
              for (int k = 0; k < 4; k++) crc = crc * 31u + (unsigned)(x >> k);
              return crc;
            }
            __attribute__((noinline)) static void decode(void *priv, int i) {
              struct lzh *z = priv;
              z->scale += i * 0.25; z->count++; z->bits[i % 6] += (short)i;
            }
            __attribute__((noinline)) static void report(struct decoder *d) {
              struct lzh *z = (struct lzh *)(d + 1);
              printf("%d %u %.2f %ld %d %d\\n", d->kind, d->crc, z->scale, z->count, z->bits[0], z->bits[5]);
            }
            int main(int argc, char **argv) {
              size_t extra = argc > 5 ? 0 : sizeof(struct lzh);
              struct decoder *d = calloc(1, sizeof(struct decoder) + extra);
              (void)argv;
              d->kind = 5; d->extra = extra;
              for (int i = 0; i < 3000; i++) {
                decode(d + 1, i);
                d->crc = crc_step(d->crc, i);
              }
              report(d);
              free(d);
              return 0;
            }
            """;

    @Test
    void dataReachedOnlyThroughVoidPointersIsRefusedNamingTheBlockAndBothParts() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "lzh", VOID_ONLY, 2000);
        assertThat(stopped.err()).contains("cannot checkpoint: the heap block allocated at lzh.c:19:")
                .containsPattern("is one 'struct decoder' \\(16 bytes\\) followed by \\d+ bytes of data whose type talent does "
                        + "not see")
                .contains("converted as more 'struct decoder' elements");
    }

    /** The same allocation with nothing after the header (its extra size 0 on this run): one struct, it migrates. */
    @Test
    void aStructFollowedByNoDataMigrates() throws Exception {
        String empty = VOID_ONLY.replace("argc > 5 ? 0 : sizeof(struct lzh)", "(size_t)(argc - 1) * 64")
                .replace("decode(d + 1, i);", "if (d->extra) decode(d + 1, i);")
                .replace("report(d);", "if (d->extra) report(d); else printf(\"%d %u\\n\", d->kind, d->crc);");
        assertThat(MigratesLikeGcc.checkEveryStop(work, "empty", empty, 3, 700, 2100)).endsWith("\n");
    }

    /** A struct ending in a flexible array member, allocated {@code sizeof(T) + n * sizeof(elem)}: one struct, as before. */
    @Test
    void aFlexibleArrayMemberStructStillMigrates() throws Exception {
        String fam = """
                #include <stdio.h>
                #include <stdlib.h>
                struct vec { int n; long sum; double v[]; };
                __attribute__((noinline)) static void put(struct vec *w, int i) { w->v[i % w->n] += i * 0.5; w->sum += i; }
                int main(void) {
                  int n = 7;
                  struct vec *w = calloc(1, sizeof(struct vec) + (size_t)n * sizeof(double));
                  w->n = n;
                  for (int i = 0; i < 2000; i++)
                    put(w, i);
                  printf("%d %ld %.1f %.1f\\n", w->n, w->sum, w->v[0], w->v[6]);
                  free(w);
                  return 0;
                }
                """;
        assertThat(MigratesLikeGcc.checkEveryStop(work, "fam", fam, 3, 500, 1500)).startsWith("7 1999000 ");
    }

    /** Two structs of the block's own type, the second reached as {@code v + 1}: an array, carried as before. */
    @Test
    void anArrayOfTheHeaderStructStillMigrates() throws Exception {
        String array = """
                #include <stdio.h>
                #include <stdlib.h>
                struct vec { int n; long cap; };
                __attribute__((noinline)) static void grow(struct vec *w, int i) { w->n += i; w->cap += 2L * i; }
                int main(void) {
                  struct vec *v = calloc(2, sizeof(struct vec));
                  struct vec *w = v + 1;
                  v->n = 3;
                  for (int i = 0; i < 2000; i++)
                    grow(w, i);
                  printf("%d %d %ld\\n", v->n, w->n, w->cap);
                  free(v);
                  return 0;
                }
                """;
        assertThat(MigratesLikeGcc.checkEveryStop(work, "array", array, 3, 7, 500, 1500)).isEqualTo("3 1999000 3998000\n");
    }
}
