/* files.c: open files and descriptors. The talent_fopen/fdopen/freopen/fclose/open/creat/close/dup/dup2
 * wrappers behave like libc's and keep a table of what the program opened (path resolved against the working
 * directory at open time, flags, stream mode, which descriptors share one open file description). Blocking
 * wrappers (signals.c) also *notice* the descriptors they are given (a socket from socket(), a pipe), so that
 * a checkpoint can refuse what it cannot carry instead of silently dropping it.
 *
 * At a checkpoint every output stream is flushed (fflush(NULL): the program's streams; stdout's and stderr's unwritten
 * bytes are taken out first and carried, pending.c), and
 * each descriptor of the table is classified: regular files (not deleted) are carried with their offset (a
 * stream's logical position, ftello, which accounts for buffered input) and size; terminals and /dev/null-like
 * devices by path; a listening TCP socket by its address (recreated with bind + listen: pending connections
 * in its backlog are lost, except at a stop that hands connections over, drain_backlogs); anything else (pipe, FIFO, connected socket, deleted file, other device) refuses the
 * checkpoint naming the descriptor and its path: nothing is written and the program goes on (cannot_carry), as when
 * a regular file's offset cannot be read. stdin is not reopened (the new process has its
 * own) but when it is a regular file its offset is recorded and sought on restart.
 *
 * On restart each description is opened once at its descriptor number (without O_CREAT/O_TRUNC), sought to
 * its offset, and its other descriptors made with dup2; a stream is fdopen'ed on it (fdopen never truncates)
 * and fseeko'ed. A write-only description that was at its end is truncated back to the size it had at the
 * checkpoint: a process restarted from an older checkpoint (after the periodic checkpoints of a run that went
 * on writing) would otherwise leave the later output in the file and append to it again. */
/* accept4, pipe2, memfd_create */
#define _GNU_SOURCE 1
#include "diag.h"
#include "strerror.h"
#include "xalloc.h"
#include "files.h"
#include "refusal.h"
#include "precopy.h"
#include "tcp_handoff.h"
#include "sockopts.h"
#include "pending.h"
#include "sort.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <wchar.h>
#ifndef __GLIBC__
#include <stdio_ext.h>
#endif

#define NOTICED 0                   /* a descriptor a blocking wrapper was given; path asked at checkpoint */

typedef struct entry {
    int fd;
    int kind;                       /* NOTICED, TL_FILE_DESCRIPTOR, TL_FILE_STREAM, TL_FILE_STD_DUP */
    char *path;                     /* absolute; NULL: read from /proc/self/fd at the checkpoint */
    FILE *stream;
    char mode[16];
    uint32_t description;
    int std_source;                 /* STD_DUP: the standard descriptor it duplicates */
    int have_id;
    dev_t dev;
    ino_t ino;
    const char *site;               /* allocation-site-like "file.c:line:col", or how it was noticed */
    const char *call;               /* NOTICED by a creating wrapper (talent_pipe...): the library call; else NULL */
    int pending_of;                 /* a connection taken from a listener's backlog: that listener's fd + 1 */
    uint32_t pending_seq;           /* its place in that backlog */
    struct sockaddr_storage connect_to; /* the address of the program's last connect() on it, or the peer of a
                                         * connection it accepted or that a restart restored (a connection in
                                         * progress, or closed in both directions, has no peer name) */
    unsigned connect_len;           /* 0: none */
    int has_backlog;                /* the program's listen() on it was seen (talent_listen), or a restore's */
    int backlog;                    /* its backlog argument */
    unsigned bufs_set;              /* TL_SOCKOPTS_RCVBUF_SET, _SNDBUF_SET: the program set that buffer (talent_setsockopt,
                                     * or on the listener it was accepted from), or a restore did */
} entry;

static entry *table;
static size_t nentries, capentries;
static uint32_t next_description = 1;
static uint32_t next_pending = 1;

/* What the last checkpoint wrote (its stream indexes), and the streams a restore mapped. */
static tl_ck_file *out;
static FILE **out_streams;
static size_t nout;
/* The SOPT entries of the last checkpoint's sockets (FILE kind 3 with TL_FILE_FLAG_OPTIONS), by increasing fd. */
static tl_ck_sockopts *out_opts;
static size_t nout_opts, capout_opts;
static FILE **restored_streams;
static uint32_t nrestored;
/* The contents of the last checkpoint's files without a name (TMPF), one per open file description. */
struct carried_file {
    uint32_t description;
    dev_t dev;
    ino_t ino;
    unsigned char *bytes;
    uint64_t len;
};
static struct carried_file *carried;
static size_t ncarried, capcarried;
static uint64_t carried_total;


/* ---------------------------------------------------------------- the table */

static entry *find(int fd)
{
    size_t i;
    for (i = 0; i < nentries; i++)
        if (table[i].fd == fd)
            return &table[i];
    return NULL;
}

static void drop(int fd)
{
    size_t i;
    for (i = 0; i < nentries; i++)
        if (table[i].fd == fd) {
            free(table[i].path);
            memmove(&table[i], &table[i + 1], (nentries - i - 1) * sizeof *table);
            nentries--;
            return;
        }
}

static entry *add(int fd, int kind, const char *path, const char *site)
{
    entry *e;
    struct stat st;
    drop(fd);
    if (nentries == capentries) {
        capentries = capentries ? 2 * capentries : 16;
        table = tl_xrealloc(table, capentries * sizeof *table);
    }
    e = &table[nentries++];
    memset(e, 0, sizeof *e);
    e->fd = fd;
    e->kind = kind;
    e->path = path ? tl_xstrdup(path) : NULL;
    e->site = site ? site : "?";
    e->description = next_description++;
    if (fstat(fd, &st) == 0) {
        e->have_id = 1;
        e->dev = st.st_dev;
        e->ino = st.st_ino;
    }
    return e;
}

/* path resolved against the working directory now (a later chdir does not change what was opened) */
static char *absolute(const char *path)
{
    char cwd[4096];
    size_t n;
    char *r;
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
        return tl_xstrdup(path);
    n = strlen(cwd) + strlen(path) + 2;
    r = tl_xmalloc(n);
    snprintf(r, n, "%s/%s", cwd, path);
    return r;
}

/*
 * The fopen mode as the checkpoint records it (FORMAT.md: r, w or a, then any of +bxe): glibc also takes 't' (text,
 * the Windows spelling portable programs use: GNU units opens its definitions "rt"), 'm' (read through mmap) and 'c'
 * (no cancellation point), which change nothing a restore reopens; they are left out. Anything else (",ccs=") is
 * kept, and the restore refuses it.
 */
static void record_mode(char *out, size_t outlen, const char *mode)
{
    size_t n = 0;
    const char *m;
    if (!mode[0] || strchr(mode, ',') || !strchr("rwa", mode[0])) {
        snprintf(out, outlen, "%s", mode);
        return;
    }
    for (m = mode; *m && n + 1 < outlen; m++)
        if (m == mode || !strchr("tmc", *m))
            out[n++] = *m;
    out[n] = '\0';
}

static void add_path(int fd, int kind, const char *path, const char *site, FILE *stream, const char *mode)
{
    char *abs = absolute(path);
    entry *e = add(fd, kind, abs, site);
    free(abs);
    e->stream = stream;
    if (mode)
        record_mode(e->mode, sizeof e->mode, mode);
}

void tl_files_forget(int fd)
{
    drop(fd);
}

void tl_files_notice(int fd, const char *how)
{
    if (fd < 3 || find(fd))
        return;
    add(fd, NOTICED, NULL, how);
}

void tl_files_connecting(int fd, const void *addr, unsigned len)
{
    entry *e;
    if (fd < 0 || !addr)
        return;
    e = find(fd);
    if (!e)
        return;
    if (len > sizeof e->connect_to)
        len = 0;
    else
        memcpy(&e->connect_to, addr, len);
    e->connect_len = len;
}

void tl_files_accepted(int listener, int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    const entry *l = find(listener);
    entry *e;
    if (fd >= 0 && getpeername(fd, (struct sockaddr *)&ss, &len) == 0 && len <= sizeof ss)
        tl_files_connecting(fd, &ss, len);
    if (fd >= 0 && l && l->bufs_set && (e = find(fd)) != NULL)
        e->bufs_set |= l->bufs_set;
}

/* A descriptor the program made with a call that opens no path (pipe, socketpair, eventfd...): classified at the
 * next checkpoint like a noticed one, and a refusal names the call and its site. */
static void made(int fd, const char *call, const char *site)
{
    entry *e;
    if (fd < 0)
        return;
    e = add(fd, NOTICED, NULL, site);
    e->call = call;
}

/* ---------------------------------------------------------------- the wrappers */

void *talent_fopen(const char *path, const char *mode, const char *site)
{
    FILE *f = fopen(path, mode);
    if (f)
        add_path(fileno(f), TL_FILE_STREAM, path, site, f, mode);
    return f;
}

void *talent_fdopen(int fd, const char *mode, const char *site)
{
    FILE *f = fdopen(fd, mode);
    entry *e;
    if (!f)
        return f;
    e = find(fd);
    if (!e || e->kind == TL_FILE_STD_DUP)
        e = add(fd, TL_FILE_STREAM, NULL, site);   /* the path is read from /proc/self/fd at the checkpoint */
    e->kind = TL_FILE_STREAM;
    e->stream = f;
    record_mode(e->mode, sizeof e->mode, mode);
    return f;
}

void *talent_freopen(const char *path, const char *mode, void *stream, const char *site)
{
    int old = fileno((FILE *)stream);
    entry *e = old >= 0 ? find(old) : NULL;
    char *keep = e && e->path ? tl_xstrdup(e->path) : NULL;
    FILE *f;
    if (old >= 0)
        drop(old);
    if (tl_files_stream_closed_hook)
        tl_files_stream_closed_hook(stream);
    f = freopen(path, mode, (FILE *)stream);
    if (f) {
        if (path)
            add_path(fileno(f), TL_FILE_STREAM, path, site, f, mode);
        else {
            entry *n = add(fileno(f), TL_FILE_STREAM, keep, site);
            n->stream = f;
            record_mode(n->mode, sizeof n->mode, mode);
        }
    }
    free(keep);
    return f;
}

int talent_fclose(void *stream)
{
    int fd = fileno((FILE *)stream);
    entry *e = fd >= 0 ? find(fd) : NULL;
    if (e && e->stream == stream)
        drop(fd);
    if (tl_files_stream_closed_hook)
        tl_files_stream_closed_hook(stream);
    return fclose((FILE *)stream);
}

int talent_open(const char *path, int flags, unsigned mode, const char *site)
{
    int fd = open(path, flags, (mode_t)mode);
    if (fd >= 0)
        add_path(fd, TL_FILE_DESCRIPTOR, path, site, NULL, NULL);
    return fd;
}

int talent_creat(const char *path, unsigned mode, const char *site)
{
    return talent_open(path, O_WRONLY | O_CREAT | O_TRUNC, mode, site);
}

void (*tl_files_close_hook)(int fd);
void (*tl_files_closing_hook)(int fd);

int talent_close(int fd)
{
    int r;
    drop(fd);
    if (tl_files_closing_hook)
        tl_files_closing_hook(fd);
    r = close(fd);
    if (r == 0 && tl_files_close_hook)
        tl_files_close_hook(fd);
    return r;
}

static char *proc_path(int fd);

/* to shares fd's open file description */
static void duplicated(int fd, int to)
{
    entry *e = find(fd), *n;
    if (e) {
        uint32_t d = e->description;
        const char *site = e->site;
        char *path = e->path ? tl_xstrdup(e->path) : NULL;
        int kind = e->kind == TL_FILE_STD_DUP ? TL_FILE_STD_DUP : e->kind == NOTICED ? NOTICED : TL_FILE_DESCRIPTOR;
        int src = e->std_source;
        const char *call = e->call;
        n = add(to, kind, path, site);
        n->call = call;
        n->description = d;
        n->std_source = src;
        free(path);
    } else if (fd >= 0 && fd <= 2) {
        /* a copy of a standard descriptor (saved = dup(1)): on restart, a copy of the new process's own */
        n = add(to, TL_FILE_STD_DUP, NULL, "dup");
        n->std_source = fd;
    } else {
        /* a copy of a descriptor talent did not see made (inherited, or made by uninstrumented code): classified at
         * the next checkpoint like any noticed descriptor, never silently left out; a copy of an epoll instance is
         * epoll.c's (it finds every copy in /proc/self/fd and carries or refuses it) */
        char *path = proc_path(to);
        if (strcmp(path, "anon_inode:[eventpoll]") != 0)
            made(to, "dup/dup2", "(a copy of a descriptor talent did not see made)");
        else
            drop(to);
        free(path);
    }
}

/* listen(): its backlog is kept with the descriptor, and a restore listens again with it (sockopts.c) */
int talent_listen(int fd, int backlog)
{
    int r = listen(fd, backlog);
    if (r == 0) {
        entry *e = find(fd);
        if (!e) {
            made(fd, "listen", "(a socket talent did not see made)");
            e = find(fd);
        }
        if (e) {
            e->has_backlog = 1;
            e->backlog = backlog;
        }
    }
    return r;
}

/* setsockopt(): a connection's SO_RCVBUF and SO_SNDBUF cannot be told from the kernel's autotuned values at a
 * checkpoint, so that the program set them is recorded here (sockopts.c carries them) */
int talent_setsockopt(int fd, int level, int name, const void *value, unsigned len)
{
    int r = setsockopt(fd, level, name, value, (socklen_t)len);
    if (r == 0 && level == SOL_SOCKET && (name == SO_RCVBUF || name == SO_SNDBUF
#ifdef SO_RCVBUFFORCE
                                          || name == SO_RCVBUFFORCE || name == SO_SNDBUFFORCE
#endif
                                          )) {
        entry *e = find(fd);
        if (!e) {
            made(fd, "setsockopt", "(a socket talent did not see made)");
            e = find(fd);
        }
        if (e)
            e->bufs_set |= (name == SO_RCVBUF
#ifdef SO_RCVBUFFORCE
                            || name == SO_RCVBUFFORCE
#endif
                            ) ? TL_SOCKOPTS_RCVBUF_SET : TL_SOCKOPTS_SNDBUF_SET;
    }
    return r;
}

int talent_dup(int fd)
{
    int r = dup(fd);
    if (r >= 0)
        duplicated(fd, r);
    return r;
}

int talent_dup2(int fd, int to)
{
    int r;
    if (fd != to && tl_files_closing_hook && fcntl(fd, F_GETFD) >= 0)
        tl_files_closing_hook(to);
    r = dup2(fd, to);
    if (r >= 0 && fd != to && tl_files_close_hook)
        tl_files_close_hook(to);     /* what was at `to` was closed first */
    if (r >= 0 && fd != to)
        duplicated(fd, to);
    return r;
}

/* Calls that make descriptors without a path (issue 12): each is recorded with its call and site, so that a
 * checkpoint while one is open carries it (a socket talent carries) or refuses naming it, never leaves it out. */
int talent_socket(int domain, int type, int protocol, const char *site)
{
    int fd = socket(domain, type, protocol);
    made(fd, "socket", site);
    return fd;
}

int talent_socketpair(int domain, int type, int protocol, int *sv, const char *site)
{
    int r = socketpair(domain, type, protocol, sv);
    if (r == 0) {
        made(sv[0], "socketpair", site);
        made(sv[1], "socketpair", site);
    }
    return r;
}

int talent_pipe(int *fds, const char *site)
{
    int r = pipe(fds);
    if (r == 0) {
        made(fds[0], "pipe", site);
        made(fds[1], "pipe", site);
    }
    return r;
}

int talent_pipe2(int *fds, int flags, const char *site)
{
    int r = pipe2(fds, flags);
    if (r == 0) {
        made(fds[0], "pipe2", site);
        made(fds[1], "pipe2", site);
    }
    return r;
}

int talent_eventfd(unsigned initval, int flags, const char *site)
{
    int fd = eventfd(initval, flags);
    made(fd, "eventfd", site);
    return fd;
}

int talent_timerfd_create(int clockid, int flags, const char *site)
{
    int fd = timerfd_create(clockid, flags);
    made(fd, "timerfd_create", site);
    return fd;
}

int talent_signalfd(int fd, const void *mask, int flags, const char *site)
{
    int r = signalfd(fd, (const sigset_t *)mask, flags);
    if (r >= 0 && r != fd)
        made(r, "signalfd", site);
    return r;
}

int talent_inotify_init(const char *site)
{
    int fd = inotify_init();
    made(fd, "inotify_init", site);
    return fd;
}

int talent_inotify_init1(int flags, const char *site)
{
    int fd = inotify_init1(flags);
    made(fd, "inotify_init1", site);
    return fd;
}

int talent_memfd_create(const char *name, unsigned flags, const char *site)
{
    int fd = memfd_create(name, flags);
    made(fd, "memfd_create", site);
    return fd;
}

int talent_accept4(int fd, struct sockaddr *addr, void *addrlen, int flags, const char *site)
{
    int r = accept4(fd, addr, (socklen_t *)addrlen, flags);
    tl_files_notice(fd, "accept4");
    made(r, "accept4", site);
    tl_files_accepted(fd, r);
    return r;
}

void *talent_popen(const char *command, const char *type, const char *site)
{
    FILE *f = popen(command, type);
    if (f)
        made(fileno(f), "popen", site);
    return f;
}

void *talent_opendir(const char *name, const char *site)
{
    DIR *d = opendir(name);
    if (d)
        made(dirfd(d), "opendir", site);
    return d;
}

/* tmpfile's stream is a file already removed from its directory (opened "w+b" by both C libraries): a stream entry
 * like fopen's, whose contents a checkpoint carries (TMPF, below); a refusal names tmpfile and the call's site */
void *talent_tmpfile(const char *site)
{
    FILE *f = tmpfile();
    entry *e;
    if (!f)
        return f;
    e = add(fileno(f), TL_FILE_STREAM, NULL, site);
    e->stream = f;
    e->call = "tmpfile";
    record_mode(e->mode, sizeof e->mode, "w+b");
    return f;
}

/* pclose and closedir close the descriptor popen or opendir made: it leaves the table, so that the number, once
 * another call reuses it where talent does not see it, is not taken for what was there */
int talent_pclose(void *stream)
{
    int fd = fileno((FILE *)stream);
    if (fd >= 0) {
        drop(fd);
        if (tl_files_closing_hook)
            tl_files_closing_hook(fd);
    }
    return pclose((FILE *)stream);
}

int talent_closedir(void *dir)
{
    int fd = dirfd((DIR *)dir), r;
    if (fd >= 0) {
        drop(fd);
        if (tl_files_closing_hook)
            tl_files_closing_hook(fd);
    }
    r = closedir((DIR *)dir);
    if (r == 0 && fd >= 0 && tl_files_close_hook)
        tl_files_close_hook(fd);
    return r;
}

/* A descriptor open when the program started (beyond 0-2): treated as one the program was given, carried like a
 * noticed descriptor when talent can carry it, refused otherwise (fdscan.c). */
void tl_files_inherited(int fd)
{
    if (fd < 3 || find(fd))
        return;
    add(fd, NOTICED, NULL, TL_FILES_INHERITED);
}

int *tl_files_descriptors(size_t *n)
{
    int *v = tl_xmalloc((nentries ? nentries : 1) * sizeof *v);
    size_t i;
    for (i = 0; i < nentries; i++)
        v[i] = table[i].fd;
    *n = nentries;
    return v;
}

/* ---------------------------------------------------------------- backlogs */

/* Why the checkpoint being collected is refused (the first descriptor that cannot be carried); "" when none. */
static char refusal[768];


/* Connections a listener had completed but the program had not accepted at a stop checkpoint are accepted by
 * the runtime itself and carried like the program's own connections; the program's next accept() on that
 * listener returns them first, in their order (and poll() reports the listener readable meanwhile). */
int tl_files_pending_take(int listener)
{
    size_t i, best = (size_t)-1;
    for (i = 0; i < nentries; i++)
        if (table[i].pending_of == listener + 1 && (best == (size_t)-1 || table[i].pending_seq < table[best].pending_seq))
            best = i;
    if (best == (size_t)-1)
        return -1;
    table[best].pending_of = 0;
    table[best].site = "accept (a connection)";
    return table[best].fd;
}

int tl_files_pending(int listener)
{
    size_t i;
    for (i = 0; i < nentries; i++)
        if (table[i].pending_of == listener + 1)
            return 1;
    return 0;
}

/* A stream socket that is not listening and not connected (getpeername fails with ENOTCONN), bound to an IPv4 or
 * IPv6 address, which is stored in *local: what a connect() in progress and a connection closed in both directions
 * have in common. */
static int unconnected_stream(int fd, struct sockaddr_storage *local)
{
    socklen_t len = sizeof *local;
    int type = 0, acc = 0;
    socklen_t tl = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 || type != SOCK_STREAM)
        return 0;
    tl = sizeof acc;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &tl) != 0 || acc)
        return 0;
    if (getpeername(fd, (struct sockaddr *)local, &len) == 0 || errno != ENOTCONN)
        return 0;
    len = sizeof *local;
    return getsockname(fd, (struct sockaddr *)local, &len) == 0 &&
           (local->ss_family == AF_INET || local->ss_family == AF_INET6);
}

/* A TCP socket whose non-blocking connect() is still in progress (SYN sent, no answer yet): not connected, and
 * poll() reports nothing for it (a socket that never connected, or whose connect failed, reports POLLOUT/POLLHUP
 * or POLLERR). poll rather than TCP_INFO: the latter is not translated by qemu-user on a big-endian guest.
 * Under talent run --net such a socket is handed to talent like a connection (its helper connects it again on the
 * destination with the same initial sequence number: the peer sees a retransmitted SYN); waiting for it instead
 * would be in vain, since the network lock (the app's bridge port down) is already on when the runtime gets the
 * stop, so the peer's SYN-ACK cannot arrive. Elsewhere it refuses the stop checkpoint (listen_address). */
static int connecting(int fd)
{
    struct sockaddr_storage local;
    struct pollfd p;
    if (!unconnected_stream(fd, &local))
        return 0;
    p.fd = fd;
    p.events = POLLOUT;
    p.revents = 0;
    return poll(&p, 1, 0) == 0;
}

/* A TCP connection closed in both directions that the program still holds (state CLOSE: both FINs exchanged, or
 * a reset): not connected any more (getpeername fails), bound to its old local address, and poll() reports it hung
 * up with its receiving side shut down (POLLHUP and POLLRDHUP; a socket that never connected reports POLLHUP
 * without POLLRDHUP). poll, not TCP_INFO, for qemu-user's sake (see connecting). Under talent run --net it is
 * handed to talent, whose helper checks its state natively and refuses it, naming it, when it cannot be carried
 * exactly (talent-container/README.md, "Closed connections"). */
static int closed_connection(int fd)
{
    struct sockaddr_storage ss;
    struct pollfd p;
    if (!unconnected_stream(fd, &ss))
        return 0;
    if (ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port == 0 : ((struct sockaddr_in6 *)&ss)->sin6_port == 0)
        return 0;
    p.fd = fd;
    p.events = POLLIN | POLLOUT | POLLRDHUP;
    p.revents = 0;
    return poll(&p, 1, 0) == 1 && (p.revents & POLLHUP) && (p.revents & POLLRDHUP);
}

/* The peer kept for e (tl_files_connecting, tl_files_accepted), or for another descriptor of its description */
static const entry *peer_of(const entry *e)
{
    size_t i;
    if (e->connect_len)
        return e;
    for (i = 0; i < nentries; i++)
        if (table[i].description == e->description && table[i].connect_len)
            return &table[i];
    return NULL;
}

/* At most this many connections are taken from one listener's backlog at a stop: far above what a listen()
 * backlog holds by default (net.core.somaxconn); a listener with more left refuses the stop. */
#define TL_BACKLOG_TAKE_MAX 65536

/* before a stop checkpoint that carries connections: every listening TCP socket's completed connections, all of
 * them (the network lock is on, so no more arrive). One that cannot be taken (accept fails, e.g. at the descriptor
 * limit) refuses the stop naming the listener, rather than leaving it in a backlog that ends with the source
 * process; those already taken stay with the program, which accepts them next as before. */
static void drain_backlogs(void)
{
    size_t i, nl = 0;
    int *listeners = tl_xmalloc((nentries ? nentries : 1) * sizeof *listeners);
    for (i = 0; i < nentries; i++) {
        int acc = 0, type = 0;
        socklen_t len = sizeof acc;
        struct sockaddr_storage ss;
        if (getsockopt(table[i].fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) != 0 || !acc)
            continue;
        len = sizeof type;
        if (getsockopt(table[i].fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM)
            continue;
        len = sizeof ss;
        if (getsockname(table[i].fd, (struct sockaddr *)&ss, &len) != 0 || (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
            continue;
        listeners[nl++] = table[i].fd;
    }
    for (i = 0; i < nl; i++) {
        long k;
        const char *failure = NULL;
        int err = 0;
        for (k = 0;; k++) {
            struct pollfd p;
            int c;
            entry *e;
            p.fd = listeners[i];
            p.events = POLLIN;
            p.revents = 0;
            if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
                break;
            if (k == TL_BACKLOG_TAKE_MAX) {
                failure = "more connections than the runtime takes from one backlog";
                break;
            }
            c = accept(listeners[i], NULL, NULL);
            if (c < 0) {
                if (errno == EINTR || errno == ECONNABORTED)
                    continue;               /* a connection the peer reset meanwhile: nothing to carry */
                failure = "accept failed";
                err = errno;
                break;
            }
            e = add(c, NOTICED, NULL, "a connection in a listener's backlog");
            {
                const entry *l = find(listeners[i]);
                if (l)
                    e->bufs_set = l->bufs_set;
            }
            e->pending_of = listeners[i] + 1;
            e->pending_seq = next_pending++;
            tl_info("took a connection from the backlog of descriptor %d as descriptor %d", listeners[i], c);
        }
        if (failure && !refusal[0])
            snprintf(refusal, sizeof refusal, "cannot checkpoint: descriptor %d is a listening TCP socket with connections "
                     "waiting in its backlog that the runtime could not take to carry them (%s%s%s after %ld); they "
                     "would be lost, so the stop is refused and the program goes on", listeners[i], failure,
                     err ? ": " : "", err ? tl_strerror(err) : "", k);
    }
    free(listeners);
}

/* ---------------------------------------------------------------- checkpoint */

static int carried_device(const char *path)
{
    static const char *const ok[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
                                     "/dev/tty"};
    size_t i;
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(path, ok[i]) == 0)
            return 1;
    return strncmp(path, "/dev/pts/", 9) == 0 || strncmp(path, "/dev/tty", 8) == 0;
}

static char *proc_path(int fd)
{
    char link[64], target[4096];
    ssize_t n;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, target, sizeof target - 1);
    if (n < 0)
        return tl_xstrdup("?");
    target[n] = '\0';
    return tl_xstrdup(target);
}

/* memfd_create's files have no name either, but are memory the program may seal or share: not carried */
static int is_memfd(int fd)
{
    char *p = proc_path(fd);
    int r = strncmp(p, "/memfd:", 7) == 0;
    free(p);
    return r;
}

/* A descriptor talent cannot carry refuses the checkpoint: it is left out of the FILE section, the checkpoint is not
 * written (tl_files_refusal) and the program goes on, its descriptors untouched, so a migration rolls back with the
 * program still running: a plain descriptor from the in-memory image; a stream's descriptor, whose FILE * pointers
 * the image could not hold, from its state as it is (refusal.h). */
static void cannot_carry(const entry *e, const char *path, const char *what)
{
    char message[sizeof refusal], origin[256];
    if (e->call)
        snprintf(origin, sizeof origin, "made by %s %s%s", e->call, e->site[0] == '(' ? "" : "at ", e->site);
    else if (strcmp(e->site, TL_FILES_INHERITED) == 0)
        snprintf(origin, sizeof origin, "%s", e->site);
    else
        snprintf(origin, sizeof origin, "%s %s", e->kind == NOTICED ? "used by" : "opened at", e->site);
    snprintf(message, sizeof message, "cannot checkpoint: descriptor %d (%s, %s) is %s, which talent cannot carry "
             "to another process (it carries regular files, terminals, /dev/null and the like, listening TCP sockets "
             "and unconnected UDP sockets); close it before the checkpoint", e->fd, path, origin, what);
    if (e->kind == TL_FILE_STREAM && e->stream)
        tl_refuse("%s", message);
    if (!refusal[0])
        memcpy(refusal, message, sizeof refusal);
}

const char *tl_files_refusal(void)
{
    return refusal[0] ? refusal : NULL;
}

int tl_files_handoff(char *err, size_t nerr)
{
    size_t i, j, n = 0;
    int *fds = tl_xmalloc((nout ? nout : 1) * sizeof *fds), r;
    for (i = 0; i < nout; i++)
        if (out[i].kind == TL_FILE_TCP) {
            /* a second descriptor of one connection (dup) is a copy, made again on restore */
            for (j = 0; j < i; j++)
                if (out[j].kind == TL_FILE_TCP && out[j].description == out[i].description)
                    break;
            if (j == i)
                fds[n++] = (int)out[i].fd;
        }
    r = tl_tcp_give(fds, n, err, nerr);
    free(fds);
    return r;
}

/* the last entry of the FILE section again out of it (its descriptor was refused) */
static void out_drop_last(void)
{
    nout--;
    free(out[nout].path);
    out[nout].path = NULL;
}

/* The options of a listening or UDP socket that decide, at bind, which addresses it takes: IPV6_V6ONLY (an IPv6
 * socket beside an IPv4 one on the same port, or one kept off IPv4 on purpose) and SO_REUSEPORT (a port shared by
 * several sockets). One that cannot be read refuses the checkpoint rather than being restored as the default. */
static uint8_t socket_option_flags(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int on = 0;
    uint8_t flags = 0;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET6) {
        len = sizeof on;
        if (getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, &len) != 0)
            tl_refuse("cannot checkpoint: IPV6_V6ONLY of socket %d cannot be read: %s", fd, tl_strerror(errno));
        else if (on)
            flags |= TL_FILE_FLAG_V6ONLY;
    }
    on = 0;
    len = sizeof on;
    if (getsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, &len) != 0)
        tl_refuse("cannot checkpoint: SO_REUSEPORT of socket %d cannot be read: %s", fd, tl_strerror(errno));
    else if (on)
        flags |= TL_FILE_FLAG_REUSEPORT;
    return flags;
}

/* The listen backlog and the options the program set on a socket carried as FILE kind 3, or on a connection (kind 6)
 * (o): an SOPT entry, and the flag that says so (a reader from before SOPT, or from before connections had entries,
 * refuses the flag instead of restoring the socket without them). An option talent cannot carry refuses the checkpoint
 * naming the descriptor and the option; the program goes on. */
static void socket_options(const entry *e, tl_ck_file *o, int connection)
{
    unsigned how = 0;
    size_t i;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int type = 0;
    socklen_t tl = sizeof type;
    tl_ck_sockopts so;
    char why[256];
    memset(&so, 0, sizeof so);
    if (getsockname(e->fd, (struct sockaddr *)&ss, &len) != 0 || getsockopt(e->fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0)
        return;
    if (connection) {
        /* the buffers set through any descriptor of the connection */
        how = TL_SOCKOPTS_CONNECTION;
        for (i = 0; i < nentries; i++)
            if (table[i].description == e->description)
                how |= table[i].bufs_set;
    }
    if (tl_sockopts_read(e->fd, ss.ss_family, type, how, &so, why, sizeof why) != 0) {
        if (!refusal[0])
            snprintf(refusal, sizeof refusal, "cannot checkpoint: descriptor %d (%s, %s) is a socket whose %s; the "
                     "program goes on with it as it is", e->fd, o->path, e->site, why);
        return;
    }
    if (type == SOCK_STREAM && e->has_backlog) {
        so.flags = TL_SOPT_FLAG_BACKLOG;
        so.backlog = e->backlog;
    } else if (type == SOCK_STREAM && !connection) {
        /* a listener whose listen() talent did not see (inherited, or called where talent does not wrap it): the
         * kernel's limit where the kernel tells it, else none (the restore listens with SOMAXCONN) */
        int kernel;
        if (tl_sockopts_listen_backlog(e->fd, &kernel) == 0) {
            so.flags = TL_SOPT_FLAG_BACKLOG;
            so.backlog = kernel;
        }
    }
    if (!so.flags && !so.n)
        return;
    so.fd = (uint32_t)e->fd;
    if (nout_opts == capout_opts) {
        capout_opts = capout_opts ? 2 * capout_opts : 8;
        out_opts = tl_xrealloc(out_opts, capout_opts * sizeof *out_opts);
    }
    out_opts[nout_opts++] = so;
    o->flags |= TL_FILE_FLAG_OPTIONS;
}

static int cmp_sockopts_fd(const void *x, const void *y)
{
    uint32_t a = ((const tl_ck_sockopts *)x)->fd, b = ((const tl_ck_sockopts *)y)->fd;
    return a < b ? -1 : a > b;
}

uint32_t tl_files_write_options(tl_buf *b)
{
    size_t i;
    if (!nout_opts)
        return 0;
    tl_sort(out_opts, nout_opts, sizeof *out_opts, cmp_sockopts_fd);
    tl_buf_u32(b, (uint32_t)nout_opts);
    for (i = 0; i < nout_opts; i++)
        tl_sockopts_write_entry(b, &out_opts[i]);
    return (uint32_t)nout_opts;
}

/* "tcp:1.2.3.4:80" or "tcp6:[::1]:80" for a listening TCP socket, "udp:1.2.3.4:53" or "udp6:[::]:53" for an
 * unconnected UDP socket (its bound address); NULL otherwise, with *why saying what the socket is */
static char *listen_address(int fd, const char **why)
{
    int accepting = 0, type = 0;
    socklen_t len = sizeof accepting;
    struct sockaddr_storage ss, peer;
    char host[INET6_ADDRSTRLEN], buf[128];
    const char *proto;
    *why = "a socket that is neither a listening TCP socket, an unconnected UDP socket nor a TCP connection talent "
           "run --net migrates";
    len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
        return NULL;
    len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return NULL;
    if (ss.ss_family == AF_UNIX) {
        *why = "a Unix-domain socket";
        return NULL;
    }
    if (type == SOCK_STREAM) {
        len = sizeof accepting;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) != 0 || !accepting) {
            len = sizeof peer;
            if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0)
                *why = "a TCP connection (connections are carried only when talent run --net migrates the program)";
            else if (connecting(fd))
                *why = "a TCP connection still being set up (a connect() in progress: the stop is refused, the "
                       "program goes on and a later migration carries the connection once it is established)";
            else if (closed_connection(fd))
                *why = "a TCP connection closed in both directions (state CLOSE: both sides sent FIN, or a reset; "
                       "carried only when talent run --net migrates the program and the program accepted or "
                       "connected it through talent, which keeps its peer's address)";
            else
                *why = "a TCP socket that is neither listening nor connected (never connected, its connect() "
                       "failed, or its connection is closed in both directions: TIME_WAIT/CLOSE)";
            return NULL;
        }
        proto = "tcp";
    } else if (type == SOCK_DGRAM) {
        len = sizeof peer;
        if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0) {
            *why = "a connected UDP socket (only unconnected ones are carried)";
            return NULL;
        }
        proto = "udp";
    } else
        return NULL;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        snprintf(buf, sizeof buf, "%s:%s:%u", proto, host, (unsigned)ntohs(a->sin_port));
    } else if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        snprintf(buf, sizeof buf, "%s6:[%s]:%u", proto, host, (unsigned)ntohs(a->sin6_port));
    } else
        return NULL;
    return tl_xstrdup(buf);
}

static tl_ck_file *out_add(void)
{
    static size_t capout;
    if (nout == capout) {
        capout = capout ? 2 * capout : 16;
        out = tl_xrealloc(out, capout * sizeof *out);
        out_streams = tl_xrealloc(out_streams, capout * sizeof *out_streams);
    }
    memset(&out[nout], 0, sizeof out[nout]);
    out_streams[nout] = NULL;
    return &out[nout++];
}

static void out_clear(void)
{
    size_t i;
    for (i = 0; i < nout; i++)
        free(out[i].path);
    nout = 0;
    for (i = 0; i < ncarried; i++)
        free(carried[i].bytes);
    ncarried = 0;
    carried_total = 0;
}

/* The contents of a file with no name left (st_nlink 0: tmpfile's, O_TMPFILE's, one the program unlinked while it
 * was open), carried in the TMPF section: restored as such a file again (restore_unnamed). Read once per open file
 * description, after the checkpoint's fflush(NULL) wrote the streams' buffered output into it (a stream's read-ahead
 * is accounted for by its position, ftello, as for any file). NULL when e's contents are carried (or already are,
 * through a copy of its description); else why not: a memfd (sealed, shared memory: not a plain file), another open
 * file description of the same file (the two would come back as two files), a pre-copy round (the parent goes on
 * writing to the file while the round's child would read it, and its unwritten bytes are the parent's), more than
 * TL_TMPF_MAX bytes in all, a read that fails. */
static const char *unnamed_contents(const entry *e, const struct stat *st, off_t pos)
{
    static char why[256];
    size_t i;
    struct carried_file *c;
    uint64_t got = 0;
    for (i = 0; i < ncarried; i++)
        if (carried[i].description == e->description)
            return NULL;
        else if (carried[i].dev == st->st_dev && carried[i].ino == st->st_ino)
            return "a deleted file opened twice (two open file descriptions of one file without a name, which a "
                   "restore would make two files)";
    if ((e->call && strcmp(e->call, "memfd_create") == 0) || is_memfd(e->fd))
        return "a memory file (memfd_create)";
    if (tl_precopy_in_child())
        return "a deleted file, whose contents a pre-copy round cannot read while the program goes on writing it "
               "(they are carried at a stop)";
    if ((uint64_t)st->st_size > TL_TMPF_MAX - carried_total) {
        snprintf(why, sizeof why, "a deleted file of %lld bytes, more than the %llu a checkpoint still carries of the "
                 "contents of such files (%d in all)", (long long)st->st_size,
                 (unsigned long long)(TL_TMPF_MAX - carried_total), TL_TMPF_MAX);
        return why;
    }
    if (pos < 0 || (uint64_t)pos > TL_TMPF_MAX) {
        snprintf(why, sizeof why, "a deleted file whose position (%lld) is past the %d bytes a checkpoint carries of "
                 "such files", (long long)pos, TL_TMPF_MAX);
        return why;
    }
    if (ncarried == capcarried) {
        capcarried = capcarried ? 2 * capcarried : 4;
        carried = tl_xrealloc(carried, capcarried * sizeof *carried);
    }
    c = &carried[ncarried];
    c->bytes = tl_xmalloc(st->st_size ? (size_t)st->st_size : 1);
    while (got < (uint64_t)st->st_size) {
        ssize_t n = pread(e->fd, c->bytes + got, (size_t)((uint64_t)st->st_size - got), (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(why, sizeof why, "a deleted file whose contents cannot be read (%s)",
                     n < 0 ? tl_strerror(errno) : "shorter than its size");
            free(c->bytes);
            return why;
        }
        got += (uint64_t)n;
    }
    c->description = e->description;
    c->dev = st->st_dev;
    c->ino = st->st_ino;
    c->len = got;
    carried_total += got;
    ncarried++;
    return NULL;
}

/* The bytes stdin's buffer holds that the program has not read yet (read ahead from the descriptor, or pushed back) */
static size_t stdin_read_ahead(void)
{
#ifdef __GLIBC__
    return stdin->_IO_read_ptr && stdin->_IO_read_end > stdin->_IO_read_ptr
               ? (size_t)(stdin->_IO_read_end - stdin->_IO_read_ptr) : 0;
#else
    return __freadahead(stdin);
#endif
}

/* Whether a readable stream's next character is not the file's byte at the stream's position: a character pushed
 * back with ungetc that differs from the one read (a lexer putting back another token). The position talent carries
 * (ftello) is before it, and a restore that seeks there reads the file's byte instead. Looks by reading one character
 * and pushing it back, which leaves the stream as it was (its end-of-file indicator cleared again if the look set it). */
static int pushed_back_other(FILE *s, int fd, off_t pos, int *pushed, int *there)
{
    int fl = fcntl(fd, F_GETFL);
    int eof, c;
    unsigned char b;
    if (fl < 0 || (fl & O_ACCMODE) == O_WRONLY || ferror(s) || fwide(s, 0) > 0)
        return 0;
    eof = feof(s);
    c = getc(s);
    if (c == EOF) {
        if (!eof && !ferror(s))
            clearerr(s);
        return 0;
    }
    if (ungetc(c, s) == EOF)
        return 0;
    if (pread(fd, &b, 1, pos) == 1) {
        if (b == (unsigned char)c)
            return 0;
        *there = b;
    } else {
        *there = -1;
    }
    *pushed = c;
    return 1;
}

void tl_files_collect(void)
{
    size_t i;
    struct stat st;
    int have_fd0 = 0;
    /* stdout's and stderr's unwritten bytes are carried, not written (pending.c): a program mixing them with direct
     * writes to the same file prints in gcc's order. A pre-copy child never flushes: the parent owns the buffered
     * output (precopy.c) */
    if (!tl_precopy_in_child())
        tl_pending_take();
    if (!tl_precopy_in_child() && fflush(NULL) != 0)
        tl_die(TL_EXIT_IOERR, "cannot flush the program's output streams before the checkpoint: %s", tl_strerror(errno));
    out_clear();
    nout_opts = 0;
    refusal[0] = '\0';
    if (tl_tcp_handoff_possible())
        drain_backlogs();
    for (i = 0; i < nentries;) {
        entry *e = &table[i];
        tl_ck_file *o;
        char *path;
        int fl, fdfl;
        if (fcntl(e->fd, F_GETFD) < 0 || fstat(e->fd, &st) != 0) {
            drop(e->fd);                /* closed behind talent's back (uninstrumented code) */
            continue;
        }
        i++;
        if (e->fd == 0)
            have_fd0 = 1;
        if (e->have_id && (st.st_dev != e->dev || st.st_ino != e->ino) && e->kind != TL_FILE_STD_DUP) {
            /* closed and reused behind talent's back: whatever is there now is what is carried */
            free(e->path);
            e->path = NULL;
            e->kind = e->stream ? TL_FILE_STREAM : NOTICED;
            e->call = NULL;
            e->dev = st.st_dev;
            e->ino = st.st_ino;
        }
        o = out_add();
        o->fd = (uint32_t)e->fd;
        o->site = (char *)e->site;
        o->mode = e->kind == TL_FILE_STREAM ? e->mode : (char *)"";
        o->description = e->description;
        if (e->kind == TL_FILE_STD_DUP) {
            o->kind = TL_FILE_STD_DUP;
            o->std_source = (uint8_t)e->std_source;
            o->path = tl_xstrdup("");
            continue;
        }
        path = e->path ? tl_xstrdup(e->path) : proc_path(e->fd);
        o->path = path;
        fl = fcntl(e->fd, F_GETFL);
        fdfl = fcntl(e->fd, F_GETFD);
        o->access = (fl & O_ACCMODE) == O_WRONLY ? TL_FILE_ACCESS_WRITE_ONLY
                    : (fl & O_ACCMODE) == O_RDWR ? TL_FILE_ACCESS_READ_WRITE : TL_FILE_ACCESS_READ_ONLY;
        o->flags = (uint8_t)(((fl & O_APPEND) ? TL_FILE_FLAG_APPEND : 0) | ((fdfl & FD_CLOEXEC) ? TL_FILE_FLAG_CLOEXEC : 0) |
                             ((fl & O_NONBLOCK) ? TL_FILE_FLAG_NONBLOCK : 0));
        if (S_ISSOCK(st.st_mode)) {
            const char *why;
            char *addr = listen_address(e->fd, &why);
            const entry *pe;
            if (!addr && tl_tcp_handoff_possible() &&
                ((addr = tl_tcp_describe(e->fd)) != NULL ||
                 (connecting(e->fd) && (addr = tl_tcp_describe_connecting(e->fd, &e->connect_to, e->connect_len)) != NULL) ||
                 (closed_connection(e->fd) && (pe = peer_of(e)) != NULL &&
                  (addr = tl_tcp_describe_connecting(e->fd, &pe->connect_to, pe->connect_len)) != NULL))) {
                /* a connection, carried by talent's TCP repair (handed over before the file is written) */
                free(o->path);
                o->path = addr;
                o->kind = TL_FILE_TCP;
                o->mode = (char *)"";
                o->offset = (uint64_t)e->pending_of;   /* 0, or the listener's fd + 1 (not accepted yet) */
                socket_options(e, o, 1);
                continue;
            }
            if (!addr) {
                cannot_carry(e, path, why);
                out_drop_last();
                continue;
            }
            free(o->path);
            o->path = addr;
            o->kind = TL_FILE_LISTEN;
            o->mode = (char *)"";
            o->flags |= socket_option_flags(e->fd);
            socket_options(e, o, 0);
            continue;
        }
        if (S_ISREG(st.st_mode)) {
            off_t pos;
            pos = e->kind == TL_FILE_STREAM && e->stream ? ftello(e->stream) : lseek(e->fd, 0, SEEK_CUR);
            if (st.st_nlink == 0) {
                const char *why = unnamed_contents(e, &st, pos);
                if (why) {
                    cannot_carry(e, path, why);
                    out_drop_last();
                    continue;
                }
                o->flags |= TL_FILE_FLAG_CONTENTS;
            }
            if (pos < 0) {
                /* the program's descriptor is fine, only its position unknown: refused, the program goes on */
                tl_refuse("cannot checkpoint: the offset of descriptor %d (%s) cannot be read: %s", e->fd, path,
                          tl_strerror(errno));
                pos = 0;
            }
            if (e->kind == TL_FILE_STREAM && e->stream && pos >= 0) {
                int pushed, there;
                if (pushed_back_other(e->stream, e->fd, pos, &pushed, &there))
                    tl_refuse("cannot checkpoint: the stream of descriptor %d (%s) holds a character pushed back with "
                              "ungetc (%d) that is not the file's byte at its position %lld (%d): talent carries a "
                              "stream's position, not the characters pushed back; read it before the checkpoint",
                              e->fd, path, pushed, (long long)pos, there);
            }
            o->offset = (uint64_t)pos;
            o->size = (uint64_t)st.st_size;
        } else if (S_ISCHR(st.st_mode) && carried_device(path)) {
            o->offset = 0;
        } else {
            cannot_carry(e, path, S_ISFIFO(st.st_mode)                ? "a pipe or FIFO"
                                  : S_ISDIR(st.st_mode)                 ? "a directory"
                                  : strncmp(path, "anon_inode:", 11) == 0 ? "a kernel object (eventfd, timerfd, signalfd, "
                                                                          "inotify...)"
                                                                        : "a device");
            out_drop_last();
            continue;
        }
        o->kind = e->kind == TL_FILE_STREAM && e->stream ? TL_FILE_STREAM : TL_FILE_DESCRIPTOR;
        /* the standard streams keep their STD_STREAM identity; others get an index */
        if (o->kind == TL_FILE_STREAM && e->fd > 2)
            out_streams[nout - 1] = e->stream;
    }
    /* stdin redirected from a file: its position (not the file: the new process has its own stdin) */
    if (!have_fd0 && fstat(0, &st) == 0 && S_ISREG(st.st_mode)) {
        off_t pos = ftello(stdin);
        tl_ck_file *o;
        int pushed, there;
        if (pos < 0)
            pos = lseek(0, 0, SEEK_CUR);
        else if (pushed_back_other(stdin, 0, pos, &pushed, &there))
            tl_refuse("cannot checkpoint: stdin holds a character pushed back with ungetc (%d) that is not the file's "
                      "byte at its position %lld (%d): talent carries a stream's position, not the characters pushed "
                      "back; read it before the checkpoint", pushed, (long long)pos, there);
        if (pos >= 0) {
            o = out_add();
            o->kind = TL_FILE_STDIN;
            o->path = tl_xstrdup("");
            o->mode = (char *)"";
            o->site = (char *)"stdin";
            o->offset = (uint64_t)pos;
            o->size = (uint64_t)st.st_size;
        }
    } else if (!have_fd0 && fstat(0, &st) == 0) {
        /* stdin from a pipe, a terminal or a socket: a restarted process reads its own, so what this one's stdio
         * read ahead from it and the program has not consumed would be lost (a filter's `cat in | prog` counted the
         * lines of its buffer nowhere, exit 0) */
        size_t ahead = stdin_read_ahead();
        if (ahead)
            tl_refuse("cannot checkpoint now: stdin (%s) holds %lu bytes that stdio read ahead and the program has "
                      "not consumed; a restarted process reads its own stdin, so they would be lost (talent carries "
                      "stdin's position only when it is a regular file)",
                      S_ISFIFO(st.st_mode) ? "a pipe" : S_ISCHR(st.st_mode) ? "a terminal or device"
                      : S_ISSOCK(st.st_mode) ? "a socket" : "not a regular file", (unsigned long)ahead);
    }
}

void (*tl_files_stream_closed_hook)(void *stream);

size_t tl_files_stream_count(void)
{
    return nout;
}

void *tl_files_out_stream(size_t i)
{
    return i < nout ? out_streams[i] : NULL;
}

long tl_files_stream_index(const void *p)
{
    size_t i;
    for (i = 0; i < nout; i++)
        if (out_streams[i] == p)
            return (long)i;
    return -1;
}

void tl_files_write(tl_buf *b)
{
    size_t i;
    tl_buf_u32(b, (uint32_t)nout);
    for (i = 0; i < nout; i++) {
        const tl_ck_file *o = &out[i];
        tl_buf_u32(b, o->fd);
        tl_buf_u8(b, o->kind);
        tl_buf_u32(b, o->description);
        tl_buf_str(b, o->path);
        tl_buf_u8(b, o->access);
        tl_buf_u8(b, o->flags);
        tl_buf_u8(b, o->std_source);
        tl_buf_str(b, o->mode);
        tl_buf_u64(b, o->offset);
        tl_buf_u64(b, o->size);
        tl_buf_str(b, o->site);
    }
}

static int cmp_carried(const void *x, const void *y)
{
    uint32_t a = ((const struct carried_file *)x)->description, b = ((const struct carried_file *)y)->description;
    return a < b ? -1 : a > b;
}

uint32_t tl_files_write_contents(tl_buf *b)
{
    size_t i;
    if (!ncarried)
        return 0;
    tl_sort(carried, ncarried, sizeof *carried, cmp_carried);
    tl_buf_u32(b, (uint32_t)ncarried);
    for (i = 0; i < ncarried; i++) {
        tl_buf_u32(b, carried[i].description);
        tl_buf_u32(b, (uint32_t)carried[i].len);
        tl_buf_put(b, carried[i].bytes, (size_t)carried[i].len);
    }
    return (uint32_t)ncarried;
}

/* ---------------------------------------------------------------- reading */

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

static int parse_tcp_address(const char *p, struct sockaddr_storage *ss, socklen_t *len);

/* tcp:<IPv4>:<port>, tcp6:[<IPv6>]:<port>, udp:..., udp6:... (FORMAT.md FILE kind 3) into a socket address and
 * a socket type (*type); 0 or -1. */
static int parse_listen_address(const char *p, struct sockaddr_storage *ss, socklen_t *len, int *type)
{
    if (strncmp(p, "udp", 3) == 0) {
        /* same grammar as tcp: checked on "tcp" + the rest */
        char tcp[160];
        if (strlen(p) >= sizeof tcp)
            return -1;
        memcpy(tcp, "tcp", 3);
        strcpy(tcp + 3, p + 3);
        *type = SOCK_DGRAM;
        return parse_tcp_address(tcp, ss, len);
    }
    *type = SOCK_STREAM;
    return parse_tcp_address(p, ss, len);
}

static int parse_tcp_address(const char *p, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[128];
    const char *colon = strrchr(p, ':'), *d;
    unsigned long port = 0;
    memset(ss, 0, sizeof *ss);
    if (!colon || !colon[1] || strlen(colon + 1) > 5)
        return -1;
    for (d = colon + 1; *d; d++) {
        if (*d < '0' || *d > '9')
            return -1;
        port = port * 10 + (unsigned long)(*d - '0');
    }
    if (port > 65535)
        return -1;
    if (strncmp(p, "tcp:", 4) == 0 && (size_t)(colon - p - 4) < sizeof host) {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        memcpy(host, p + 4, (size_t)(colon - p - 4));
        host[colon - p - 4] = '\0';
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
            return -1;
        *len = sizeof *a;
        return 0;
    }
    if (strncmp(p, "tcp6:[", 6) == 0 && colon - p >= 7 && colon[-1] == ']' && (size_t)(colon - p - 7) < sizeof host) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        memcpy(host, p + 6, (size_t)(colon - p - 7));
        host[colon - p - 7] = '\0';
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
            return -1;
        *len = sizeof *a;
        return 0;
    }
    return -1;
}

int tl_files_parse(tl_reader *r, tl_checkpoint *ck)
{
    int stdin_entries = 0;
    uint32_t n = tl_rd_u32(r), i, j;
    if (r->failed)
        return -1;
    if (n > (r->len - r->pos) / 40) {
        tl_reader_fail(r, "at offset %lu: %lu entries do not fit in the section", (unsigned long)r->base,
                       (unsigned long)n);
        return -1;
    }
    ck->files = tl_xcalloc(n ? n : 1, sizeof *ck->files);
    ck->nfiles = n;
    for (i = 0; i < n; i++) {
        tl_ck_file *f = &ck->files[i];
        size_t at = r->pos;
        const char *m;
        f->fd = tl_rd_u32(r);
        f->kind = tl_rd_u8(r);
        f->description = tl_rd_u32(r);
        f->path = tl_rd_cbytes(r);     /* bytes, but a C string: no NUL */
        f->access = tl_rd_u8(r);
        f->flags = tl_rd_u8(r);
        f->std_source = tl_rd_u8(r);
        f->mode = tl_rd_str(r);
        f->offset = tl_rd_u64(r);
        f->size = tl_rd_u64(r);
        f->site = tl_rd_str(r);
        if (r->failed)
            return -1;
#define BAD(...) do { tl_reader_fail(r, __VA_ARGS__); return -1; } while (0)
        if (f->fd > 0x7FFFFFFF)
            BAD("at offset %lu: descriptor %lu out of range", (unsigned long)(r->base + at), (unsigned long)f->fd);
        if (f->kind < TL_FILE_DESCRIPTOR || f->kind > TL_FILE_TCP)
            BAD("at offset %lu: unknown entry kind %u", (unsigned long)(r->base + at), f->kind);
        if (f->access > TL_FILE_ACCESS_READ_WRITE ||
            f->flags > (TL_FILE_FLAG_APPEND | TL_FILE_FLAG_CLOEXEC | TL_FILE_FLAG_NONBLOCK | TL_FILE_FLAG_V6ONLY |
                        TL_FILE_FLAG_REUSEPORT | TL_FILE_FLAG_OPTIONS | TL_FILE_FLAG_CONTENTS) ||
            f->std_source > (f->kind == TL_FILE_STD_DUP ? 2 : 0))
            BAD("at offset %lu: access, flags or standard descriptor out of range", (unsigned long)(r->base + at));
        if ((f->kind == TL_FILE_STDIN || f->kind == TL_FILE_STD_DUP) && f->path[0])
            BAD("at offset %lu: entry of kind %u has a path", (unsigned long)(r->base + at), f->kind);
        if (f->kind != TL_FILE_STREAM && f->mode[0])
            BAD("at offset %lu: entry of kind %u has a stream mode", (unsigned long)(r->base + at), f->kind);
        if (f->kind == TL_FILE_STDIN && ++stdin_entries > 1)
            BAD("at offset %lu: a second stdin position", (unsigned long)(r->base + at));
        if (f->kind == TL_FILE_LISTEN) {
            struct sockaddr_storage ss;
            socklen_t len;
            int type;
            if (parse_listen_address(f->path, &ss, &len, &type) != 0)
                BAD("at offset %lu: socket address is not tcp:<IPv4>:<port>, tcp6:[<IPv6>]:<port>, udp:<IPv4>:<port> "
                    "or udp6:[<IPv6>]:<port>",
                    (unsigned long)(r->base + at));
        }
        if ((f->flags & (TL_FILE_FLAG_V6ONLY | TL_FILE_FLAG_REUSEPORT)) && f->kind != TL_FILE_LISTEN)
            BAD("at offset %lu: only a socket (kind 3) has the V6ONLY or REUSEPORT flag", (unsigned long)(r->base + at));
        if ((f->flags & TL_FILE_FLAG_OPTIONS) && f->kind != TL_FILE_LISTEN && f->kind != TL_FILE_TCP)
            BAD("at offset %lu: only a socket or a connection (kind 3 or 6) has the OPTIONS flag",
                (unsigned long)(r->base + at));
        if ((f->flags & TL_FILE_FLAG_CONTENTS) && f->kind != TL_FILE_DESCRIPTOR && f->kind != TL_FILE_STREAM)
            BAD("at offset %lu: only a descriptor or a stream (kind 1 or 2) has the CONTENTS flag",
                (unsigned long)(r->base + at));
        if ((f->flags & TL_FILE_FLAG_CONTENTS) && (f->size > TL_TMPF_MAX || f->offset > TL_TMPF_MAX))
            BAD("at offset %lu: a file carried with its contents has a size or offset past %d bytes",
                (unsigned long)(r->base + at), TL_TMPF_MAX);
        if ((f->flags & TL_FILE_FLAG_V6ONLY) && strncmp(f->path, "tcp6:", 5) != 0 && strncmp(f->path, "udp6:", 5) != 0)
            BAD("at offset %lu: the V6ONLY flag on a socket whose address is not IPv6", (unsigned long)(r->base + at));
        if (f->kind == TL_FILE_TCP && (f->offset > 0x80000000u || f->size != 0 || f->access != TL_FILE_ACCESS_READ_WRITE))
            BAD("at offset %lu: connection %lu has a listener, size or access out of range", (unsigned long)(r->base + at),
                (unsigned long)f->fd);
        if (f->kind == TL_FILE_TCP && !tl_tcp_valid_path(f->path))
            BAD("at offset %lu: connection is not tcp:<IPv4>:<port>-<IPv4>:<port> or tcp6:[<IPv6>]:<port>-[<IPv6>]:<port>",
                (unsigned long)(r->base + at));
        if ((f->kind == TL_FILE_DESCRIPTOR || f->kind == TL_FILE_STREAM || f->kind == TL_FILE_LISTEN) && !f->path[0])
            BAD("at offset %lu: descriptor %lu has no path", (unsigned long)(r->base + at), (unsigned long)f->fd);
        if (f->kind == TL_FILE_STREAM) {
            if (f->mode[0] != 'r' && f->mode[0] != 'w' && f->mode[0] != 'a')
                BAD("at offset %lu: stream mode '%s' is not valid", (unsigned long)(r->base + at), f->mode);
            for (m = f->mode + 1; *m; m++)
                if (!strchr("+bxe", *m))
                    BAD("at offset %lu: stream mode '%s' is not valid", (unsigned long)(r->base + at), f->mode);
        }
#undef BAD
    }
    /* a descriptor number appears at most once among the kinds other than the stdin position (sorted: the
     * section may hold millions of entries) */
    {
        uint32_t *fds = tl_xmalloc((n ? n : 1) * sizeof *fds), m = 0;
        for (i = 0; i < n; i++)
            if (ck->files[i].kind != TL_FILE_STDIN)
                fds[m++] = ck->files[i].fd;
        tl_sort(fds, m, sizeof *fds, cmp_u32);
        for (j = 1; j < m; j++)
            if (fds[j] == fds[j - 1]) {
                tl_reader_fail(r, "at offset %lu: descriptor %lu listed twice", (unsigned long)r->base,
                               (unsigned long)fds[j]);
                break;
            }
        free(fds);
    }
    {
        /* sorted listener numbers: the section may hold millions of entries */
        uint32_t *ls = tl_xmalloc((n ? n : 1) * sizeof *ls), m = 0;
        for (i = 0; i < n; i++)
            if (ck->files[i].kind == TL_FILE_LISTEN && strncmp(ck->files[i].path, "tcp", 3) == 0)
                ls[m++] = ck->files[i].fd;
        tl_sort(ls, m, sizeof *ls, cmp_u32);
        for (i = 0; i < n && !r->failed; i++)
            if (ck->files[i].kind == TL_FILE_TCP && ck->files[i].offset) {
                uint32_t want = (uint32_t)(ck->files[i].offset - 1);
                if (!bsearch(&want, ls, m, sizeof *ls, cmp_u32))
                    tl_reader_fail(r, "at offset %lu: connection %lu waits in the backlog of descriptor %lu, which is not a "
                               "listening TCP socket of the checkpoint", (unsigned long)r->base,
                               (unsigned long)ck->files[i].fd, (unsigned long)(ck->files[i].offset - 1));
            }
        free(ls);
    }
    return r->failed ? -1 : 0;
}

/* TMPF (FORMAT.md): u32 count (at least 1), then by strictly increasing description: u32 description, bytes contents
 * (at most TL_TMPF_MAX in all). Each is the contents of FILE's entries of that description, which all have the
 * CONTENTS flag and the contents' length as their size; each description is one of FILE's. */
int tl_files_parse_contents(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t n = tl_rd_u32(r), i, j, prev = 0;
    uint64_t total = 0;
    if (r->failed)
        return -1;
    if (n == 0 || n > (r->len - r->pos) / 8) {
        tl_reader_fail(r, "at offset %lu: %lu entries (at least 1, each 8 bytes at least)", (unsigned long)r->base,
                       (unsigned long)n);
        return -1;
    }
    for (i = 0; i < n; i++) {
        size_t at = r->pos;
        uint32_t d = tl_rd_u32(r), len = tl_rd_u32(r), matched = 0;
        const unsigned char *bytes;
        if (r->failed)
            return -1;
        if (i > 0 && d <= prev) {
            tl_reader_fail(r, "at offset %lu: description %lu after %lu (they increase strictly)",
                           (unsigned long)(r->base + at), (unsigned long)d, (unsigned long)prev);
            return -1;
        }
        prev = d;
        total += len;
        if (total > TL_TMPF_MAX) {
            tl_reader_fail(r, "at offset %lu: contents past the %d bytes a checkpoint carries of them",
                           (unsigned long)(r->base + at), TL_TMPF_MAX);
            return -1;
        }
        if (len > r->len - r->pos) {
            tl_reader_fail(r, "at offset %lu: contents of %lu bytes, but only %lu are left in the section",
                           (unsigned long)(r->base + at), (unsigned long)len, (unsigned long)(r->len - r->pos));
            return -1;
        }
        bytes = r->data + r->pos;
        r->pos += len;
        for (j = 0; j < ck->nfiles; j++) {
            tl_ck_file *f = &ck->files[j];
            if (f->description != d || (f->kind != TL_FILE_DESCRIPTOR && f->kind != TL_FILE_STREAM))
                continue;
            if (!(f->flags & TL_FILE_FLAG_CONTENTS) || f->size != len) {
                tl_reader_fail(r, "at offset %lu: contents of %lu bytes for descriptor %lu, whose FILE entry %s",
                               (unsigned long)(r->base + at), (unsigned long)len, (unsigned long)f->fd,
                               !(f->flags & TL_FILE_FLAG_CONTENTS) ? "has no CONTENTS flag" : "has another size");
                return -1;
            }
            f->contents = bytes;
            f->has_contents = 1;
            matched++;
        }
        if (!matched) {
            tl_reader_fail(r, "at offset %lu: contents for description %lu, which no descriptor or stream of FILE has",
                           (unsigned long)(r->base + at), (unsigned long)d);
            return -1;
        }
    }
    return 0;
}

int tl_files_contents_missing(const tl_checkpoint *ck, char *why, size_t n)
{
    uint32_t i;
    for (i = 0; i < ck->nfiles; i++)
        if ((ck->files[i].flags & TL_FILE_FLAG_CONTENTS) && !ck->files[i].has_contents) {
            snprintf(why, n, "descriptor %lu (%s) has the CONTENTS flag but no TMPF entry carries its contents",
                     (unsigned long)ck->files[i].fd, ck->files[i].path);
            return 1;
        }
    return 0;
}

static void move_to(int tmp, int fd, const tl_ck_file *f)
{
    if (tmp == fd)
        return;
    if (dup2(tmp, fd) < 0)
        tl_die(TL_EXIT_DATAERR, "cannot restore descriptor %lu (%s): dup2: %s", (unsigned long)f->fd, f->path,
               tl_strerror(errno));
    close(tmp);
}

/* The buffers a restored socket's SOPT entry carries: set by the program, as talent_setsockopt records them */
static unsigned restored_bufs(const tl_ck_sockopts *so)
{
    return (tl_sockopts_has(so, TL_SOPT_RCVBUF) ? TL_SOCKOPTS_RCVBUF_SET : 0u) |
           (tl_sockopts_has(so, TL_SOPT_SNDBUF) ? TL_SOCKOPTS_SNDBUF_SET : 0u);
}

static void restore_listen(const tl_ck_file *f, const tl_ck_sockopts *so)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int s, one = 1, zero = 0, type;
    const char *p = f->path;
    char why[256];
    if (parse_listen_address(p, &ss, &len, &type) != 0)
        tl_die(TL_EXIT_DATAERR, "cannot recreate socket %lu: address '%s' is not valid", (unsigned long)f->fd, p);
    s = socket(ss.ss_family, type, 0);
    if (s < 0)
        tl_die(TL_EXIT_DATAERR, "cannot recreate socket %lu (%s): %s", (unsigned long)f->fd, p, tl_strerror(errno));
    if (type == SOCK_STREAM)
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    /* before bind, where they decide which addresses the socket takes: an IPv6 socket of a program that also
     * listens on IPv4 at the same port, a port shared by several sockets */
    if (ss.ss_family == AF_INET6) {
        int v6only = (f->flags & TL_FILE_FLAG_V6ONLY) ? 1 : 0;
        if (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) != 0)
            tl_die(TL_EXIT_DATAERR, "cannot recreate socket %lu (%s): IPV6_V6ONLY: %s", (unsigned long)f->fd, p,
                   tl_strerror(errno));
    }
    if ((f->flags & TL_FILE_FLAG_REUSEPORT) && setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
        tl_die(TL_EXIT_DATAERR, "cannot recreate socket %lu (%s): SO_REUSEPORT: %s", (unsigned long)f->fd, p,
               tl_strerror(errno));
    /* the options the program set (SOPT), before bind like the program's own */
    if (tl_sockopts_apply(s, so, why, sizeof why) != 0)
        tl_die(TL_EXIT_DATAERR, "cannot recreate socket %lu (%s): %s", (unsigned long)f->fd, p, why);
    /* the program's backlog; SOMAXCONN for a listener whose listen() talent did not see (inherited, or a file
     * written before SOPT) */
    if (bind(s, (struct sockaddr *)&ss, len) != 0 ||
        (type == SOCK_STREAM &&
         listen(s, so && (so->flags & TL_SOPT_FLAG_BACKLOG) ? (int)so->backlog : SOMAXCONN) != 0))
        tl_die(TL_EXIT_DATAERR, "cannot recreate socket %lu (%s): %s", (unsigned long)f->fd, p, tl_strerror(errno));
    /* SO_REUSEADDR served the bind (the port may still have connections of the process that stopped); the program
     * did not set it when SOPT does not carry it, so it is off again (it decides only later binds) */
    if (type == SOCK_STREAM && (f->flags & TL_FILE_FLAG_OPTIONS) && !tl_sockopts_has(so, TL_SOPT_REUSEADDR) &&
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &zero, sizeof zero) != 0)
        tl_die(TL_EXIT_DATAERR, "cannot recreate socket %lu (%s): SO_REUSEADDR: %s", (unsigned long)f->fd, p,
               tl_strerror(errno));
    if (f->flags & TL_FILE_FLAG_NONBLOCK)
        fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
    if (f->flags & TL_FILE_FLAG_CLOEXEC)
        fcntl(s, F_SETFD, FD_CLOEXEC);
    move_to(s, (int)f->fd, f);
}

/* The connections talent restored by TCP repair, received at their numbers; copies (dup) made again. */
static void restore_connections(const tl_checkpoint *ck);

static const char *fdopen_mode(const char *mode, char *buf, size_t n)
{
    size_t k = 0;
    for (; *mode && k + 1 < n; mode++)
        if (*mode != 'x')
            buf[k++] = *mode;
    buf[k] = '\0';
    return buf;
}

/* A file without a name holding f's contents, opened with flags (f's access, O_APPEND, O_NONBLOCK), or -1 with errno:
 * made in /tmp (where glibc's and musl's tmpfile make theirs), filled, opened again with the program's flags and
 * removed, so that only the program's descriptor holds it, as before the checkpoint. */
static int unnamed_file(const tl_ck_file *f, int flags)
{
    char name[] = "/tmp/talent-tmpf-XXXXXX";
    int w = mkstemp(name), fd, e;
    uint64_t done = 0;
    if (w < 0)
        return -1;
    while (done < f->size) {
        ssize_t n = write(w, f->contents + done, (size_t)(f->size - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            e = n < 0 ? errno : ENOSPC;
            close(w);
            unlink(name);
            errno = e;
            return -1;
        }
        done += (uint64_t)n;
    }
    fd = open(name, flags);
    e = errno;
    close(w);
    unlink(name);
    errno = e;
    return fd;
}

void tl_files_restore(tl_checkpoint *ck, int in_process)
{
    uint32_t i, j;
    free(restored_streams);
    restored_streams = tl_xcalloc(ck->nfiles ? ck->nfiles : 1, sizeof *restored_streams);
    nrestored = ck->nfiles;
    if (in_process) {
        /* the same process: every descriptor is still open; map the stream indexes of the file just written */
        for (i = 0; i < ck->nfiles && i < nout; i++)
            restored_streams[i] = out_streams[i];
        return;
    }
    for (i = 0; i < ck->nfiles; i++) {
        const tl_ck_file *f = &ck->files[i];
        int fd = (int)f->fd;
        entry *e;
        if (f->kind == TL_FILE_STDIN) {
            struct stat st;
            if (fstat(0, &st) == 0 && S_ISREG(st.st_mode)) {
                if (lseek(0, (off_t)f->offset, SEEK_SET) < 0)
                    tl_die(TL_EXIT_DATAERR, "cannot continue reading stdin at offset %llu: %s",
                           (unsigned long long)f->offset, tl_strerror(errno));
                tl_info("stdin continues at offset %llu", (unsigned long long)f->offset);
            } else
                tl_warn("stdin was a file read up to offset %llu at the checkpoint, but this process's stdin is not "
                        "a regular file: reading continues from it as it is", (unsigned long long)f->offset);
            continue;
        }
        if (f->kind == TL_FILE_STD_DUP) {
            if (dup2(f->std_source, fd) < 0)
                tl_die(TL_EXIT_DATAERR, "cannot restore descriptor %d as a copy of descriptor %u: %s", fd,
                       f->std_source, tl_strerror(errno));
            e = add(fd, TL_FILE_STD_DUP, NULL, "dup");
            e->std_source = f->std_source;
            continue;
        }
        if (f->kind == TL_FILE_TCP)
            continue;                   /* after the listening sockets (their ports), below */
        if (f->kind == TL_FILE_LISTEN) {
            const tl_ck_sockopts *so = tl_sockopts_find(ck, f->fd);
            restore_listen(f, so);
            e = add(fd, NOTICED, NULL, f->path[0] == 'u' ? "a UDP socket" : "a listening socket");
            if (so && (so->flags & TL_SOPT_FLAG_BACKLOG)) {
                e->has_backlog = 1;
                e->backlog = (int)so->backlog;
            }
            /* the connections it accepts inherit its buffers, as the program's did */
            e->bufs_set = restored_bufs(so);
            tl_info("recreated socket %d (%s)", fd, f->path);
            continue;
        }
        for (j = 0; j < i; j++)
            if (ck->files[j].description == f->description &&
                (ck->files[j].kind == TL_FILE_DESCRIPTOR || ck->files[j].kind == TL_FILE_STREAM))
                break;
        if (j < i) {
            if (dup2((int)ck->files[j].fd, fd) < 0)
                tl_die(TL_EXIT_DATAERR, "cannot restore descriptor %d (%s): dup2: %s", fd, f->path, tl_strerror(errno));
        } else {
            int flags = (f->access == TL_FILE_ACCESS_WRITE_ONLY ? O_WRONLY
                         : f->access == TL_FILE_ACCESS_READ_WRITE ? O_RDWR : O_RDONLY) |
                        ((f->flags & TL_FILE_FLAG_APPEND) ? O_APPEND : 0) |
                        ((f->flags & TL_FILE_FLAG_NONBLOCK) ? O_NONBLOCK : 0);
            int tmp = f->has_contents ? unnamed_file(f, flags) : open(f->path, flags);
            struct stat st;
            if (tmp < 0)
                tl_die(TL_EXIT_DATAERR, "cannot reopen descriptor %d (%s, opened at %s): %s", fd, f->path, f->site,
                       tl_strerror(errno));
            move_to(tmp, fd, f);
            if (!f->has_contents && f->access == TL_FILE_ACCESS_WRITE_ONLY && f->offset == f->size && fstat(fd, &st) == 0 &&
                S_ISREG(st.st_mode) && (uint64_t)st.st_size > f->size) {
                /* written past the checkpoint by a process that went on running: that output is written again */
                if (ftruncate(fd, (off_t)f->size) != 0)
                    tl_die(TL_EXIT_DATAERR, "cannot truncate %s back to its %llu bytes at the checkpoint: %s", f->path,
                           (unsigned long long)f->size, tl_strerror(errno));
                tl_info("truncated %s from %lld to %llu bytes (its size at the checkpoint)", f->path,
                        (long long)st.st_size, (unsigned long long)f->size);
            }
            if (!(f->flags & TL_FILE_FLAG_APPEND) && f->offset > 0 && lseek(fd, (off_t)f->offset, SEEK_SET) < 0)
                tl_die(TL_EXIT_DATAERR, "cannot seek descriptor %d (%s) to offset %llu: %s", fd, f->path,
                       (unsigned long long)f->offset, tl_strerror(errno));
        }
        if (f->flags & TL_FILE_FLAG_CLOEXEC)
            fcntl(fd, F_SETFD, FD_CLOEXEC);
        if (f->kind == TL_FILE_STREAM) {
            char m[16];
            FILE *s;
            if (fd <= 2) {
                /* a standard stream the program redirected (freopen): the new process's stdin/stdout/stderr FILE
                 * now reads or writes the reopened descriptor */
                s = fd == 0 ? stdin : fd == 1 ? stdout : stderr;
            } else {
                s = fdopen(fd, fdopen_mode(f->mode, m, sizeof m));
                if (!s)
                    tl_die(TL_EXIT_DATAERR, "cannot reopen stream on descriptor %d (%s, mode %s): %s", fd, f->path,
                           f->mode, tl_strerror(errno));
                if (!(f->flags & TL_FILE_FLAG_APPEND) && fseeko(s, (off_t)f->offset, SEEK_SET) != 0)
                    tl_die(TL_EXIT_DATAERR, "cannot seek stream %s to offset %llu: %s", f->path,
                           (unsigned long long)f->offset, tl_strerror(errno));
                restored_streams[i] = s;
            }
            e = add(fd, TL_FILE_STREAM, f->path, tl_xstrdup(f->site));
            e->stream = s;
            snprintf(e->mode, sizeof e->mode, "%s", f->mode);
        } else
            e = add(fd, TL_FILE_DESCRIPTOR, f->path, tl_xstrdup(f->site));
        e->description = f->description;
        if (e->description >= next_description)
            next_description = e->description + 1;
        tl_info("reopened descriptor %d (%s) at offset %llu", fd, f->path, (unsigned long long)f->offset);
    }
}

void tl_files_restore_connections(const tl_checkpoint *ck)
{
    restore_connections(ck);
}

void *tl_files_stream(uint32_t i)
{
    if (i >= nrestored || !restored_streams[i])
        tl_die(TL_EXIT_DATAERR, "cannot restore a FILE * value: open stream %lu was not reopened", (unsigned long)i);
    return restored_streams[i];
}

/* the peer of a restored connection, from its path ("tcp:<local>-<peer>", validated): a connection restored
 * closed has no peer name, and one that closes later needs it at the next stop (closed_connection) */
static void remember_restored_peer(entry *e, const char *path)
{
    const char *dash = strchr(path, '-');
    char p[160];
    struct sockaddr_storage ss;
    socklen_t len;
    int v6 = strncmp(path, "tcp6:", 5) == 0;
    if (!dash || strlen(dash + 1) + 5 >= sizeof p)
        return;
    snprintf(p, sizeof p, "%s%s", v6 ? "tcp6:" : "tcp:", dash + 1);
    if (parse_tcp_address(p, &ss, &len) == 0)
        tl_files_connecting(e->fd, &ss, len);
}

static void restore_connections(const tl_checkpoint *ck)
{
    const tl_ck_file *files = ck->files;
    uint32_t nfiles = ck->nfiles;
    uint32_t i, j;
    size_t n = 0;
    int *fds = tl_xmalloc((nfiles ? nfiles : 1) * sizeof *fds);
    for (i = 0; i < nfiles; i++)
        if (files[i].kind == TL_FILE_TCP) {
            for (j = 0; j < i; j++)
                if (files[j].kind == TL_FILE_TCP && files[j].description == files[i].description)
                    break;
            if (j == i)
                fds[n++] = (int)files[i].fd;
        }
    tl_tcp_take(fds, n);
    free(fds);
    for (i = 0; i < nfiles; i++) {
        const tl_ck_file *f = &files[i];
        int fd = (int)f->fd;
        entry *e;
        if (f->kind != TL_FILE_TCP)
            continue;
        for (j = 0; j < i; j++)
            if (files[j].kind == TL_FILE_TCP && files[j].description == f->description)
                break;
        if (j < i && dup2((int)files[j].fd, fd) < 0)
            tl_die(TL_EXIT_DATAERR, "cannot restore descriptor %d (%s): dup2: %s", fd, f->path, tl_strerror(errno));
        fcntl(fd, F_SETFL, (fcntl(fd, F_GETFL) & ~O_NONBLOCK) | ((f->flags & TL_FILE_FLAG_NONBLOCK) ? O_NONBLOCK : 0));
        fcntl(fd, F_SETFD, (f->flags & TL_FILE_FLAG_CLOEXEC) ? FD_CLOEXEC : 0);
        {
            /* the options the program set, now that talent handed the connection back out of repair mode; talent's
             * helper turned SO_REUSEADDR on for its bind: off again unless the program had it */
            const tl_ck_sockopts *so = tl_sockopts_find(ck, f->fd);
            char why[256];
            int off = 0;
            if (tl_sockopts_apply(fd, so, why, sizeof why) != 0)
                tl_die(TL_EXIT_DATAERR, "cannot restore the options of connection %d (%s): %s", fd, f->path, why);
            tl_sockopts_restore_buf_locks(fd, so);
            if (!tl_sockopts_has(so, TL_SOPT_REUSEADDR) && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &off, sizeof off) != 0)
                tl_die(TL_EXIT_DATAERR, "cannot restore the options of connection %d (%s): SO_REUSEADDR: %s", fd,
                       f->path, tl_strerror(errno));
            e = add(fd, NOTICED, NULL, f->offset ? "a connection in a listener's backlog" : "a TCP connection");
            e->bufs_set = restored_bufs(so);
        }
        e->description = f->description;
        remember_restored_peer(e, f->path);
        if (f->offset) {
            e->pending_of = (int)f->offset;
            e->pending_seq = next_pending++;
        }
        if (e->description >= next_description)
            next_description = e->description + 1;
        tl_info("restored connection %d (%s)", fd, f->path);
    }
}
