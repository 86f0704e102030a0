package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * IndeterminatePointers alone on locals other than pointers (docs/CODEGEN.md "Locals not yet written"): a saved
 * scalar starts as 0, a saved struct, union or array is zeroed after its declaration (up to a size), everything else
 * stays as written; and the whole instrumented unit compiled with -Wall -Wextra -Werror.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IndeterminateLocalsTest {
    @TempDir
    Path dir;

    private String zeroed(String source) {
        var e = OneEmitter.of(dir, source);
        IndeterminatePointers zero = new IndeterminatePointers(e.plan, e.unit.types());
        for (var f : e.unit.functions()) zero.emit(f);
        return e.text();
    }

    static final String PROGRAM = """
            struct st { long long size; char *name; };
            union un { char c; double d; };
            enum colour { RED, GREEN };
            static long work(long n) { long s = 0; for (long i = 0; i < n; i++) s += i; return s; }
            int main(int argc, char **argv) {
              struct st st; union un u; int a[4], big[1000]; long n; enum colour c; register int r;
              static int calls; const struct st fixed; double unsaved;
              int vla[argc];
              unsaved = 1.5;
              r = (int) unsaved;
              if (argc > 1) { st.size = work(argc); st.name = argv[0]; u.d = 1; a[0] = 1; n = 2; c = GREEN; r = 3; }
              vla[0] = 0;
              long t = work(3);
              if (argc > 1) return (int) (st.size + (st.name != 0) + u.c + a[0] + big[0] + n + c + r + calls + vla[0]
                                          + fixed.size + t);
              return 0;
            }
            """;


    @Test
    void savedLocalsWithoutInitialiserStartAsZero() {
        assertThat(zeroed(PROGRAM).lines().skip(5).limit(2)).containsExactly(
                "  struct st st; if (sizeof st <= 256) __builtin_memset(&st, 0, sizeof st);"
                        + " union un u; if (sizeof u <= 256) __builtin_memset(&u, 0, sizeof u);"
                        + " int a[4], big[1000]; if (sizeof a <= 256) __builtin_memset(&a, 0, sizeof a);"
                        + " if (sizeof big <= 256) __builtin_memset(&big, 0, sizeof big);"
                        + " long n = 0; enum colour c = 0; register int r = 0;",
                // not automatic, const (memset would drop the qualifier), not saved at any point
                "  static int calls; const struct st fixed; double unsaved;");
    }

    @Test
    void aVariableLengthArrayAndAForHeaderStayAsWritten() {
        String out = zeroed(PROGRAM + """
                int f(int n) { int s; for (int i; n > 0; n--) { i = n; s = i; work(n); } return s; }
                """);
        assertThat(out).contains("  int vla[argc];\n", "{ int s = 0; for (int i; n > 0; n--)", "int vla[argc];\n");
    }

    @Test
    void theInstrumentedProgramCompilesWithoutWarnings() {
        CProgram p = CProgram.in(dir).file("a.c", PROGRAM);
        assertThat(p.instrumented("a.c")).contains("__builtin_memset(&st, 0, sizeof st);", "long n = 0;");
        p.compilesWithGcc("a.c");
    }
}
