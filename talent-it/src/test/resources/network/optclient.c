/* A client of a service on the host (issue 12, docs/NETWORK.md "TCP connections"): connects to HOST PORT, sets
 * options on its established connection, prints what getsockopt reads, then sends "ping <i>" every 2 ms and reads
 * each reply line (printing it), and when the service answers "end" prints what getsockopt reads again and how
 * many exchanges it had. Migrated in between, the connection must keep every option the program set: the two
 * "options" lines equal an uninterrupted run's. With a third argument "fastopen" it also sets TCP_FASTOPEN before
 * connecting, which cannot be set again on a connection: a migration must be refused, naming it, and the program
 * go on. As "optclient -l PORT" it is a server instead: its listener gets SO_RCVBUF and SO_SNDBUF before listen(),
 * the one connection it accepts inherits them (and nothing is set on it); it prints what getsockopt reads on that
 * connection, answers each line "ping <i>" with "pong <i>" until "end", and prints them again. With a third argument
 * "pointer" the client sets every option through a pointer to setsockopt, in a function talent does not instrument,
 * as a library built without talent would: the runtime never sees those calls, only the kernel knows them. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef TCP_FASTOPEN
#define TCP_FASTOPEN 23
#endif
#ifndef TCP_NOTSENT_LOWAT
#define TCP_NOTSENT_LOWAT 25
#endif

static int get_int(int s, int level, int name) {
    int v = -12345;
    socklen_t len = sizeof v;
    if (getsockopt(s, level, name, &v, &len) != 0) return -99999;
    return v;
}

static void show(int s, const char *when) {
    struct linger l;
    struct timeval rt, st;
    socklen_t len;
    memset(&l, 0, sizeof l);
    memset(&rt, 0, sizeof rt);
    memset(&st, 0, sizeof st);
    len = sizeof l;
    getsockopt(s, SOL_SOCKET, SO_LINGER, &l, &len);
    len = sizeof rt;
    getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &rt, &len);
    len = sizeof st;
    getsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &st, &len);
    printf("options %s: rcvbuf=%d sndbuf=%d linger=%d/%d rcvtimeo=%ld.%06ld sndtimeo=%ld.%06ld rcvlowat=%d "
           "oobinline=%d priority=%d reuseaddr=%d keepalive=%d nodelay=%d keepidle=%d keepintvl=%d keepcnt=%d "
           "user_timeout=%d notsent_lowat=%d tos=%d ttl=%d\n", when,
           get_int(s, SOL_SOCKET, SO_RCVBUF), get_int(s, SOL_SOCKET, SO_SNDBUF), l.l_onoff ? 1 : 0, (int)l.l_linger,
           (long)rt.tv_sec, (long)rt.tv_usec, (long)st.tv_sec, (long)st.tv_usec, get_int(s, SOL_SOCKET, SO_RCVLOWAT),
           get_int(s, SOL_SOCKET, SO_OOBINLINE), get_int(s, SOL_SOCKET, SO_PRIORITY),
           get_int(s, SOL_SOCKET, SO_REUSEADDR), get_int(s, SOL_SOCKET, SO_KEEPALIVE),
           get_int(s, IPPROTO_TCP, TCP_NODELAY), get_int(s, IPPROTO_TCP, TCP_KEEPIDLE),
           get_int(s, IPPROTO_TCP, TCP_KEEPINTVL), get_int(s, IPPROTO_TCP, TCP_KEEPCNT),
           get_int(s, IPPROTO_TCP, TCP_USER_TIMEOUT), get_int(s, IPPROTO_TCP, TCP_NOTSENT_LOWAT),
           get_int(s, IPPROTO_IP, IP_TOS), get_int(s, IPPROTO_IP, IP_TTL));
    fflush(stdout);
}

static int unseen;                  /* "pointer": every option set where talent does not see it */

#pragma talent nocheckpoint
static int set_unseen(int s, int level, int name, const void *v, socklen_t len) {
    int (*volatile so)(int, int, int, const void *, socklen_t) = setsockopt;
    return so(s, level, name, v, len);
}

static int set_any(int s, int level, int name, const void *v, socklen_t len) {
    return unseen ? set_unseen(s, level, name, v, len) : setsockopt(s, level, name, v, len);
}

static int set_int(int s, int level, int name, int v, const char *what) {
    if (set_any(s, level, name, &v, sizeof v) != 0) {
        fprintf(stderr, "setsockopt %s: %s\n", what, strerror(errno));
        return -1;
    }
    return 0;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int serve(int port) {
    char buf[4096];
    size_t have = 0;
    long served = 0;
    int l = socket(AF_INET, SOCK_STREAM, 0), c, one = 1;
    struct sockaddr_in at;
    if (l < 0) { perror("socket"); return 1; }
    memset(&at, 0, sizeof at);
    at.sin_family = AF_INET;
    at.sin_port = htons((unsigned short)port);
    if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        set_int(l, SOL_SOCKET, SO_RCVBUF, 50000, "SO_RCVBUF") || set_int(l, SOL_SOCKET, SO_SNDBUF, 40000, "SO_SNDBUF") ||
        bind(l, (struct sockaddr *)&at, sizeof at) != 0 || listen(l, 4) != 0) {
        perror("listen");
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    c = accept(l, NULL, NULL);
    if (c < 0) { perror("accept"); return 1; }
    show(c, "accepted");
    for (;;) {
        char *nl;
        while ((nl = memchr(buf, '\n', have)) == NULL) {
            ssize_t n = read(c, buf + have, sizeof buf - 1 - have);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) { fprintf(stderr, "the client closed the connection after %ld\n", served); return 1; }
            have += (size_t)n;
        }
        *nl = '\0';
        if (strcmp(buf, "end") == 0) break;
        if (strncmp(buf, "ping ", 5) != 0) { fprintf(stderr, "unexpected %s\n", buf); return 1; }
        {
            char line[64];
            int m = snprintf(line, sizeof line, "pong %s\n", buf + 5);
            if (write_all(c, line, (size_t)m) != 0) { perror("write"); return 1; }
        }
        served++;
        have -= (size_t)(nl + 1 - buf);
        memmove(buf, nl + 1, have);
    }
    show(c, "at the end");
    printf("served %ld\n", served);
    if (write_all(c, "bye\n", 4) != 0) return 1;
    close(c);
    close(l);
    return 0;
}

int main(int argc, char **argv) {
    char buf[4096];
    size_t have = 0;
    long i, exchanges = 0;
    int s;
    struct sockaddr_in to;
    struct linger l;
    struct timeval rt, st;
    if (argc == 3 && strcmp(argv[1], "-l") == 0) return serve(atoi(argv[2]));
    if (argc != 3 && !(argc == 4 && (strcmp(argv[3], "fastopen") == 0 || strcmp(argv[3], "pointer") == 0))) {
        fprintf(stderr, "usage: optclient HOST PORT [fastopen|pointer]\n");
        return 2;
    }
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) { perror("socket"); return 1; }
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) { fprintf(stderr, "bad address\n"); return 2; }
    unseen = argc == 4 && strcmp(argv[3], "pointer") == 0;
    if (argc == 4 && !unseen && set_int(s, IPPROTO_TCP, TCP_FASTOPEN, 5, "TCP_FASTOPEN")) return 1;
    if (connect(s, (struct sockaddr *)&to, sizeof to) != 0) { perror("connect"); return 1; }
    /* on the established connection, as a program tuning it after connecting does */
    l.l_onoff = 1;
    l.l_linger = 7;
    rt.tv_sec = 60;
    rt.tv_usec = 250000;
    st.tv_sec = 30;
    st.tv_usec = 500000;
    if (set_int(s, SOL_SOCKET, SO_RCVBUF, 50000, "SO_RCVBUF") || set_int(s, SOL_SOCKET, SO_SNDBUF, 40000, "SO_SNDBUF") ||
        set_any(s, SOL_SOCKET, SO_LINGER, &l, sizeof l) != 0 || set_any(s, SOL_SOCKET, SO_RCVTIMEO, &rt, sizeof rt) != 0 ||
        set_any(s, SOL_SOCKET, SO_SNDTIMEO, &st, sizeof st) != 0 || set_int(s, SOL_SOCKET, SO_RCVLOWAT, 4, "SO_RCVLOWAT") ||
        set_int(s, SOL_SOCKET, SO_OOBINLINE, 1, "SO_OOBINLINE") || set_int(s, IPPROTO_IP, IP_TOS, 0x10, "IP_TOS") ||
        set_int(s, SOL_SOCKET, SO_PRIORITY, 3, "SO_PRIORITY") || set_int(s, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE") ||
        set_int(s, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY") || set_int(s, IPPROTO_TCP, TCP_KEEPIDLE, 77, "TCP_KEEPIDLE") ||
        set_int(s, IPPROTO_TCP, TCP_KEEPINTVL, 13, "TCP_KEEPINTVL") || set_int(s, IPPROTO_TCP, TCP_KEEPCNT, 5, "TCP_KEEPCNT") ||
        set_int(s, IPPROTO_TCP, TCP_USER_TIMEOUT, 12345, "TCP_USER_TIMEOUT") ||
        set_int(s, IPPROTO_TCP, TCP_NOTSENT_LOWAT, 16384, "TCP_NOTSENT_LOWAT") || set_int(s, IPPROTO_IP, IP_TTL, 33, "IP_TTL")) {
        perror("setsockopt");
        return 1;
    }
    show(s, "before");
    for (i = 1;; i++) {
        char line[64];
        int m = snprintf(line, sizeof line, "ping %ld\n", i);
        char *nl;
        struct timespec pause = {0, 2000000};
        if (write_all(s, line, (size_t)m) != 0) { perror("write"); return 1; }
        while ((nl = memchr(buf, '\n', have)) == NULL) {
            ssize_t n = read(s, buf + have, sizeof buf - 1 - have);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) { fprintf(stderr, "the service closed the connection after %ld\n", exchanges); return 1; }
            have += (size_t)n;
        }
        *nl = '\0';
        if (strcmp(buf, "end") == 0) break;
        exchanges++;
        printf("%ld %s\n", i, buf);
        have -= (size_t)(nl + 1 - buf);
        memmove(buf, nl + 1, have);
        nanosleep(&pause, NULL);
    }
    show(s, "after");
    printf("exchanges %ld\n", exchanges);
    close(s);
    return 0;
}
