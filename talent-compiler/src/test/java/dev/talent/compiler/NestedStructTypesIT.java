package dev.talent.compiler;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Struct types nested in one another, more of them than the runtime's per-type plan caches have slots: a global
 * of {@code struct s0}, which holds an {@code int}, a {@code struct s1} and another {@code int}, down to
 * {@code struct s69}. With 70 types on one chain, at least two share a cache slot, and the outer one's members
 * after the nested one are still encoded and decoded by its own plan. Stopped and restarted across ISAs, the
 * program prints what plain gcc's build prints.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NestedStructTypesIT {
    static final int DEPTH = 70;

    @TempDir
    Path work;

    static String program() {
        StringBuilder c = new StringBuilder("#include <stdio.h>\n");
        c.append("struct s").append(DEPTH).append(" { int a; short b; };\n");
        for (int k = DEPTH - 1; k >= 0; k--)
            c.append("struct s").append(k).append(" { int a; struct s").append(k + 1).append(" n; int b; };\n");
        c.append("static struct s0 g;\n");
        c.append("static unsigned long long sum(void) {\n  unsigned long long h = 0;\n");
        // the innermost pair, then each level's a and b, folded in order
        StringBuilder path = new StringBuilder("g");
        for (int k = 0; k < DEPTH; k++) {
            c.append("  h = h * 31 + (unsigned)").append(path).append(".a + 7u * (unsigned)").append(path).append(".b;\n");
            path.append(".n");
        }
        c.append("  h = h * 31 + (unsigned)").append(path).append(".a + (unsigned short)").append(path).append(".b;\n");
        c.append("  return h;\n}\n");
        c.append("static void bump(int r) {\n");
        path.setLength(0);
        path.append("g");
        for (int k = 0; k < DEPTH; k++) {
            c.append("  ").append(path).append(".a += r + ").append(k).append("; ").append(path).append(".b -= r * ")
                    .append(k + 1).append(";\n");
            path.append(".n");
        }
        c.append("  ").append(path).append(".a ^= r; ").append(path).append(".b = (short)(").append(path)
                .append(".b + r);\n}\n");
        c.append("""
                int main(void) {
                  for (int r = 1; r <= 40; r++) {
                    bump(r);
                    printf("%d %llu\\n", r, sum());
                  }
                  return 0;
                }
                """);
        return c.toString();
    }

    @Test
    void membersAfterANestedStructOfAnotherTypeAreRestoredAcrossIsas() throws Exception {
        MigratesLikeGcc.check(work, "nested", program(), 5, 3, 17, 40, 66, 79);
    }
}
