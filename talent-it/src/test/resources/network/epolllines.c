/* polllines.c waiting with epoll instead of poll: a line server for several held connections at once; every line a
 * client sends comes back as "<n> <line>", n counting that connection's lines; "quit" is answered "bye" and closes
 * that connection, and the server ends (printing how many lines it served) once a client said "quit" and none is
 * left. Two epoll instances, the second watched by the first: the first holds the listener and, level-triggered with
 * data.fd, the second, fourth... connection (their state in a table indexed by descriptor); the second holds the
 * first, third... connection, edge-triggered, with data.ptr naming a heap block that nothing but the epoll
 * registration points to. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FD 64

struct client {
    int fd;
    long lines;
    size_t have;
    char buf[2048];
};

static struct client *by_fd[MAX_FD];    /* the data.fd connections */
static long total;

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EAGAIN) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* the complete lines of c's buffer answered; 1 when c said quit */
static int answer(struct client *c) {
    size_t start = 0, i;
    for (i = 0; i < c->have; i++) {
        char out[2100];
        int m;
        if (c->buf[i] != '\n') continue;
        c->buf[i] = 0;
        if (strcmp(c->buf + start, "quit") == 0) {
            write_all(c->fd, "bye\n", 4);
            return 1;
        }
        c->lines++;
        total++;
        m = snprintf(out, sizeof out, "%ld %s\n", c->lines, c->buf + start);
        if (write_all(c->fd, out, (size_t)m) != 0) return 1;
        start = i + 1;
    }
    memmove(c->buf, c->buf + start, c->have - start);
    c->have -= start;
    if (c->have == sizeof c->buf - 1) c->have = 0; /* a line longer than the buffer is dropped */
    return 0;
}

static int watch_fd(int ep, int fd) {
    struct epoll_event ev;
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int watch_ptr(int ep, struct client *c) {
    struct epoll_event ev;
    ev.events = EPOLLIN | EPOLLET;
    ev.data.ptr = c;
    return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

/* reads what c has (all of it when edge-triggered); 1 when c is done */
static int serve(struct client *c, int edge, int *quit) {
    for (;;) {
        ssize_t n = read(c->fd, c->buf + c->have, sizeof c->buf - 1 - c->have);
        if (n < 0 && errno == EAGAIN) return 0;
        if (n <= 0) return 1;
        c->have += (size_t)n;
        if (answer(c)) {
            *quit = 1;
            return 1;
        }
        if (!edge) return 0;
    }
}

int main(int argc, char **argv) {
    struct sockaddr_in address;
    struct epoll_event ready[8];
    int one = 1, quit = 0, open_count = 0, accepted = 0, ep, inner, k, n;
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) { perror("socket"); return 1; }
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    address.sin_port = htons((unsigned short)port);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 16) != 0) {
        perror("bind/listen");
        return 1;
    }
    ep = epoll_create1(EPOLL_CLOEXEC);
    inner = epoll_create(8);
    if (ep < 0 || inner < 0 || watch_fd(ep, listener) != 0 || watch_fd(ep, inner) != 0) { perror("epoll"); return 1; }
    while (!(quit && open_count == 0)) {
        n = epoll_wait(ep, ready, 8, -1);
        for (k = 0; k < n; k++) {
            int fd = ready[k].data.fd, done;
            if (fd == listener) {
                struct client *c;
                int s = accept(listener, NULL, NULL);
                if (s < 0) continue;
                if (s >= MAX_FD) { close(s); continue; }
                c = calloc(1, sizeof *c);
                c->fd = s;
                if (accepted++ % 2 == 0) {
                    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
                    if (watch_ptr(inner, c) != 0) { perror("epoll_ctl"); return 1; }
                } else {
                    by_fd[s] = c;
                    if (watch_fd(ep, s) != 0) { perror("epoll_ctl"); return 1; }
                }
                open_count++;
            } else if (fd == inner) {
                struct epoll_event edge[8];
                int m = epoll_wait(inner, edge, 8, 0), j;
                for (j = 0; j < m; j++) {
                    struct client *c = edge[j].data.ptr;
                    if (serve(c, 1, &quit)) {
                        epoll_ctl(inner, EPOLL_CTL_DEL, c->fd, NULL);
                        close(c->fd);
                        free(c);
                        open_count--;
                    }
                }
            } else if (fd >= 0 && fd < MAX_FD && by_fd[fd]) {
                done = serve(by_fd[fd], 0, &quit);
                if (done) {
                    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
                    close(fd);
                    free(by_fd[fd]);
                    by_fd[fd] = NULL;
                    open_count--;
                }
            }
        }
    }
    printf("served %ld\n", total);
    return 0;
}
