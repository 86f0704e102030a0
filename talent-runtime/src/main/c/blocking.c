/* blocking.c: the blocking-call wrappers of talent.h (moved out of signals.c: one subsystem per file). A
 * wrapper whose call returns EINTR because of a checkpoint request (signals.c) returns to its blocking site
 * (talent_blocking_retry() returns 1), which takes the checkpoint; after a restart the site resumes and the
 * call is issued again. A sleep interrupted for a checkpoint leaves its remaining time in the checkpoint
 * (WAIT section), and the first timed call after the restart (the re-issued one) sleeps only that long. */
#define _DEFAULT_SOURCE 1
#include "signals.h"
#include "blocking.h"
#include "libc_state.h"
#include "site.h"
#include "files.h"
#include "heap_track.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifndef __GLIBC__
#include <stdio_ext.h>
#endif

/* ---------------------------------------------------------------- remaining time of an interrupted sleep */

static int wait_has;
static uint64_t wait_ns;            /* saved when a timed call is interrupted for a checkpoint */
static int resume_has;
static uint64_t resume_ns;          /* given by a restore to the first timed call */

int tl_wait_saved(uint64_t *ns)
{
    *ns = wait_ns;
    return wait_has;
}

void tl_wait_clear(void)
{
    wait_has = 0;
    wait_ns = 0;
}

void tl_wait_resume(int has, uint64_t ns)
{
    resume_has = has;
    resume_ns = ns;
}

static uint64_t ts_ns(const struct timespec *t)
{
    return t->tv_sec < 0 ? 0 : (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec;
}

static struct timespec ns_ts(uint64_t ns)
{
    struct timespec t;
    t.tv_sec = (time_t)(ns / 1000000000u);
    t.tv_nsec = (long)(ns % 1000000000u);
    return t;
}

static uint64_t mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return ts_ns(&t);
}

/* The timeout a re-issued timed call uses: the remaining time from the checkpoint, once. */
static int take_resume(uint64_t *ns)
{
    if (!resume_has)
        return 0;
    resume_has = 0;
    *ns = resume_ns;
    return 1;
}

/* ---------------------------------------------------------------- the wrappers */

static int interrupted;             /* the last wrapper returned early for a checkpoint */

int talent_blocking_retry(void)
{
    int r = interrupted;
    interrupted = 0;
    return r;
}

/* Before a blocking call and after it returned EINTR: 1 when it must return now so that its site takes the
 * requested checkpoint (not while a checkpoint cannot be taken: inside suspended code the call is simply
 * issued again, and the request waits for the next site outside). */
static int checkpoint_now(void)
{
    if (!tl_request_pending() || talent_suspended > 0 || talent_restoring || talent_unwinding ||
        tl_libc_state_defer() || (tl_site_defer_hook && tl_site_defer_hook()))
        return 0;
    interrupted = 1;
    talent_pending = 1;
    errno = EINTR;
    return 1;
}

/* r, errno: the call's result; 1 when the call must be issued again (EINTR caused by a checkpoint request
 * that cannot be served here). Other interruptions are the program's, returned as libc returns them. */
#define RETRY_OURS(r) ((r) < 0 && errno == EINTR && interrupted_by_us())

/* A pending checkpoint request, or a pre-copy request (precopy.c): that one never interrupts the program's
 * blocking calls, which are issued again; it is served at the next site visit. */
static int interrupted_by_us(void)
{
    return tl_request_pending() || tl_req_precopy;
}

int tl_blocking_checkpoint_now(void)
{
    return checkpoint_now();
}

int tl_blocking_ours(void)
{
    return interrupted_by_us();
}

int tl_blocking_take_resume(uint64_t *ns)
{
    return take_resume(ns);
}

void tl_blocking_save_wait(uint64_t ns)
{
    wait_has = 1;
    wait_ns = ns;
}

uint64_t tl_blocking_mono_ns(void)
{
    return mono_ns();
}

long talent_read(int fd, void *buf, size_t n)
{
    ssize_t r;
    tl_files_notice(fd, "read");
    for (;;) {
        if (checkpoint_now())
            return -1;
        r = read(fd, buf, n);
        if (!RETRY_OURS(r))
            return r;
    }
}

long talent_recv(int fd, void *buf, size_t n, int flags)
{
    ssize_t r;
    tl_files_notice(fd, "recv");
    for (;;) {
        if (checkpoint_now())
            return -1;
        r = recv(fd, buf, n, flags);
        if (!RETRY_OURS(r))
            return r;
    }
}

long talent_recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr, void *addrlen)
{
    ssize_t r;
    tl_files_notice(fd, "recvfrom");
    for (;;) {
        if (checkpoint_now())
            return -1;
        r = recvfrom(fd, buf, n, flags, addr, (socklen_t *)addrlen);
        if (!RETRY_OURS(r))
            return r;
    }
}

/* write and send: the remainder of a partial transfer is sent too (no data is lost); a checkpoint request
 * after some bytes went out returns that short count (the program sees a normal short write, and the
 * request is served at the next site), before any byte it returns for the site to take the checkpoint. */
static long transfer(int fd, const void *buf, size_t n, int flags, int is_send)
{
    size_t done = 0;
    tl_files_notice(fd, is_send ? "send" : "write");
    for (;;) {
        ssize_t r;
        if (done == 0 && checkpoint_now())
            return -1;
        if (done > 0 && tl_request_pending())
            return (long)done;
        r = is_send ? send(fd, (const char *)buf + done, n - done, flags) : write(fd, (const char *)buf + done, n - done);
        if (r < 0) {
            if (RETRY_OURS(r))
                continue;
            return done > 0 ? (long)done : -1;
        }
        done += (size_t)r;
        if (done >= n || r == 0)
            return (long)done;
    }
}

long talent_write(int fd, const void *buf, size_t n)
{
    return transfer(fd, buf, n, 0, 0);
}

long talent_send(int fd, const void *buf, size_t n, int flags)
{
    return transfer(fd, buf, n, flags, 1);
}

int talent_accept(int fd, struct sockaddr *addr, void *addrlen)
{
    int r;
    tl_files_notice(fd, "accept");
    r = tl_files_pending_take(fd);
    if (r >= 0) {
        /* carried from the backlog across a migration: accepted now, as the call would have */
        if (addr && addrlen && getpeername(r, addr, (socklen_t *)addrlen) != 0)
            *(socklen_t *)addrlen = 0;
        return r;
    }
    for (;;) {
        if (checkpoint_now())
            return -1;
        r = accept(fd, addr, (socklen_t *)addrlen);
        if (r >= 0) {
            tl_files_notice(r, "accept (a connection)");
            tl_files_accepted(fd, r);
        }
        if (!RETRY_OURS(r))
            return r;
    }
}

/* connect is not interrupted for a checkpoint (a connected socket cannot be carried yet anyway): an EINTR
 * caused by a request waits for the connection to complete, as the call would have. */
int talent_connect(int fd, const struct sockaddr *addr, unsigned addrlen)
{
    int r = connect(fd, addr, (socklen_t)addrlen);
    tl_files_notice(fd, "connect");
    tl_files_connecting(fd, addr, addrlen);
    if (RETRY_OURS(r)) {
        struct pollfd p;
        int err = 0;
        socklen_t len = sizeof err;
        p.fd = fd;
        p.events = POLLOUT;
        p.revents = 0;
        while (poll(&p, 1, -1) < 0)
            if (errno != EINTR)
                return -1;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
            return -1;
        if (err) {
            errno = err;
            return -1;
        }
        return 0;
    }
    return r;
}

int talent_poll(struct pollfd *fds, unsigned long nfds, int timeout_ms)
{
    uint64_t deadline = 0, ns;
    int r;
    if (timeout_ms >= 0 && take_resume(&ns))
        timeout_ms = (int)((ns + 999999) / 1000000);
    if (timeout_ms > 0)
        deadline = mono_ns() + (uint64_t)timeout_ms * 1000000u;
    for (;;) {
        if (checkpoint_now()) {
            if (timeout_ms >= 0) {
                uint64_t now = mono_ns();
                wait_has = 1;
                wait_ns = deadline > now ? deadline - now : 0;
            }
            return -1;
        }
        {
            /* a listener holding connections carried from its backlog is readable */
            unsigned long k;
            int carried = 0;
            for (k = 0; k < nfds; k++)
                if (fds[k].fd >= 0 && (fds[k].events & POLLIN) && tl_files_pending(fds[k].fd))
                    carried = 1;
            r = poll(fds, (nfds_t)nfds, carried ? 0 : timeout_ms);
            if (carried && r >= 0) {
                r = 0;
                for (k = 0; k < nfds; k++) {
                    if (fds[k].fd >= 0 && (fds[k].events & POLLIN) && tl_files_pending(fds[k].fd))
                        fds[k].revents |= POLLIN;
                    if (fds[k].revents)
                        r++;
                }
                return r;
            }
        }
        if (!RETRY_OURS(r))
            return r;
        if (timeout_ms > 0) {
            uint64_t now = mono_ns();
            timeout_ms = deadline > now ? (int)((deadline - now + 999999) / 1000000) : 0;
        }
    }
}

int talent_select(int nfds, void *readfds, void *writefds, void *exceptfds, struct timeval *timeout)
{
    uint64_t ns;
    int r;
    fd_set rs, ws, es;
    /* select overwrites the sets: an interrupted call must be issued again with the program's sets */
    if (readfds)
        rs = *(fd_set *)readfds;
    if (writefds)
        ws = *(fd_set *)writefds;
    if (exceptfds)
        es = *(fd_set *)exceptfds;
    if (timeout && take_resume(&ns)) {
        timeout->tv_sec = (time_t)(ns / 1000000000u);
        timeout->tv_usec = (suseconds_t)((ns % 1000000000u) / 1000u);
    }
    for (;;) {
        if (checkpoint_now()) {
            if (timeout) {
                wait_has = 1;
                wait_ns = (uint64_t)timeout->tv_sec * 1000000000u + (uint64_t)timeout->tv_usec * 1000u;
            }
            return -1;
        }
        {
            /* a listener holding connections carried from its backlog is readable (as in talent_poll) */
            int k, carried = 0;
            for (k = 0; readfds && k < nfds && k < FD_SETSIZE; k++)
                if (FD_ISSET(k, &rs) && tl_files_pending(k))
                    carried = 1;
            if (carried) {
                struct timeval zero = {0, 0};
                r = select(nfds, (fd_set *)readfds, (fd_set *)writefds, (fd_set *)exceptfds, &zero);
                if (r >= 0) {
                    r = 0;
                    for (k = 0; k < nfds && k < FD_SETSIZE; k++) {
                        int any = 0;
                        if (FD_ISSET(k, &rs) && tl_files_pending(k))
                            FD_SET(k, (fd_set *)readfds);
                        if (FD_ISSET(k, (fd_set *)readfds))
                            any++;
                        if (writefds && FD_ISSET(k, (fd_set *)writefds))
                            any++;
                        if (exceptfds && FD_ISSET(k, (fd_set *)exceptfds))
                            any++;
                        r += any;
                    }
                    return r;
                }
            } else
                r = select(nfds, (fd_set *)readfds, (fd_set *)writefds, (fd_set *)exceptfds, timeout);
        }
        if (!RETRY_OURS(r))
            return r;
        if (readfds)
            *(fd_set *)readfds = rs;
        if (writefds)
            *(fd_set *)writefds = ws;
        if (exceptfds)
            *(fd_set *)exceptfds = es;
    }
}

int talent_nanosleep(const struct timespec *req, struct timespec *rem)
{
    struct timespec want = *req, left;
    uint64_t ns;
    int r;
    if (take_resume(&ns))
        want = ns_ts(ns);
    for (;;) {
        if (checkpoint_now()) {
            wait_has = 1;
            wait_ns = ts_ns(&want);
            return -1;
        }
        r = nanosleep(&want, &left);
        if (r == 0 || errno != EINTR)
            return r;
        if (!interrupted_by_us()) {
            if (rem)
                *rem = left;
            return r;
        }
        want = left;
    }
}

unsigned talent_sleep(unsigned seconds)
{
    struct timespec req, rem;
    req.tv_sec = (time_t)seconds;
    req.tv_nsec = 0;
    rem.tv_sec = 0;
    rem.tv_nsec = 0;
    if (talent_nanosleep(&req, &rem) == 0 || interrupted)
        return 0;
    return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
}

int talent_usleep(unsigned long usec)
{
    struct timespec req;
    req.tv_sec = (time_t)(usec / 1000000u);
    req.tv_nsec = (long)(usec % 1000000u) * 1000;
    return talent_nanosleep(&req, NULL);
}

int talent_waitpid(int pid, int *status, int options)
{
    pid_t r;
    for (;;) {
        if (checkpoint_now())
            return -1;
        r = waitpid((pid_t)pid, status, options);
        if (!RETRY_OURS(r))
            return (int)r;
    }
}

int talent_wait(int *status)
{
    return talent_waitpid(-1, status, 0);
}

int talent_pause(void)
{
    int r;
    for (;;) {
        if (checkpoint_now())
            return -1;
        r = pause();
        if (!interrupted_by_us())
            return r;
    }
}

/* ---------------------------------------------------------------- line input through stdio */

/* Bytes already in the stream's read buffer (glibc exposes the FILE structure; musl has __freadahead). */
static size_t read_ahead(FILE *f)
{
#ifdef __GLIBC__
    return f->_IO_read_ptr < f->_IO_read_end ? (size_t)(f->_IO_read_end - f->_IO_read_ptr) : 0;
#else
    return __freadahead(f);
#endif
}

/* stdio treats EINTR as a read error (and fgets may drop the characters it read), so a stdio call must not
 * be interrupted. A request is served while the stream waits for input: when its buffer is empty and its
 * descriptor is not a regular file (which never blocks), poll for input interruptibly; then read the line
 * with SIGUSR1/SIGUSR2 blocked (a request arriving while a partial line is pending waits for the line's end).
 * Returns 1 when the call must return for a checkpoint. */
static int before_stdio_read(FILE *f, sigset_t *old, int *masked)
{
    static FILE *cached_f;
    static int cached_fd = -1, cached_regular;
    int fd = fileno(f);
    sigset_t set;
    *masked = 0;
    if (fd < 0)
        return 0;
    if (f != cached_f || fd != cached_fd) {
        struct stat st;
        cached_f = f;
        cached_fd = fd;
        cached_regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    }
    if (cached_regular)
        return 0;
    if (read_ahead(f) == 0) {
        for (;;) {
            struct pollfd p;
            if (checkpoint_now())
                return 1;
            p.fd = fd;
            p.events = POLLIN;
            p.revents = 0;
            if (poll(&p, 1, -1) >= 0 || errno != EINTR)
                break;
        }
    }
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, old);
    *masked = 1;
    return 0;
}

char *talent_fgets(char *s, int n, void *stream)
{
    sigset_t old;
    int masked;
    char *r;
    if (before_stdio_read(stream, &old, &masked))
        return NULL;
    r = fgets(s, n, stream);
    if (masked)
        sigprocmask(SIG_SETMASK, &old, NULL);
    return r;
}

long talent_getline(char **line, size_t *cap, void *stream)
{
    sigset_t old;
    int masked;
    ssize_t r;
    char *before = *line;
    if (before_stdio_read(stream, &old, &masked))
        return -1;
    r = getline(line, cap, stream);
    if (masked)
        sigprocmask(SIG_SETMASK, &old, NULL);
    /* the C library (re)allocated the buffer: track it as a char block so that the program's pointer to it
     * can be checkpointed */
    if (*line)
        tl_heap_adopt(before, *line, *cap);
    return (long)r;
}

/* getline's general form (getline is getdelim with '\n'): its buffer is the same char block. Found 2026-12-06
 * (h/hunt4): without the wrapper the buffer stayed a block of the C library's of no known type, carried as raw bytes,
 * and every restore on another byte order or pointer width was refused (exit 65). */
long talent_getdelim(char **line, size_t *cap, int delim, void *stream)
{
    sigset_t old;
    int masked;
    ssize_t r;
    char *before = *line;
    if (before_stdio_read(stream, &old, &masked))
        return -1;
    r = getdelim(line, cap, delim, stream);
    if (masked)
        sigprocmask(SIG_SETMASK, &old, NULL);
    if (*line)
        tl_heap_adopt(before, *line, *cap);
    return (long)r;
}
