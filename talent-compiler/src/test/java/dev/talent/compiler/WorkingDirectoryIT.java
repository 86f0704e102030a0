package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The working directory is not carried by a checkpoint. Found with cksfv ({@code cksfv -C DIR -f list.sfv}, which
 * changes into DIR and opens each file by its relative name): stopped after 1000 or more visits and restarted on
 * any ISA, the same one too, every later file was "No such file or directory" and it exited 1 instead of printing
 * the checksums. Now a checkpoint while the program is in another directory than it started in is refused, the
 * program going on; one after it came back migrates.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WorkingDirectoryIT {
    @TempDir
    Path work;

    @Test
    void aCheckpointAfterAChdirIsRefusedAndTheProgramGoesOn() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "chdir", """
                #include <stdio.h>
                #include <unistd.h>
                int main(void) {
                  char name[64];
                  unsigned h = 0;
                  long sum = 0, v;
                  snprintf(name, sizeof name, "talent-cwd-it-%ld.txt", (long)getpid());
                  if (chdir("/tmp") != 0) return 2;
                  FILE *f = fopen(name, "w");
                  if (!f) return 3;
                  for (int i = 0; i < 200; i++) fprintf(f, "%d\\n", i * 7);
                  fclose(f);
                  for (int i = 0; i < 2000; i++) h = h * 31 + (unsigned)i;
                  f = fopen(name, "r");
                  if (!f) { printf("cannot reopen %s\\n", name); return 1; }
                  while (fscanf(f, "%ld", &v) == 1) sum += v;
                  fclose(f);
                  remove(name);
                  printf("h %u sum %ld\\n", h, sum);
                  return 0;
                }
                """, 900);
        assertThat(stopped.err()).contains("the program changed its working directory").contains("'/tmp'");
    }

    @Test
    void aCheckpointAfterReturningToTheStartingDirectoryMigrates() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "back", """
                #include <stdio.h>
                #include <fcntl.h>
                #include <unistd.h>
                int main(void) {
                  unsigned h = 0;
                  int here = open(".", O_RDONLY);
                  if (here < 0 || chdir("/") != 0) return 2;
                  h = (unsigned)access("tmp", F_OK) + 5u;
                  if (fchdir(here) != 0) return 3;
                  close(here);
                  for (int i = 0; i < 2000; i++) h = h * 31 + (unsigned)i;
                  printf("h %u\\n", h);
                  return 0;
                }
                """, 3, 5, 900);
        assertThat(out).startsWith("h ");
    }
}
