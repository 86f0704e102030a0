/* A TCP relay: accepts one connection on PORT (then closes its listener), connects to HOST TPORT (IPv4) and copies
 * the bytes of each direction to the other, non-blocking, waiting with poll (partial writes kept for the next
 * turn), until both directions ended (an end of file is passed on as shutdown(SHUT_WR) once what came before it
 * was written); then it prints "relayed <bytes to HOST> <bytes from HOST>". Both connections are the app's own,
 * one accepted and one outgoing: a migration must carry both, in both directions. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SIZE 16384

struct direction {
    int from, to;
    char buf[SIZE];
    size_t have, off;
    int ended;
    long long total;
};

/* A connected socket to host:port (IPv4, blocking connect), or -1. */
#pragma talent nocheckpoint
static int connect_to(const char *host, int port) {
    struct sockaddr_in to;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) { perror("socket"); return -1; }
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &to.sin_addr) != 1 || connect(s, (struct sockaddr *)&to, sizeof to) != 0) {
        perror("connect");
        close(s);
        return -1;
    }
    return s;
}

/* One turn of a direction after poll: read when its buffer is empty, write what it holds; -1 on an error. */
static int step(struct direction *d, short from_events, short to_events) {
    if (d->have == 0 && !d->ended && (from_events & (POLLIN | POLLHUP | POLLERR))) {
        ssize_t n = read(d->from, d->buf, SIZE);
        if (n > 0) {
            d->have = (size_t)n;
            d->off = 0;
        } else if (n == 0) {
            d->ended = 1;
            if (shutdown(d->to, SHUT_WR) != 0) { perror("shutdown"); return -1; }
        } else if (errno != EAGAIN && errno != EINTR) {
            perror("read");
            return -1;
        }
    }
    if (d->have > 0 && (to_events & (POLLOUT | POLLERR))) {
        ssize_t w = write(d->to, d->buf + d->off, d->have - d->off);
        if (w > 0) {
            d->off += (size_t)w;
            d->total += w;
            if (d->off == d->have) d->have = 0;
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
            perror("write");
            return -1;
        }
    }
    return 0;
}

static short wanted(const struct direction *reading, const struct direction *writing) {
    short e = 0;
    if (reading->have == 0 && !reading->ended) e |= POLLIN;
    if (writing->have > 0) e |= POLLOUT;
    return e;
}

static struct direction up, down;

int main(int argc, char **argv) {
    struct sockaddr_in address;
    struct pollfd p[2];
    int one = 1, listener, client, server;
    if (argc != 4) {
        fprintf(stderr, "usage: relay PORT HOST TPORT\n");
        return 2;
    }
    listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) { perror("socket"); return 1; }
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    address.sin_port = htons((unsigned short)atoi(argv[1]));
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 4) != 0) {
        perror("bind/listen");
        return 1;
    }
    client = accept(listener, NULL, NULL);
    if (client < 0) { perror("accept"); return 1; }
    close(listener);
    server = connect_to(argv[2], atoi(argv[3]));
    if (server < 0) return 1;
    fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK);
    fcntl(server, F_SETFL, fcntl(server, F_GETFL) | O_NONBLOCK);
    up.from = client;
    up.to = server;
    down.from = server;
    down.to = client;
    while (!(up.ended && up.have == 0 && down.ended && down.have == 0)) {
        int n;
        p[0].fd = client;
        p[0].events = (short)(wanted(&up, &down));
        p[0].revents = 0;
        p[1].fd = server;
        p[1].events = (short)(wanted(&down, &up));
        p[1].revents = 0;
        n = poll(p, 2, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("poll");
            return 1;
        }
        if (step(&up, p[0].revents, p[1].revents) != 0 || step(&down, p[1].revents, p[0].revents) != 0) return 1;
    }
    close(client);
    close(server);
    printf("relayed %lld %lld\n", up.total, down.total);
    return 0;
}
