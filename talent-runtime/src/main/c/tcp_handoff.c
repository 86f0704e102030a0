/* tcp_handoff.c: see tcp_handoff.h. Wire format (both directions, big-endian): u32 magic ("TLTK" to talent,
 * "TLTG" from talent), u32 count, count x u32 descriptor numbers, the sockets as SCM_RIGHTS in the same order;
 * the receiver answers 'k', or 'n' followed by a reason. */
#define _DEFAULT_SOURCE 1
#include "tcp_handoff.h"
#include "diag.h"
#include "strerror.h"
#include "xalloc.h"
#include "state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CONN 250
#define MAGIC_TAKE 0x544c544bu
#define MAGIC_GIVE 0x544c5447u

static char sock_path[108];

void tl_tcp_set_dir(const char *dir)
{
    if (!dir || snprintf(sock_path, sizeof sock_path, "%s/tcp.sock", dir) >= (int)sizeof sock_path)
        sock_path[0] = '\0';
}

int tl_tcp_handoff_possible(void)
{
    struct stat st;
    return sock_path[0] && tl_site_after() == TL_AFTER_EXIT && lstat(sock_path, &st) == 0 && S_ISSOCK(st.st_mode);
}

static int side(const struct sockaddr_storage *ss, char *buf, size_t n)
{
    char host[INET6_ADDRSTRLEN];
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        return snprintf(buf, n, "%s:%u", host, (unsigned)ntohs(a->sin_port));
    }
    {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        return snprintf(buf, n, "[%s]:%u", host, (unsigned)ntohs(a->sin6_port));
    }
}

char *tl_tcp_describe(int fd)
{
    int type = 0;
    socklen_t len = sizeof type;
    struct sockaddr_storage l, r;
    char a[80], b[80], out[200];
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM)
        return NULL;
    len = sizeof l;
    if (getsockname(fd, (struct sockaddr *)&l, &len) != 0 || (l.ss_family != AF_INET && l.ss_family != AF_INET6))
        return NULL;
    len = sizeof r;
    if (getpeername(fd, (struct sockaddr *)&r, &len) != 0 || r.ss_family != l.ss_family)
        return NULL;
    side(&l, a, sizeof a);
    side(&r, b, sizeof b);
    snprintf(out, sizeof out, "%s:%s-%s", l.ss_family == AF_INET ? "tcp" : "tcp6", a, b);
    return tl_xstrdup(out);
}

char *tl_tcp_describe_connecting(int fd, const void *peer, unsigned plen)
{
    int type = 0;
    socklen_t len = sizeof type;
    struct sockaddr_storage l, r;
    char a[80], b[80], out[200];
    if (plen == 0 || plen > sizeof r)
        return NULL;
    memset(&r, 0, sizeof r);
    memcpy(&r, peer, plen);
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM)
        return NULL;
    len = sizeof l;
    if (getsockname(fd, (struct sockaddr *)&l, &len) != 0 || (l.ss_family != AF_INET && l.ss_family != AF_INET6) ||
        r.ss_family != l.ss_family || plen < (l.ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)))
        return NULL;
    side(&l, a, sizeof a);
    side(&r, b, sizeof b);
    snprintf(out, sizeof out, "%s:%s-%s", l.ss_family == AF_INET ? "tcp" : "tcp6", a, b);
    return tl_xstrdup(out);
}

/* "<IPv4>:<port>" or "[<IPv6>]:<port>" of exactly n bytes */
static int valid_side(const char *p, size_t n, int v6)
{
    char host[64];
    const char *colon;
    size_t i, hl;
    unsigned long port = 0;
    unsigned char addr[16];
    if (n == 0 || n >= 80)
        return 0;
    colon = NULL;
    for (i = n; i > 0; i--)
        if (p[i - 1] == ':') {
            colon = p + i - 1;
            break;
        }
    if (!colon || (size_t)(p + n - colon - 1) == 0 || (size_t)(p + n - colon - 1) > 5)
        return 0;
    for (i = (size_t)(colon - p) + 1; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        port = port * 10 + (unsigned long)(p[i] - '0');
    }
    if (port > 65535)
        return 0;
    if (v6) {
        if (colon - p < 3 || p[0] != '[' || colon[-1] != ']')
            return 0;
        hl = (size_t)(colon - p) - 2;
        if (hl >= sizeof host)
            return 0;
        memcpy(host, p + 1, hl);
    } else {
        hl = (size_t)(colon - p);
        if (hl >= sizeof host)
            return 0;
        memcpy(host, p, hl);
    }
    host[hl] = '\0';
    return inet_pton(v6 ? AF_INET6 : AF_INET, host, addr) == 1;
}

int tl_tcp_valid_path(const char *p)
{
    int v6 = strncmp(p, "tcp6:", 5) == 0;
    const char *rest, *dash;
    if (!v6 && strncmp(p, "tcp:", 4) != 0)
        return 0;
    rest = p + (v6 ? 5 : 4);
    dash = strchr(rest, '-');
    if (!dash || strchr(dash + 1, '-'))
        return 0;
    return valid_side(rest, (size_t)(dash - rest), v6) && valid_side(dash + 1, strlen(dash + 1), v6);
}

static int connect_talent(char *err, size_t nerr)
{
    struct sockaddr_un a;
    struct timeval tv = {10, 0};
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (s < 0) {
        snprintf(err, nerr, "cannot hand the connections to talent: socket: %s", tl_strerror(errno));
        return -1;
    }
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    memcpy(a.sun_path, sock_path, strlen(sock_path));
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
        snprintf(err, nerr, "cannot hand the connections to talent (%s): %s", sock_path, tl_strerror(errno));
        close(s);
        return -1;
    }
    return s;
}

static void put32(unsigned char *b, uint32_t v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int tl_tcp_give(const int *fds, size_t n, char *err, size_t nerr)
{
    unsigned char hdr[8 + 4 * MAX_CONN];
    char cbuf[CMSG_SPACE(sizeof(int) * MAX_CONN)], ans[256];
    struct iovec iov;
    struct msghdr m;
    struct cmsghdr *cm;
    ssize_t got;
    size_t i;
    int s;
    if (n == 0)
        return 0;
    if (n > MAX_CONN) {
        snprintf(err, nerr, "cannot checkpoint: %lu TCP connections are open (at most %d are carried)",
                 (unsigned long)n, MAX_CONN);
        return -1;
    }
    s = connect_talent(err, nerr);
    if (s < 0)
        return -1;
    put32(hdr, MAGIC_TAKE);
    put32(hdr + 4, (uint32_t)n);
    for (i = 0; i < n; i++)
        put32(hdr + 8 + 4 * i, (uint32_t)fds[i]);
    memset(&m, 0, sizeof m);
    memset(cbuf, 0, sizeof cbuf);
    iov.iov_base = hdr;
    iov.iov_len = 8 + 4 * n;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
    cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
    if (sendmsg(s, &m, MSG_NOSIGNAL) != (ssize_t)iov.iov_len) {
        snprintf(err, nerr, "cannot hand the connections to talent: %s", tl_strerror(errno));
        close(s);
        return -1;
    }
    got = read(s, ans, sizeof ans - 1);
    close(s);
    if (got <= 0 || ans[0] != 'k') {
        size_t k;
        ans[got > 0 ? got : 0] = '\0';
        for (k = 1; k < (size_t)(got > 0 ? got : 0); k++)
            if ((unsigned char)ans[k] < 32 || (unsigned char)ans[k] > 126)
                ans[k] = '?';
        snprintf(err, nerr, "cannot checkpoint: talent did not take the TCP connections (%s)",
                 got > 0 ? ans + 1 : "no answer");
        return -1;
    }
    tl_info("handed %lu TCP connections to talent", (unsigned long)n);
    return 0;
}

void tl_tcp_take(const int *fds, size_t n)
{
    unsigned char hdr[8 + 4 * MAX_CONN];
    char cbuf[CMSG_SPACE(sizeof(int) * MAX_CONN)], err[512];
    int got_fds[MAX_CONN];
    struct iovec iov;
    struct msghdr m;
    struct cmsghdr *cm;
    ssize_t got;
    size_t i, j, nfds = 0;
    int s, top = 0;
    if (n == 0)
        return;
    if (n > MAX_CONN)
        tl_die(TL_EXIT_DATAERR, "the checkpoint holds %lu TCP connections (at most %d are carried)", (unsigned long)n,
               MAX_CONN);
    if (!sock_path[0])
        tl_die(TL_EXIT_DATAERR, "the checkpoint holds TCP connections but no checkpoint directory is known");
    s = connect_talent(err, sizeof err);
    if (s < 0)
        tl_die(TL_EXIT_DATAERR, "the checkpoint holds %lu TCP connections, which only talent run --net can restore: %s",
               (unsigned long)n, err);
    for (i = 0; i < n; i++)
        if (fds[i] > top)
            top = fds[i];
    if (s <= top) {
        /* the hand-over socket itself must not sit on a number a connection goes to */
        int moved = fcntl(s, F_DUPFD, top + 1);
        if (moved < 0)
            tl_die(TL_EXIT_DATAERR, "cannot move the hand-over socket: %s", tl_strerror(errno));
        close(s);
        s = moved;
    }
    memset(&m, 0, sizeof m);
    iov.iov_base = hdr;
    iov.iov_len = sizeof hdr;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = cbuf;
    m.msg_controllen = sizeof cbuf;
    got = recvmsg(s, &m, 0);
    for (cm = CMSG_FIRSTHDR(&m); got >= 0 && cm; cm = CMSG_NXTHDR(&m, cm))
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
            size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (i = 0; i < k && nfds < MAX_CONN; i++)
                memcpy(&got_fds[nfds++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
        }
    if (got < 8 || (m.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) || get32(hdr) != MAGIC_GIVE || get32(hdr + 4) != n ||
        nfds != n || (size_t)got != 8 + 4 * n)
        tl_die(TL_EXIT_DATAERR, "talent handed over %lu of the checkpoint's %lu TCP connections (malformed message)",
               (unsigned long)nfds, (unsigned long)n);
    /* each descriptor of the checkpoint exactly once */
    for (i = 0; i < n; i++) {
        uint32_t want = get32(hdr + 8 + 4 * i);
        for (j = 0; j < n && (uint32_t)fds[j] != want; j++)
            ;
        if (j == n)
            tl_die(TL_EXIT_DATAERR, "talent handed over a connection for descriptor %lu, which the checkpoint does not "
                   "hold", (unsigned long)want);
        for (j = 0; j < i; j++)
            if (get32(hdr + 8 + 4 * j) == want)
                tl_die(TL_EXIT_DATAERR, "talent handed over descriptor %lu twice", (unsigned long)want);
    }
    {
        /* out of the way of the numbers they go to first: a received socket may sit on another one's number */
        for (i = 0; i < n; i++)
            if (got_fds[i] <= top) {
                int moved = fcntl(got_fds[i], F_DUPFD, top + 1);
                if (moved < 0)
                    tl_die(TL_EXIT_DATAERR, "cannot move a received connection: %s", tl_strerror(errno));
                close(got_fds[i]);
                got_fds[i] = moved;
            }
    }
    for (i = 0; i < n; i++) {
        int to = (int)get32(hdr + 8 + 4 * i);
        if (got_fds[i] != to) {
            if (dup2(got_fds[i], to) < 0)
                tl_die(TL_EXIT_DATAERR, "cannot put the connection at descriptor %d: %s", to, tl_strerror(errno));
            close(got_fds[i]);
        }
    }
    if (write(s, "k", 1) != 1)
        tl_warn("cannot acknowledge the TCP connections to talent: %s", tl_strerror(errno));
    close(s);
    tl_info("took %lu TCP connections back from talent", (unsigned long)n);
}
