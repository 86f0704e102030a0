package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code struct sigaction} and {@code sigset_t} locals of a function that may checkpoint migrate (the runtime's
 * sigtypes.c, docs/CODEGEN.md "Types of the C library"): a server-like main fills sigactions for SIGTERM (a mask with
 * SIGINT and SIGRTMIN+1) and SIGHUP (SA_SIGINFO, sigfillset minus SIGTERM), SIG_IGN for SIGPIPE, and signal sets for
 * sigprocmask/pthread_sigmask, then installs and uses them mid-loop. Stopped on x86_64 and restarted on s390x, then
 * i686, then x86_64 with musl (glibc's SIGRTMIN+1 is 35, musl's 36), at stops before and after the installation, the
 * signals raised after the restarts find the handlers, masks and sets of an uninterrupted run: output and exit status
 * equal plain gcc's. A sigaction whose sa_restorer the program set, and a handler of the program for SIGUSR1 (talent's
 * request signal), refuse the checkpoint by name, the program going on.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SignalTypesIT {
    @TempDir
    Path work;

    static final String SERVER = """
            #include <signal.h>
            #include <stdio.h>
            #include <string.h>
            static volatile sig_atomic_t terms, hups, stop, masked;
            static void on_term(int s) {
              sigset_t cur;
              (void)s;
              sigprocmask(SIG_BLOCK, NULL, &cur);
              if (sigismember(&cur, SIGINT) == 1 && sigismember(&cur, SIGRTMIN + 1) == 1 && sigismember(&cur, SIGQUIT) == 0)
                masked++;
              if (++terms >= 2) stop = 1;
            }
            static void on_hup(int s, siginfo_t *si, void *uc) {
              sigset_t cur;
              (void)uc;
              sigprocmask(SIG_BLOCK, NULL, &cur);
              if (sigismember(&cur, SIGINT) == 1 && sigismember(&cur, SIGRTMIN + 3) == 1 && sigismember(&cur, SIGTERM) == 0)
                masked += 10;
              if (si && si->si_signo == s) hups++;
            }
            int main(void) {
              struct sigaction sa, hup, pipe_sa, old;
              sigset_t block, prev, full;
              long total = 0;
              memset(&sa, 0, sizeof sa);
              sa.sa_handler = on_term;
              sigemptyset(&sa.sa_mask);
              sigaddset(&sa.sa_mask, SIGINT);
              sigaddset(&sa.sa_mask, SIGRTMIN + 1);
              sa.sa_flags = SA_RESTART;
              memset(&hup, 0, sizeof hup);
              hup.sa_sigaction = on_hup;
              sigfillset(&hup.sa_mask);
              sigdelset(&hup.sa_mask, SIGTERM);
              hup.sa_flags = SA_SIGINFO | SA_NODEFER;
              memset(&pipe_sa, 0, sizeof pipe_sa);
              pipe_sa.sa_handler = SIG_IGN;
              sigemptyset(&pipe_sa.sa_mask);
              sigaction(SIGPIPE, &pipe_sa, &old);
              sigemptyset(&block);
              sigaddset(&block, SIGALRM);
              sigaddset(&block, SIGCHLD);
              sigfillset(&full);
              sigprocmask(SIG_BLOCK, &block, &prev);
              for (int r = 0; r < 3000; r++) {
                for (int i = 0; i < 10; i++) total += (r * i) % 13;
                if (r == 1000) { sigaction(SIGTERM, &sa, NULL); sigaction(SIGHUP, &hup, NULL); }
                if (r == 1500) raise(SIGHUP);
                if (r == 1700) raise(SIGPIPE);
                if (r == 2000) { sigprocmask(SIG_SETMASK, &prev, NULL); raise(SIGTERM); }
                if (r == 2500) {
                  pthread_sigmask(SIG_BLOCK, &full, NULL);
                  raise(SIGTERM);
                  printf("blocked: stop=%d\\n", (int)stop);
                  pthread_sigmask(SIG_UNBLOCK, &full, NULL);
                }
              }
              printf("masked=%d total=%ld terms=%d hups=%d stop=%d old_dfl=%d pipe_ign=%d full_term=%d block_alrm=%d\\n",
                     (int)masked, total, (int)terms, (int)hups, (int)stop, old.sa_handler == SIG_DFL,
                     pipe_sa.sa_handler == SIG_IGN, sigismember(&full, SIGTERM), sigismember(&block, SIGALRM));
              return stop ? 3 : 0;
            }
            """;

    @Test
    void sigactionsAndSignalSetsMigrateAcrossFourPlatformsLikeGcc() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "server", SERVER);
        assertThat(plain.out()).isEqualTo("blocked: stop=0\nmasked=12 total=161964 terms=2 hups=1 stop=1 old_dfl=1 pipe_ign=1 "
                + "full_term=1 block_alrm=1\n");
        assertThat(plain.rc()).isEqualTo(3);

        List<Target> chain = MigratesLikeGcc.withMusl(HOPS.get(0), HOPS.get(1), HOPS.get(2));
        assertThat(chain.subList(0, 3)).extracting(Target::name).containsExactly("x86_64", "s390x", "i686");
        List<Path> exes = MigratesLikeGcc.linkedFor(work, "server", chain, plain);
        for (int i = 1; i < chain.size(); i++) {
            Run straight = run(command(chain.get(i), exes.get(i)), Map.of(), null);
            assertThat(straight.out()).as("uninterrupted on " + chain.get(i).name()).isEqualTo(plain.out());
            assertThat(straight.rc()).isEqualTo(plain.rc());
        }
        // site visits: about 11 per round of the loop; the sigactions are installed at round 1000 (visit ~11000)
        int[][] stops = {{5000, 6000, 6000}, {12000, 9000, 4000}, {21000, 3000, 3000}, {27500, 500, 500}};
        MigratesLikeGcc.chainEqualsGcc(work, chain, exes, stops, plain);
    }

    /** A return trampoline of the program's own is not carried: the checkpoint is refused naming the variable. */
    static final String OWN_RESTORER = """
            #include <signal.h>
            #include <stdio.h>
            #include <string.h>
            static void tramp(void) { }
            static void on(int s) { (void)s; }
            int main(void) {
              struct sigaction sa;
              long total = 0;
              memset(&sa, 0, sizeof sa);
              sa.sa_handler = on;
              sa.sa_restorer = tramp;
              sigemptyset(&sa.sa_mask);
              for (int r = 0; r < 2000; r++)
                for (int i = 0; i < 10; i++) total += (r * i) % 7;
              printf("total=%ld handler=%d\\n", total, sa.sa_handler == on);
              return 0;
            }
            """;

    @Test
    void aSigactionWithTheProgramsOwnRestorerIsRefusedByName() throws Exception {
        Run run = MigratesLikeGcc.refusedAt(work, "restorer", OWN_RESTORER, 50);
        assertThat(run.err()).contains("'sa'").contains("sa_restorer the program set");
    }

    /**
     * SIGUSR1 is talent's migration request: a handler of the program's own would be replaced by talent's at a
     * restore (a later SIGUSR1 then migrates instead of reaching the program), so the checkpoint is refused.
     */
    static final String OWN_SIGUSR1 = """
            #include <signal.h>
            #include <stdio.h>
            static volatile sig_atomic_t usr;
            static void on_usr1(int s) { (void)s; usr++; }
            int main(void) {
              long total = 0;
              signal(SIGUSR1, on_usr1);
              for (int r = 0; r < 2000; r++) {
                for (int i = 0; i < 10; i++) total += (r * i) % 7;
                if (r == 1500) raise(SIGUSR1);
              }
              printf("total=%ld usr=%d\\n", total, (int)usr);
              return 0;
            }
            """;

    @Test
    void aHandlerOfTheProgramForTalentsRequestSignalIsRefused() throws Exception {
        Run run = MigratesLikeGcc.refusedAt(work, "usr1", OWN_SIGUSR1, 50);
        assertThat(run.err()).contains("the program changed the disposition of signal 10").contains("checkpoint requests");
    }
}
