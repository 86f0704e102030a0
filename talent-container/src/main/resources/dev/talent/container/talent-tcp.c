/* talent-tcp: carries a program's established TCP connections from one network namespace to another with Linux
 * TCP repair, for talent (docs/SECURITY.md, "Network"; talent-container/README.md, "TCP connections").
 *
 * The program never holds CAP_NET_ADMIN: talent (root on the host) runs this helper, which receives the program's
 * connected sockets over a Unix socket in the program's checkpoint directory (SCM_RIGHTS), puts them into repair
 * mode, reads their state and writes it to a file talent owns; and, for the restoring container, creates the
 * sockets again in that container's network namespace (setns) in repair mode and hands them to the runtime the same
 * way. Everything the program sends is checked (kind of descriptor, TCP state, count); the state file is read back
 * with every length bounded.
 *
 *   talent-tcp take DIR STATE TIMEOUT_MS [PORT]  bind DIR/tcp.sock, print "ready", take one hand-over; exit 0
 *                                              and print "took N", or exit 3 if stdin closed before anyone
 *                                              connected; with PORT, bring that host interface (the source's
 *                                              bridge port) down before the connections are read
 *   talent-tcp give DIR STATE NETNS PORT T     restore STATE's connections in NETNS, bind DIR/tcp.sock, print
 *                                              "ready"; when the runtime connects, bring the host interface PORT
 *                                              up ("-": none), hand them over; print "gave N"
 *   talent-tcp hold NETNS QUEUE                in NETNS, take the packets the kernel queues on netfilter queue QUEUE
 *                                              (an NFQUEUE rule talent adds for the app's address) and keep them;
 *                                              print "ready"; on a line on stdin accept every kept packet in the
 *                                              order it came, print "released N", and accept each later one at once;
 *                                              exit 0 when stdin closes (packets still kept are then dropped by the
 *                                              kernel, as the network lock drops them)
 *   talent-tcp show STATE                      print the state file (tests, diagnostics)
 *
 * Wire format on tcp.sock (both directions): u32 magic ("TLTK" take, "TLTG" give), u32 count, count x u32 descriptor
 * numbers (big-endian), the descriptors themselves as SCM_RIGHTS in the same order; the receiver answers 'k' (or
 * 'n' and a reason). */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifndef TCP_REPAIR_WINDOW
#define TCP_REPAIR_WINDOW 29
#endif
#ifndef SIOCOUTQNSD
#define SIOCOUTQNSD 0x894B
#endif

#define MAX_CONN 250                        /* below SCM_MAX_FD (253) */
#define MAX_QUEUE (64u << 20)               /* per queue */
#define MAGIC_TAKE 0x544c544bu              /* TLTK */
#define MAGIC_GIVE 0x544c5447u              /* TLTG */
#define STATE_MAGIC "TLTCP2\n"
#define SOCK_NAME "tcp.sock"

/* conn.flags. A half-closed connection is carried as an established one plus what closed it, as CRIU does: the
 * sequence numbers and queues without the FINs, which are replayed on the restored socket. */
#define FIN_SENT 1u                         /* the program shut down writing (FIN_WAIT1/2, CLOSING, LAST_ACK): its
                                             * FIN is sent again by shutdown(SHUT_WR) after the send queue */
#define FIN_RCVD 2u                         /* the peer's FIN came (CLOSE_WAIT, LAST_ACK, CLOSING): it is given to
                                             * the restored socket again after the receive queue (end of file) */
#define CONNECTING 4u                       /* SYN_SENT: connect() again, with the same initial sequence number */
#define SHUT_READ 8u                        /* the program shut down reading (shutdown SHUT_RD or SHUT_RDWR) before
                                             * any FIN of the peer: shutdown(SHUT_RD) on the restored socket */
#define CLOSED 16u                          /* CLOSE with the descriptor still open (both FINs exchanged, or a reset
                                             * whose error the program has read): only the unread bytes are kept;
                                             * the restored socket is closed by a reset "from the peer" delivered
                                             * in the namespace, and that reset's error cleared (README, "Closed
                                             * connections") */

typedef struct conn {
    uint32_t fd;                            /* the program's descriptor number */
    uint8_t family;                         /* 4 or 6 */
    uint8_t local[16], remote[16];
    uint16_t lport, rport;
    uint32_t snd_seq, rcv_seq;              /* write_seq and rcv_nxt (the ends of the queues) */
    uint32_t mss;
    uint8_t opts;                           /* 1 timestamps, 2 SACK, 4 window scaling */
    uint8_t snd_wscale, rcv_wscale;
    uint32_t tsval;
    uint32_t snd_wl1, snd_wnd, max_window, rcv_wnd, rcv_wup;
    uint8_t nodelay, keepalive;
    uint8_t flags;                          /* FIN_SENT, FIN_RCVD, CONNECTING, SHUT_READ: how it differs from
                                             * ESTABLISHED */
    uint32_t keepidle, keepintvl, keepcnt;
    uint32_t sndq_len, unsent_len, rcvq_len;
    unsigned char *sndq, *rcvq;
    int sock;                               /* live socket (take: the program's; give: the restored one) */
} conn;

static conn conns[MAX_CONN];
static uint32_t nconns;

static void die(int status, const char *fmt, ...)
{
    va_list ap;
    fputs("talent-tcp: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    unlink(SOCK_NAME);
    exit(status);
}

/* ------------------------------------------------------------------ state file */

static void put_u32(FILE *f, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
    fwrite(b, 1, 4, f);
}

static void put_u16(FILE *f, uint16_t v)
{
    unsigned char b[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    fwrite(b, 1, 2, f);
}

static void write_state(const char *path)
{
    char tmp[4096];
    FILE *f;
    uint32_t i;
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        die(2, "state path too long");
    f = fopen(tmp, "wb");
    if (!f)
        die(2, "cannot write %s: %s", tmp, strerror(errno));
    fwrite(STATE_MAGIC, 1, 7, f);
    put_u32(f, nconns);
    for (i = 0; i < nconns; i++) {
        const conn *c = &conns[i];
        put_u32(f, c->fd);
        fputc(c->family, f);
        fwrite(c->local, 1, 16, f);
        put_u16(f, c->lport);
        fwrite(c->remote, 1, 16, f);
        put_u16(f, c->rport);
        put_u32(f, c->snd_seq);
        put_u32(f, c->rcv_seq);
        put_u32(f, c->mss);
        fputc(c->opts, f);
        fputc(c->snd_wscale, f);
        fputc(c->rcv_wscale, f);
        put_u32(f, c->tsval);
        put_u32(f, c->snd_wl1);
        put_u32(f, c->snd_wnd);
        put_u32(f, c->max_window);
        put_u32(f, c->rcv_wnd);
        put_u32(f, c->rcv_wup);
        fputc(c->nodelay, f);
        fputc(c->keepalive, f);
        fputc(c->flags, f);
        put_u32(f, c->keepidle);
        put_u32(f, c->keepintvl);
        put_u32(f, c->keepcnt);
        put_u32(f, c->sndq_len);
        put_u32(f, c->unsent_len);
        put_u32(f, c->rcvq_len);
        fwrite(c->sndq, 1, c->sndq_len, f);
        fwrite(c->rcvq, 1, c->rcvq_len, f);
    }
    if (fflush(f) != 0 || ferror(f) || fclose(f) != 0)
        die(2, "cannot write %s: %s", tmp, strerror(errno));
    if (rename(tmp, path) != 0)
        die(2, "cannot rename %s: %s", tmp, strerror(errno));
}

typedef struct rd {
    const unsigned char *p;
    size_t n, at;
} rd;

static void need(rd *r, size_t k)
{
    if (r->n - r->at < k)
        die(2, "state file truncated at byte %lu", (unsigned long)r->at);
}

static uint32_t get_u32(rd *r)
{
    const unsigned char *b;
    need(r, 4);
    b = r->p + r->at;
    r->at += 4;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint16_t get_u16(rd *r)
{
    const unsigned char *b;
    need(r, 2);
    b = r->p + r->at;
    r->at += 2;
    return (uint16_t)(b[0] << 8 | b[1]);
}

static uint8_t get_u8(rd *r)
{
    need(r, 1);
    return r->p[r->at++];
}

static void get_bytes(rd *r, void *to, size_t k)
{
    need(r, k);
    memcpy(to, r->p + r->at, k);
    r->at += k;
}

/* The whole file, every field checked: it is talent's own file, but it holds what a program's sockets held. */
static void read_state(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long size;
    rd r;
    uint32_t i, j;
    if (!f)
        die(2, "cannot read %s: %s", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        die(2, "cannot read %s", path);
    if ((unsigned long)size > (unsigned long)MAX_CONN * 2u * MAX_QUEUE)
        die(2, "%s is too large", path);
    buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size)
        die(2, "cannot read %s", path);
    fclose(f);
    r.p = buf;
    r.n = (size_t)size;
    r.at = 0;
    need(&r, 7);
    if (memcmp(buf, STATE_MAGIC, 7) != 0)
        die(2, "%s is not a talent TCP state file", path);
    r.at = 7;
    nconns = get_u32(&r);
    if (nconns > MAX_CONN)
        die(2, "%s: %lu connections (at most %d)", path, (unsigned long)nconns, MAX_CONN);
    for (i = 0; i < nconns; i++) {
        conn *c = &conns[i];
        c->fd = get_u32(&r);
        c->family = get_u8(&r);
        get_bytes(&r, c->local, 16);
        c->lport = get_u16(&r);
        get_bytes(&r, c->remote, 16);
        c->rport = get_u16(&r);
        c->snd_seq = get_u32(&r);
        c->rcv_seq = get_u32(&r);
        c->mss = get_u32(&r);
        c->opts = get_u8(&r);
        c->snd_wscale = get_u8(&r);
        c->rcv_wscale = get_u8(&r);
        c->tsval = get_u32(&r);
        c->snd_wl1 = get_u32(&r);
        c->snd_wnd = get_u32(&r);
        c->max_window = get_u32(&r);
        c->rcv_wnd = get_u32(&r);
        c->rcv_wup = get_u32(&r);
        c->nodelay = get_u8(&r);
        c->keepalive = get_u8(&r);
        c->flags = get_u8(&r);
        c->keepidle = get_u32(&r);
        c->keepintvl = get_u32(&r);
        c->keepcnt = get_u32(&r);
        c->sndq_len = get_u32(&r);
        c->unsent_len = get_u32(&r);
        c->rcvq_len = get_u32(&r);
        if (c->fd > 0x7FFFFFFF || (c->family != 4 && c->family != 6) || c->opts > 7 || c->snd_wscale > 14 ||
            c->rcv_wscale > 14 || c->nodelay > 1 || c->keepalive > 1 || c->mss > 65535 ||
            (c->mss == 0 && !(c->flags & CONNECTING)) ||
            c->flags > (FIN_SENT | FIN_RCVD | CONNECTING | SHUT_READ | CLOSED) ||
            ((c->flags & CLOSED) && (c->flags != CLOSED || c->sndq_len != 0 || c->opts != 0)) ||
            ((c->flags & SHUT_READ) && (c->flags & FIN_RCVD)) ||
            ((c->flags & CONNECTING) && (c->flags != CONNECTING || c->sndq_len != 0 || c->rcvq_len != 0)) ||
            c->sndq_len > MAX_QUEUE || c->rcvq_len > MAX_QUEUE || c->unsent_len > c->sndq_len)
            die(2, "%s: connection %lu has a field out of range", path, (unsigned long)i);
        for (j = 0; j < i; j++)
            if (conns[j].fd == c->fd)
                die(2, "%s: descriptor %lu listed twice", path, (unsigned long)c->fd);
        c->sndq = malloc(c->sndq_len + 1u);
        c->rcvq = malloc(c->rcvq_len + 1u);
        if (!c->sndq || !c->rcvq)
            die(2, "out of memory");
        get_bytes(&r, c->sndq, c->sndq_len);
        get_bytes(&r, c->rcvq, c->rcvq_len);
        c->sock = -1;
    }
    if (r.at != r.n)
        die(2, "%s: %lu bytes after the last connection", path, (unsigned long)(r.n - r.at));
    free(buf);
}

/* ------------------------------------------------------------------ the Unix socket */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int listen_here(void)
{
    struct sockaddr_un a;
    struct stat st;
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        die(2, "socket: %s", strerror(errno));
    if (lstat(SOCK_NAME, &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            die(2, "%s exists and is not a socket", SOCK_NAME);
        unlink(SOCK_NAME);
    }
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, SOCK_NAME);
    /* the socket is made 0600 by the umask at bind time, never by a chmod afterwards: the directory is the
     * program's, which could put a symlink at that name between the bind and a chmod (which follows it) and so
     * have a file of the host changed by us. The program runs as root without capabilities in its container: it
     * can connect to a 0600 socket. */
    {
        mode_t old = umask(0177);
        int bound = bind(s, (struct sockaddr *)&a, sizeof a);
        umask(old);
        if (bound != 0 || listen(s, 4) != 0)
            die(2, "cannot listen on %s: %s", SOCK_NAME, strerror(errno));
    }
    return s;
}

/* one connection, or -1 when stdin closed (talent: nobody will come); dies at the deadline */
static int accept_one(int l, long long deadline)
{
    struct pollfd p[2];
    for (;;) {
        long long left = deadline - now_ms();
        int n;
        if (left <= 0)
            die(4, "nobody connected to %s in time", SOCK_NAME);
        p[0].fd = l;
        p[0].events = POLLIN;
        p[1].fd = 0;
        p[1].events = POLLIN;
        n = poll(p, 2, (int)(left > 60000 ? 60000 : left));
        if (n < 0 && errno != EINTR)
            die(2, "poll: %s", strerror(errno));
        if (n > 0 && (p[0].revents & POLLIN)) {
            int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
            struct timeval tv = {5, 0};
            if (c < 0)
                continue;
            setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            return c;
        }
        if (n > 0 && (p[1].revents & (POLLIN | POLLHUP))) {
            char b[64];
            if (read(0, b, sizeof b) <= 0)
                return -1;
        }
    }
}

static void reply(int c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (write(c, msg, strlen(msg)) < 0) {
        /* the peer is gone: what it was told does not matter any more */
    }
}

/* ------------------------------------------------------------------ take (dump) */

static void sockname(const struct sockaddr_storage *ss, uint8_t addr[16], uint16_t *port)
{
    memset(addr, 0, 16);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        memcpy(addr, &a->sin_addr, 4);
        *port = ntohs(a->sin_port);
    } else {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        memcpy(addr, &a->sin6_addr, 16);
        *port = ntohs(a->sin6_port);
    }
}

/* " (local -> peer)" for a TCP socket whose addresses can be read (SO_PEERNAME: also while connecting), else "" */
static void describe(int s, char *out, size_t n)
{
    struct sockaddr_storage l, r;
    socklen_t len = sizeof l;
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    uint8_t la[16], ra[16];
    uint16_t lp = 0, rp = 0;
    int v6;
    out[0] = '\0';
    if (getsockname(s, (struct sockaddr *)&l, &len) != 0 || (l.ss_family != AF_INET && l.ss_family != AF_INET6))
        return;
    v6 = l.ss_family == AF_INET6;
    len = v6 ? (socklen_t)sizeof(struct sockaddr_in6) : (socklen_t)sizeof(struct sockaddr_in);
    sockname(&l, la, &lp);
    if (getsockopt(s, SOL_SOCKET, SO_PEERNAME, &r, &len) != 0 || r.ss_family != l.ss_family) {
        inet_ntop(l.ss_family, la, a, sizeof a);
        snprintf(out, n, v6 ? " ([%s]:%u, no peer)" : " (%s:%u, no peer)", a, lp);
        return;
    }
    sockname(&r, ra, &rp);
    inet_ntop(l.ss_family, la, a, sizeof a);
    inet_ntop(l.ss_family, ra, b, sizeof b);
    snprintf(out, n, v6 ? " ([%s]:%u -> [%s]:%u)" : " (%s:%u -> %s:%u)", a, lp, b, rp);
}

/* "" when s is a TCP socket talent can carry (established, half-closed, closed in both directions with no error
 * to report, or connecting), else why not */
static const char *check_socket(int s)
{
    int v = 0;
    socklen_t len = sizeof v;
    struct stat st;
    struct tcp_info ti;
    if (fstat(s, &st) != 0 || !S_ISSOCK(st.st_mode))
        return "not a socket";
    if (getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &len) != 0 || (v != AF_INET && v != AF_INET6))
        return "not an IPv4 or IPv6 socket";
    len = sizeof v;
    if (getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &len) != 0 || v != IPPROTO_TCP)
        return "not a TCP socket";
    len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
        return "its TCP state cannot be read";
    switch (ti.tcpi_state) {
    case 1:  /* ESTABLISHED */
    case 4:  /* FIN_WAIT1 */
    case 5:  /* FIN_WAIT2 */
    case 8:  /* CLOSE_WAIT */
    case 9:  /* LAST_ACK */
    case 11: /* CLOSING */
        break;
    case 2: { /* SYN_SENT */
        int q = 0;
        if (ioctl(s, SIOCOUTQ, &q) == 0 && q > 1)
            return "a TCP connection still being set up with data queued before its handshake (SYN_SENT with TCP Fast "
                   "Open data is not carried)";
        break;
    }
    case 3:
        return "a TCP connection still being set up by the peer (SYN_RECV)";
    case 6:
        return "a TCP connection closed in both directions (TIME_WAIT)";
    case 7: { /* CLOSE: carried when it was connected (a peer address) and no error waits to be read */
        struct sockaddr_storage ss;
        struct pollfd p;
        socklen_t sl = sizeof ss;
        memset(&ss, 0, sizeof ss);
        if (getsockname(s, (struct sockaddr *)&ss, &sl) != 0 ||
            getsockopt(s, SOL_SOCKET, SO_PEERNAME, &ss, &sl) != 0 ||
            (ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port) == 0)
            return "a TCP socket that is closed and has no peer (CLOSE: never connected, or its connect() failed)";
        p.fd = s;
        p.events = POLLIN | POLLRDHUP;
        p.revents = 0;
        if (poll(&p, 1, 0) < 0)
            return "a closed TCP connection whose state cannot be read (CLOSE)";
        /* SO_ERROR would tell which error, but reading it clears it, and the program must still get it if the
         * migration rolls back: refused, the program reads it, and a later migration carries the connection */
        if (p.revents & POLLERR)
            return "a TCP connection closed by a reset or an error that the program has not read yet (CLOSE with a "
                   "pending socket error: refused until the program has read it)";
        if (!(p.revents & POLLRDHUP))
            return "a closed TCP connection that is not shut down for reading (CLOSE)";
        break;
    }
    default:
        return "a TCP connection in a state talent cannot carry";
    }
    return "";
}

static unsigned char *peek_queue(int s, int q, uint32_t len)
{
    unsigned char *b = malloc(len + 1u);
    uint32_t got = 0;
    if (!b)
        die(2, "out of memory");
    if (setsockopt(s, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof q) != 0)
        die(2, "TCP_REPAIR_QUEUE: %s", strerror(errno));
    if (len > 0) {
        ssize_t n = recv(s, b, len, MSG_PEEK | MSG_DONTWAIT);
        if (n < 0)
            die(2, "cannot read a queue of a connection: %s", strerror(errno));
        got = (uint32_t)n;
        if (got != len)
            die(2, "a queue held %lu bytes, %lu were read", (unsigned long)len, (unsigned long)got);
    }
    return b;
}

static void dump(conn *c)
{
    int s = c->sock, v, one = 1;
    socklen_t len;
    struct sockaddr_storage ss;
    struct tcp_info ti;
    struct tcp_repair_window w;
    int inq = 0, outq = 0, unsent = 0;

    if (setsockopt(s, IPPROTO_TCP, TCP_REPAIR, &one, sizeof one) != 0)
        die(2, "TCP_REPAIR on descriptor %lu: %s", (unsigned long)c->fd, strerror(errno));
    /* the state once in repair mode (the network lock is on: nothing arrives that could change it meanwhile) */
    len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
        die(2, "TCP_INFO: %s", strerror(errno));
    switch (ti.tcpi_state) {
    case 7: c->flags = CLOSED; break;
    case 2: c->flags = CONNECTING; break;
    case 4: case 5: c->flags = FIN_SENT; break;
    case 8: c->flags = FIN_RCVD; break;
    case 9: case 11: c->flags = FIN_SENT | FIN_RCVD; break;
    default: c->flags = 0; break;
    }
    /* The program's shutdown(SHUT_RD) leaves no trace in the TCP state, only in the socket's sk_shutdown, which
     * poll shows as POLLRDHUP; before the peer's FIN (ESTABLISHED, FIN_WAIT1/2) nothing else sets it. After the
     * peer's FIN it is set anyway and the replayed FIN sets it again. (SHUT_RD in SYN_SENT disconnects.) */
    if (ti.tcpi_state == 1 || ti.tcpi_state == 4 || ti.tcpi_state == 5) {
        struct pollfd p;
        p.fd = s;
        p.events = POLLRDHUP;
        p.revents = 0;
        if (poll(&p, 1, 0) < 0)
            die(2, "descriptor %lu: poll: %s", (unsigned long)c->fd, strerror(errno));
        if (p.revents & POLLRDHUP)
            c->flags |= SHUT_READ;
    }
    len = sizeof ss;
    if (getsockname(s, (struct sockaddr *)&ss, &len) != 0)
        die(2, "getsockname: %s", strerror(errno));
    c->family = ss.ss_family == AF_INET ? 4 : 6;
    sockname(&ss, c->local, &c->lport);
    /* SO_PEERNAME, unlike getpeername, answers for a connect() in progress too (the length must be the family's) */
    len = ss.ss_family == AF_INET ? (socklen_t)sizeof(struct sockaddr_in) : (socklen_t)sizeof(struct sockaddr_in6);
    if (getsockopt(s, SOL_SOCKET, SO_PEERNAME, &ss, &len) != 0)
        die(2, "descriptor %lu: SO_PEERNAME: %s", (unsigned long)c->fd, strerror(errno));
    sockname(&ss, c->remote, &c->rport);
    if (c->flags & CONNECTING) {
        /* the SYN is the only thing sent: write_seq is the initial sequence number + 1; the rest is negotiated
         * again by the handshake the restored socket makes */
        int q = TCP_SEND_QUEUE;
        if (setsockopt(s, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof q) != 0)
            die(2, "TCP_REPAIR_QUEUE: %s", strerror(errno));
        len = sizeof v;
        if (getsockopt(s, IPPROTO_TCP, TCP_QUEUE_SEQ, &v, &len) != 0)
            die(2, "TCP_QUEUE_SEQ: %s", strerror(errno));
        c->snd_seq = (uint32_t)v - 1u;
        c->sndq = malloc(1);
        c->rcvq = malloc(1);
        if (!c->sndq || !c->rcvq)
            die(2, "out of memory");
        goto options;
    }
    if (c->flags & CLOSED) {
        /* what the program can still read; nothing is sent any more (after a reset the kernel purged the send
         * queue, though SIOCOUTQ still counts it), and no option or window matters: the restored socket never
         * talks to the peer. The sequence numbers are the source's ends. */
        int q = TCP_SEND_QUEUE;
        if (ioctl(s, SIOCINQ, &inq) != 0 || inq < 0 || (uint32_t)inq > MAX_QUEUE)
            die(2, "cannot size the receive queue of descriptor %lu", (unsigned long)c->fd);
        c->rcvq_len = (uint32_t)inq;
        c->sndq_len = c->unsent_len = 0;
        if (setsockopt(s, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof q) != 0)
            die(2, "TCP_REPAIR_QUEUE: %s", strerror(errno));
        len = sizeof v;
        if (getsockopt(s, IPPROTO_TCP, TCP_QUEUE_SEQ, &v, &len) != 0)
            die(2, "TCP_QUEUE_SEQ: %s", strerror(errno));
        c->snd_seq = (uint32_t)v;
        c->sndq = malloc(1);
        if (!c->sndq)
            die(2, "out of memory");
        c->rcvq = peek_queue(s, TCP_RECV_QUEUE, c->rcvq_len);
        len = sizeof v;
        if (getsockopt(s, IPPROTO_TCP, TCP_QUEUE_SEQ, &v, &len) != 0)
            die(2, "TCP_QUEUE_SEQ: %s", strerror(errno));
        c->rcv_seq = (uint32_t)v;
        c->mss = 536;
        c->opts = 0;
        goto options;
    }

    if (ioctl(s, SIOCINQ, &inq) != 0 || ioctl(s, SIOCOUTQ, &outq) != 0 || ioctl(s, SIOCOUTQNSD, &unsent) != 0)
        die(2, "cannot size the queues: %s", strerror(errno));
    if (inq < 0 || outq < 0 || unsent < 0 || (uint32_t)inq > MAX_QUEUE || (uint32_t)outq > MAX_QUEUE || unsent > outq)
        die(2, "queues of descriptor %lu out of range", (unsigned long)c->fd);
    if (c->flags & FIN_SENT) {
        /* write_seq counts the program's FIN (one sequence number, no byte in the queue): SIOCOUTQ counts it until
         * the peer acknowledged it, SIOCOUTQNSD until it was sent (it is the last thing queued). The queue and
         * sequence numbers are kept without it; shutdown() on the restored socket queues it again. */
        if (outq > 0)
            outq--;
        if (unsent > 0)
            unsent--;
    }
    c->rcvq_len = (uint32_t)inq;
    c->sndq_len = (uint32_t)outq;
    c->unsent_len = (uint32_t)unsent;

    c->sndq = peek_queue(s, TCP_SEND_QUEUE, c->sndq_len);
    len = sizeof v;
    if (getsockopt(s, IPPROTO_TCP, TCP_QUEUE_SEQ, &v, &len) != 0)
        die(2, "TCP_QUEUE_SEQ: %s", strerror(errno));
    c->snd_seq = (uint32_t)v - ((c->flags & FIN_SENT) ? 1u : 0u);
    /* SIOCINQ counts the bytes not read, without the peer's FIN; rcv_nxt (TCP_QUEUE_SEQ) is past it */
    c->rcvq = peek_queue(s, TCP_RECV_QUEUE, c->rcvq_len);
    len = sizeof v;
    if (getsockopt(s, IPPROTO_TCP, TCP_QUEUE_SEQ, &v, &len) != 0)
        die(2, "TCP_QUEUE_SEQ: %s", strerror(errno));
    c->rcv_seq = (uint32_t)v - ((c->flags & FIN_RCVD) ? 1u : 0u);

    len = sizeof v;
    if (getsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, &len) != 0)
        die(2, "TCP_MAXSEG: %s", strerror(errno));
    c->mss = (uint32_t)v;
    c->opts = (uint8_t)(((ti.tcpi_options & TCPI_OPT_TIMESTAMPS) ? 1 : 0) | ((ti.tcpi_options & TCPI_OPT_SACK) ? 2 : 0) |
                        ((ti.tcpi_options & TCPI_OPT_WSCALE) ? 4 : 0));
    c->snd_wscale = ti.tcpi_snd_wscale;
    c->rcv_wscale = ti.tcpi_rcv_wscale;
    if (c->opts & 1) {
        len = sizeof v;
        if (getsockopt(s, IPPROTO_TCP, TCP_TIMESTAMP, &v, &len) != 0)
            die(2, "TCP_TIMESTAMP: %s", strerror(errno));
        c->tsval = (uint32_t)v;
    }
    len = sizeof w;
    if (getsockopt(s, IPPROTO_TCP, TCP_REPAIR_WINDOW, &w, &len) != 0)
        die(2, "TCP_REPAIR_WINDOW: %s", strerror(errno));
    c->snd_wl1 = w.snd_wl1;
    c->snd_wnd = w.snd_wnd;
    c->max_window = w.max_window;
    c->rcv_wnd = w.rcv_wnd;
    c->rcv_wup = w.rcv_wup;
    /* the window was last announced with the peer's FIN acknowledged; the kernel refuses a rcv_wup past rcv_nxt,
     * which is restored without the FIN (the replayed FIN moves both on again) */
    if ((c->flags & FIN_RCVD) && (int32_t)(c->rcv_wup - c->rcv_seq) > 0)
        c->rcv_wup = c->rcv_seq;

options:
    len = sizeof v;
    c->nodelay = getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v;
    len = sizeof v;
    c->keepalive = getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &len) == 0 && v;
    len = sizeof v;
    c->keepidle = getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, &len) == 0 ? (uint32_t)v : 0;
    len = sizeof v;
    c->keepintvl = getsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &v, &len) == 0 ? (uint32_t)v : 0;
    len = sizeof v;
    c->keepcnt = getsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v, &len) == 0 ? (uint32_t)v : 0;
}

/* receives the header and the descriptors; returns the connection, or -1 with *why set */
static int receive(int c, uint32_t magic, uint32_t *numbers, int *fds, uint32_t *n, char *why, size_t nwhy)
{
    unsigned char hdr[8 + 4 * MAX_CONN];
    char cbuf[CMSG_SPACE(sizeof(int) * MAX_CONN)];
    struct iovec iov;
    struct msghdr m;
    struct cmsghdr *cm;
    ssize_t got;
    uint32_t i, nfds = 0;
    memset(&m, 0, sizeof m);
    iov.iov_base = hdr;
    iov.iov_len = sizeof hdr;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = sizeof cbuf;
    got = recvmsg(c, &m, MSG_CMSG_CLOEXEC);
    *n = 0;
    for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
            size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (i = 0; i < k && nfds < MAX_CONN; i++)
                memcpy(&fds[nfds++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
        }
    if (got < 8 || (m.msg_flags & (MSG_CTRUNC | MSG_TRUNC))) {
        snprintf(why, nwhy, "malformed hand-over message");
        goto bad;
    }
    {
        rd r = {hdr, (size_t)got, 0};
        if (get_u32(&r) != magic) {
            snprintf(why, nwhy, "wrong hand-over message");
            goto bad;
        }
        *n = get_u32(&r);
        if (*n > MAX_CONN || *n != nfds || (size_t)got != 8 + 4 * (size_t)*n) {
            snprintf(why, nwhy, "hand-over of %lu connections with %lu descriptors", (unsigned long)*n,
                     (unsigned long)nfds);
            goto bad;
        }
        for (i = 0; i < *n; i++) {
            numbers[i] = get_u32(&r);
            if (numbers[i] > 0x7FFFFFFF) {
                snprintf(why, nwhy, "descriptor number out of range");
                goto bad;
            }
        }
    }
    return 0;
bad:
    for (i = 0; i < nfds; i++)
        close(fds[i]);
    *n = 0;
    return -1;
}

static int take(const char *state, long timeout_ms, const char *port)
{
    int l = listen_here(), c, fds[MAX_CONN];
    uint32_t numbers[MAX_CONN], n, i, j;
    char why[256];
    long long deadline = now_ms() + timeout_ms;
    printf("ready\n");
    fflush(stdout);
    c = accept_one(l, deadline);
    close(l);
    unlink(SOCK_NAME);
    if (c < 0)
        return 3;
    if (receive(c, MAGIC_TAKE, numbers, fds, &n, why, sizeof why) != 0) {
        reply(c, "n%s", why);
        die(5, "%s", why);
    }
    /* all checked before any is touched: a refusal leaves the program's connections as they were */
    for (i = 0; i < n; i++) {
        const char *bad = check_socket(fds[i]);
        for (j = 0; j < i && !*bad; j++)
            if (numbers[j] == numbers[i])
                bad = "listed twice";
        if (*bad) {
            char who[160];
            describe(fds[i], who, sizeof who);
            reply(c, "ndescriptor %lu%s is %s", (unsigned long)numbers[i], who, bad);
            die(5, "descriptor %lu%s is %s", (unsigned long)numbers[i], who, bad);
        }
    }
    /* The source's port goes down before its connections are read: until now (the lock) it could still send (an
     * answer the program wrote just before it stopped, while a prepared destination holds what comes in), from now
     * on nothing it sends leaves, so the state read here is the last the peers see of it, and what its kernel sends
     * at close (FIN, RST) goes nowhere. */
    if (port) {
        int ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct ifreq r;
        memset(&r, 0, sizeof r);
        if (ctl < 0 || strlen(port) >= sizeof r.ifr_name) {
            reply(c, "ncannot lock the network");
            die(2, "cannot lock the network (%s)", port);
        }
        strcpy(r.ifr_name, port);
        if (ioctl(ctl, SIOCGIFFLAGS, &r) != 0 || (r.ifr_flags &= ~IFF_UP, ioctl(ctl, SIOCSIFFLAGS, &r) != 0)) {
            reply(c, "ncannot bring %s down: %s", port, strerror(errno));
            die(2, "cannot bring %s down: %s", port, strerror(errno));
        }
        close(ctl);
    }
    nconns = n;
    for (i = 0; i < n; i++) {
        conns[i].fd = numbers[i];
        conns[i].sock = fds[i];
        dump(&conns[i]);
    }
    /* The program's sockets leave repair mode again (without a window probe), unchanged: the checkpoint may still
     * fail after this hand-over (writing it), and the program then goes on with working connections. When it
     * exits after a written checkpoint, whatever its kernel sends at close (FIN, RST) meets the network lock (the
     * source's bridge port is down, brought down above or at the lock, and stays down until its namespace is
     * removed). */
    for (i = 0; i < n; i++) {
        int off = -1;                       /* TCP_REPAIR_OFF_NO_WP */
        if (setsockopt(fds[i], IPPROTO_TCP, TCP_REPAIR, &off, sizeof off) != 0) {
            off = 0;
            if (setsockopt(fds[i], IPPROTO_TCP, TCP_REPAIR, &off, sizeof off) != 0)
                die(2, "cannot take descriptor %lu out of repair mode: %s", (unsigned long)numbers[i], strerror(errno));
        }
    }
    write_state(state);
    reply(c, "k");
    close(c);
    for (i = 0; i < n; i++)
        close(fds[i]);
    printf("took %lu\n", (unsigned long)n);
    return 0;
}

/* ------------------------------------------------------------------ give (restore) */

static socklen_t address(const conn *c, int remote, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (c->family == 4) {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        memcpy(&a->sin_addr, remote ? c->remote : c->local, 4);
        a->sin_port = htons(remote ? c->rport : c->lport);
        return sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        memcpy(&a->sin6_addr, remote ? c->remote : c->local, 16);
        a->sin6_port = htons(remote ? c->rport : c->lport);
        return sizeof *a;
    }
}

static void fill_queue(int s, int q, const unsigned char *data, uint32_t len)
{
    uint32_t off = 0;
    if (setsockopt(s, IPPROTO_TCP, TCP_REPAIR_QUEUE, &q, sizeof q) != 0)
        die(2, "TCP_REPAIR_QUEUE: %s", strerror(errno));
    while (off < len) {
        ssize_t n = send(s, data + off, len - off, 0);
        if (n <= 0)
            die(2, "cannot refill a queue (%lu of %lu bytes): %s", (unsigned long)off, (unsigned long)len,
                n < 0 ? strerror(errno) : "no progress");
        off += (uint32_t)n;
    }
}

#define SET(level, opt, val, what)                                                                              \
    do {                                                                                                         \
        int v_ = (int)(val);                                                                                     \
        if (setsockopt(s, level, opt, &v_, sizeof v_) != 0)                                                      \
            die(2, "descriptor %lu: %s: %s", (unsigned long)c->fd, what, strerror(errno));                       \
    } while (0)

static void restore(conn *c)
{
    struct sockaddr_storage ss;
    socklen_t len;
    struct tcp_repair_opt o[4];
    int no = 0, s, q;
    struct tcp_repair_window w;
    uint32_t sent = c->sndq_len - c->unsent_len;
    s = socket(c->family == 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        die(2, "socket: %s", strerror(errno));
    c->sock = s;
    SET(IPPROTO_TCP, TCP_REPAIR, 1, "TCP_REPAIR");
    SET(SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
    if (c->flags & CONNECTING) {
        /* bound and given its initial sequence number in repair mode; release() connects it normally, and the
         * kernel keeps a write_seq already set: the peer sees the same SYN again (a retransmission) */
        q = TCP_SEND_QUEUE;
        SET(IPPROTO_TCP, TCP_REPAIR_QUEUE, q, "TCP_REPAIR_QUEUE");
        SET(IPPROTO_TCP, TCP_QUEUE_SEQ, c->snd_seq, "TCP_QUEUE_SEQ (initial)");
        len = address(c, 0, &ss);
        if (bind(s, (struct sockaddr *)&ss, len) != 0)
            die(2, "descriptor %lu: bind: %s", (unsigned long)c->fd, strerror(errno));
        goto options;
    }
    q = TCP_SEND_QUEUE;
    SET(IPPROTO_TCP, TCP_REPAIR_QUEUE, q, "TCP_REPAIR_QUEUE");
    SET(IPPROTO_TCP, TCP_QUEUE_SEQ, c->snd_seq - c->sndq_len, "TCP_QUEUE_SEQ (send)");
    q = TCP_RECV_QUEUE;
    SET(IPPROTO_TCP, TCP_REPAIR_QUEUE, q, "TCP_REPAIR_QUEUE");
    SET(IPPROTO_TCP, TCP_QUEUE_SEQ, c->rcv_seq - c->rcvq_len, "TCP_QUEUE_SEQ (receive)");
    /* the MSS clamp before the repair connect, which sizes the segments from it (else the 536-byte default) */
    SET(IPPROTO_TCP, TCP_MAXSEG, c->mss, "TCP_MAXSEG");
    len = address(c, 0, &ss);
    if (bind(s, (struct sockaddr *)&ss, len) != 0)
        die(2, "descriptor %lu: bind: %s", (unsigned long)c->fd, strerror(errno));
    len = address(c, 1, &ss);
    if (connect(s, (struct sockaddr *)&ss, len) != 0)
        die(2, "descriptor %lu: connect (repair): %s", (unsigned long)c->fd, strerror(errno));
    o[no].opt_code = TCPOPT_MAXSEG;
    o[no++].opt_val = c->mss;
    if (c->flags & CLOSED) {
        /* only the bytes the program has not read: closed by release */
        if (setsockopt(s, IPPROTO_TCP, TCP_REPAIR_OPTIONS, o, (socklen_t)(no * sizeof o[0])) != 0)
            die(2, "descriptor %lu: TCP_REPAIR_OPTIONS: %s", (unsigned long)c->fd, strerror(errno));
        fill_queue(s, TCP_RECV_QUEUE, c->rcvq, c->rcvq_len);
        goto options;
    }
    if (c->opts & 4) {
        o[no].opt_code = TCPOPT_WINDOW;
        o[no++].opt_val = (uint32_t)c->snd_wscale | (uint32_t)c->rcv_wscale << 16;
    }
    if (c->opts & 2) {
        o[no].opt_code = TCPOPT_SACK_PERMITTED;
        o[no++].opt_val = 0;
    }
    if (c->opts & 1) {
        o[no].opt_code = TCPOPT_TIMESTAMP;
        o[no++].opt_val = 0;
    }
    if (setsockopt(s, IPPROTO_TCP, TCP_REPAIR_OPTIONS, o, (socklen_t)(no * sizeof o[0])) != 0)
        die(2, "descriptor %lu: TCP_REPAIR_OPTIONS: %s", (unsigned long)c->fd, strerror(errno));
    if (c->opts & 1)
        SET(IPPROTO_TCP, TCP_TIMESTAMP, c->tsval, "TCP_TIMESTAMP");
    /* the send queue is not refilled in repair mode: a restored socket has no RTT estimate, so bytes queued as
     * "sent" would wait for the initial retransmission timeout (1 s) while the peer may never have had them (the
     * network lock dropped them). It is sent again normally once repair mode is off and the port is up, from the
     * first unacknowledged sequence number: the peer discards what it already has. */
    (void)sent;
    fill_queue(s, TCP_RECV_QUEUE, c->rcvq, c->rcvq_len);
    if (c->sndq_len > 0) {
        int buf = (int)(2u * c->sndq_len + 65536u);
        setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf);
    }
    /* after the queues: the kernel checks the window against rcv_nxt, which refilling advanced */
    w.snd_wl1 = c->snd_wl1;
    w.snd_wnd = c->snd_wnd;
    w.max_window = c->max_window;
    w.rcv_wnd = c->rcv_wnd;
    w.rcv_wup = c->rcv_wup;
    if (setsockopt(s, IPPROTO_TCP, TCP_REPAIR_WINDOW, &w, sizeof w) != 0)
        die(2, "descriptor %lu: TCP_REPAIR_WINDOW: %s", (unsigned long)c->fd, strerror(errno));
options:
    if (c->nodelay)
        SET(IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
    if (c->keepalive)
        SET(SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
    if (c->keepidle)
        SET(IPPROTO_TCP, TCP_KEEPIDLE, c->keepidle, "TCP_KEEPIDLE");
    if (c->keepintvl)
        SET(IPPROTO_TCP, TCP_KEEPINTVL, c->keepintvl, "TCP_KEEPINTVL");
    if (c->keepcnt)
        SET(IPPROTO_TCP, TCP_KEEPCNT, c->keepcnt, "TCP_KEEPCNT");
}

static uint32_t sum16(uint32_t sum, const unsigned char *p, size_t n)
{
    size_t i;
    for (i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)(p[n - 1] << 8);
    return sum;
}

/* The peer's FIN again, for a connection the peer had closed: a FIN+ACK segment "from the peer" at the sequence
 * number after the restored receive queue, sent over a raw socket to the connection's own (local) address, so it
 * stays in the container's namespace (loopback) and never reaches the wire. The restored socket takes it like
 * the original did: its reads return the queued bytes, then end of file (CLOSE_WAIT, or CLOSING/TIME_WAIT when
 * its own FIN is out too); the ACK it answers is one the peer has already had. */
static void replay(const conn *c, int rst)
{
    unsigned char pkt[40 + 32], *t;
    size_t ip = c->family == 4 ? 20 : 40, tcp = 20 + 12, n = ip + tcp;
    uint32_t sum = 0, ack = c->snd_seq - c->sndq_len, win = c->snd_wnd >> ((c->opts & 4) ? c->snd_wscale : 0);
    struct sockaddr_storage to;
    socklen_t tolen;
    int r = socket(c->family == 4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
    if (r < 0)
        die(2, "descriptor %lu: raw socket (to replay the peer's FIN): %s", (unsigned long)c->fd, strerror(errno));
    memset(pkt, 0, sizeof pkt);
    if (c->family == 4) {
        pkt[0] = 0x45;
        pkt[2] = (unsigned char)(n >> 8);
        pkt[3] = (unsigned char)n;
        pkt[8] = 64;
        pkt[9] = IPPROTO_TCP;
        memcpy(pkt + 12, c->remote, 4);
        memcpy(pkt + 16, c->local, 4);
        /* the kernel fills the IPv4 header checksum (and the id) of a IP_HDRINCL packet */
        sum = sum16(sum, c->remote, 4);
        sum = sum16(sum, c->local, 4);
    } else {
        pkt[0] = 0x60;
        pkt[4] = (unsigned char)(tcp >> 8);
        pkt[5] = (unsigned char)tcp;
        pkt[6] = IPPROTO_TCP;
        pkt[7] = 64;
        memcpy(pkt + 8, c->remote, 16);
        memcpy(pkt + 24, c->local, 16);
        sum = sum16(sum, c->remote, 16);
        sum = sum16(sum, c->local, 16);
    }
    sum += IPPROTO_TCP + (uint32_t)tcp;
    t = pkt + ip;
    t[0] = (unsigned char)(c->rport >> 8);
    t[1] = (unsigned char)c->rport;
    t[2] = (unsigned char)(c->lport >> 8);
    t[3] = (unsigned char)c->lport;
    t[4] = (unsigned char)(c->rcv_seq >> 24);
    t[5] = (unsigned char)(c->rcv_seq >> 16);
    t[6] = (unsigned char)(c->rcv_seq >> 8);
    t[7] = (unsigned char)c->rcv_seq;
    t[8] = (unsigned char)(ack >> 24);
    t[9] = (unsigned char)(ack >> 16);
    t[10] = (unsigned char)(ack >> 8);
    t[11] = (unsigned char)ack;
    t[12] = (unsigned char)((tcp / 4) << 4);
    t[13] = rst ? 0x04 : 0x11;              /* RST; or FIN, ACK */
    if (win > 65535)
        win = 65535;
    t[14] = (unsigned char)(win >> 8);
    t[15] = (unsigned char)win;
    /* a timestamp option (NOP NOP TS) whatever was negotiated, harmless otherwise: a restored socket has no
     * recent timestamp of the peer's (0), and a value of 1 passes its PAWS check */
    if (c->opts & 1) {
        t[20] = 1;
        t[21] = 1;
        t[22] = 8;
        t[23] = 10;
        t[27] = 1;
    }                                       /* else zeros: end of options, padding */
    sum = sum16(sum, t, tcp);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    t[16] = (unsigned char)(sum >> 8);
    t[17] = (unsigned char)sum;
    tolen = address(c, 0, &to);
    if (c->family == 6)
        ((struct sockaddr_in6 *)&to)->sin6_port = 0;
    else
        ((struct sockaddr_in *)&to)->sin_port = 0;
    if (sendto(r, pkt, n, 0, (struct sockaddr *)&to, tolen) != (ssize_t)n)
        die(2, "descriptor %lu: cannot replay the peer's %s: %s", (unsigned long)c->fd, rst ? "reset" : "FIN",
            strerror(errno));
    close(r);
    /* taken at once (loopback runs it in this context), but checked: a program waiting for that end of file must
     * not wait for ever; if the socket did not take it, the restore fails (and the migration rolls back) */
    {
        struct tcp_info ti;
        socklen_t len;
        struct timespec pause = {0, 1000000};
        int i;
        for (i = 0; i < 1000; i++) {
            len = sizeof ti;
            memset(&ti, 0, sizeof ti);
            if (getsockopt(c->sock, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
                (rst ? ti.tcpi_state == 7 : (ti.tcpi_state == 8 || ti.tcpi_state == 9 || ti.tcpi_state == 11)))
                return;
            nanosleep(&pause, NULL);
        }
        die(2, "descriptor %lu: the restored connection did not take the peer's %s again (state %u)",
            (unsigned long)c->fd, rst ? "reset" : "FIN", (unsigned)ti.tcpi_state);
    }
}

/* repair mode off (the kernel then sends a window probe) and the send queue sent again (see restore); then what
 * closed a half-closed connection is replayed: the program's FIN by shutdown(SHUT_WR) after the queue (the same
 * sequence number as the original one), the peer's by replay. A connection closed in both directions gets a reset
 * instead (CLOSED). A connection that was still being set up is
 * connected now. */
static void release(conn *c)
{
    int s = c->sock, q = TCP_NO_QUEUE;
    uint32_t off = 0;
    SET(IPPROTO_TCP, TCP_REPAIR_QUEUE, q, "TCP_REPAIR_QUEUE");
    if (c->flags & CLOSED) {
        /* out of repair mode without the window probe (nothing may reach the peer), then closed as the kernel
         * closes a connection: a reset at rcv_nxt, which leaves the receive queue, shuts both directions down
         * and sets ECONNRESET, cleared here (the source's error, if any, had been read: check_socket) */
        int err = 0;
        socklen_t el = sizeof err;
        if (setsockopt(s, IPPROTO_TCP, TCP_REPAIR, &(int){-1}, sizeof(int)) != 0)
            SET(IPPROTO_TCP, TCP_REPAIR, 0, "TCP_REPAIR off");
        replay(c, 1);
        if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el) != 0)
            die(2, "descriptor %lu: SO_ERROR: %s", (unsigned long)c->fd, strerror(errno));
        return;
    }
    SET(IPPROTO_TCP, TCP_REPAIR, 0, "TCP_REPAIR off");
    if (c->flags & CONNECTING) {
        struct sockaddr_storage ss;
        socklen_t len = address(c, 1, &ss);
        int fl = fcntl(s, F_GETFL);
        /* non-blocking here; the runtime gives the descriptor the program's flags */
        if (fl < 0 || fcntl(s, F_SETFL, fl | O_NONBLOCK) != 0)
            die(2, "descriptor %lu: fcntl: %s", (unsigned long)c->fd, strerror(errno));
        if (connect(s, (struct sockaddr *)&ss, len) != 0 && errno != EINPROGRESS)
            die(2, "descriptor %lu: connect (again): %s", (unsigned long)c->fd, strerror(errno));
        return;
    }
    while (off < c->sndq_len) {
        ssize_t n = send(s, c->sndq + off, c->sndq_len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n <= 0)
            die(2, "descriptor %lu: cannot queue its %lu unacknowledged bytes: %s", (unsigned long)c->fd,
                (unsigned long)c->sndq_len, n < 0 ? strerror(errno) : "no progress");
        off += (uint32_t)n;
    }
    /* the peer's first: a connection in LAST_ACK goes through CLOSE_WAIT again, as it did */
    if (c->flags & FIN_RCVD)
        replay(c, 0);
    if ((c->flags & FIN_SENT) && shutdown(s, SHUT_WR) != 0)
        die(2, "descriptor %lu: shutdown (the program's FIN again): %s", (unsigned long)c->fd, strerror(errno));
    /* sends nothing: reads return what is queued, then end of file at once; in FIN_WAIT1/2 the kernel answers
     * the peer's new data with a reset, as the source's did */
    if ((c->flags & SHUT_READ) && shutdown(s, SHUT_RD) != 0)
        die(2, "descriptor %lu: shutdown (SHUT_RD again): %s", (unsigned long)c->fd, strerror(errno));
}

/* the host end of the container's veth up: an ioctl on a socket made in the host's namespace */
static void set_port(int ctl, const char *port, int up)
{
    struct ifreq r;
    memset(&r, 0, sizeof r);
    if (strlen(port) >= sizeof r.ifr_name)
        die(2, "interface name too long");
    strcpy(r.ifr_name, port);
    if (ioctl(ctl, SIOCGIFFLAGS, &r) != 0)
        die(2, "cannot read the flags of %s: %s", port, strerror(errno));
    if (up)
        r.ifr_flags |= IFF_UP;
    else
        r.ifr_flags &= ~IFF_UP;
    if (ioctl(ctl, SIOCSIFFLAGS, &r) != 0)
        die(2, "cannot bring %s %s: %s", port, up ? "up" : "down", strerror(errno));
}

/* Asks for the link state of NAME (ETHTOOL_GLINK) on socket S, whose namespace holds NAME. The kernel answers a
 * veth's link state only after it has run the link watch for that device, at once (the same work that would
 * otherwise wait for the link watch's queue, which a loaded machine runs tens of milliseconds late): its queue is
 * activated and it can send. Best effort: await_running waits for the same in any case. */
static void sync_link(int s, const char *name)
{
    struct ifreq r;
    struct ethtool_value v;
    memset(&r, 0, sizeof r);
    memset(&v, 0, sizeof v);
    if (strlen(name) >= sizeof r.ifr_name)
        return;
    strcpy(r.ifr_name, name);
    v.cmd = ETHTOOL_GLINK;
    r.ifr_data = (char *)&v;
    if (ioctl(s, SIOCETHTOOL, &r) != 0) {
        /* best effort */
    }
}

/* sync_link for the bridge PORT is attached to (its carrier comes back with the port's, through the same link
 * watch; until it has run, the host's own frames to the app, such as its ARP reply, are dropped) */
static void sync_master(int s, const char *port)
{
    char path[128], target[256];
    const char *name;
    ssize_t n;
    if (snprintf(path, sizeof path, "/sys/class/net/%s/master", port) >= (int)sizeof path)
        return;
    n = readlink(path, target, sizeof target - 1);
    if (n <= 0)
        return;
    target[n] = '\0';
    name = strrchr(target, '/');
    sync_link(s, name ? name + 1 : target);
}

/* The port just came up: eth0's carrier is on, but the kernel sends from eth0 only once its link watch has run
 * (IFF_RUNNING); a frame sent before (the announcement, the window probe and the send queues sent again) is
 * dropped without an error and waits for a retransmission timeout. sync_link runs the link watch for both ends
 * and the bridge at once; this waits, at most ~1 s, in case it did not. */
static void await_running(void)
{
    struct ifreq r;
    struct timespec pause;
    int i, s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return;
    pause.tv_sec = 0;
    pause.tv_nsec = 200000;
    for (i = 0; i < 5000; i++) {
        memset(&r, 0, sizeof r);
        strcpy(r.ifr_name, "eth0");
        if (ioctl(s, SIOCGIFFLAGS, &r) != 0 || (r.ifr_flags & IFF_RUNNING))
            break;
        nanosleep(&pause, NULL);
    }
    close(s);
}

/* A gratuitous ARP request from eth0 (the app's address and MAC, which the port's guard lets through): peers whose
 * neighbour entry for the app went stale or failed while the port was down use it again at once, instead of
 * waiting for their next ARP probe (a second). Best effort: the connections work without it.
 * S is an AF_PACKET socket made before the lock ends, and it is not closed here: closing a packet socket waits for
 * an RCU grace period (synchronize_net), which takes from a few to tens of milliseconds on a loaded machine, and
 * the restored connections would wait for it in repair mode with the port up. It is closed when the helper exits,
 * after the hand-over. */
static void announce(int s)
{
    struct ifreq r;
    struct sockaddr_ll to;
    unsigned char arp[28];
    unsigned char mac[6], ip[4];
    if (s < 0)
        return;
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "eth0");
    if (ioctl(s, SIOCGIFHWADDR, &r) != 0)
        return;
    memcpy(mac, r.ifr_hwaddr.sa_data, 6);
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "eth0");
    if (ioctl(s, SIOCGIFADDR, &r) != 0)
        return;
    memcpy(ip, &((struct sockaddr_in *)&r.ifr_addr)->sin_addr, 4);
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "eth0");
    if (ioctl(s, SIOCGIFINDEX, &r) != 0)
        return;
    memset(&to, 0, sizeof to);
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_ARP);
    to.sll_ifindex = r.ifr_ifindex;
    to.sll_halen = 6;
    memset(to.sll_addr, 0xff, 6);
    arp[0] = 0; arp[1] = 1;                 /* Ethernet */
    arp[2] = 0x08; arp[3] = 0x00;           /* IPv4 */
    arp[4] = 6; arp[5] = 4;
    arp[6] = 0; arp[7] = 1;                 /* request */
    memcpy(arp + 8, mac, 6);
    memcpy(arp + 14, ip, 4);
    memset(arp + 18, 0, 6);
    memcpy(arp + 24, ip, 4);                /* target = sender: gratuitous */
    if (sendto(s, arp, sizeof arp, 0, (struct sockaddr *)&to, sizeof to) < 0) {
        /* best effort */
    }
}

static int give(const char *state, const char *netns, const char *port, long timeout_ms)
{
    int l, c, ns, ctl, arp, fds[MAX_CONN];
    uint32_t i;
    unsigned char hdr[8 + 4 * MAX_CONN], *h = hdr;
    char cbuf[CMSG_SPACE(sizeof(int) * MAX_CONN)], ans[256];
    struct iovec iov;
    struct msghdr m;
    struct cmsghdr *cm;
    ssize_t got;
    long long deadline = now_ms() + timeout_ms;
    read_state(state);
    l = listen_here();
    ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (ctl < 0)
        die(2, "socket: %s", strerror(errno));
    ns = open(netns, O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNET) != 0)
        die(2, "cannot enter network namespace %s: %s", netns, strerror(errno));
    close(ns);
    for (i = 0; i < nconns; i++)
        restore(&conns[i]);
    /* made now, in the container's namespace, not in the downtime (see announce) */
    arp = strcmp(port, "-") != 0 ? socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ARP)) : -1;
    printf("ready\n");
    fflush(stdout);
    c = accept_one(l, deadline);
    close(l);
    unlink(SOCK_NAME);
    if (c < 0)
        return 3;
    /* the connections go live only now: the runtime is there to take them, its listening sockets are bound (it
     * restores them first), so the port is unlocked here, before the queues go out, rather than after the
     * program reports that it runs: what the restored sockets send then reaches the peer at once */
    if (strcmp(port, "-") != 0) {
        set_port(ctl, port, 1);
        sync_link(ctl, port);
        sync_master(ctl, port);
        if (arp >= 0)
            sync_link(arp, "eth0");
        await_running();
        announce(arp);
    }
    for (i = 0; i < nconns; i++) {
        release(&conns[i]);
        fds[i] = conns[i].sock;
    }
#define PUT32(v) do { uint32_t v_ = (v); *h++ = (unsigned char)(v_ >> 24); *h++ = (unsigned char)(v_ >> 16); \
                      *h++ = (unsigned char)(v_ >> 8); *h++ = (unsigned char)v_; } while (0)
    PUT32(MAGIC_GIVE);
    PUT32(nconns);
    for (i = 0; i < nconns; i++)
        PUT32(conns[i].fd);
    memset(&m, 0, sizeof m);
    memset(cbuf, 0, sizeof cbuf);
    iov.iov_base = hdr;
    iov.iov_len = (size_t)(h - hdr);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    if (nconns > 0) {
        m.msg_control = cbuf;
        m.msg_controllen = CMSG_SPACE(sizeof(int) * nconns);
        cm = CMSG_FIRSTHDR(&m);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int) * nconns);
        memcpy(CMSG_DATA(cm), fds, sizeof(int) * nconns);
    }
    if (sendmsg(c, &m, MSG_NOSIGNAL) != (ssize_t)iov.iov_len)
        die(2, "cannot hand the connections over: %s", strerror(errno));
    got = read(c, ans, sizeof ans - 1);
    if (got <= 0 || ans[0] != 'k') {
        ans[got > 0 ? got : 0] = '\0';
        die(5, "the runtime refused the connections: %s", got > 0 ? ans + 1 : "no answer");
    }
    printf("gave %lu\n", (unsigned long)nconns);
    /* talent reads up to the end of the output, not up to the exit, which closing the packet socket delays */
    fflush(stdout);
    fclose(stdout);
    fclose(stderr);
    return 0;
}

/* ---------------------------------------------------------------- hold: the network lock without losses
 *
 * While a program moves, what its peers send would be dropped at the locked bridge port and sent again only when
 * their retransmission timer fires (200 ms at least, more after a backoff): a peer that waits for an answer saw a
 * pause of about 210 ms at every hop whatever the downtime. Instead the destination's port comes up at the lock, its
 * namespace's kernel queues the app's packets on a netfilter queue (an NFQUEUE rule for its address), and this keeps
 * them until the restored connections are live: they are then accepted in order and reach the sockets at once.
 * Only each packet's id is read (NFQNL_COPY_META): the packets come from the network and are never parsed here. */

#define HOLD_MAXLEN 8192u                  /* packets the kernel keeps for the queue; past that it drops them */

static int hold_nl = -1;
static uint16_t hold_queue;

static void nl_attr(unsigned char *buf, size_t *len, size_t cap, uint16_t type, const void *data, uint16_t n)
{
    struct nlattr a;
    if (*len + NLA_ALIGN(NLA_HDRLEN + n) > cap)
        die(2, "internal error: netlink message too long");
    a.nla_type = type;
    a.nla_len = (uint16_t)(NLA_HDRLEN + n);
    memcpy(buf + *len, &a, sizeof a);
    memcpy(buf + *len + NLA_HDRLEN, data, n);
    memset(buf + *len + NLA_HDRLEN + n, 0, NLA_ALIGN(a.nla_len) - a.nla_len);
    *len += NLA_ALIGN(a.nla_len);
}

/* Sends one nfnetlink_queue message of TYPE for the queue with ATTRS, asking for an acknowledgement when ACK; with
 * an acknowledgement, waits for it and returns the kernel's error (0: done). */
static int nfq_send(uint16_t type, const unsigned char *attrs, size_t alen, int ack)
{
    unsigned char buf[256];
    struct nlmsghdr h;
    struct nfgenmsg g;
    size_t off = NLMSG_LENGTH(sizeof g);
    if (off + alen > sizeof buf)
        die(2, "internal error: netlink message too long");
    memset(buf, 0, sizeof buf);
    memset(&h, 0, sizeof h);
    h.nlmsg_len = (uint32_t)(off + alen);
    h.nlmsg_type = (uint16_t)((NFNL_SUBSYS_QUEUE << 8) | type);
    h.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | (ack ? NLM_F_ACK : 0));
    h.nlmsg_seq = 1;
    memset(&g, 0, sizeof g);
    g.nfgen_family = AF_UNSPEC;
    g.version = NFNETLINK_V0;
    g.res_id = htons(hold_queue);
    memcpy(buf, &h, sizeof h);
    memcpy(buf + NLMSG_HDRLEN, &g, sizeof g);
    memcpy(buf + off, attrs, alen);
    if (send(hold_nl, buf, h.nlmsg_len, 0) != (ssize_t)h.nlmsg_len)
        return errno ? -errno : -EIO;
    if (!ack)
        return 0;
    for (;;) {
        unsigned char r[4096];
        ssize_t got = recv(hold_nl, r, sizeof r, 0);
        struct nlmsghdr *m;
        int left = (int)got;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        for (m = (struct nlmsghdr *)r; NLMSG_OK(m, left); m = NLMSG_NEXT(m, left)) {
            struct nlmsgerr e;
            if (m->nlmsg_type != NLMSG_ERROR || m->nlmsg_len < NLMSG_LENGTH(sizeof e))
                continue;       /* (no packet can be queued before the rule exists, which talent adds after) */
            memcpy(&e, NLMSG_DATA(m), sizeof e);
            return e.error;
        }
    }
}

/* Accepts every packet of the queue up to ID (a batch verdict: the kernel reinjects them in the order they came). */
static void nfq_accept_upto(uint32_t id)
{
    unsigned char a[32];
    size_t n = 0;
    struct nfqnl_msg_verdict_hdr v;
    v.verdict = htonl(NF_ACCEPT);
    v.id = htonl(id);
    nl_attr(a, &n, sizeof a, NFQA_VERDICT_HDR, &v, sizeof v);
    if (nfq_send(NFQNL_MSG_VERDICT_BATCH, a, n, 0) != 0)
        die(2, "cannot accept the held packets: %s", strerror(errno));
}

/* The ids of the packets in a netlink datagram of LEN bytes; the largest goes to *max, the count is returned. */
static uint32_t nfq_packets(const unsigned char *buf, int len, uint32_t *max)
{
    const struct nlmsghdr *m;
    uint32_t n = 0;
    for (m = (const struct nlmsghdr *)buf; NLMSG_OK(m, len); m = NLMSG_NEXT(m, len)) {
        const unsigned char *p;
        int left;
        if (m->nlmsg_type == NLMSG_ERROR || (m->nlmsg_type >> 8) != NFNL_SUBSYS_QUEUE ||
            (m->nlmsg_type & 0xff) != NFQNL_MSG_PACKET || m->nlmsg_len < NLMSG_LENGTH(sizeof(struct nfgenmsg)))
            continue;
        p = (const unsigned char *)NLMSG_DATA(m) + NLMSG_ALIGN(sizeof(struct nfgenmsg));
        left = (int)m->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct nfgenmsg)));
        while (left >= (int)NLA_HDRLEN) {
            struct nlattr a;
            memcpy(&a, p, sizeof a);
            if (a.nla_len < NLA_HDRLEN || a.nla_len > left)
                break;
            if ((a.nla_type & NLA_TYPE_MASK) == NFQA_PACKET_HDR && a.nla_len >= NLA_HDRLEN + sizeof(struct nfqnl_msg_packet_hdr)) {
                struct nfqnl_msg_packet_hdr ph;
                memcpy(&ph, p + NLA_HDRLEN, sizeof ph);
                *max = ntohl(ph.packet_id);
                n++;
                break;
            }
            left -= (int)NLA_ALIGN(a.nla_len);
            p += NLA_ALIGN(a.nla_len);
        }
    }
    return n;
}

static int hold(const char *netns, const char *queue)
{
    unsigned char a[64], buf[65536];
    size_t n = 0;
    struct sockaddr_nl sa;
    struct nfqnl_msg_config_cmd cmd;
    struct nfqnl_msg_config_params params;
    uint32_t maxlen = htonl(HOLD_MAXLEN), last = 0, held = 0;
    int ns, rc, passing = 0, size = 4 << 20;
    char *end;
    long q = strtol(queue, &end, 10);
    if (*end || q < 0 || q > 65535)
        die(2, "bad queue number '%s'", queue);
    hold_queue = (uint16_t)q;
    ns = open(netns, O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNET) != 0)
        die(2, "cannot enter network namespace %s: %s", netns, strerror(errno));
    close(ns);
    hold_nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
    if (hold_nl < 0)
        die(2, "netlink socket: %s", strerror(errno));
    /* room for a burst of queued packets' metadata before they are read */
    if (setsockopt(hold_nl, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
        (void)setsockopt(hold_nl, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    memset(&sa, 0, sizeof sa);
    sa.nl_family = AF_NETLINK;
    if (bind(hold_nl, (struct sockaddr *)&sa, sizeof sa) != 0)
        die(2, "netlink bind: %s", strerror(errno));
    memset(&cmd, 0, sizeof cmd);
    cmd.command = NFQNL_CFG_CMD_BIND;
    nl_attr(a, &n, sizeof a, NFQA_CFG_CMD, &cmd, sizeof cmd);
    rc = nfq_send(NFQNL_MSG_CONFIG, a, n, 1);
    if (rc != 0)
        die(2, "cannot bind netfilter queue %s: %s", queue, strerror(-rc));
    n = 0;
    memset(&params, 0, sizeof params);
    params.copy_range = htonl(0);
    params.copy_mode = NFQNL_COPY_META;
    nl_attr(a, &n, sizeof a, NFQA_CFG_PARAMS, &params, sizeof params);
    nl_attr(a, &n, sizeof a, NFQA_CFG_QUEUE_MAXLEN, &maxlen, sizeof maxlen);
    rc = nfq_send(NFQNL_MSG_CONFIG, a, n, 1);
    if (rc != 0)
        die(2, "cannot configure netfilter queue %s: %s", queue, strerror(-rc));
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        struct pollfd p[2];
        p[0].fd = hold_nl;
        p[0].events = POLLIN;
        p[1].fd = 0;
        p[1].events = POLLIN;
        p[0].revents = p[1].revents = 0;
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            die(2, "poll: %s", strerror(errno));
        }
        if (p[0].revents & POLLIN) {
            ssize_t got = recv(hold_nl, buf, sizeof buf, MSG_DONTWAIT);
            if (got < 0 && errno != EAGAIN && errno != EINTR && errno != ENOBUFS)
                die(2, "netlink receive: %s", strerror(errno));
            if (got > 0) {
                held += nfq_packets(buf, (int)got, &last);
                if (passing && held) {
                    nfq_accept_upto(last);
                    held = 0;
                }
            }
        }
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            char line[64];
            ssize_t got = read(0, line, sizeof line);
            if (got <= 0)
                return 0;
            if (!passing) {
                /* whatever the kernel queued before this point, in the order it came */
                if (held)
                    nfq_accept_upto(last);
                printf("released %lu\n", (unsigned long)held);
                fflush(stdout);
                held = 0;
                passing = 1;
            }
        }
    }
}

static void show(const char *state)
{
    uint32_t i;
    read_state(state);
    printf("%lu connections\n", (unsigned long)nconns);
    for (i = 0; i < nconns; i++) {
        const conn *c = &conns[i];
        char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
        inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->local, l, sizeof l);
        inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->remote, r, sizeof r);
        printf("fd %lu %s:%u -> %s:%u snd_seq %lu rcv_seq %lu mss %lu opts %u wscale %u/%u sendq %lu (unsent %lu) "
               "recvq %lu nodelay %u keepalive %u flags %u\n",
               (unsigned long)c->fd, l, c->lport, r, c->rport, (unsigned long)c->snd_seq, (unsigned long)c->rcv_seq,
               (unsigned long)c->mss, c->opts, c->snd_wscale, c->rcv_wscale, (unsigned long)c->sndq_len,
               (unsigned long)c->unsent_len, (unsigned long)c->rcvq_len, c->nodelay, c->keepalive, c->flags);
    }
}

static long parse_ms(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v <= 0 || v > 3600000)
        die(2, "bad timeout '%s'", s);
    return v;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if ((argc == 5 || argc == 6) && strcmp(argv[1], "take") == 0) {
        if (chdir(argv[2]) != 0)
            die(2, "cannot enter %s: %s", argv[2], strerror(errno));
        return take(argv[3], parse_ms(argv[4]), argc == 6 && strcmp(argv[5], "-") != 0 ? argv[5] : NULL);
    }
    if (argc == 7 && strcmp(argv[1], "give") == 0) {
        char state[4096];
        /* the state path may be relative to where talent started us */
        if (argv[3][0] != '/') {
            char cwd[2048];
            if (!getcwd(cwd, sizeof cwd) || snprintf(state, sizeof state, "%s/%s", cwd, argv[3]) >= (int)sizeof state)
                die(2, "path too long");
        } else
            snprintf(state, sizeof state, "%s", argv[3]);
        if (chdir(argv[2]) != 0)
            die(2, "cannot enter %s: %s", argv[2], strerror(errno));
        return give(state, argv[4], argv[5], parse_ms(argv[6]));
    }
    if (argc == 4 && strcmp(argv[1], "hold") == 0)
        return hold(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "show") == 0) {
        show(argv[2]);
        return 0;
    }
    fprintf(stderr, "usage: talent-tcp take DIR STATE TIMEOUT_MS [PORT] | give DIR STATE NETNS PORT TIMEOUT_MS | hold NETNS QUEUE"
            " | show STATE\n");
    return 2;
}
