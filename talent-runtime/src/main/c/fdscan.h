/* fdscan.h: the descriptors the process really has, against those talent carries (fdscan.c). */
#ifndef TALENT_FDSCAN_H
#define TALENT_FDSCAN_H

#include "base.h"

/* Before the program's main (a fresh start and a restart alike, before anything is restored): every descriptor
 * open beyond 0-2 becomes an inherited entry of files.c's table (carried when talent can carry it, refused
 * naming it otherwise). */
void tl_fdscan_start(void);

/* At a checkpoint, after files.c and epoll.c have collected: every descriptor of /proc/self/fd that neither carries
 * nor is the runtime's own refuses the checkpoint (tl_refuse), each named with its number, its link and what it
 * is; the program goes on. */
void tl_fdscan_check(void);

#endif /* TALENT_FDSCAN_H */
