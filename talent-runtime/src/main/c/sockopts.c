/* sockopts.c: the listen backlog and the options of the sockets of FILE kind 3 (listening TCP, unconnected UDP) and
 * kind 6 (TCP connections carried by talent's TCP repair), the SOPT section (docs/FORMAT.md "SOPT", docs/NETWORK.md).
 *
 * At a checkpoint each option of the table below is read with getsockopt on the program's socket and on a socket just
 * made of the same family and type: the options whose values differ are what the program set, and are carried (an
 * option set to its default value is indistinguishable from one never set and is not carried). SO_RCVBUF and SO_SNDBUF
 * are carried as the value the program set: Linux stores and reports twice the value given to setsockopt, so half the
 * reported value, set again on the restored socket, reports the same value. A few options talent does not carry
 * (TCP_CONGESTION, SO_BINDTODEVICE, SO_MARK) refuse the checkpoint when they differ, naming the option, and so does an
 * option the program's socket cannot report while a new one can: never a socket restored with other options.
 *
 * A connection is compared the same way, with three differences (the table's `conn` column): its buffers are
 * autotuned by the kernel unless the program set them, so SO_RCVBUF and SO_SNDBUF are carried when the kernel reports
 * them locked (SO_BUF_LOCK: any setsockopt of them locks them, wherever it was called; inherited from the listener at
 * accept), or where it cannot say, when the program's setsockopt was seen setting them (files.c, talent_setsockopt),
 * never by comparison (a locked buffer of a listener is carried even at its default value); TCP_MAXSEG reads the
 * negotiated MSS, which the TCP repair carries itself; TCP_FASTOPEN cannot be set
 * again on an established connection and refuses the checkpoint when it differs. The restore sets the options on the
 * connection talent hands back, out of repair mode (files.c).
 * Codes and values are the format's (contract.h TL_SOPT_*), mapped to this platform's constants by name. */
#define _GNU_SOURCE 1
#include "sockopts.h"
#include "strerror.h"
#include "xalloc.h"

#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef TCP_NOTSENT_LOWAT
#define TCP_NOTSENT_LOWAT 25
#endif
/* Linux 5.14: which of the socket's buffer sizes are locked (sk_userlocks), 72 on every platform talent targets */
#ifndef SO_BUF_LOCK
#define SO_BUF_LOCK 72
#endif
#define BUF_LOCK_SND 1              /* SOCK_SNDBUF_LOCK */
#define BUF_LOCK_RCV 2              /* SOCK_RCVBUF_LOCK */

enum { INT, HALVED, LINGER, TIMEVAL };
enum { ANY, TCP, V4, V6 };
/* on a connection: compared as on a listener; the program's setsockopt seen (buffers); carried by the TCP repair;
 * refused when it differs (cannot be set again once connected) */
enum { COMPARED, SEEN, REPAIRED, REFUSED };

static const struct option {
    int code, level, name, kind, scope;
    int32_t min, max;               /* bounds of a (b: 0/1 for LINGER is a, seconds b; TIMEVAL b microseconds) */
    const char *label;
    int conn;                       /* on a connection */
} options[] = {
    {TL_SOPT_REUSEADDR, SOL_SOCKET, SO_REUSEADDR, INT, ANY, 0, 1, "SO_REUSEADDR", COMPARED},
    {TL_SOPT_KEEPALIVE, SOL_SOCKET, SO_KEEPALIVE, INT, ANY, 0, 1, "SO_KEEPALIVE", COMPARED},
    {TL_SOPT_RCVBUF, SOL_SOCKET, SO_RCVBUF, HALVED, ANY, 1, 0x3FFFFFFF, "SO_RCVBUF", SEEN},
    {TL_SOPT_SNDBUF, SOL_SOCKET, SO_SNDBUF, HALVED, ANY, 1, 0x3FFFFFFF, "SO_SNDBUF", SEEN},
    {TL_SOPT_LINGER, SOL_SOCKET, SO_LINGER, LINGER, ANY, 0, 1, "SO_LINGER", COMPARED},
    {TL_SOPT_RCVLOWAT, SOL_SOCKET, SO_RCVLOWAT, INT, ANY, 1, 0x7FFFFFFF, "SO_RCVLOWAT", COMPARED},
    {TL_SOPT_BROADCAST, SOL_SOCKET, SO_BROADCAST, INT, ANY, 0, 1, "SO_BROADCAST", COMPARED},
    {TL_SOPT_PRIORITY, SOL_SOCKET, SO_PRIORITY, INT, ANY, 0, 255, "SO_PRIORITY", COMPARED},
    {TL_SOPT_RCVTIMEO, SOL_SOCKET, SO_RCVTIMEO, TIMEVAL, ANY, 0, 0x7FFFFFFF, "SO_RCVTIMEO", COMPARED},
    {TL_SOPT_SNDTIMEO, SOL_SOCKET, SO_SNDTIMEO, TIMEVAL, ANY, 0, 0x7FFFFFFF, "SO_SNDTIMEO", COMPARED},
    {TL_SOPT_OOBINLINE, SOL_SOCKET, SO_OOBINLINE, INT, ANY, 0, 1, "SO_OOBINLINE", COMPARED},
    {TL_SOPT_TCP_NODELAY, IPPROTO_TCP, TCP_NODELAY, INT, TCP, 0, 1, "TCP_NODELAY", COMPARED},
    {TL_SOPT_TCP_KEEPIDLE, IPPROTO_TCP, TCP_KEEPIDLE, INT, TCP, 1, 32767, "TCP_KEEPIDLE", COMPARED},
    {TL_SOPT_TCP_KEEPINTVL, IPPROTO_TCP, TCP_KEEPINTVL, INT, TCP, 1, 32767, "TCP_KEEPINTVL", COMPARED},
    {TL_SOPT_TCP_KEEPCNT, IPPROTO_TCP, TCP_KEEPCNT, INT, TCP, 1, 127, "TCP_KEEPCNT", COMPARED},
    {TL_SOPT_TCP_DEFER_ACCEPT, IPPROTO_TCP, TCP_DEFER_ACCEPT, INT, TCP, 0, 0x7FFFFFFF, "TCP_DEFER_ACCEPT", COMPARED},
    {TL_SOPT_TCP_FASTOPEN, IPPROTO_TCP, TCP_FASTOPEN, INT, TCP, 0, 0x7FFFFFFF, "TCP_FASTOPEN", REFUSED},
    {TL_SOPT_TCP_MAXSEG, IPPROTO_TCP, TCP_MAXSEG, INT, TCP, 88, 32767, "TCP_MAXSEG", REPAIRED},
    {TL_SOPT_TCP_USER_TIMEOUT, IPPROTO_TCP, TCP_USER_TIMEOUT, INT, TCP, 0, 0x7FFFFFFF, "TCP_USER_TIMEOUT", COMPARED},
    {TL_SOPT_IP_TOS, IPPROTO_IP, IP_TOS, INT, V4, 0, 255, "IP_TOS", COMPARED},
    {TL_SOPT_IP_TTL, IPPROTO_IP, IP_TTL, INT, V4, 1, 255, "IP_TTL", COMPARED},
    {TL_SOPT_IPV6_TCLASS, IPPROTO_IPV6, IPV6_TCLASS, INT, V6, 0, 255, "IPV6_TCLASS", COMPARED},
    {TL_SOPT_IPV6_UNICAST_HOPS, IPPROTO_IPV6, IPV6_UNICAST_HOPS, INT, V6, 1, 255, "IPV6_UNICAST_HOPS", COMPARED},
    {TL_SOPT_TCP_NOTSENT_LOWAT, IPPROTO_TCP, TCP_NOTSENT_LOWAT, INT, TCP, 0, 0x7FFFFFFF, "TCP_NOTSENT_LOWAT", COMPARED},
};
#define NOPTIONS (sizeof options / sizeof options[0])

static const struct option *option_of(int code)
{
    size_t i;
    for (i = 0; i < NOPTIONS; i++)
        if (options[i].code == code)
            return &options[i];
    return NULL;
}

static int applies(const struct option *op, int family, int type)
{
    return op->scope == ANY || (op->scope == TCP && type == SOCK_STREAM) || (op->scope == V4 && family == AF_INET) ||
           (op->scope == V6 && family == AF_INET6);
}

/* an option's value as the format carries it; 0 or -1 (errno) */
static int get(int fd, const struct option *op, int32_t *a, int32_t *b)
{
    *a = *b = 0;
    if (op->kind == LINGER) {
        struct linger l;
        socklen_t len = sizeof l;
        memset(&l, 0, sizeof l);
        if (getsockopt(fd, op->level, op->name, &l, &len) != 0)
            return -1;
        *a = l.l_onoff ? 1 : 0;
        *b = l.l_linger;
    } else if (op->kind == TIMEVAL) {
        struct timeval t;
        socklen_t len = sizeof t;
        memset(&t, 0, sizeof t);
        if (getsockopt(fd, op->level, op->name, &t, &len) != 0)
            return -1;
        if (t.tv_sec < 0 || t.tv_sec > 0x7FFFFFFF || t.tv_usec < 0 || t.tv_usec > 999999) {
            errno = ERANGE;
            return -1;
        }
        *a = (int32_t)t.tv_sec;
        *b = (int32_t)t.tv_usec;
    } else {
        int v = 0;
        socklen_t len = sizeof v;
        if (getsockopt(fd, op->level, op->name, &v, &len) != 0)
            return -1;
        *a = op->kind == HALVED ? v / 2 : v;
    }
    return 0;
}

/* the options talent does not carry: a socket whose value differs from a new socket's refuses the checkpoint */
static int same_string_option(int fd, int fresh, int level, int name)
{
    char x[64], y[64];
    socklen_t lx = sizeof x, ly = sizeof y;
    int rx, ry;
    memset(x, 0, sizeof x);
    memset(y, 0, sizeof y);
    rx = getsockopt(fd, level, name, x, &lx);
    ry = getsockopt(fresh, level, name, y, &ly);
    if (rx != 0 && ry != 0)
        return 1;                   /* this platform cannot tell (qemu-user): nothing to compare */
    return rx == 0 && ry == 0 && lx == ly && memcmp(x, y, lx) == 0;
}

int tl_sockopts_read(int fd, int family, int type, unsigned how, tl_ck_sockopts *o, char *why, size_t nwhy)
{
    size_t i;
    int fresh = socket(family, type, 0), mark = 0, fmark = 0, rm, rf;
    int locks = tl_sockopts_buf_locks(fd);
    socklen_t len;
    o->n = 0;
    if (fresh < 0) {
        snprintf(why, nwhy, "its options cannot be compared with a new socket's: socket: %s", tl_strerror(errno));
        return -1;
    }
    for (i = 0; i < NOPTIONS; i++) {
        const struct option *op = &options[i];
        int32_t a, b, fa, fb;
        int r, rf2;
        if (!applies(op, family, type))
            continue;
        if ((how & TL_SOCKOPTS_CONNECTION) && op->conn == REPAIRED)
            continue;
        if ((how & TL_SOCKOPTS_CONNECTION) && op->conn == SEEN) {
            /* autotuned unless the program set it: carried when the kernel says the program locked it (set anywhere,
             * through any call), or where the kernel cannot say, when the program's setsockopt was seen */
            if (locks >= 0 ? !(locks & (op->code == TL_SOPT_RCVBUF ? BUF_LOCK_RCV : BUF_LOCK_SND))
                           : !(how & (op->code == TL_SOPT_RCVBUF ? TL_SOCKOPTS_RCVBUF_SET : TL_SOCKOPTS_SNDBUF_SET)))
                continue;
            if (get(fd, op, &a, &b) != 0) {
                snprintf(why, nwhy, "option %s cannot be read: %s", op->label, tl_strerror(errno));
                close(fresh);
                return -1;
            }
            if (a < op->min || a > op->max) {
                snprintf(why, nwhy, "option %s has the value %ld, which talent does not carry", op->label, (long)a);
                close(fresh);
                return -1;
            }
            o->opt[o->n].code = (uint8_t)op->code;
            o->opt[o->n].a = a;
            o->opt[o->n].b = 0;
            o->n++;
            continue;
        }
        r = get(fd, op, &a, &b);
        rf2 = get(fresh, op, &fa, &fb);
        if (r != 0 && rf2 != 0)
            continue;               /* neither reports it (a platform without it): nothing was changed */
        if (r != 0) {
            snprintf(why, nwhy, "option %s cannot be read: %s", op->label, tl_strerror(errno));
            close(fresh);
            return -1;
        }
        /* a buffer size set to exactly the default still locks it (no autotuning of the listener's connections) */
        if (rf2 == 0 && a == fa && b == fb &&
            !(op->conn == SEEN && locks >= 0 && (locks & (op->code == TL_SOPT_RCVBUF ? BUF_LOCK_RCV : BUF_LOCK_SND))))
            continue;
        if ((how & TL_SOCKOPTS_CONNECTION) && op->conn == REFUSED) {
            snprintf(why, nwhy, "option %s (%ld) is not carried: it cannot be set again on an established connection",
                     op->label, (long)a);
            close(fresh);
            return -1;
        }
        if (a < op->min || a > op->max || (op->kind == LINGER && b < 0) ||
            (op->kind == TIMEVAL && (b < 0 || b > 999999))) {
            snprintf(why, nwhy, "option %s has the value %ld, %ld, which talent does not carry", op->label, (long)a,
                     (long)b);
            close(fresh);
            return -1;
        }
        o->opt[o->n].code = (uint8_t)op->code;
        o->opt[o->n].a = a;
        o->opt[o->n].b = (op->kind == LINGER || op->kind == TIMEVAL) ? b : 0;
        o->n++;
    }
    if (type == SOCK_STREAM && !same_string_option(fd, fresh, IPPROTO_TCP, TCP_CONGESTION)) {
        snprintf(why, nwhy, "option TCP_CONGESTION (a congestion control algorithm the program chose) is not carried");
        close(fresh);
        return -1;
    }
    if (!same_string_option(fd, fresh, SOL_SOCKET, SO_BINDTODEVICE)) {
        snprintf(why, nwhy, "option SO_BINDTODEVICE (bound to a network device) is not carried");
        close(fresh);
        return -1;
    }
    len = sizeof mark;
    rm = getsockopt(fd, SOL_SOCKET, SO_MARK, &mark, &len);
    len = sizeof fmark;
    rf = getsockopt(fresh, SOL_SOCKET, SO_MARK, &fmark, &len);
    close(fresh);
    if (rm == 0 && (rf != 0 || mark != fmark)) {
        snprintf(why, nwhy, "option SO_MARK (%d) is not carried", mark);
        return -1;
    }
    return 0;
}

/* SO_BUF_LOCK: the kernel's own record of which buffer sizes were set by setsockopt (SO_SNDBUF, SO_RCVBUF or their
 * FORCE variants lock a size and turn its autotuning off; an accepted connection inherits its listener's locks).
 * -1 where it cannot be read: a kernel before 5.14, or qemu-user, which passes SOL_SOCKET options it knows only. */
int tl_sockopts_buf_locks(int fd)
{
    int v = 0;
    socklen_t len = sizeof v;
    if (getsockopt(fd, SOL_SOCKET, SO_BUF_LOCK, &v, &len) != 0 || len != sizeof v || v < 0 ||
        v > (BUF_LOCK_SND | BUF_LOCK_RCV))
        return -1;
    return v;
}

/* After a connection's restore: the locks as its entry says the program had them. talent's helper locks the send
 * buffer of a connection whose send queue it refilled (room for the queue); a program that never set it gets the
 * kernel's autotuning back, as it had. Nothing where the kernel cannot set them (the entry's buffers are set anyway,
 * and a later checkpoint falls back on the recorded setsockopt calls). */
void tl_sockopts_restore_buf_locks(int fd, const tl_ck_sockopts *o)
{
    int want = (tl_sockopts_has(o, TL_SOPT_SNDBUF) ? BUF_LOCK_SND : 0) |
               (tl_sockopts_has(o, TL_SOPT_RCVBUF) ? BUF_LOCK_RCV : 0);
    if (tl_sockopts_buf_locks(fd) >= 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_BUF_LOCK, &want, sizeof want);
}

/* Linux's TCP_INFO reports on a listening socket its limit (sk_max_ack_backlog) as tcpi_sacked and its completed
 * connections as tcpi_unacked: what ss shows as Send-Q and Recv-Q, read on the socket itself (no NETLINK_SOCK_DIAG).
 * Unknown (-1) when the struct comes back shorter than that field (qemu-user passes only an int of a TCP option to
 * the programs it runs on the platforms that are not native), when the socket is not listening (tcpi_state, a byte,
 * is not TCP_LISTEN: 10), or when the value is above 65535 (a limit no somaxconn here allows; it would be a struct
 * passed in another byte order). */
int tl_sockopts_listen_backlog(int fd, int *backlog)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
        return -1;
    if ((size_t)len < offsetof(struct tcp_info, tcpi_sacked) + sizeof ti.tcpi_sacked || ti.tcpi_state != 10 ||
        ti.tcpi_sacked > 65535)
        return -1;
    *backlog = (int)ti.tcpi_sacked;
    return 0;
}

void tl_sockopts_write_entry(tl_buf *b, const tl_ck_sockopts *o)
{
    uint8_t i;
    tl_buf_u32(b, o->fd);
    tl_buf_u8(b, o->flags);
    tl_buf_u32(b, (uint32_t)o->backlog);
    tl_buf_u8(b, o->n);
    for (i = 0; i < o->n; i++) {
        tl_buf_u8(b, o->opt[i].code);
        tl_buf_u32(b, (uint32_t)o->opt[i].a);
        tl_buf_u32(b, (uint32_t)o->opt[i].b);
    }
}

static const tl_ck_file *file_of(const tl_checkpoint *ck, uint32_t fd)
{
    uint32_t i;
    for (i = 0; i < ck->nfiles; i++)
        if ((ck->files[i].kind == TL_FILE_LISTEN || ck->files[i].kind == TL_FILE_TCP) && ck->files[i].fd == fd)
            return &ck->files[i];
    return NULL;
}

int tl_sockopts_parse(tl_reader *r, tl_checkpoint *ck)
{
    size_t at = r->pos;
    uint32_t n = tl_rd_u32(r), i, last = 0;
    if (r->failed)
        return -1;
    /* fd 4, flags 1, backlog 4, count 1: 10 bytes an entry at least */
    if (n == 0 || n > (r->len - r->pos) / 10) {
        tl_reader_fail(r, "at offset %lu: %lu entries (at least 1, and they must fit in the section)",
                       (unsigned long)(r->base + at), (unsigned long)n);
        return -1;
    }
    ck->sockopts = tl_xcalloc(n, sizeof *ck->sockopts);
    ck->nsockopts = n;
    for (i = 0; i < n; i++) {
        tl_ck_sockopts *o = &ck->sockopts[i];
        const tl_ck_file *f;
        int family, tcp;
        uint8_t j, n_opt;
        size_t eat = r->pos;
        o->fd = tl_rd_u32(r);
        o->flags = tl_rd_u8(r);
        o->backlog = (int32_t)tl_rd_u32(r);
        n_opt = tl_rd_u8(r);
        if (r->failed)
            return -1;
#define BAD(...) do { tl_reader_fail(r, __VA_ARGS__); return -1; } while (0)
        if (o->fd > 0x7FFFFFFF || (i > 0 && o->fd <= last))
            BAD("at offset %lu: descriptor %lu out of range or not in increasing order", (unsigned long)(r->base + eat),
                (unsigned long)o->fd);
        last = o->fd;
        f = file_of(ck, o->fd);
        if (!f || !(f->flags & TL_FILE_FLAG_OPTIONS))
            BAD("at offset %lu: descriptor %lu is not a socket of the FILE section (kind 3 or 6) with the options flag",
                (unsigned long)(r->base + eat), (unsigned long)o->fd);
        tcp = strncmp(f->path, "tcp", 3) == 0;
        family = (strncmp(f->path, "tcp6:", 5) == 0 || strncmp(f->path, "udp6:", 5) == 0) ? AF_INET6 : AF_INET;
        if (o->flags & ~TL_SOPT_FLAG_BACKLOG)
            BAD("at offset %lu: socket %lu: flags 0x%02x out of range (only bit 0)", (unsigned long)(r->base + eat),
                (unsigned long)o->fd, o->flags);
        if ((o->flags & TL_SOPT_FLAG_BACKLOG) ? !tcp || f->kind == TL_FILE_TCP : o->backlog != 0)
            BAD("at offset %lu: socket %lu: a backlog on a UDP socket or a connection, or a backlog without its flag",
                (unsigned long)(r->base + eat), (unsigned long)o->fd);
        if (n_opt > TL_SOPT_MAX_CODE || (size_t)n_opt * 9 > r->len - r->pos)
            BAD("at offset %lu: socket %lu: %u options do not fit", (unsigned long)(r->base + eat),
                (unsigned long)o->fd, n_opt);
        o->n = n_opt;
        for (j = 0; j < n_opt; j++) {
            const struct option *op;
            size_t oat = r->pos;
            o->opt[j].code = tl_rd_u8(r);
            o->opt[j].a = (int32_t)tl_rd_u32(r);
            o->opt[j].b = (int32_t)tl_rd_u32(r);
            if (r->failed)
                return -1;
            op = option_of(o->opt[j].code);
            if (!op || (j > 0 && o->opt[j].code <= o->opt[j - 1].code))
                BAD("at offset %lu: socket %lu: option code %u unknown or not in increasing order",
                    (unsigned long)(r->base + oat), (unsigned long)o->fd, o->opt[j].code);
            if (!applies(op, family, tcp ? SOCK_STREAM : SOCK_DGRAM))
                BAD("at offset %lu: socket %lu: option %s does not apply to a %s socket", (unsigned long)(r->base + oat),
                    (unsigned long)o->fd, op->label, f->path[0] == 't' ? "TCP" : "UDP");
            if (f->kind == TL_FILE_TCP && (op->conn == REPAIRED || op->conn == REFUSED))
                BAD("at offset %lu: socket %lu: option %s is not carried on a connection", (unsigned long)(r->base + oat),
                    (unsigned long)o->fd, op->label);
            if (o->opt[j].a < op->min || o->opt[j].a > op->max ||
                (op->kind == LINGER ? o->opt[j].b < 0
                 : op->kind == TIMEVAL ? o->opt[j].b < 0 || o->opt[j].b > 999999 : o->opt[j].b != 0))
                BAD("at offset %lu: socket %lu: option %s value %ld, %ld out of range", (unsigned long)(r->base + oat),
                    (unsigned long)o->fd, op->label, (long)o->opt[j].a, (long)o->opt[j].b);
        }
#undef BAD
    }
    return 0;
}

const char *tl_sockopts_missing(const tl_checkpoint *ck, char *buf, size_t n)
{
    uint32_t i;
    for (i = 0; i < ck->nfiles; i++)
        if ((ck->files[i].kind == TL_FILE_LISTEN || ck->files[i].kind == TL_FILE_TCP) &&
            (ck->files[i].flags & TL_FILE_FLAG_OPTIONS) &&
            !tl_sockopts_find(ck, ck->files[i].fd)) {
            snprintf(buf, n, "socket %lu has the options flag but no entry in SOPT", (unsigned long)ck->files[i].fd);
            return buf;
        }
    return NULL;
}

const tl_ck_sockopts *tl_sockopts_find(const tl_checkpoint *ck, uint32_t fd)
{
    uint32_t lo = 0, hi = ck->nsockopts;
    /* by increasing fd (validated) */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ck->sockopts[mid].fd == fd)
            return &ck->sockopts[mid];
        if (ck->sockopts[mid].fd < fd)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int tl_sockopts_has(const tl_ck_sockopts *o, int code)
{
    uint8_t i;
    for (i = 0; o && i < o->n; i++)
        if (o->opt[i].code == code)
            return 1;
    return 0;
}

/* IP_TOS first: Linux sets SO_PRIORITY from the TOS when IP_TOS is set, so a priority the program set after its TOS
 * (both carried) must be set after it again */
int tl_sockopts_apply(int s, const tl_ck_sockopts *o, char *why, size_t nwhy)
{
    uint8_t i;
    int pass;
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; o && i < o->n; i++) {
            const struct option *op = option_of(o->opt[i].code);
            int r;
            if (!op || (pass == 0) != (op->code == TL_SOPT_IP_TOS))
                continue;               /* !op: validated, never */
            if (op->kind == LINGER) {
                struct linger l;
                memset(&l, 0, sizeof l);
                l.l_onoff = o->opt[i].a;
                l.l_linger = o->opt[i].b;
                r = setsockopt(s, op->level, op->name, &l, sizeof l);
            } else if (op->kind == TIMEVAL) {
                struct timeval t;
                memset(&t, 0, sizeof t);
                t.tv_sec = o->opt[i].a;
                t.tv_usec = o->opt[i].b;
                r = setsockopt(s, op->level, op->name, &t, sizeof t);
            } else {
                int v = o->opt[i].a;
                r = setsockopt(s, op->level, op->name, &v, sizeof v);
            }
            if (r != 0) {
                snprintf(why, nwhy, "%s (%ld, %ld): %s", op->label, (long)o->opt[i].a, (long)o->opt[i].b, tl_strerror(errno));
                return -1;
            }
        }
    }
    return 0;
}
