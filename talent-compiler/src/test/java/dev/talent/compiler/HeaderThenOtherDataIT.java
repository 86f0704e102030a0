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
