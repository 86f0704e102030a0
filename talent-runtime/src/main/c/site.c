/* site.c: the state generated code reads (talent_pending, talent_unwinding, talent_restoring,
 * talent_suspended) and the slow path of a checkpoint site: counting visits while counting is enabled
 * and deciding when a checkpoint is taken (TALENT_STOP_AFTER). */
#include "talent_internal.h"

volatile int talent_pending;
int talent_unwinding;
int talent_restoring;
int talent_suspended;

static uint64_t visits;         /* site visits counted by this process (only while counting) */
static uint64_t stop_after;     /* checkpoint at this visit; 0: never */
static unsigned checkpoint_point;
static int deferred;           /* the checkpoint is due but waits for talent_suspended == 0 */

void tl_site_init(long long n)
{
    stop_after = n > 0 ? (uint64_t)n : 0;
    visits = 0;
    /* Sites call talent_site_slow() only while the flag is set: set it exactly when visits must be
     * counted. The visit at which a restored process resumes is not a call of talent_site_slow(), so it is
     * not counted again. */
    talent_pending = stop_after != 0;
}

uint64_t tl_site_visits(void)
{
    return visits;
}

unsigned tl_site_checkpoint_point(void)
{
    return checkpoint_point;
}

int talent_site_slow(unsigned point)
{
    if (point >= talent_the_program.npoints || !talent_the_program.points[point].is_site)
        tl_die(TL_EXIT_SOFTWARE, "internal error: talent_site_slow(%u) is not a checkpoint site", point);
    visits++;
    if (stop_after && visits >= stop_after) {
        if (talent_suspended > 0) {
            if (!deferred)
                tl_info("stop-after %llu reached at point %u (%s) while suspended; waiting for a site outside",
                        (unsigned long long)stop_after, point, talent_the_program.points[point].pos);
            deferred = 1;
            return 0;   /* the flag stays set: the next site visit outside asks again */
        }
        tl_info("stop-after %llu reached at point %u (%s)", (unsigned long long)stop_after, point,
                talent_the_program.points[point].pos);
        talent_pending = 0;
        talent_unwinding = 1;
        checkpoint_point = point;
        return 1;
    }
    if (!stop_after)
        talent_pending = 0;     /* nothing to count or request */
    return 0;
}
