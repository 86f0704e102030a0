package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Survey of 2026-12-03: GNU units 2.22 sets UNITS_SYSTEM with setenv as it starts and reads it back (getenv) while it
 * parses its definitions. A checkpoint does not carry the environment, so a restart (x86_64 to x86_64 too) read
 * 3591 units instead of 3753 and printed other answers, exit 0. A checkpoint of a program that changed its
 * environment is now refused, naming the variable.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EnvironmentIT {
    @TempDir
    Path work;

    @Test
    void aProgramThatChangedItsEnvironmentIsRefusedAtTheCheckpoint() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "env", """
                #include <stdio.h>
                #include <stdlib.h>
                #include <string.h>
                int main(void) {
                  long n = 0;
                  setenv("UNITS_SYSTEM", "si", 1);
                  for (int i = 0; i < 100; i++) {
                    const char *s = getenv("UNITS_SYSTEM");
                    n += s && strcmp(s, "si") == 0 ? 2 : 1;
                  }
                  printf("%ld\\n", n);
                  return 0;
                }
                """, 50);
        assertThat(r.err()).contains("changed its environment variable 'UNITS_SYSTEM'").contains("does not carry the environment");
    }
}
