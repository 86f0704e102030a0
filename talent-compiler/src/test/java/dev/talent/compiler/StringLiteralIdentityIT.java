package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
}
