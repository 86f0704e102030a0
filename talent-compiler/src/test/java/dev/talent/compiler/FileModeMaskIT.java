package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found 2026-12-06 (h/hunt3): a program that sets its file mode creation mask ({@code umask(027)}, as daemons and
 * tools that write private files do) and creates a file after a stop got the restarted process's mask instead: the
 * file came out {@code 644} where gcc's build makes it {@code 640}, and {@code umask} returned {@code 22}, exit 0. The
 * mask is process state the C library neither keeps nor the restarted process inherits; the checkpoint now carries it
 * as {@code <libc>:umask} while it differs from the one the process started with, and the restore sets it again.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FileModeMaskIT {
    @TempDir
    Path work;

    @Test
    void theMaskTheProgramSetIsTheRestartedProgramsOnAnotherIsa() throws Exception {
        String source = """
                #include <stdio.h>
                #include <sys/stat.h>
                #include <fcntl.h>
                #include <unistd.h>
                static unsigned work(unsigned n) {
                  unsigned h = 7;
                  for (unsigned i = 0; i < n; i++) h = h * 31 + i;
                  return h;
                }
                static unsigned made(const char *path) {
                  struct stat st;
                  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0666);
                  if (fd < 0 || fstat(fd, &st) != 0) return 9999;
                  close(fd);
                  unlink(path);
                  return (unsigned)(st.st_mode & 0777);
                }
                int main(void) {
                  const char *path = "%s";
                  umask(022);
                  unsigned first = made(path);
                  mode_t old = umask(027);
                  unsigned h = 0;
                  for (unsigned r = 0; r < 8; r++) {
                    h += work(1000 + r);
                    if (r == 4) umask(077);
                    printf("%%u %%o %%u\\n", r, made(path), h);
                  }
                  printf("first %%o old %%o now %%o\\n", first, (unsigned)old, (unsigned)umask(0));
                  return 0;
                }
                """.formatted(work.resolve("made.txt").toString());
        Run plain = MigratesLikeGcc.plainGcc(work, "um", source);
        assertThat(plain.out()).contains("0 640 ").contains("5 600 ").endsWith("first 644 old 22 now 77\n");

        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "um", chain, plain);
        // about 1000 site visits per round: stops before and after the second umask in round 4
        int[][] stops = {{1, 1500, 1500}, {2500, 2500, 1000}, {5500, 1000, 500}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }
}
