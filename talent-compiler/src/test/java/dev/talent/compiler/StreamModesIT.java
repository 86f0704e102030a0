package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Survey of 2026-12-03: GNU units 2.22 opens its definitions with fopen(name, "rt") (the Windows text mode, which
 * glibc ignores). The checkpoint recorded the mode as given, and every restore refused it as invalid ("stream mode
 * 'rt' is not valid", no valid checkpoint, exit 66), also on the same ISA. The mode is now recorded without glibc's
 * t, m and c letters.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StreamModesIT {
    @TempDir
    Path work;

    @Test
    void aStreamOpenedInTextModeMigrates() throws Exception {
        String data = work.resolve("numbers.txt").toString();
        String expected = MigratesLikeGcc.check(work, "modes", """
                #include <stdio.h>
                #define DATA "%s"
                int main(void) {
                  FILE *w = fopen(DATA, "wt");
                  if (!w) return 1;
                  for (int i = 0; i < 400; i++) fprintf(w, "%%d\\n", i * 7 %% 101);
                  fclose(w);
                  FILE *in = fopen(DATA, "rtm");
                  if (!in) return 2;
                  long sum = 0, n = 0;
                  int v;
                  while (fscanf(in, "%%d", &v) == 1) { sum = sum * 31 %% 1000003 + v; n++; }
                  fclose(in);
                  printf("n=%%ld sum=%%ld\\n", n, sum);
                  return 0;
                }
                """.formatted(data), 2, 410, 555, 790);
        assertThat(expected).startsWith("n=400 sum=");
    }
}
