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
 * Survey of 2026-12-03: GNU ed keeps its last pattern in a global regex_t, and talent refused the build (a C library
 * type with private members). A regex_t holds the C library's pointers to its automaton: its bytes mean nothing in
 * another process. The runtime now wraps regcomp and regfree, carries each compiled regex_t's pattern and flags and
 * compiles it again at the restore, on the restoring platform's C library (regexes.c). A program with a global and a
 * heap regex_t, one compiled again with another pattern half way, stopped at chains of visit counts on x86_64 and
 * restarted on s390x, i686 and x86_64-musl prints what plain gcc's build prints; a copy of a compiled regex_t is
 * refused by name.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RegexIT {
    @TempDir
    Path work;

    private static final String WORDS = """
            #include <regex.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            static const char *words[] = {"alpha", "Beta", "gamma42", "delta", "EPSILON", "zeta9", "eta", "theta"};
            static unsigned work(unsigned n) {
              unsigned h = 0;
              for (unsigned i = 0; i < n; i++) h = h * 31 + i;
              return h;
            }
            """;

    @Test
    void compiledExpressionsInStaticStorageAndTheHeapMatchAfterARestartOnAnotherIsa() throws Exception {
        String source = WORDS + """
                static regex_t store;
                struct finder { int hits; regex_t re; };
                int main(void) {
                  struct finder *f = malloc(sizeof *f);
                  f->hits = 0;
                  if (regcomp(&store, "^[a-z]+[0-9]$", REG_EXTENDED | REG_NOSUB) != 0) return 1;
                  if (regcomp(&f->re, "(e)(t|p)", REG_EXTENDED | REG_ICASE) != 0) return 2;
                  for (int r = 0; r < 12; r++) {
                    const char *w = words[r % 8];
                    regmatch_t m[3];
                    int a = regexec(&store, w, 0, NULL, 0) == 0;
                    int b = regexec(&f->re, w, 3, m, 0) == 0;
                    if (b) f->hits++;
                    printf("%s %d %d %d %d %u\\n", w, a, b, b ? (int) m[2].rm_so : -1, (int) f->re.re_nsub, work(1000 + r));
                    if (r == 5) {
                      regfree(&store);
                      if (regcomp(&store, "^.?.?.?a$", REG_EXTENDED) != 0) return 3;
                    }
                  }
                  regfree(&f->re);
                  printf("hits=%d\\n", f->hits);
                  return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "re", source);
        assertThat(plain.out()).contains("gamma42 0 0 -1 2").contains("zeta9 1 1 2 2").endsWith("hits=6\n");

        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "re", chain, plain);
        // about 1000 site visits per round: stops before and after the recompilation in round 5
        int[][] stops = {{1, 2000, 2000}, {3000, 3000, 1000}, {6500, 1500, 1000}, {9000, 1000, 500}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }

    /**
     * A regex_t local to a function (compiled and freed there) was refused at every checkpoint while compiled: frames
     * are encoded from the copies made while unwinding, and the copy's address is not the one regcomp compiled. The
     * copy is now looked up at the variable's address; stopped on x86_64, restarted on s390x and stopped again,
     * finished on i686 (and x86_64-musl), and kept running through a checkpoint every 97 visits (restored in this
     * process: the local gets back the automaton it had), the program prints plain gcc's output.
     */
    @Test
    void aLocalRegexMigratesAndKeepsRunningThroughCheckpoints() throws Exception {
        String source = WORDS + """
                static unsigned scan(const char *pat, int flags) {
                  regex_t re;
                  unsigned hits = 0, h = 0;
                  char buf[32];
                  if (regcomp(&re, pat, flags) != 0) return 0;
                  for (int r = 0; r < 40; r++) {
                    regmatch_t m[2];
                    snprintf(buf, sizeof buf, "%s%dx%d", words[r % 8], r, r * 7);
                    if (regexec(&re, buf, 2, m, 0) == 0) hits += 1 + (unsigned)m[0].rm_so;
                    h = h * 3 + work(200 + (unsigned)r);
                  }
                  regfree(&re);
                  return hits * 1000003u + h;
                }
                int main(void) {
                  printf("%u\\n", scan("[a-z]+[0-9]*5x", REG_EXTENDED));
                  printf("%u\\n", scan("^(e|z)", REG_EXTENDED | REG_ICASE));
                  return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "local", source);
        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "local", chain, plain);
        int[][] stops = {{50, 3000, 2000}, {4000, 6000, 500}, {9000, 1000, 100}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
        Path ck = java.nio.file.Files.createDirectories(work.resolve("every"));
        Run kept = MigrationHops.run(MigrationHops.command(chain.getFirst(), exes.getFirst()),
                java.util.Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_EVERY_VISITS", "97"), null);
        assertThat(kept.rc()).as(kept.err()).isZero();
        assertThat(kept.err()).doesNotContain("refused");
        assertThat(kept.out()).isEqualTo(plain.out());
    }

    /** A copy of a compiled regex_t holds the C library's pointers talent cannot carry: refused, naming it. */
    @Test
    void aCopyOfACompiledRegexIsRefusedByName() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "copy", WORDS + """
                static regex_t store, copy;
                int main(void) {
                  if (regcomp(&store, "^[a-z]+$", REG_EXTENDED | REG_NOSUB) != 0) return 1;
                  memcpy(&copy, &store, sizeof copy);
                  for (int r = 0; r < 10; r++) printf("%d %u\\n", regexec(&copy, words[r % 8], 0, NULL, 0), work(1000 + r));
                  return 0;
                }
                """, 3000);
        assertThat(r.err()).contains("regex_t 'copy'").contains("that regcomp did not compile at its address");
    }
}
