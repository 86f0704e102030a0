/* libc_state.h: state the C library keeps in static storage on the program's behalf, carried by a checkpoint as
 * globals of the runtime (libc_state.c): the pseudo-random generators (rand, random, rand_r, the rand48 family),
 * strtok's position, getopt's optind/optarg/opterr/optopt and the static results of gmtime/localtime/asctime/ctime.
 * What cannot be carried refuses a checkpoint by name. */
#ifndef TALENT_LIBC_STATE_H
#define TALENT_LIBC_STATE_H

#include "base.h"

/* Every global the runtime defines for the C library's state and for argv's array, for matching a checkpoint's GLOB
 * keys (all start with "<libc>:", which no C name or file name written by the compiler can). */
const talent_unit *tl_libc_unit(void);

/* The globals of tl_libc_unit a checkpoint writes now: those the program has used (a checkpoint of a program that
 * never called these functions and left argv's array alone has none of them). Sets *out to an array of *n entries, valid until the next call. */
void tl_libc_globals(const talent_global *const **out, unsigned *n);

/* Notes the file mode creation mask and the resource limits the process starts (or is restarted) with: a checkpoint
 * carries the program's ("<libc>:umask", "<libc>:rlimits") only while they differ, and a restore sets them again
 * (tl_libc_state_restored). */
void tl_libc_process_snapshot(void);

/* 1 while a checkpoint must wait for a later site: getopt is in the middle of the arguments (from its first call
 * until one returns -1). */
int tl_libc_state_defer(void);

/* At a checkpoint: refuses it when the C library holds state of the program's that is not carried: getopt in the
 * middle of the arguments (sites defer such a checkpoint first: tl_libc_state_defer), a generator state given by initstate/setstate. */
void tl_libc_state_check(void);

/* After a restore: points the restored results of gmtime/localtime at their carried time-zone names. NULL, or what
 * is wrong with the restored state (hostile input; the restore then fails). */
const char *tl_libc_state_restored(void);

#endif /* TALENT_LIBC_STATE_H */
