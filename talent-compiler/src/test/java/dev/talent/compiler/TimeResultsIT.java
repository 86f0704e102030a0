package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.link;
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
 * Found 2026-12-04: a program that keeps the {@code struct tm *} of gmtime or the string of asctime/ctime across a
 * stop crashed after the restart (exit 139): the pointer pointed into the C library's static storage, which a
 * checkpoint does not know, and was restored indeterminate. The link now wraps gmtime, localtime, asctime and ctime;
 * their results are the runtime's storage, carried as {@code <libc>:time} (the time-zone name as a string). Stopped at
 * chains of visit counts on x86_64 and restarted on s390x, i686 and x86_64-musl, the program prints gcc's output.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TimeResultsIT {
    @TempDir
    Path work;

    @Test
    void pointersToTheStaticResultsOfGmtimeAndAsctimeSurviveARestartOnAnotherIsa() throws Exception {
        String source = """
                #define _DEFAULT_SOURCE
                #include <stdio.h>
                #include <string.h>
                #include <time.h>
                static unsigned work(unsigned n) {
                  unsigned h = 0;
                  for (unsigned i = 0; i < n; i++) h = h * 31 + i;
                  return h;
                }
                int main(void) {
                  time_t x = 86400 * 365 + 3600 * 5 + 17;
                  struct tm *t = gmtime(&x);
                  char *s = asctime(t);
                  const char *zone = t->tm_zone;
                  for (int r = 0; r < 8; r++) {
                    printf("%d %d %d %s %u\\n", t->tm_year, t->tm_yday, t->tm_hour, t->tm_zone, work(1000 + r));
                    if (r == 3) { x += 86400 * 40; gmtime(&x); }
                  }
                  printf("%s%s %d\\n", s, asctime(t), strcmp(zone, t->tm_zone));
                  return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "tm", source);
        assertThat(plain.out()).contains("71 0 5 GMT").contains("71 40 5 GMT")
                .endsWith("Wed Feb 10 05:00:17 1971\nWed Feb 10 05:00:17 1971\n 0\n");

        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "tm", chain, plain);
        // about 1000 site visits per round: stops before and after the second gmtime in round 3
        int[][] stops = {{1, 1500, 1500}, {2500, 2000, 1000}, {5000, 1000, 500}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }
}
