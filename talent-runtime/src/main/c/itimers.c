/* itimers.c: the program's interval timers across a checkpoint (issue 11). A watchdog's alarm(), a game's or a
 * progress printer's periodic setitimer() keep running after a migration: at a checkpoint ITIMER_REAL,
 * ITIMER_VIRTUAL and ITIMER_PROF are read with getitimer, and while one is armed the checkpoint carries all three
 * as the global "<libc>:itimers" (seconds and microseconds of the remaining value and of the interval, as 64-bit
 * integers). A restart arms each again with setitimer as its last restore step, after the program's signal
 * dispositions are back, so that its handler (or the default action: an alarm that would end the program still
 * does) meets the signal as it would have without the stop. As CRIU does, the remaining value is the one at the
 * checkpoint: the time the program was stopped (written, copied, restored) is not counted.
 *
 * From the timers' reading to the end of the checkpoint, SIGALRM, SIGVTALRM and SIGPROF are blocked: a timer that
 * expires meanwhile leaves its signal pending, which is lost when the process exits after the checkpoint, and the
 * carried value (read before it expired) fires it again in the restored process, once; and when the program goes on
 * here the pending signal is delivered when the mask is set back (tl_itimers_release), after any in-process
 * restore, never into state that is about to be overwritten. A file's values are hostile input: a restore accepts
 * only 0 <= seconds <= TL_ITIMERS_MAX_SEC and 0 <= microseconds < TL_ITIMERS_USEC_LIMIT (contract.h, as the Java
 * reader does), and fails otherwise. */
#define _DEFAULT_SOURCE 1
#include "itimers.h"
#include "contract.h"
#include "refusal.h"
#include "strerror.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <fcntl.h>
#include <unistd.h>

struct tl_itimer {
    int64_t value_sec, value_usec;          /* remaining until the next expiry; 0 and 0: disarmed */
    int64_t interval_sec, interval_usec;    /* reloaded at each expiry; 0 and 0: one-shot */
};

struct tl_itimers {
    struct tl_itimer real, virtual, prof;
};

static struct tl_itimers carried;
static int armed;
static int kept_from_parent;       /* a pre-copy child: carried holds the parent's timers as of the fork */
static sigset_t saved_mask;
static int mask_saved;

static const talent_type t_i64 = TALENT_INT_TYPE(int64_t, "int64_t");
static const talent_field itimer_fields[] = {
    TALENT_FIELD(struct tl_itimer, value_sec, &t_i64), TALENT_FIELD(struct tl_itimer, value_usec, &t_i64),
    TALENT_FIELD(struct tl_itimer, interval_sec, &t_i64), TALENT_FIELD(struct tl_itimer, interval_usec, &t_i64),
};
static const talent_type t_itimer = TALENT_STRUCT_TYPE(struct tl_itimer, "struct talent_itimer", itimer_fields);
static const talent_field itimers_fields[] = {
    TALENT_FIELD(struct tl_itimers, real, &t_itimer), TALENT_FIELD(struct tl_itimers, virtual, &t_itimer),
    TALENT_FIELD(struct tl_itimers, prof, &t_itimer),
};
static const talent_type t_itimers = TALENT_STRUCT_TYPE(struct tl_itimers, "struct talent_itimers", itimers_fields);

static const int which[3] = { ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF };
static const int signal_of[3] = { SIGALRM, SIGVTALRM, SIGPROF };

static struct tl_itimer *slot(int w)
{
    return w == 0 ? &carried.real : w == 1 ? &carried.virtual : &carried.prof;
}

static void timer_signals(sigset_t *set)
{
    int w;
    sigemptyset(set);
    for (w = 0; w < 3; w++)
        sigaddset(set, signal_of[w]);
}

/* Reads the three timers into carried; armed when one has a remaining value. */
static void read_timers(void)
{
    int w;
    memset(&carried, 0, sizeof carried);
    armed = 0;
    for (w = 0; w < 3; w++) {
        struct itimerval it;
        struct tl_itimer *t = slot(w);
        if (getitimer(which[w], &it) != 0)
            continue;
        t->value_sec = (int64_t)it.it_value.tv_sec;
        t->value_usec = (int64_t)it.it_value.tv_usec;
        t->interval_sec = (int64_t)it.it_interval.tv_sec;
        t->interval_usec = (int64_t)it.it_interval.tv_usec;
        if (t->value_sec || t->value_usec)
            armed = 1;
    }
}

/* Whether one of the timers' signals is pending and not blocked by the program itself (old: its mask). */
static int deliverable_pending(const sigset_t *old)
{
    sigset_t pending;
    int w;
    if (sigpending(&pending) != 0)
        return 0;
    for (w = 0; w < 3; w++)
        if (sigismember(&pending, signal_of[w]) && !sigismember(old, signal_of[w]))
            return 1;
    return 0;
}

/* How many POSIX timers the process has ("ID:" lines of /proc/self/timers), or -1 when it cannot be told (a kernel
 * without the file, no /proc). Read with read(2) into a buffer of its own: nothing is allocated at a checkpoint. */
static int posix_timers(void)
{
    char buf[512];
    int n = 0, fd = open("/proc/self/timers", O_RDONLY | O_CLOEXEC);
    size_t at_line = 0;         /* how many characters of the current line were seen (up to 3) */
    int id = 1;                 /* whether those were "ID:" so far */
    ssize_t got;
    if (fd < 0)
        return -1;
    while ((got = read(fd, buf, sizeof buf)) > 0 || (got < 0 && errno == EINTR)) {
        ssize_t k;
        for (k = 0; k < got; k++) {
            if (buf[k] == '\n') {
                at_line = 0;
                id = 1;
                continue;
            }
            if (at_line < 3) {
                id = id && buf[k] == "ID:"[at_line];
                if (++at_line == 3 && id)
                    n++;
            }
        }
    }
    close(fd);
    return got < 0 ? -1 : n;
}

void tl_itimers_check(int own)
{
    sigset_t set;
    int saved = errno, tries, posix;
    if (kept_from_parent)
        return;
    posix = posix_timers();
    if (posix > own)
        tl_refuse("cannot checkpoint: the program created %d POSIX timer(s) (timer_create): talent carries the interval "
                  "timers of alarm and setitimer, not these, and the restored process would never get their signal",
                  posix - own);
    timer_signals(&set);
    for (tries = 0; tries < 8; tries++) {
        if (sigprocmask(SIG_BLOCK, &set, &saved_mask) != 0)
            break;
        mask_saved = 1;
        read_timers();
        if (!deliverable_pending(&saved_mask))
            break;
        /* a timer expired while the checkpoint began: its handler runs now, before any state is encoded */
        sigprocmask(SIG_SETMASK, &saved_mask, NULL);
        mask_saved = 0;
    }
    if (!mask_saved)
        read_timers();
    /* a value no restore would accept (the readers' bound) is refused here, where the program can go on, rather
     * than written into a checkpoint that every restore fails */
    {
        static const char *const names[3] = { "ITIMER_REAL (alarm)", "ITIMER_VIRTUAL", "ITIMER_PROF" };
        int w;
        for (w = 0; w < 3; w++) {
            const struct tl_itimer *t = slot(w);
            if (t->value_sec > TL_ITIMERS_MAX_SEC || t->interval_sec > TL_ITIMERS_MAX_SEC)
                tl_refuse("cannot checkpoint: the interval timer %s is set for more than %d seconds (10 years): talent "
                          "carries timers up to that", names[w], TL_ITIMERS_MAX_SEC);
        }
    }
    errno = saved;
}

void tl_itimers_release(void)
{
    int saved = errno;
    if (mask_saved) {
        mask_saved = 0;
        sigprocmask(SIG_SETMASK, &saved_mask, NULL);
    }
    errno = saved;
}

void tl_itimers_before_fork(void)
{
    sigset_t set;
    int saved = errno;
    timer_signals(&set);
    /* held back until the fork is done (tl_itimers_release in the parent): the child's memory and the values it
     * carries are of the same moment */
    mask_saved = sigprocmask(SIG_BLOCK, &set, &saved_mask) == 0;
    read_timers();
    errno = saved;
}

void tl_itimers_in_child(void)
{
    kept_from_parent = 1;
    tl_itimers_release();
}

int tl_itimers_armed(void)
{
    return armed;
}

void tl_itimers_global(void **addr, const talent_type **type)
{
    *addr = &carried;
    *type = &t_itimers;
}

static int valid_time(int64_t sec, int64_t usec)
{
    return sec >= 0 && sec <= TL_ITIMERS_MAX_SEC && usec >= 0 && usec < TL_ITIMERS_USEC_LIMIT;
}

const char *tl_itimers_restored(void)
{
    static char why[256];
    static const char *const names[3] = { "ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF" };
    int w;
    for (w = 0; w < 3; w++) {
        const struct tl_itimer *t = slot(w);
        if (!valid_time(t->value_sec, t->value_usec) || !valid_time(t->interval_sec, t->interval_usec)) {
            snprintf(why, sizeof why, "an interval timer (<libc>:itimers, %s) that is not valid: seconds must be 0 to "
                     "%d and microseconds 0 to %d", names[w], TL_ITIMERS_MAX_SEC, TL_ITIMERS_USEC_LIMIT - 1);
            return why;
        }
    }
    return NULL;
}

const char *tl_itimers_rearm(void)
{
    static char why[160];
    static const char *const names[3] = { "ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF" };
    int w;
    for (w = 0; w < 3; w++) {
        const struct tl_itimer *t = slot(w);
        struct itimerval it;
        if (!t->value_sec && !t->value_usec)
            continue;       /* disarmed: as in every new process */
        it.it_value.tv_sec = (time_t)t->value_sec;
        it.it_value.tv_usec = (suseconds_t)t->value_usec;
        it.it_interval.tv_sec = (time_t)t->interval_sec;
        it.it_interval.tv_usec = (suseconds_t)t->interval_usec;
        if (setitimer(which[w], &it, NULL) != 0) {
            snprintf(why, sizeof why, "cannot arm the interval timer %s again: %s", names[w], tl_strerror(errno));
            return why;
        }
    }
    return NULL;
}
