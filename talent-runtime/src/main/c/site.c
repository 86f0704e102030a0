/* site.c: the slow path of a checkpoint site (the state generated code reads is in state.c): counting visits while counting is enabled
 * (stop_after, every_visits) and deciding when a checkpoint is taken and what follows it (exit 75, or keep
 * running). Requests from signals (signals.c) are served at the first site visit outside suspended code. */
#include "diag.h"
#include "site.h"
#include "libc_state.h"
#include "exit_handlers.h"
#include "signals.h"
#include "precopy.h"
#include "frame_alloca.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t visits;         /* site visits counted by this process (only while counting) */
static uint64_t stop_after;     /* checkpoint at this visit; 0: never */
static uint64_t every_visits;   /* periodic checkpoint every N visits; 0: never */
static uint64_t next_periodic;  /* visit count of the next periodic checkpoint */
static unsigned checkpoint_point;
static const char *reason = "stop-after";
int64_t tl_site_taken_ns;       /* CLOCK_REALTIME when the site took the checkpoint */
static int deferred;            /* the checkpoint is due but waits for talent_suspended == 0 */
static uint64_t *point_visits;  /* -v: visits per site point, reported at exit (NULL: not counted) */
static int program_errno;       /* the program's errno when the site took the checkpoint */

static int counting(void)
{
    return stop_after != 0 || every_visits != 0 || point_visits != NULL;
}

/* -v: the totals at exit, so that a user can pick stop points (TALENT_STOP_AFTER) and see how often each
 * site is reached. Counting every visit makes every site take the slow path: only under -v. */
static void report_visits(void)
{
    unsigned p, sites = 0;
    for (p = 0; p < talent_the_program.npoints; p++)
        if (point_visits[p])
            sites++;
    tl_info("%llu site visits in this process, at %u of the program's sites", (unsigned long long)visits, sites);
    for (p = 0; p < talent_the_program.npoints; p++)
        if (point_visits[p])
            tl_info("  point %u (%s): %llu visits", p, talent_the_program.points[p].pos,
                    (unsigned long long)point_visits[p]);
}

/* The flag is cleared before the requests are looked at: a request arriving meanwhile sets it again. */
static void rearm(void)
{
    talent_pending = counting();
    if (tl_request_pending() || tl_req_precopy)
        talent_pending = 1;
}

void tl_site_init(const tl_config *c)
{
    stop_after = c->stop_after;
    every_visits = c->every_visits;
    visits = 0;
    next_periodic = every_visits;
    if (tl_verbose && !point_visits && talent_the_program.npoints > 0) {
        point_visits = calloc(talent_the_program.npoints, sizeof *point_visits);
        if (point_visits && tl_atexit_own(report_visits) != 0) {
            free(point_visits);
            point_visits = NULL;
        }
    }
    /* Sites call talent_site_slow() only while the flag is set: set it exactly when visits must be counted
     * or a checkpoint is requested. The visit at which a restored process resumes is not a call of
     * talent_site_slow(), so it is not counted again. */
    rearm();
}

uint64_t tl_site_visits(void)
{
    return visits;
}

unsigned tl_site_checkpoint_point(void)
{
    return checkpoint_point;
}

const char *tl_site_reason(void)
{
    return reason;
}

int tl_site_errno(void)
{
    return program_errno;
}

void tl_site_set_errno(int value)
{
    program_errno = value;
}

void tl_site_checkpoint_done(void)
{
    if (every_visits)
        next_periodic = visits + every_visits;
    deferred = 0;
    rearm();
}

void tl_site_checkpoint_failed(void)
{
    /* visits only grow: a stop_after that fired would fire at every later visit; it is not retried */
    if (strcmp(reason, "stop-after") == 0)
        stop_after = 0;
    tl_site_checkpoint_done();
}

int (*tl_site_defer_hook)(void);

int talent_site_slow(unsigned point)
{
    const char *why = NULL;
    int then = TL_AFTER_CONTINUE;
    int saved_errno = errno;    /* the program's: the runtime's calls below (fork, messages) must not change it */
    if (point >= talent_the_program.npoints || !talent_the_program.points[point].is_site)
        tl_die(TL_EXIT_SOFTWARE, "internal error: talent_site_slow(%u) is not a checkpoint site", point);
    talent_pending = 0;
    if (counting())
        visits++;
    if (point_visits)
        point_visits[point]++;
    if (tl_req_precopy && talent_suspended == 0 && tl_precopy_fork())
        why = "precopy", then = TL_AFTER_EXIT;  /* the forked child: writes the round's image and ends */
    else if (tl_req_migrate)
        why = "signal", then = TL_AFTER_EXIT;
    else if (stop_after && visits >= stop_after)
        why = "stop-after", then = TL_AFTER_EXIT;
    else if (tl_req_continue)
        why = "signal";
    else if (every_visits && visits >= next_periodic)
        why = "periodic";
    else if (tl_req_periodic)
        why = "periodic";
    if (!why) {
        rearm();
        errno = saved_errno;
        return 0;
    }
    if (talent_suspended > 0) {
        if (!deferred)
            tl_info("%s checkpoint due at point %u (%s) while suspended; waiting for a site outside", why, point,
                    talent_the_program.points[point].pos);
        deferred = 1;
        talent_pending = 1;     /* the next site visit outside asks again */
        errno = saved_errno;
        return 0;
    }
    if (tl_libc_state_defer()) {
        if (!deferred)
            tl_info("%s checkpoint due at point %u (%s) while getopt is in the middle of the arguments; waiting for a "
                    "site after it returned -1", why, point, talent_the_program.points[point].pos);
        deferred = 1;
        talent_pending = 1;
        errno = saved_errno;
        return 0;
    }
    if (tl_site_defer_hook && tl_site_defer_hook()) {
        if (!deferred)
            tl_info("%s checkpoint due at point %u (%s) while the program holds events epoll_wait returned with "
                    "data.fd/u32/u64; waiting for its next epoll_wait on that buffer", why, point,
                    talent_the_program.points[point].pos);
        deferred = 1;
        talent_pending = 1;
        errno = saved_errno;
        return 0;
    }
    if (why[0] == 'p' && why[1] == 'r')
        ;                       /* precopy: the child's requests are not the parent's */
    else if (then == TL_AFTER_EXIT)
        tl_req_migrate = 0;
    else if (tl_req_continue && why[0] == 's')
        tl_req_continue = 0;
    else
        tl_req_periodic = 0;
    tl_info("%s checkpoint at point %u (%s)%s", why, point, talent_the_program.points[point].pos,
            then == TL_AFTER_EXIT ? "" : "; the program keeps running");
    reason = why;
    tl_site_set_after(then);
    tl_site_taken_ns = tl_realtime_ns();
    checkpoint_point = point;
    /* set back just before the program's code runs again (main.c, frames.c) and carried by the checkpoint */
    program_errno = saved_errno;
    /* every frame of the chain is above this one: alloca lists below it belong to frames a longjmp skipped */
    tl_alloca_sweep_dead();
    talent_unwinding = 1;
    return 1;
}
