/* config.h: the configuration (config.c). */
#ifndef TALENT_CONFIG_H
#define TALENT_CONFIG_H

#include "base.h"

typedef struct tl_config {
    const char *dir;
    const char *event_file;         /* NULL: no events */
    const char *restore_file;       /* NULL: the newest valid checkpoint of dir */
    uint64_t stop_after;            /* 0: never */
    int restart;
    unsigned keep;
    uint64_t every_visits;          /* 0: never */
    double every_seconds;           /* 0: never */
    int precopy;                    /* 1: SIGURG starts a pre-copy round (precopy.c) */
} tl_config;
/* Key fsync (README.md "Configuration"): ALWAYS fsyncs every checkpoint file and its directory; RECOVERY
 * only those the process keeps running after (periodic, SIGUSR2), which are what a crash falls back to; a
 * checkpoint that ends the process for a migration is still written atomically (temporary file, rename) but
 * not fsynced, since the destination reads it right away and the orchestrator keeps its own durable copy. */
#define TL_FSYNC_ALWAYS 0
#define TL_FSYNC_RECOVERY 1
extern int tl_fsync_policy;
/* talent.conf (or $TALENT_CONFIG), then TALENT_<KEY> variables; malformed -> exit 64. Sets tl_verbose and
 * tl_platform too. */
void tl_config_read(tl_config *c);
/* NULL when a file (want_dir 0) or directory (1) with this status may be trusted: of the right type, owned by
 * this user or root, not writable by group or others; else why not. */
struct stat;
const char *tl_untrusted(const struct stat *st, int want_dir);

#endif /* TALENT_CONFIG_H */
