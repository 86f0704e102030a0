/* sockopts.h: the listen backlog and the options of listening TCP and unconnected UDP sockets and of TCP connections,
 * the SOPT section (sockopts.c). */
#ifndef TALENT_SOCKOPTS_H
#define TALENT_SOCKOPTS_H

#include "base.h"
#include "encode.h"
#include "checkpoint.h"

/* how, for tl_sockopts_read: 0 (a listening or UDP socket), or a connection and which buffers its program set */
#define TL_SOCKOPTS_CONNECTION 1u
#define TL_SOCKOPTS_RCVBUF_SET 2u
#define TL_SOCKOPTS_SNDBUF_SET 4u

/* At a checkpoint: the options of socket fd (of the given family, SOCK_STREAM or SOCK_DGRAM) that differ from those of
 * a socket just made of the same kind, into *o (o->fd, flags and backlog are the caller's); on a connection (how) the
 * buffers the program set and not the MSS (sockopts.c). 0, or -1 with why naming the option when the program changed
 * one that talent does not carry (or that cannot be read): the caller refuses the checkpoint naming the descriptor. */
int tl_sockopts_read(int fd, int family, int type, unsigned how, tl_ck_sockopts *o, char *why, size_t nwhy);

/* Which buffer sizes of socket fd the kernel has locked (SO_BUF_LOCK: 1 send, 2 receive), or -1 where it cannot tell. */
int tl_sockopts_buf_locks(int fd);
/* On a restored connection: lock exactly the buffers its entry o carries (talent's helper may have locked another). */
void tl_sockopts_restore_buf_locks(int fd, const tl_ck_sockopts *o);

/* The backlog the kernel keeps for the listening TCP socket fd (the listen() argument clamped to net.core.somaxconn),
 * for a listener whose listen() talent did not see: 0 and *backlog set, or -1 when it cannot tell (sockopts.c). */
int tl_sockopts_listen_backlog(int fd, int *backlog);
/* One SOPT entry. */
void tl_sockopts_write_entry(tl_buf *b, const tl_ck_sockopts *o);
/* The SOPT payload into ck->sockopts (checkpoint_read.c); validates every field, and against the FILE section
 * (parsed first): each entry a FILE kind 3 or 6 entry with TL_FILE_FLAG_OPTIONS, each such entry listed once, TCP
 * options and the backlog only on a tcp socket (the backlog, TCP_MAXSEG and TCP_FASTOPEN never on a connection),
 * IPv4/IPv6 options only on that family. */
int tl_sockopts_parse(tl_reader *r, tl_checkpoint *ck);
/* Whether a FILE kind 3 or 6 entry with TL_FILE_FLAG_OPTIONS has no SOPT entry (a file without SOPT, or one left out):
 * NULL, or the message. */
const char *tl_sockopts_missing(const tl_checkpoint *ck, char *buf, size_t n);
/* The SOPT entry of descriptor fd, or NULL. */
const tl_ck_sockopts *tl_sockopts_find(const tl_checkpoint *ck, uint32_t fd);
/* On restore, on the new socket s before its bind (a connection: once talent handed it back): every option of o; 0, or
 * -1 with why. */
int tl_sockopts_apply(int s, const tl_ck_sockopts *o, char *why, size_t nwhy);
/* Whether o carries option code. */
int tl_sockopts_has(const tl_ck_sockopts *o, int code);

#endif /* TALENT_SOCKOPTS_H */
