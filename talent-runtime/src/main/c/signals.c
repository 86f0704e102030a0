/* signals.c: checkpoints on demand and periodic ones (SIGUSR1 migrate, SIGUSR2 checkpoint and continue, the
 * every_seconds timer). The handlers only set flags (and talent_pending), which is async-signal-safe. SIGUSR1
 * and SIGUSR2 are installed WITHOUT SA_RESTART so that a blocked call returns EINTR at once: the wrapper of
 * blocking.c then returns to its blocking site, which takes the checkpoint. The timer signal uses SA_RESTART:
 * a periodic checkpoint waits for a blocked call to return rather than disturbing I/O of code talent does not
 * wrap. */
#define _DEFAULT_SOURCE 1
#include "diag.h"
#include "strerror.h"
#include "signals.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifndef __GLIBC__
#include <stdio_ext.h>
#endif

volatile sig_atomic_t tl_req_migrate, tl_req_continue, tl_req_periodic;
volatile sig_atomic_t tl_req_precopy;     /* set by precopy.c's SIGURG handler */

/* Identifies a talent program from outside: `talent checkpoint PID` looks for these bytes in the process's
 * executable (or, under qemu-user, in the guest binary the kernel shows mapped) before it sends a signal
 * whose default action would end any other program. Change it only together with TalentProgram.MARKER. */
const char tl_program_marker[] = "talent-program: SIGUSR1/SIGUSR2 request a checkpoint";
volatile int64_t tl_req_time_ns;

int64_t tl_realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int tl_request_pending(void)
{
    return tl_req_migrate || tl_req_continue || tl_req_periodic;
}

static void on_request(int sig, siginfo_t *si, void *uc)
{
    int saved = errno;
    (void)si;
    (void)uc;
    if (!tl_req_time_ns)
        tl_req_time_ns = tl_realtime_ns();  /* clock_gettime is async-signal-safe */
    if (sig == SIGUSR1)
        tl_req_migrate = 1;
    else if (sig == SIGUSR2)
        tl_req_continue = 1;
    else
        tl_req_periodic = 1;
    talent_pending = 1;
    errno = saved;
}

/* A request that reached the ./talent launcher before the program existed (README.md "Checkpoints on
 * demand"): TALENT_EARLY_REQUEST=stop (a SIGUSR1) or checkpoint (a SIGUSR2) is served like a signal that
 * arrived just now, at the first site. The variable is removed so that the program's own children do not
 * inherit the request; a restart that falls back to an older checkpoint re-executes with the environment
 * saved before (main.c), so the request survives the fallback. */
#define EARLY_VAR TL_ENV_EARLY_REQUEST
static void early_request(void)
{
    const char *v = getenv(EARLY_VAR);
    if (!v || !*v)
        return;
    /* config.c refused any other value before a checkpoint was restored */
    if (strcmp(v, "stop") == 0)
        tl_req_migrate = 1;
    else
        tl_req_continue = 1;
    talent_pending = 1;
    tl_info("serving a checkpoint request (%s) that arrived before the program started", v);
    unsetenv(EARLY_VAR);
}

static int requests_installed;
static int own_timers;        /* POSIX timers talent created (timer_create): the every_seconds one */

int tl_signals_request_handler_replaced(int sig)
{
    struct sigaction now;
    if (!requests_installed || sigaction(sig, NULL, &now) != 0)
        return 0;
    return !(now.sa_flags & SA_SIGINFO) || now.sa_sigaction != on_request;
}

void tl_signals_init(double every_seconds)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_request;
    sa.sa_flags = SA_SIGINFO;           /* no SA_RESTART: blocked calls return EINTR */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) != 0 || sigaction(SIGUSR2, &sa, NULL) != 0)
        tl_die(TL_EXIT_SOFTWARE, "cannot install the SIGUSR1/SIGUSR2 handlers: %s", tl_strerror(errno));
    requests_installed = 1;
    early_request();
    if (every_seconds > 0) {
        timer_t timer;
        struct sigevent ev;
        struct itimerspec its;
        int sig = SIGRTMIN + 2;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
        if (sigaction(sig, &sa, NULL) != 0)
            tl_die(TL_EXIT_SOFTWARE, "cannot install the periodic checkpoint signal handler: %s", tl_strerror(errno));
        memset(&ev, 0, sizeof ev);
        ev.sigev_notify = SIGEV_SIGNAL;
        ev.sigev_signo = sig;
        if (timer_create(CLOCK_MONOTONIC, &ev, &timer) != 0)
            tl_die(TL_EXIT_SOFTWARE, "cannot create the every_seconds timer: %s", tl_strerror(errno));
        its.it_interval.tv_sec = (time_t)every_seconds;
        its.it_interval.tv_nsec = (long)((every_seconds - (double)(time_t)every_seconds) * 1e9);
        its.it_value = its.it_interval;
        if (timer_settime(timer, 0, &its, NULL) != 0)
            tl_die(TL_EXIT_SOFTWARE, "cannot start the every_seconds timer: %s", tl_strerror(errno));
        own_timers = 1;
    }
}

int tl_signals_own_timers(void)
{
    return own_timers;
}
