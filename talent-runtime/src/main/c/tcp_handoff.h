/*
 * tcp_handoff.h: established TCP connections handed to talent at a stop checkpoint and back at the restart
 * (tcp_handoff.c). The program has no CAP_NET_ADMIN: the TCP repair itself is done by talent's helper
 * (talent-container's talent-tcp.c) on the sockets the runtime passes it over the Unix socket
 * <checkpoint directory>/tcp.sock (SCM_RIGHTS). Without that socket, connections are refused as before.
 */
#ifndef TALENT_TCP_HANDOFF_H
#define TALENT_TCP_HANDOFF_H

#include "base.h"

/* The checkpoint directory (the hand-over socket lives in it). */
void tl_tcp_set_dir(const char *dir);
/* Whether connections can be carried by this checkpoint: it ends the process (a stop) and talent listens. */
int tl_tcp_handoff_possible(void);
/* "tcp:<IPv4>:<port>-<IPv4>:<port>" or "tcp6:[<IPv6>]:<port>-[<IPv6>]:<port>" (local-peer) for a connected
 * TCP socket, or NULL. */
char *tl_tcp_describe(int fd);
/* The same for a TCP socket whose connect() to peer (as the program gave it; len 0: unknown) is in progress:
 * talent's helper carries it too (it connects again with the same initial sequence number), or NULL. */
char *tl_tcp_describe_connecting(int fd, const void *peer, unsigned len);
/* Whether p is such a description (checkpoint validation). */
int tl_tcp_valid_path(const char *p);
/* Passes the sockets fds[0..n) (program descriptor numbers) to talent; 0, or -1 with err set (the sockets
 * are then untouched and the program can go on). */
int tl_tcp_give(const int *fds, size_t n, char *err, size_t nerr);
/* Receives n connections from talent and puts each at its descriptor number fds[i] (dies on failure). */
void tl_tcp_take(const int *fds, size_t n);

#endif
