/* A client of a service on the host: connects (non-blocking, the completion waited for with poll, at most 8 s or
 * the MS of a first argument -wMS) to the first HOST PORT pair (IPv4 or IPv6) that answers,
 * then sends "ping <i>" every 2 ms and waits (poll, then read) for each reply line, which it prints with its own
 * running sum of the reply's numbers; it ends when the service answers "end", printing how many exchanges it had.
 * The connection is the app's own, outgoing: a migration must carry it in both directions. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int wait_for(int fd, short events) {
    struct pollfd p;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    for (;;) {
        int n = poll(&p, 1, 20000);
        if (n > 0) return 0;
        if (n == 0) return -1;
        if (errno != EINTR) return -1;
    }
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EAGAIN) {
            if (wait_for(fd, POLLOUT) != 0) return -1;
            continue;
        }
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A socket with a connect() to host:port started (non-blocking), or -1. Never a checkpoint site: the IPv6
 * address type has a private member whose layout differs between ISAs, which talent refuses in a function that
 * may checkpoint. */
#pragma talent nocheckpoint
static int start_connect(const char *host, int port) {
    struct sockaddr_in to;
    struct sockaddr_in6 to6;
    int v6 = strchr(host, ':') != NULL, r;
    int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (s < 0) { perror("socket"); return -1; }
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
    memset(&to, 0, sizeof to);
    memset(&to6, 0, sizeof to6);
    to.sin_family = AF_INET;
    to.sin_port = htons((unsigned short)port);
    to6.sin6_family = AF_INET6;
    to6.sin6_port = htons((unsigned short)port);
    if (v6 ? inet_pton(AF_INET6, host, &to6.sin6_addr) != 1 : inet_pton(AF_INET, host, &to.sin_addr) != 1) {
        fprintf(stderr, "bad address\n");
        return -1;
    }
    r = v6 ? connect(s, (struct sockaddr *)&to6, sizeof to6) : connect(s, (struct sockaddr *)&to, sizeof to);
    if (r != 0 && errno != EINPROGRESS) { perror("connect"); return -1; }
    return s;
}

/* a connected socket to one of hosts[0..n) at ports[0..n) (tried in order, each for at most wait_ms), or -1 */
static int connect_one(char **hosts, int n, const int *ports, int wait_ms) {
    int k;
    for (k = 0; k < n; k++) {
        struct pollfd p;
        int err = 0, r;
        socklen_t len = sizeof err;
        int s = start_connect(hosts[k], ports[k]);
        if (s < 0) return -1;
        p.fd = s;
        p.events = POLLOUT;
        p.revents = 0;
        do r = poll(&p, 1, wait_ms); while (r < 0 && errno == EINTR);
        if (r == 1 && getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) return s;
        printf("no connection to host %d\n", k + 1);
        close(s);
    }
    return -1;
}

int main(int argc, char **argv) {
    char buf[4096];
    size_t have = 0;
    long i, sum = 0, exchanges = 0;
    int s;
    int ports[8], n = 0;
    char *hosts[8];
    int wait_ms = 8000;
    if (argc > 1 && strncmp(argv[1], "-w", 2) == 0) {
        wait_ms = atoi(argv[1] + 2);
        argv++;
        argc--;
    }
    for (n = 0; n < 8 && 2 + 2 * n < argc; n++) {
        hosts[n] = argv[1 + 2 * n];
        ports[n] = atoi(argv[2 + 2 * n]);
    }
    if (n == 0 || argc % 2 == 0) { fprintf(stderr, "usage: netclient HOST PORT [HOST PORT]...\n"); return 2; }
    s = connect_one(hosts, n, ports, wait_ms);
    if (s < 0) return 1;
    printf("connected\n");
    for (i = 1;; i++) {
        char line[64];
        int m = snprintf(line, sizeof line, "ping %ld\n", i);
        char *nl;
        struct timespec pause = {0, 2000000};
        if (write_all(s, line, (size_t)m) != 0) { perror("write"); return 1; }
        while ((nl = memchr(buf, '\n', have)) == NULL) {
            ssize_t n;
            if (wait_for(s, POLLIN) != 0) { fprintf(stderr, "no reply to ping %ld\n", i); return 1; }
            n = read(s, buf + have, sizeof buf - 1 - have);
            if (n < 0 && errno == EAGAIN) continue;
            if (n <= 0) { fprintf(stderr, "the service closed the connection after %ld\n", exchanges); return 1; }
            have += (size_t)n;
        }
        *nl = '\0';
        if (strcmp(buf, "end") == 0) break;
        {
            const char *last = strrchr(buf, ' ');
            sum += last ? atol(last + 1) : 0;
        }
        exchanges++;
        printf("%ld %s sum=%ld\n", i, buf, sum);
        have -= (size_t)(nl + 1 - buf);
        memmove(buf, nl + 1, have);
        nanosleep(&pause, NULL);
    }
    printf("exchanges %ld\n", exchanges);
    close(s);
    return 0;
}
