package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CheckpointWriter;
import dev.talent.format.GlobalVar;
import dev.talent.format.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attributes of the process that the program set and that a restarted process would otherwise take from whoever starts
 * it. Found 2026-12-06 (h/hunt3): a program that sets its file mode creation mask ({@code umask(027)}, as daemons and
 * tools that write private files do) and creates a file after a stop got the restarted process's mask instead: the
 * file came out {@code 644} where gcc's build makes it {@code 640}, and {@code umask} returned {@code 22}, exit 0. The
 * mask is process state the C library neither keeps nor the restarted process inherits; the checkpoint now carries it
 * as {@code <libc>:umask} while it differs from the one the process started with, and the restore sets it again. The
 * same for resource limits: {@code setrlimit(RLIMIT_NOFILE)} to 77 and {@code RLIMIT_CORE} to 0 read back after a
 * restart as the starting process's ({@code nofile=20000 core=unlimited}), exit 0; carried as {@code <libc>:rlimits}.
 * And the floating-point environment: after {@code fesetround(FE_UPWARD)} a restarted program rounded to nearest
 * ({@code acc=0x1.124924924924bp+2} for gcc's {@code ...cp+2}), exit 0; carried as {@code <libc>:fenv} with the raised
 * exception flags. And the nice value ({@code nice(3)} read back as 0) and the process name ({@code prctl(PR_SET_NAME)}
 * read back as the restarted binary's or qemu's), carried as {@code <libc>:nice} and {@code <libc>:comm}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ProcessAttributesIT {
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

    @Test
    void theResourceLimitsTheProgramSetAreTheRestartedProgramsOnAnotherIsa() throws Exception {
        String source = """
                #include <stdio.h>
                #include <sys/resource.h>
                static unsigned work(unsigned n) {
                  unsigned h = 7;
                  for (unsigned i = 0; i < n; i++) h = h * 31 + i;
                  return h;
                }
                static void show(unsigned r, unsigned h) {
                  struct rlimit n, c;
                  getrlimit(RLIMIT_NOFILE, &n);
                  getrlimit(RLIMIT_CORE, &c);
                  printf("%u nofile=%llu core=%llu/%s %u\\n", r, (unsigned long long)n.rlim_cur,
                         (unsigned long long)c.rlim_cur, c.rlim_max == RLIM_INFINITY ? "inf" : "0", h);
                }
                int main(void) {
                  struct rlimit n, c = {0, 0};
                  getrlimit(RLIMIT_NOFILE, &n);
                  n.rlim_cur = 77;
                  setrlimit(RLIMIT_NOFILE, &n);
                  unsigned h = 0;
                  for (unsigned r = 0; r < 8; r++) {
                    h += work(1000 + r);
                    if (r == 4) { c.rlim_cur = 0; setrlimit(RLIMIT_CORE, &c); n.rlim_cur = 64; setrlimit(RLIMIT_NOFILE, &n); }
                    show(r, h);
                  }
                  return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "rl", source);
        assertThat(plain.out()).startsWith("0 nofile=77 ").contains("\n5 nofile=64 core=0/0 ");

        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "rl", chain, plain);
        int[][] stops = {{1, 1500, 1500}, {2500, 2500, 1000}, {5500, 1000, 500}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }

    @Test
    void theRoundingModeAndTheRaisedFlagsAreTheRestartedProgramsOnAnotherIsa() throws Exception {
        String source = """
                #include <fenv.h>
                #include <stdio.h>
                static double work(unsigned n, double x) {
                  for (unsigned i = 0; i < n; i++) x = x / 3.0 + 1.0 / 7.0;
                  return x;
                }
                int main(void) {
                  volatile double zero = 0.0;
                  fesetround(FE_UPWARD);
                  feclearexcept(FE_ALL_EXCEPT);
                  double acc = 0;
                  for (unsigned r = 0; r < 8; r++) {
                    acc += work(1000 + r, (double)r);
                    if (r == 4) { fesetround(FE_TOWARDZERO); volatile double q = 1.0 / zero; (void)q; }
                    printf("%u %d %d %a\\n", r, fegetround() == FE_UPWARD ? 1 : fegetround() == FE_TOWARDZERO ? 2 : 0,
                           fetestexcept(FE_DIVBYZERO) != 0, acc);
                  }
                  return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "fe", source);
        assertThat(plain.out()).startsWith("0 1 0 ").contains("\n4 2 1 ").contains("\n7 2 1 ");

        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "fe", chain, plain);
        int[][] stops = {{1, 1500, 1500}, {2500, 2500, 1000}, {5500, 1000, 500}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }

    @Test
    void theNiceValueAndTheNameTheProgramSetAreTheRestartedProgramsOnAnotherIsa() throws Exception {
        String source = """
                #define _GNU_SOURCE
                #include <stdio.h>
                #include <unistd.h>
                #include <sys/prctl.h>
                #include <sys/resource.h>
                static unsigned work(unsigned n) {
                  unsigned h = 7;
                  for (unsigned i = 0; i < n; i++) h = h * 31 + i;
                  return h;
                }
                int main(void) {
                  int start = getpriority(PRIO_PROCESS, 0);
                  prctl(PR_SET_NAME, "worker-7", 0, 0, 0);
                  if (nice(3) == -1) return 2;
                  unsigned h = 0;
                  for (unsigned r = 0; r < 8; r++) {
                    h += work(1000 + r);
                    if (r == 4) { prctl(PR_SET_NAME, "worker-8", 0, 0, 0); if (nice(2) == -1) return 3; }
                    char name[17] = {0};
                    prctl(PR_GET_NAME, name, 0, 0, 0);
                    printf("%u %s %d %u\\n", r, name, getpriority(PRIO_PROCESS, 0) - start, h);
                  }
                  return 0;
                }
                """;
        Run plain = MigratesLikeGcc.plainGcc(work, "pr", source);
        assertThat(plain.out()).startsWith("0 worker-7 3 ").contains("\n5 worker-8 5 ");

        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "pr", chain, plain);
        int[][] stops = {{1, 1500, 1500}, {2500, 2500, 1000}, {5500, 1000, 500}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }

    /**
     * A checkpoint is hostile input: each carried attribute forged out of its range (a mask above 0777, a limit bit no
     * platform has, a nice value outside -20..19, a name without its NUL, a rounding mode that does not exist) ends the
     * restart naming it, before the program runs, never set as it came.
     */
    @Test
    void forgedAttributesEndTheRestartByName() throws Exception {
        String source = """
                #define _GNU_SOURCE
                #include <fenv.h>
                #include <stdio.h>
                #include <unistd.h>
                #include <sys/prctl.h>
                #include <sys/resource.h>
                #include <sys/stat.h>
                static unsigned work(unsigned n) {
                  unsigned h = 7;
                  for (unsigned i = 0; i < n; i++) h = h * 31 + i;
                  return h;
                }
                int main(void) {
                  struct rlimit n;
                  getrlimit(RLIMIT_NOFILE, &n);
                  n.rlim_cur = 77;
                  setrlimit(RLIMIT_NOFILE, &n);
                  umask(027);
                  prctl(PR_SET_NAME, "worker-7", 0, 0, 0);
                  if (nice(3) == -1) return 2;
                  fesetround(FE_UPWARD);
                  unsigned h = 0;
                  for (unsigned r = 0; r < 8; r++) h += work(1000 + r);
                  printf("%u\\n", h);
                  return 0;
                }
                """;
        Files.writeString(work.resolve("forged.c"), source);
        Target x86 = HOPS.getFirst();
        Path exe = MigrationHops.link(x86, MigratesLikeGcc.compiled(work, "forged"), work.resolve("forged.x86_64"));
        Path ck = MigrationHops.checkpointDir(work.resolve("ck"));
        Run first = MigrationHops.run(MigrationHops.command(x86, exe),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "3000"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Path file = CheckpointDirectory.list(ck).getFirst().file();
        byte[] taken = Files.readAllBytes(file);
        Run honest = MigrationHops.run(MigrationHops.command(x86, exe),
                Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(honest.rc()).as(honest.err()).isZero();

        Map<String, UnaryOperator<Value>> forgeries = Map.of(
                "<libc>:umask", v -> Value.IntValue.of(01000),
                "<libc>:rlimits", v -> {
                    List<Value> f = new ArrayList<>(((Value.StructValue) v).fields());
                    f.set(0, Value.IntValue.of(1L << 9));
                    return new Value.StructValue(f);
                },
                "<libc>:nice", v -> Value.IntValue.of(40),
                "<libc>:comm", v -> new Value.ArrayValue(Collections.nCopies(16, Value.IntValue.of('A'))),
                "<libc>:fenv", v -> new Value.StructValue(List.of(Value.IntValue.of(7), Value.IntValue.of(0))));
        Map<String, String> said = Map.of(
                // refused when the file is loaded (libc_check.c), as the Java reader refuses them
                "<libc>:umask", "global <libc>:umask: not an integer 0 to 0777",
                "<libc>:rlimits", "global <libc>:rlimits: changed is not an integer 0 to 511",
                "<libc>:nice", "global <libc>:nice: not an integer -20 to 19",
                "<libc>:comm", "global <libc>:comm: not NUL-terminated",
                "<libc>:fenv", "global <libc>:fenv: round is not an integer 0 to 3");
        for (Map.Entry<String, UnaryOperator<Value>> forgery : forgeries.entrySet()) {
            Checkpoint c = CheckpointReader.read(taken, file.getFileName().toString());
            List<GlobalVar> globals = new ArrayList<>();
            boolean found = false;
            for (GlobalVar g : c.globals()) {
                if (g.key().equals(forgery.getKey())) {
                    found = true;
                    g = new GlobalVar(g.key(), g.name(), g.declPos(), g.type(), forgery.getValue().apply(g.value()));
                }
                globals.add(g);
            }
            assertThat(found).as("the stop carries " + forgery.getKey()).isTrue();
            Files.write(file, CheckpointWriter.write(new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(),
                    c.heap(), c.files(), c.pendingWait())));
            Run forged = MigrationHops.run(MigrationHops.command(x86, exe),
                    Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
            assertThat(forged.rc()).as(forgery.getKey() + ": " + forged.err()).isIn(65, 66);
            assertThat(forged.out()).as(forgery.getKey()).isEmpty();
            assertThat(forged.err()).as(forgery.getKey()).contains(said.get(forgery.getKey()));
        }
    }
}
