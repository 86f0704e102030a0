package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An array initialiser with fewer elements than the array ({@code struct op op[5]} given one or two), which clang's
 * JSON prints under "array_filler" instead of "inner": talent did not see the initialisers at all. unifdef 2.10's
 * precedence table ({@code { eval_table, { { "||", op_or } } }}) left {@code op_or} without an address in the
 * function table, so every checkpoint was refused ("points to function 'op_or', which talent does not know"); a call
 * that may checkpoint in such an initialiser ({@code long v[4] = { work(k), k };}) was no call site, so a checkpoint
 * inside it was written and its restore failed ("the rebuilt call chain reached function 1 (main)").
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PartialArrayInitialisersIT {
    @TempDir
    Path work;

    @Test
    void functionsNamedOnlyInAPartialNestedTableMigrate() throws Exception {
        String ops = """
                #include <stdio.h>
                struct ops;
                typedef long eval_fn(const struct ops *, long);
                static eval_fn eval_a, eval_b;
                static long op_add(long a, long b) { return a + b; }
                static long op_mul(long a, long b) { return a * b; }
                struct op { const char *str; long (*fn)(long, long); };
                struct ops { eval_fn *inner; struct op op[3]; };
                static const struct ops table[] = {
                  { eval_a, { { "+", op_add } } },
                  { eval_b, { { "*", op_mul }, { "x", op_mul } } },
                };
                static long eval_a(const struct ops *o, long v) { return o->op[0].fn(v, 3); }
                static long eval_b(const struct ops *o, long v) { return o->op[1].fn(v, 2); }
                int main(void) {
                  long acc = 1;
                  for (long i = 0; i < 2000; i++) {
                    const struct ops *o = &table[i % 2];
                    acc = o->inner(o, acc) % 1000003;
                  }
                  printf("%ld %s\\n", acc, table[1].op[1].str);
                  return 0;
                }
                """;
        assertThat(MigratesLikeGcc.checkEveryStop(work, "ops", ops, 3, 1, 7, 100, 1500)).isEqualTo("574507 x\n");
    }

    @Test
    void aCallInAPartialLocalArrayInitialiserMigrates() throws Exception {
        String loc = """
                #include <stdio.h>
                static long work(long n) {
                  long s = 0;
                  for (long i = 0; i < n; i++) s += i * i % 7;
                  return s;
                }
                int main(void) {
                  long long acc = 0;
                  for (long k = 0; k < 300; k++) {
                    long v[4] = { work(k), k };
                    acc = (acc * 31 + v[0] + v[1] + v[3]) % 1000000007;
                  }
                  printf("%lld\\n", acc);
                  return 0;
                }
                """;
        assertThat(MigratesLikeGcc.checkEveryStop(work, "loc", loc, 3, 5, 100, 2000, 20000)).isEqualTo("55646764\n");
    }
}
