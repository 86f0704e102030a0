/*
 * precopy.h: pre-copy live migration (README.md "Pre-copy"). With the key precopy = 1 (TALENT_PRECOPY), a
 * SIGURG asks for a pre-copy round: at the next site visit outside suspended code the process forks (as
 * Redis's BGSAVE does); the child unwinds its copy-on-write image of the process, writes it as the full
 * checkpoint pre-<round>.tck (and, from the second round on, pre-<round>.tdl: the delta from the previous
 * round, what a transfer needs to send) and exits, while the parent goes on at once. A stop (SIGUSR1,
 * stop_after) after a completed round writes ckpt-<seq>.tdl, only what changed since that round's image
 * (delta.c), instead of the full ckpt-<seq>.tck; a restart rebuilds the image from the base and the delta.
 */
#ifndef TALENT_PRECOPY_H
#define TALENT_PRECOPY_H

#include "checkpoint.h"
#include "delta.h"

/* tl_req_precopy (signals.h) is set by the SIGURG handler and served by talent_site_slow. */

/* Installs the SIGURG handler when enabled (config key precopy); dir is the checkpoint directory. */
void tl_precopy_init(int enabled, const char *dir);

/* Serves a pending request at a safe point: returns 1 in the forked child (which then takes a checkpoint
 * with reason "precopy" and never returns to the program), 0 in the parent (which goes on). */
int tl_precopy_fork(void);

/* The runtime's own descriptor of a pre-copy round (the parent's end of the pipe its child writes its CRC to while
 * the round runs; the child's end in the child), or -1: not the program's, never carried (fdscan.c). */
int tl_precopy_descriptor(void);

/* 1 in a pre-copy child. Its checkpoint never flushes the program's streams (the parent owns their
 * buffered output) and never ends through exit(). */
int tl_precopy_in_child(void);
/* Whether pre-copy is on (SIGURG is then talent's), and whether the program replaced its SIGURG handler since (in a
 * round's child: as it was when the child forked); sigdisp.c refuses a checkpoint then. */
int tl_precopy_enabled(void);
int tl_precopy_urg_replaced(void);

/* The process ID of the pre-copy round in progress (the parent's child), or -1: the runtime's, not the program's
 * (children.c). */
long tl_precopy_round_child(void);

/* 1 when the checkpoint about to be written goes through tl_precopy_write: always in a child; in the parent
 * for a checkpoint that ends the process when a pre-copy round completed. */
int tl_precopy_diverts(void);

/* Writes the checkpoint made of the pieces. In a child: the round's files, the `precopy` event, then
 * _exit (never returns). In the parent: ckpt-<seq>.tdl, fsynced when durable; returns 0 with its path in
 * path, or -1 with a message in err (nothing left behind). */
int tl_precopy_write(const tl_write_request *req, const tl_piece *pieces, unsigned npieces, int durable, char *path,
                     size_t pathlen, char *err, size_t errlen);

#endif /* TALENT_PRECOPY_H */
