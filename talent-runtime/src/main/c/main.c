/* main.c: the program's real main. Reads the TALENT_* configuration, starts the program fresh or rebuilds
 * it from the newest valid checkpoint (globals first, then the call chain through the user's main in
 * restoring mode), and when the program unwinds for a checkpoint, writes it and exits 75. */
#include "talent_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

tl_restore_stats tl_rstats;

typedef struct config {
    const char *dir;
    long long stop_after;   /* 0: never */
    int restart;
    unsigned keep;
} config;

static long long env_number(const char *var, long long min, long long max, long long dflt)
{
    const char *s = getenv(var);
    char *end;
    long long v;
    if (!s || !*s)
        return dflt;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end != '\0' || end == s || v < min || v > max)
        tl_die(TL_EXIT_USAGE, "%s='%s' is not valid: expected a whole number from %lld to %lld", var, s, min, max);
    return v;
}

static config read_config(void)
{
    config c;
    const char *p = getenv("TALENT_PLATFORM");
    tl_verbose = (int)env_number("TALENT_VERBOSE", 0, 1, 0);
    c.dir = getenv("TALENT_CHECKPOINT_DIR");
    if (!c.dir || !*c.dir)
        c.dir = ".";
    c.stop_after = env_number("TALENT_STOP_AFTER", 1, 0x7FFFFFFFFFFFFFFFLL, 0);
    c.restart = (int)env_number("TALENT_RESTART", 0, 1, 0);
    c.keep = (unsigned)env_number("TALENT_KEEP", 1, 1000000, 2);
    if (p && *p) {
        const char *q;
        for (q = p; *q; q++)
            if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '-' ||
                  *q == '_' || *q == '.'))
                tl_die(TL_EXIT_USAGE, "TALENT_PLATFORM='%s' is not valid: use letters, digits, '-', '_' and '.'", p);
        tl_platform = p;
    } else
        tl_platform = tl_default_platform();
    return c;
}

int main(int argc, char **argv)
{
    config c = read_config();
    tl_checkpoint *ck = NULL;
    uint64_t sequence = 1;
    int rc;
    uint32_t i;

    if (c.restart) {
        tl_rstats.start_ms = tl_now_ms();
        ck = tl_xcalloc(1, sizeof *ck);
        tl_checkpoint_load_newest(c.dir, ck);
        tl_rstats.loaded_ms = tl_now_ms();
        /* argv comes from the checkpoint; this process's own arguments are ignored */
        tl_argv_set((int)ck->argc, ck->argv);
        for (i = 0; i < ck->nstrs; i++)
            tl_strings_add(ck->strs[i], ck->str_lens[i]);
        /* the heap first: every block exists before any pointer into the heap is decoded */
        tl_heap_restore(ck);
        tl_rstats.heap_ms = tl_now_ms();
        tl_restore_globals(ck);
        tl_restore_begin(ck);
        sequence = ck->sequence + 1;
        talent_restoring = 1;
    } else {
        tl_argv_set(argc, argv);
    }
    tl_site_init(c.stop_after);

    rc = talent_the_program.invoke_main(tl_argc, tl_argv);

    if (talent_restoring)
        tl_die(TL_EXIT_SOFTWARE, "internal error: main returned before the call chain was rebuilt");
    if (talent_unwinding) {
        tl_write_request req;
        req.dir = c.dir;
        req.sequence = sequence;
        req.reason = "stop-after";
        req.visits = tl_site_visits();
        req.point = tl_site_checkpoint_point();
        req.keep = c.keep;
        tl_checkpoint_write(&req);
        if (fflush(stdout) != 0)
            tl_die(TL_EXIT_IOERR, "cannot flush standard output: %s", strerror(errno));
        exit(TL_EXIT_CHECKPOINT);
    }
    exit(rc);
}
