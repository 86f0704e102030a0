package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Survey of 2026-12-03: GNU units 2.22 sets UNITS_SYSTEM with setenv as it starts and reads it back (getenv) while it
 * parses its definitions, and sets its locale. A restart that lost them read 3591 units instead of 3753 and printed
 * other answers, exit 0; then such checkpoints were refused. Now the checkpoint carries what the program changed (the
 * ENVI section) and a restart applies it: these programs, stopped mid-run, go x86_64 → s390x → i686 and print what
 * plain gcc prints, although every host's environment differs from the first's. What cannot be carried is still
 * refused by name: a locale the destination cannot set (exit 65 at the restore), an environ entry without '='.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EnvironmentIT {
    /** x86_64, s390x, i686: the chain of every test here. */
    private static final List<Target> CHAIN = HOPS.subList(0, 3);

    @TempDir
    Path work;

    /** The units-like program: setenv at start, read back later, a variable removed, two getenv pointers kept. */
    private static final String UNITS = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            int main(void) {
              long n = 0;
              const char *home = getenv("KEEP_HOME");     /* a string the process started with */
              setenv("UNITS_SYSTEM", "si", 1);
              unsetenv("DROP_ME");
              const char *kept = getenv("UNITS_SYSTEM");  /* the string setenv made */
              for (int i = 0; i < 100; i++) {
                const char *s = getenv("UNITS_SYSTEM");
                n += s && strcmp(s, "si") == 0 ? 2 : 1;
                n += getenv("DROP_ME") ? 1000 : 0;
                n += (long)(strlen(kept) + strlen(home)) * i;
              }
              printf("%ld %s %s %s %s\\n", n, kept, home, getenv("UNITS_SYSTEM"), getenv("DROP_ME") ? "set" : "unset");
              return 0;
            }
            """;

    /** Reads its locale's character set while it runs: in "C" it counts bytes, in C.UTF-8 characters. */
    private static final String LOCALE = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <locale.h>
            int main(void) {
              long n = 0;
              if (!setlocale(LC_NUMERIC, "C.UTF-8") || !setlocale(LC_CTYPE, "C.UTF-8")) {
                printf("no C.UTF-8\\n");
                return 1;
              }
              const char *s = "h\\xc3\\xa9llo w\\xc3\\xb6rld";
              for (int i = 0; i < 100; i++) {
                size_t len = strlen(s), p;
                int chars = 0, k = 0;
                mblen(NULL, 0);
                for (p = 0; p < len; p += (size_t)(k > 0 ? k : 1), chars++) k = mblen(s + p, len - p);
                n += chars + i;
              }
              printf("%ld %s %d %s\\n", n, setlocale(LC_NUMERIC, NULL), (int)MB_CUR_MAX, localeconv()->decimal_point);
              return 0;
            }
            """;

    @Test
    void environmentChangesAndKeptGetenvPointersMigrate() throws Exception {
        Map<String, String> first = Map.of("KEEP_HOME", "/home/first", "DROP_ME", "1", "UNITS_SYSTEM", "gnu");
        // every later host has other values: the program must still see its own
        Map<String, String> later = Map.of("KEEP_HOME", "/other/host", "DROP_ME", "2", "UNITS_SYSTEM", "imperial");
        String out = chain("units", UNITS, first, later, later, "64550 si /home/first si unset\n");
        assertThat(out).isEqualTo("64550 si /home/first si unset\n");
    }

    @Test
    void aLocaleSetByTheProgramMigratesAndOneTheDestinationCannotSetIsRefused() throws Exception {
        // s390x's static glibc reads big-endian locale files: the host's are x86_64's, so it gets its own (LOCPATH)
        Path be = Files.createDirectories(work.resolve("locale-be"));
        Run def = run(List.of("localedef", "--big-endian", "--no-archive", "-i", "C", "-f", "UTF-8",
                be.resolve("C.UTF-8").toString()), Map.of(), null);
        assertThat(def.rc()).as(def.err()).isIn(0, 1);   // 1: written with warnings
        assertThat(be.resolve("C.UTF-8/LC_CTYPE")).exists();
        Map<String, String> none = Map.of();
        chain("locale", LOCALE, none, Map.of("LOCPATH", be.toString()), none, "6050 C.UTF-8 6 .\n");

        // without those files, s390x cannot set C.UTF-8: the restore ends with exit 65 naming it, never running in "C"
        Path ck = checkpointDir("locale-refused");
        Run stop = run(command(CHAIN.get(0), exe("locale", CHAIN.get(0))),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "30"), null);
        assertThat(stop.rc()).as(stop.err()).isEqualTo(75);
        Run restart = run(command(CHAIN.get(1), exe("locale", CHAIN.get(1))), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                "TALENT_RESTART", "1", "TALENT_RESTORE_FILE", ck.resolve("ckpt-000001.tck").toString()), null);
        assertThat(restart.rc()).as(restart.err()).isEqualTo(65);
        assertThat(restart.err()).contains("cannot restore the locale: the program had set LC_CTYPE to 'C.UTF-8'");
        assertThat(restart.out()).isEmpty();
    }

    @Test
    void anEnvironEntryWithoutEqualsIsStillRefusedAtTheCheckpoint() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "noequals", """
                #include <stdio.h>
                #include <stdlib.h>
                extern char **environ;
                static char *mine[] = {"A=1", "BROKEN", NULL};
                int main(void) {
                  long n = 0;
                  environ = mine;
                  for (int i = 0; i < 100; i++) n += getenv("A") ? 2 : 1;
                  printf("%ld\\n", n);
                  return 0;
                }
                """, 50);
        assertThat(r.err()).contains("the program's environment holds an entry without '=' ('BROKEN')");
    }

    /**
     * A buffer of the program's own given to putenv is the variable itself: a later write to it changes what getenv
     * returns. A restart that set the value again would lose that link and print "a" where plain gcc prints "b":
     * refused by name. A string literal given to putenv is carried.
     */
    @Test
    void aBufferGivenToPutenvIsRefusedByName() throws Exception {
        Run r = MigratesLikeGcc.refusedAt(work, "putenv", """
                #include <stdio.h>
                #include <stdlib.h>
                static char mode[16] = "MODE=a";
                int main(void) {
                  long n = 0;
                  putenv(mode);
                  putenv("LIT=1");
                  for (int i = 0; i < 100; i++) {
                    if (i == 60) mode[5] = 'b';
                    n += getenv("MODE")[0] + (getenv("LIT") ? 1 : 0);
                  }
                  printf("%ld %s\\n", n, getenv("MODE"));
                  return 0;
                }
                """, 30);
        assertThat(r.err()).contains("environment variable 'MODE' is a buffer of the program's own that it gave putenv");
        assertThat(r.out()).isEqualTo("9840 b\n");
    }

    private final Map<String, List<Path>> exes = new HashMap<>();

    private Path exe(String name, Target t) {
        return exes.get(name).get(CHAIN.indexOf(t));
    }

    private Path checkpointDir(String name) throws Exception {
        Path ck = MigrationHops.checkpointDir(work.resolve(name + "-ck"));
        return ck;
    }

    /**
     * Builds source with plain gcc and talent (x86_64, s390x, i686), checks plain gcc and the uninterrupted run print
     * expected (in the first host's environment), then runs it stopped after 30 visits on x86_64, restarted and
     * stopped after 30 more on s390x, restarted to the end on i686, each in its own environment: the three outputs
     * together must be expected too. Returns that output.
     */
    private String chain(String name, String source, Map<String, String> envX86, Map<String, String> envS390x,
                         Map<String, String> envI686, String expected) throws Exception {
        Path src = work.resolve(name + ".c");
        Files.writeString(src, source);
        Path orig = work.resolve(name + ".orig");
        Run gcc = run(List.of("gcc", "-O2", "-o", orig.toString(), src.toString()), Map.of(), null);
        assertThat(gcc.rc()).as(gcc.err()).isZero();
        assertThat(run(List.of(orig.toString()), envX86, null).out()).as("plain gcc").isEqualTo(expected);
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(src), List.of(), work.resolve("out-" + name), name));
        List<Path> built = new ArrayList<>();
        for (Target t : CHAIN) built.add(link(t, r, work.resolve(name + "." + t.name())));
        exes.put(name, built);
        Run straight = run(command(CHAIN.get(0), built.get(0)), envX86, null);
        assertThat(straight.out()).as("uninterrupted\n" + straight.err()).isEqualTo(expected);

        Path ck = checkpointDir(name);
        List<Map<String, String>> envs = List.of(envX86, envS390x, envI686);
        StringBuilder out = new StringBuilder();
        for (int hop = 0; hop < CHAIN.size(); hop++) {
            Map<String, String> env = new HashMap<>(envs.get(hop));
            env.put("TALENT_CHECKPOINT_DIR", ck.toString());
            if (hop > 0) env.put("TALENT_RESTART", "1");
            boolean last = hop == CHAIN.size() - 1;
            if (!last) env.put("TALENT_STOP_AFTER", "30");
            Run step = run(command(CHAIN.get(hop), built.get(hop)), env, null);
            out.append(step.out());
            assertThat(step.rc()).as("hop " + hop + " on " + CHAIN.get(hop).name() + ":\n" + step.err())
                    .isEqualTo(last ? 0 : 75);
        }
        assertThat(out.toString()).as("x86_64 → s390x → i686").isEqualTo(expected);
        return out.toString();
    }
}
