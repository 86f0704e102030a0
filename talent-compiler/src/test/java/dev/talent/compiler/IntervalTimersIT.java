package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interval timer (alarm, setitimer) armed at a checkpoint. talent does not carry timers: found by hand, a program
 * that loops until its SIGALRM handler sets a flag, stopped and restarted, waited forever (the restored process had
 * no alarm). Now a checkpoint while a timer is armed is refused, the program going on; one after {@code alarm(0)}
 * is taken.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IntervalTimersIT {
    @TempDir
    Path work;

    @Test
    void aCheckpointWhileAnAlarmIsArmedIsRefusedAndTheProgramGoesOn() throws Exception {
        Run stopped = MigratesLikeGcc.refusedAt(work, "watchdog", """
                #include <stdio.h>
                #include <signal.h>
                #include <unistd.h>
                static void on_alarm(int s) { (void)s; _exit(3); }
                int main(void) {
                  unsigned long h = 0;
                  signal(SIGALRM, on_alarm);
                  alarm(100); /* a watchdog: the work takes far less */
                  for (int i = 0; i < 2000; i++) h = (h * 31 + (unsigned)i) & 0xffffffffUL;
                  alarm(0);
                  printf("h %lu\\n", h);
                  return 0;
                }
                """, 50);
        assertThat(stopped.err()).contains("the interval timer ITIMER_REAL (alarm) is armed");
    }

    @Test
    void aCheckpointAfterTheAlarmIsCancelledMigrates() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "cancelled", """
                #include <stdio.h>
                #include <signal.h>
                #include <unistd.h>
                static void on_alarm(int s) { (void)s; _exit(3); }
                int main(void) {
                  unsigned long h = 0;
                  signal(SIGALRM, on_alarm);
                  alarm(100);
                  h = 7;
                  alarm(0);
                  for (int i = 0; i < 2000; i++) h = (h * 31 + (unsigned)i) & 0xffffffffUL;
                  printf("h %lu\\n", h);
                  return 0;
                }
                """, 3, 5, 900);
        assertThat(out).startsWith("h ");
    }
}
