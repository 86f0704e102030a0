/* A line server for several held connections at once, waiting with poll(): every line a client sends comes back
 * as "<n> <line>", n counting that connection's lines; "quit" is answered "bye" and closes that connection, and the
 * server ends (printing how many lines it served) once a client said "quit" and none is left. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 8

struct client {
    int fd;
    long lines;
    size_t have;
    char buf[2048];
};

static struct client clients[MAX_CLIENTS];

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* the complete lines of c's buffer answered; 1 when c said quit */
static int answer(struct client *c, long *total) {
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
        (*total)++;
        m = snprintf(out, sizeof out, "%ld %s\n", c->lines, c->buf + start);
        if (write_all(c->fd, out, (size_t)m) != 0) return 1;
        start = i + 1;
    }
    memmove(c->buf, c->buf + start, c->have - start);
    c->have -= start;
    if (c->have == sizeof c->buf - 1) c->have = 0; /* a line longer than the buffer is dropped */
    return 0;
}

int main(int argc, char **argv) {
    struct sockaddr_in address;
    int one = 1, quit = 0, open_count = 0, k;
    long total = 0;
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
    for (k = 0; k < MAX_CLIENTS; k++) clients[k].fd = -1;
    while (!(quit && open_count == 0)) {
        struct pollfd p[MAX_CLIENTS + 1];
        p[0].fd = listener;
        p[0].events = POLLIN;
        p[0].revents = 0;
        for (k = 0; k < MAX_CLIENTS; k++) {
            p[k + 1].fd = clients[k].fd;    /* -1: ignored */
            p[k + 1].events = POLLIN;
            p[k + 1].revents = 0;
        }
        if (poll(p, MAX_CLIENTS + 1, -1) < 0) continue;
        if (p[0].revents & POLLIN) {
            int c = accept(listener, NULL, NULL);
            for (k = 0; c >= 0 && k < MAX_CLIENTS && clients[k].fd >= 0; k++)
                ;
            if (c >= 0 && k < MAX_CLIENTS) {
                clients[k].fd = c;
                clients[k].lines = 0;
                clients[k].have = 0;
                open_count++;
                continue;                   /* p[] does not hold the new client yet */
            } else if (c >= 0) {
                close(c);
            }
        }
        for (k = 0; k < MAX_CLIENTS; k++) {
            struct client *c = &clients[k];
            ssize_t n;
            int done;
            if (c->fd < 0 || !(p[k + 1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            n = read(c->fd, c->buf + c->have, sizeof c->buf - 1 - c->have);
            done = n <= 0;
            if (n > 0) {
                c->have += (size_t)n;
                if (answer(c, &total)) { done = 1; quit = 1; }
            }
            if (done) {
                close(c->fd);
                c->fd = -1;
                open_count--;
            }
        }
    }
    printf("served %ld\n", total);
    return 0;
}
