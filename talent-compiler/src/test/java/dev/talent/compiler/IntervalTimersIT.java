package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.checkpointDir;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CheckpointWriter;
import dev.talent.format.CorruptCheckpointException;
import dev.talent.format.GlobalVar;
import dev.talent.format.TypeDesc;
import dev.talent.format.Value;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interval timers (alarm, setitimer) armed at a checkpoint are carried (the global {@code <libc>:itimers},
 * itimers.c): the restart arms each again with its remaining value and interval as of the checkpoint. Found by hand
 * first: a program that loops until its SIGALRM handler sets a flag, stopped and restarted, waited forever (the
 * restored process had no alarm); such checkpoints were then refused, so a program with a watchdog alarm could never
 * migrate. Every program here prints the same whatever the timing: it waits for its handler, never for a time.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class IntervalTimersIT {
    @TempDir
    Path work;

    /** A periodic ITIMER_REAL every 5 ms; the program computes until its handler has counted 30 ticks. */
    static final String TICKS = """
            #include <stdio.h>
            #include <signal.h>
            #include <sys/time.h>
            static volatile sig_atomic_t ticks;
            static void on_tick(int s) { (void)s; ticks++; }
            int main(void) {
              struct itimerval every = {{0, 5000}, {0, 5000}}, off = {{0, 0}, {0, 0}};
              unsigned long h = 0, spins = 0;
              signal(SIGALRM, on_tick);
              if (setitimer(ITIMER_REAL, &every, NULL) != 0) return 2;
              while (ticks < 30) spins = (spins * 31 + 7) & 0xffffffUL;
              setitimer(ITIMER_REAL, &off, NULL);
              for (int i = 0; i < 1000; i++) h = (h * 31 + (unsigned)i) & 0xffffffffUL;
              printf("ticks %s, h %lu\\n", ticks >= 30 ? "reached 30" : "short", h);
              return spins == 1; /* never: spins only keeps the loop */
            }
            """;

    @Test
    void aPeriodicTimerKeepsTickingAfterRestartsOnTheSameAndOtherIsas() throws Exception {
        // the stops lie in the waiting loop while the timer is armed (a few hundred visits at most before it);
        // each restart is on the next ISA: s390x, i686, then x86_64 itself
        String out = MigratesLikeGcc.checkEveryStop(work, "ticks", TICKS, 3, 50, 2000, 20000);
        assertThat(out).startsWith("ticks reached 30, h ");
        sameIsa("ticks", 3000);
    }

    /**
     * Through three platforms: stopped on x86_64, restarted on s390x and stopped again there (the timer re-armed by
     * the restore is read again), finished on x86_64 with musl where its compiler is installed.
     */
    @Test
    void aPeriodicTimerIsCarriedThroughAChainOfPlatforms() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "chain", TICKS);
        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "chain", chain, plain);
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, new int[][] {{50, 100}, {3000, 300}}, plain);
    }

    /**
     * Checkpoints that keep the program running (every 20000 visits: restored in this process each time) leave the
     * timer running: the timer signals held back while each is written are delivered after it, and the program ends as
     * gcc's build does.
     */
    @Test
    void keepRunningCheckpointsLeaveThePeriodicTimerRunning() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "keep", TICKS);
        CompileResult r = MigratesLikeGcc.compiled(work, "keep");
        Target x86 = HOPS.getFirst();
        Path exe = link(x86, r, work.resolve("keep.x86_64"));
        Path ck = checkpoints("keep-ck");
        Run kept = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_EVERY_VISITS", "20000"),
                null);
        assertThat(kept.out()).as(kept.err()).isEqualTo(plain.out());
        assertThat(kept.rc()).as(kept.err()).isZero();
        assertThat(kept.err()).doesNotContain("refused");
        assertThat(CheckpointDirectory.list(ck)).as("checkpoints written while the timer ran").isNotEmpty();
    }

    /**
     * talent's own periodic checkpoint timer (every_seconds: a POSIX timer of the runtime's, signals.c) is not taken for
     * one of the program's: periodic checkpoints of the ticking program, natively and under qemu, are written, none
     * refused, and the program ends as gcc's build does.
     */
    @Test
    void periodicCheckpointsByTalentsOwnTimerAreNotRefused() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "periodic", TICKS);
        List<Target> targets = HOPS.subList(0, 2);
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "periodic", targets, plain);
        for (int t = 0; t < targets.size(); t++) {
            Path ck = checkpoints("periodic-ck-" + targets.get(t).name());
            Run kept = run(command(targets.get(t), exes.get(t)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(),
                    "TALENT_EVERY_SECONDS", "0.02"), null);
            assertThat(kept.out()).as(kept.err()).isEqualTo(plain.out());
            assertThat(kept.rc()).as(kept.err()).isZero();
            assertThat(kept.err()).as(targets.get(t).name()).doesNotContain("refused");
            assertThat(CheckpointDirectory.list(ck)).as("periodic checkpoints on " + targets.get(t).name()).isNotEmpty();
        }
    }

    /**
     * A watchdog alarm(1000) while the program works, then cancelled: alarm(0) returns what was left (as of the
     * checkpoint, whatever the downtime), about 1000 s; then a one-shot ITIMER_REAL of 0.3 s whose handler the
     * program waits for.
     */
    static final String ONE_SHOT = """
            #include <stdio.h>
            #include <signal.h>
            #include <sys/time.h>
            #include <unistd.h>
            static volatile sig_atomic_t fired;
            static void on_alarm(int s) { (void)s; fired++; }
            int main(void) {
              struct itimerval once = {{0, 0}, {0, 300000}};
              unsigned long h = 0, spins = 0;
              unsigned left;
              signal(SIGALRM, on_alarm);
              alarm(1000);
              for (int i = 0; i < 3000; i++) h = (h * 31 + (unsigned)i) & 0xffffffffUL;
              left = alarm(0);
              printf("watchdog left about %u s, h %lu\\n", (left + 5) / 10 * 10, h);
              if (setitimer(ITIMER_REAL, &once, NULL) != 0) return 2;
              while (!fired) spins = (spins * 31 + 7) & 0xffffffUL;
              for (int i = 0; i < 1000; i++) h = (h * 37 + (unsigned)i) & 0xffffffffUL;
              printf("fired %d, h %lu\\n", (int)fired, h);
              return spins == 1;
            }
            """;

    @Test
    void aWatchdogAlarmAndAOneShotTimerAreCarriedAcrossIsas() throws Exception {
        // 50 and 2000: in the work under the watchdog; 8000 and 40000: waiting for the one-shot
        String out = MigratesLikeGcc.checkEveryStop(work, "oneshot", ONE_SHOT, 3, 50, 2000, 8000, 40000);
        assertThat(out).startsWith("watchdog left about 1000 s, h ").contains("\nfired 1, h ");
        sameIsa("oneshot", 8000);
    }

    /**
     * The classic wait for an alarm: alarm(1), then pause() until the handler ran. Stopped while the alarm is armed,
     * in the work and in pause() itself (a blocking call is a site), restarted on s390x and on x86_64.
     */
    @Test
    void aProgramPausedUntilItsAlarmWakesUpAfterTheRestart() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "pause", """
                #include <stdio.h>
                #include <signal.h>
                #include <unistd.h>
                static volatile sig_atomic_t fired;
                static void on_alarm(int s) { (void)s; fired = 1; }
                int main(void) {
                  unsigned long h = 0;
                  int waits = 0;
                  signal(SIGALRM, on_alarm);
                  alarm(1);
                  for (int i = 0; i < 100; i++) h = (h * 31 + (unsigned)i) & 0xffffffffUL;
                  while (!fired) { pause(); waits++; }
                  printf("h %lu, woken %s\\n", h, waits >= 1 ? "by the alarm" : "never");
                  return 0;
                }
                """, 2, 50, 101, 102);
        assertThat(out).endsWith(", woken by the alarm\n");
    }

    /**
     * The documented meaning of the remaining time: the one at the checkpoint. Stopped with alarm(10) armed, restarted
     * three seconds later: alarm(0) still finds about 10 s left, not 7 (the downtime is not counted, as with CRIU).
     */
    @Test
    void theDowntimeIsNotCounted() throws Exception {
        MigratesLikeGcc.plainGcc(work, "downtime", """
                #include <stdio.h>
                #include <unistd.h>
                int main(void) {
                  unsigned long h = 0;
                  alarm(10);
                  for (int i = 0; i < 3000; i++) h = (h * 31 + (unsigned)i) & 0xffffffffUL;
                  printf("left %u, h %lu\\n", alarm(0), h);
                  return 0;
                }
                """);
        CompileResult r = MigratesLikeGcc.compiled(work, "downtime");
        Target x86 = HOPS.getFirst();
        Path exe = link(x86, r, work.resolve("downtime.x86_64"));
        Path ck = checkpoints("downtime-ck");
        Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "100"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Thread.sleep(3000);
        Run second = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(second.rc()).as(second.err()).isZero();
        assertThat(first.out() + second.out()).startsWith("left 10, h ");
    }

    /** An alarm with SIGALRM's default action ends the program, stopped and restarted or not. */
    @Test
    void anAlarmWithTheDefaultActionEndsTheRestoredProgramAsItEndsUninterrupted() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "deadline", """
                #include <stdio.h>
                #include <unistd.h>
                int main(void) {
                  volatile unsigned long h = 0;
                  printf("armed\\n");
                  fflush(stdout);
                  alarm(1);
                  for (;;) h = h * 31 + 7;
                }
                """, 2, 100, 5000);
        assertThat(out).isEqualTo("armed\n");
    }

    /** Stopped on x86_64 and restarted on x86_64: the same output as gcc's build. */
    private void sameIsa(String name, int stop) throws Exception {
        Target x86 = HOPS.getFirst();
        Path exe = work.resolve(name + "." + x86.name());
        Path ck = checkpoints(name + "-same");
        Run plain = run(List.of(work.resolve(name + ".orig").toString()), Map.of(), null);
        Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER",
                String.valueOf(stop)), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Run second = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(first.out() + second.out()).as(second.err()).isEqualTo(plain.out());
        assertThat(second.rc()).as(second.err()).isEqualTo(plain.rc());
    }

    private Path checkpoints(String name) throws Exception {
        Path ck = checkpointDir(work.resolve(name));
        return ck;
    }

    /**
     * A checkpoint whose carried timer is forged (microseconds of a second or more, negative seconds, more than ten
     * years) is refused by the Java reader and by the runtime when it loads the file (exit 66: no older checkpoint to
     * fall back to), which never arms it.
     */
    @Test
    void aForgedTimerIsRefusedByBothReaders() throws Exception {
        MigratesLikeGcc.plainGcc(work, "forged", TICKS);
        CompileResult r = MigratesLikeGcc.compiled(work, "forged");
        Target x86 = HOPS.getFirst();
        Path exe = link(x86, r, work.resolve("forged.x86_64"));
        Path ck = checkpoints("forged-ck");
        Run first = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "100"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        Path newest = CheckpointDirectory.list(ck).getFirst().file();
        byte[] valid = Files.readAllBytes(newest);
        Checkpoint c = CheckpointReader.read(valid, newest.getFileName().toString());
        assertThat(c.globals().stream().map(GlobalVar::key)).as("the stop carries the armed timer").contains("<libc>:itimers");
        // {field of the real timer, value}: value_sec 0, value_usec 1, interval_sec 2, interval_usec 3
        long[][] forgeries = {{1, 1_000_000}, {3, 1_000_000}, {0, -1}, {3, -5}, {2, 315_576_001}, {0, 1L << 40}};
        for (long[] f : forgeries) {
            byte[] forged = CheckpointWriter.write(withRealTimerField(c, (int) f[0], f[1]));
            assertThatThrownBy(() -> CheckpointReader.read(forged, "forged.tck")).as("Java reader, field %d = %d", f[0], f[1])
                    .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("<libc>:itimers: real.");
            Files.write(newest, forged);
            Run restart = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
            assertThat(restart.rc()).as("field %d = %d: %s", f[0], f[1], restart.err()).isEqualTo(66);
            assertThat(restart.out()).isEmpty();
            assertThat(restart.err()).contains("global <libc>:itimers: real is not a struct of four integers in range");
        }
        // a timer of three members instead of four: refused by both (the runtime's load check compares the structure,
        // as its decoder does)
        byte[] shape = CheckpointWriter.write(withThreeMemberRealTimer(c));
        assertThatThrownBy(() -> CheckpointReader.read(shape, "forged.tck")).isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("<libc>:itimers: real is not a struct of four integers");
        Files.write(newest, shape);
        Run shaped = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(shaped.rc()).as(shaped.err()).isEqualTo(66);
        assertThat(shaped.out()).isEmpty();
        assertThat(shaped.err()).contains("global <libc>:itimers: real is not a struct of four integers");
        // the file as written restores (what the forgeries changed is what the readers refuse)
        Files.write(newest, valid);
        Run restart = run(command(x86, exe), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(restart.rc()).as(restart.err()).isZero();
        assertThat(first.out() + restart.out()).startsWith("ticks reached 30, h ");
    }

    private static Checkpoint withRealTimerField(Checkpoint c, int field, long value) {
        List<GlobalVar> globals = new ArrayList<>();
        for (GlobalVar g : c.globals()) {
            if (g.key().equals("<libc>:itimers")) {
                Value.StructValue timers = (Value.StructValue) g.value();
                Value.StructValue real = (Value.StructValue) timers.fields().getFirst();
                List<Value> fields = new ArrayList<>(real.fields());
                fields.set(field, new Value.IntValue(BigInteger.valueOf(value)));
                List<Value> all = new ArrayList<>(timers.fields());
                all.set(0, new Value.StructValue(fields));
                g = new GlobalVar(g.key(), g.name(), g.declPos(), g.type(), new Value.StructValue(all));
            }
            globals.add(g);
        }
        return new Checkpoint(c.meta(), c.types(), c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait(),
                c.epoll(), c.signals(), c.environment(), c.errno());
    }

    private static Checkpoint withThreeMemberRealTimer(Checkpoint c) {
        List<TypeDesc> types = new ArrayList<>(c.types());
        List<GlobalVar> globals = new ArrayList<>();
        for (GlobalVar g : c.globals()) {
            if (g.key().equals("<libc>:itimers")) {
                TypeDesc.StructT outer = (TypeDesc.StructT) types.get(g.type());
                int timer = outer.fields().getFirst().type();
                TypeDesc.StructT four = (TypeDesc.StructT) types.get(timer);
                types.add(new TypeDesc.StructT(four.name(), four.size() - 8, four.fields().subList(0, 3)));
                types.add(new TypeDesc.StructT(outer.name(), outer.size() - 8, List.of(
                        new TypeDesc.Field("real", types.size() - 1, 0), outer.fields().get(1), outer.fields().get(2))));
                Value.StructValue timers = (Value.StructValue) g.value();
                Value.StructValue real = (Value.StructValue) timers.fields().getFirst();
                g = new GlobalVar(g.key(), g.name(), g.declPos(), types.size() - 1, new Value.StructValue(List.of(
                        new Value.StructValue(real.fields().subList(0, 3)), timers.fields().get(1), timers.fields().get(2))));
            }
            globals.add(g);
        }
        return new Checkpoint(c.meta(), types, c.strings(), globals, c.frames(), c.heap(), c.files(), c.pendingWait(),
                c.epoll(), c.signals(), c.environment(), c.errno());
    }

    /**
     * Pre-copy (TALENT_PRECOPY): a periodic 5 ms ITIMER_REAL while a round is asked for (SIGURG); after about 2 s
     * (the round's child has ended) the program turns it off, arms a one-shot of 0.3 s and asks for the stop
     * (SIGUSR1) when STOP_LATER is set; it then waits for that one-shot and 0.1 s more, and prints how many ticks came
     * after the periodic timer went off: exactly one, the one-shot.
     */
    static final String PRECOPY = """
            #include <stdio.h>
            #include <signal.h>
            #include <stdlib.h>
            #include <sys/time.h>
            #include <time.h>
            #include <unistd.h>
            static volatile sig_atomic_t ticks;
            static void on_tick(int s) { (void)s; ticks++; }
            static double now(void) {
              struct timespec t;
              clock_gettime(CLOCK_MONOTONIC, &t);
              return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
            }
            int main(void) {
              struct itimerval every = {{0, 5000}, {0, 5000}}, off = {{0, 0}, {0, 0}}, once = {{0, 0}, {0, 300000}};
              unsigned long spins = 0;
              int after;
              double until;
              signal(SIGALRM, on_tick);
              if (setitimer(ITIMER_REAL, &every, NULL) != 0) return 2;
              while (ticks < 10) spins = (spins * 31 + 7) & 0xffffffUL;
              if (getenv("TALENT_PRECOPY")) kill(getpid(), SIGURG);
              while (ticks < 400) spins = (spins * 31 + 7) & 0xffffffUL;
              setitimer(ITIMER_REAL, &off, NULL);
              after = ticks;
              setitimer(ITIMER_REAL, &once, NULL);
              if (getenv("STOP_LATER")) kill(getpid(), SIGUSR1);
              until = now() + 20;
              while (ticks == after && now() < until) spins = (spins * 31 + 7) & 0xffffffUL;
              until = now() + 0.1;
              while (now() < until) spins = (spins * 31 + 7) & 0xffffffUL;
              printf("ticks after the periodic timer went off: %d\\n", (int)(ticks - after));
              return spins == 1; /* never: spins only keeps the loops */
            }
            """;

    /**
     * The pre-copy round's child carries the parent's timers as of the fork (its own are disarmed by fork): its image
     * holds the periodic timer; the stop's delta over that image holds the timers of the stop (the periodic one off,
     * the one-shot armed), and the restart on s390x rebuilt from image and delta fires the one-shot once and nothing
     * else, as gcc's build does.
     */
    @Test
    void aPreCopyRoundCarriesTheTimersOfTheForkAndTheStopItsOwn() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "pre", PRECOPY);
        assertThat(plain.out()).isEqualTo("ticks after the periodic timer went off: 1\n");
        List<Target> hops = List.of(HOPS.get(0), HOPS.get(1));
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "pre", hops, plain);
        Path ck = checkpoints("pre-ck");
        Run first = run(command(hops.get(0), exes.get(0)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_PRECOPY", "1",
                "STOP_LATER", "1"), null);
        assertThat(first.rc()).as(first.err()).isEqualTo(75);
        List<Path> files;
        try (var list = Files.list(ck)) {
            files = list.sorted().toList();
        }
        Path image = files.stream().filter(f -> f.getFileName().toString().matches("pre-[0-9]+\\.tck")).findFirst()
                .orElseThrow(() -> new AssertionError("no pre-copy image in " + files + "\n" + first.err()));
        assertThat(files.stream().map(f -> f.getFileName().toString())).as("the stop wrote a delta over the image")
                .anyMatch(n -> n.endsWith(".tdl"));
        Checkpoint base = CheckpointReader.read(Files.readAllBytes(image), image.getFileName().toString());
        Value.StructValue real = (Value.StructValue) ((Value.StructValue) base.globals().stream()
                .filter(g -> g.key().equals("<libc>:itimers")).findFirst()
                .orElseThrow(() -> new AssertionError("the round's image carries no timer")).value()).fields().getFirst();
        assertThat(((Value.IntValue) real.fields().get(3)).value()).as("the image's real timer: its interval (us)")
                .isEqualTo(BigInteger.valueOf(5000));
        Run second = run(command(hops.get(1), exes.get(1)), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), null);
        assertThat(first.out() + second.out()).as(second.err()).isEqualTo(plain.out());
        assertThat(second.rc()).as(second.err()).isZero();
    }

    /**
     * An alarm beyond what a restore accepts (10 years: alarm takes any unsigned number of seconds) is refused at the
     * checkpoint, where the program goes on, instead of being written into a checkpoint that no restore would take.
     */
    @Test
    void anAlarmBeyondTheCarriedBoundIsRefusedAndTheProgramGoesOn() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "farout", """
                #include <stdio.h>
                #include <unistd.h>
                int main(void) {
                  unsigned long h = 0;
                  alarm(400000000u);
                  for (int i = 0; i < 2000; i++) h = (h * 31 + (unsigned)i) & 0xffffffffUL;
                  printf("left %d h %lu\\n", alarm(0) > 399990000u, h);
                  return 0;
                }
                """, 50);
        assertThat(stopped.err()).contains("the interval timer ITIMER_REAL (alarm) is set for more than 315576000 seconds");
    }

    /** A POSIX timer of the program's own (timer_create) is not carried: refused, the program goes on. */
    @Test
    void aPosixTimerOfTheProgramIsRefusedAndTheProgramGoesOn() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "posix", """
                #include <stdio.h>
                #include <signal.h>
                #include <string.h>
                #include <time.h>
                int main(void) {
                  timer_t t;
                  struct sigevent ev;
                  struct itimerspec its = {{0, 0}, {100, 0}};
                  unsigned long h = 0;
                  memset(&ev, 0, sizeof ev);
                  ev.sigev_notify = SIGEV_SIGNAL;
                  ev.sigev_signo = SIGALRM;
                  if (timer_create(CLOCK_MONOTONIC, &ev, &t) != 0 || timer_settime(t, 0, &its, NULL) != 0) return 2;
                  for (int i = 0; i < 2000; i++) h = (h * 31 + (unsigned)i) & 0xffffffffUL;
                  timer_delete(t);
                  printf("h %lu\\n", h);
                  return 0;
                }
                """, 50);
        assertThat(stopped.err()).contains("the program created 1 POSIX timer(s) (timer_create)");
    }
}
