package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A character pushed back with ungetc on a stream of a regular file, held across a checkpoint. talent carries the
 * stream's position (ftello, which is before the pushed-back character), so a pushed-back character that is not the
 * file's byte there was lost: found by hand, a reader putting back ';' for each ',' and reading it after a loop printed
 * other sums after a restart, on the same ISA too, with exit 0. Now such a checkpoint is refused and the program goes
 * on; the usual lexer's ungetc of the character it just read migrates across ISAs.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StreamPushbackIT {
    @TempDir
    Path work;

    Path input;

    @BeforeEach
    void writeInput() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) text.append(i * 7).append("+-*,".charAt(i % 4));
        input = Files.writeString(work.resolve("in.txt"), text.toString());
    }

    @Test
    void anotherCharacterPushedBackAtTheCheckpointIsRefusedAndTheProgramGoesOn() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "other", """
                #include <stdio.h>
                static unsigned long spin(int n) { unsigned long s = 0; for (int k = 0; k < n; k++) s += (unsigned long)k * k; return s; }
                int main(void) {
                  FILE *f = fopen("INPUT", "r");
                  unsigned long acc = 0; int c, n = 0;
                  if (!f) return 2;
                  while ((c = fgetc(f)) != EOF) {
                    if (c == '+') { ungetc(';', f); acc += spin(3); c = fgetc(f); n++; }
                    acc = (acc * 31 + (unsigned)c) & 0xffffffffUL;
                  }
                  printf("n %d acc %lu\\n", n, acc);
                  fclose(f);
                  return 0;
                }
                """.replace("INPUT", input.toString()), 3);
        assertThat(stopped.err()).contains("holds a character pushed back with ungetc (59) that is not the file's byte at its"
                + " position 1 (43)");
    }

    @Test
    void theCharacterJustReadPushedBackMigrates() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "lexer", """
                #include <stdio.h>
                #include <ctype.h>
                static long number(FILE *f) {
                  long v = 0; int c;
                  while ((c = fgetc(f)) != EOF && isdigit(c)) v = v * 10 + (c - '0');
                  if (c != EOF) ungetc(c, f);
                  return v;
                }
                int main(void) {
                  FILE *f = fopen("INPUT", "r");
                  unsigned long acc = 0; int c, n = 0;
                  if (!f) return 2;
                  while ((c = fgetc(f)) != EOF) {
                    if (isdigit(c)) { ungetc(c, f); acc = (acc * 31 + (unsigned long)number(f)) & 0xffffffffUL; n++; }
                    else acc = (acc ^ (unsigned)c) * 3 & 0xffffffffUL;
                    if (n % 1000 == 999 && !isdigit(c)) printf("n %d acc %lu at %ld\\n", n, acc, ftell(f));
                  }
                  printf("n %d acc %lu\\n", n, acc);
                  fclose(f);
                  return 0;
                }
                """.replace("INPUT", input.toString()), 3, 2, 7, 300, 2000, 9000);
        assertThat(out).contains("n 3000 acc ");
    }
}
