package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pointer to a string literal is restored to the same literal of the restoring binary, not to a copy: programs
 * compare such pointers by address (a sentinel string kept in a const global, identical literals that gcc merges).
 * Found by hand: restored as a heap copy of the text, {@code cur == NONE} became false after a restart and the
 * program printed other counts with exit 0 (on the same ISA too).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StringLiteralIdentityIT {
    @TempDir
    Path work;

    static final String SENTINELS = """
            #include <stdio.h>
            #include <string.h>
            static const char *const NONE = "(none)";
            static const char *mode = "(none)";
            static const char *names[] = { "alpha", "(none)", "beta", "pha" };
            int main(void) {
              const char *cur = NONE;
              const char *tail = "hello world" + 6;
              long n = 0;
              for (int i = 0; i < 3000; i++) {
                if (i % 7 == 0) cur = NONE;
                else if (i % 7 == 3) cur = names[i % 4];
                if (i == 1500) mode = "beta";
                n += (cur == NONE) + 2 * (mode == NONE) + 4 * (cur == names[1]) + 8 * (mode == names[2])
                     + 16 * (strcmp(tail, "world") == 0) + (long)strlen(cur);
                if (i % 500 == 0) printf("i=%d n=%ld cur=%s mode=%s\\n", i, n, cur, mode);
              }
              printf("n=%ld cur=%s mode=%s tail=%s\\n", n, cur, mode, tail);
              return 0;
            }
            """;

    @Test
    void pointersToLiteralsStayEqualToTheLiteralsAfterARestore() throws Exception {
        String expected = MigratesLikeGcc.check(work, "sentinels", SENTINELS, 3, 1, 2, 800, 2000);
        assertThat(expected).contains("n=");
    }

    /**
     * Written on s390x, where literals are 2-byte aligned and the first may follow an object whose last byte is no NUL:
     * the text kept from the previous NUL starts with that byte, and the literal is found as its suffix on x86_64.
     */
    @Test
    void pointersToLiteralsWrittenOnS390xStayEqualToTheLiteralsOnX86() throws Exception {
        Path src = work.resolve("sentinels.c");
        Files.writeString(src, SENTINELS);
        Path orig = work.resolve("sentinels.orig");
        assertThat(MigrationHops.run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null).rc()).isZero();
        Run plain = MigrationHops.run(List.of(orig.toString()), Map.of(), null);
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out"), "sentinels"));
        Target x86 = MigrationHops.HOPS.getFirst();
        Target s390x = MigrationHops.HOPS.get(1);
        assertThat(s390x.name()).isEqualTo("s390x");
        List<Target> chain = List.of(s390x, x86);
        List<Path> exes = List.of(MigrationHops.link(s390x, r, work.resolve("sentinels.s390x")),
                MigrationHops.link(x86, r, work.resolve("sentinels.x86_64")));
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{1}, {800}, {2000}}, plain);
    }
}
