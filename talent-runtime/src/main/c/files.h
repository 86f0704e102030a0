/* files.h: open files and descriptors, the FILE section (files.c). */
#ifndef TALENT_FILES_H
#define TALENT_FILES_H

#include "base.h"
#include "encode.h"
#include "checkpoint.h"

/* Flushes every output stream and checks that every descriptor talent knows can be carried (exit 70
 * naming it otherwise); builds the stream index pointers are written with. */
void tl_files_collect(void);
/* Why the checkpoint just collected cannot be written (a descriptor talent cannot carry), or NULL. */
const char *tl_files_refusal(void);
/* A connection carried from listener's backlog, returned by the next accept on it (its fd, or -1); whether
 * one waits. */
int tl_files_pending_take(int listener);
int tl_files_pending(int listener);
/* Hands the connections the checkpoint carries to talent (before the file is written); 0 or -1 with err. */
int tl_files_handoff(char *err, size_t nerr);
/* The SOPT section payload (after tl_files_collect): the number of entries (0: no SOPT section is written). */
uint32_t tl_files_write_options(tl_buf *b);
/* The TMPF section payload (after tl_files_collect): the contents of the files without a name (FILE entries with
 * TL_FILE_FLAG_CONTENTS), by increasing description; the number of entries (0: no TMPF section is written). */
uint32_t tl_files_write_contents(tl_buf *b);
/* TMPF section parser (checkpoint_read.c, after FILE): validates it against FILE's entries. */
int tl_files_parse_contents(tl_reader *r, tl_checkpoint *ck);
/* Whether FILE has an entry with TL_FILE_FLAG_CONTENTS whose contents no TMPF entry carries (its message in why). */
int tl_files_contents_missing(const tl_checkpoint *ck, char *why, size_t n);
/* The FILE section payload (after tl_files_collect). */
void tl_files_write(tl_buf *b);
/* Stream index of a FILE * for the pointer tag OPEN_STREAM, or -1. */
long tl_files_stream_index(const void *p);
/* FILE section parser (checkpoint_read.c); validates every field. */
int tl_files_parse(tl_reader *r, tl_checkpoint *ck);
/* Reopens the checkpoint's files at their descriptor numbers and offsets (in_process: they are still
 * open; only the stream identities are mapped). Call before the heap is restored. */
void tl_files_restore(tl_checkpoint *ck, int in_process);
/* The connections of the checkpoint (FILE kind 6), taken from talent at the very end of a restart's restore: the
 * network lock ends when they are taken, so nothing that can still fail comes after. */
void tl_files_restore_connections(const tl_checkpoint *ck);
/* The FILE * of stream entry i of the restored checkpoint. */
void *tl_files_stream(uint32_t i);
/* A descriptor passed to a blocking wrapper (read, accept...): checked at the next checkpoint. */
void tl_files_notice(int fd, const char *how);
/* The address the program's connect() on fd went to (kept for a connection still in progress at a stop). */
void tl_files_connecting(int fd, const void *addr, unsigned len);
/* fd is a connection the program just accepted from listener: its peer's address is kept with it (getpeername fails
 * once the connection is closed in both directions, and a closed connection is described by that address at a stop),
 * and the buffers the program set on the listener (the connection inherits them). */
void tl_files_accepted(int listener, int fd);
/* fd was open when the program started (beyond 0-2): a table entry like a noticed descriptor, its site
 * TL_FILES_INHERITED (carried when talent can carry it, refused naming it otherwise). */
#define TL_FILES_INHERITED "inherited (open when the program started)"
void tl_files_inherited(int fd);
/* The descriptors of the table (after tl_files_collect: those carried or refused), n of them, allocated. */
int *tl_files_descriptors(size_t *n);
/* fd is carried by another subsystem (an epoll instance, epoll.c): not an entry of the FILE section. */
void tl_files_forget(int fd);
/* Called after the program closed fd (close, or dup2 onto it); epoll.c installs it (a higher layer: no call up). */
extern void (*tl_files_close_hook)(int fd);
/* Called just before the program closes fd (close, or dup2 onto it), while it is still open; epoll.c installs it. */
extern void (*tl_files_closing_hook)(int fd);

/* Called after the program closed or reopened a stream (fclose, freopen); streammodes.c installs it (a higher layer:
 * no call up). */
extern void (*tl_files_stream_closed_hook)(void *stream);
/* The FILE section entries of the last tl_files_collect, and entry i's stream (NULL when it is no stream). */
size_t tl_files_stream_count(void);
void *tl_files_out_stream(size_t i);

#endif /* TALENT_FILES_H */
