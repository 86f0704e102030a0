/* epoll.h: epoll instances and their registrations, the EPOL section (epoll.c). */
#ifndef TALENT_EPOLL_H
#define TALENT_EPOLL_H

#include "base.h"
#include "encode.h"
#include "checkpoint.h"
#include "values.h"

/* Before a checkpoint is encoded: drops the instances and registrations the kernel no longer has (closed behind
 * talent's back); the number of instances left (0: no EPOL section is written). */
uint32_t tl_epoll_collect(void);
/* Why the checkpoint just collected cannot be written (a second descriptor of an epoll instance), or NULL. */
const char *tl_epoll_refusal(void);
/* The EPOL payload. Call before the HEAP section is written: a data.ptr may be the only way to a heap block. */
void tl_epoll_write(tl_buf *b, tl_strtab *strs);
/* EPOL section parser (checkpoint_read.c), after FILE (a registered descriptor must be one the checkpoint
 * carries) and with ck->check_targets set (the pointers' targets are checked); validates every field. */
int tl_epoll_parse(tl_reader *r, tl_checkpoint *ck);
/* Restore, once the heap and globals are restored: the table of the checkpoint (data.ptr values decoded; a
 * pointer to a frame variable is patched when its frame is rebuilt). in_process: the instances are still open. */
void tl_epoll_restore(const tl_checkpoint *ck, int in_process);
/* Restart, after every descriptor is back (the TCP connections included): each instance recreated at its
 * descriptor number and each armed registration added again. */
void tl_epoll_rebuild(void);

#endif /* TALENT_EPOLL_H */
