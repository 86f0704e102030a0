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
/* Why the checkpoint just collected cannot be written (an instance talent did not see created, too many copies),
 * or NULL. */
const char *tl_epoll_refusal(void);
/* After tl_epoll_collect: how many other descriptors the instances have (dup, dup2, dup3, fcntl F_DUPFD; 0: no EDUP
 * section is written). */
uint32_t tl_epoll_copies(void);
/* The descriptors of the program's epoll instances (their own numbers and their copies), n of them, allocated. */
int *tl_epoll_descriptors(size_t *n);
/* The EPOL payload. Call before the HEAP section is written: a data.ptr may be the only way to a heap block. */
void tl_epoll_write(tl_buf *b, tl_strtab *strs);
/* The EDUP payload: every other descriptor of an instance, by increasing number, with its own close-on-exec. */
void tl_epoll_write_copies(tl_buf *b);
/* EDUP section parser (checkpoint_read.c), before EPOL is parsed: its own fields (bounds, order, flags). */
int tl_epoll_parse_copies(tl_reader *r, tl_checkpoint *ck);
/* EPOL section parser (checkpoint_read.c), after FILE and EDUP (a registered descriptor must be one the checkpoint
 * carries) and with ck->check_targets set (the pointers' targets are checked); validates every field. */
int tl_epoll_parse(tl_reader *r, tl_checkpoint *ck);
/* EDUP against EPOL and FILE, once both are parsed: each copy's instance exists, no copy's number is an instance's
 * or a FILE entry's. */
int tl_epoll_check_copies(tl_reader *r, const tl_checkpoint *ck);
/* Restore, once the heap and globals are restored: the table of the checkpoint (data.ptr values decoded; a
 * pointer to a frame variable is patched when its frame is rebuilt). in_process: the instances are still open. */
void tl_epoll_restore(const tl_checkpoint *ck, int in_process);
/* Restart, after every descriptor is back (the TCP connections included): each instance recreated at its
 * descriptor number and each armed registration added again. */
void tl_epoll_rebuild(void);

#endif /* TALENT_EPOLL_H */
