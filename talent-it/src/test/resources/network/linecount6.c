/* linecount.c with a dual-stack listener: an IPv6 socket bound to [::]:PORT that also takes IPv4 clients
 * (IPV6_V6ONLY off). Every line a client sends comes back as "<n> <line>", n counting the lines of every
 * connection so far; "quit" ends the server (it prints how many lines it served). One connection at a time. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The listening socket, or -1. Never a checkpoint site: the IPv6 address type has a private member whose layout
 * differs between ISAs, which talent refuses in a function that may checkpoint. */
#pragma talent nocheckpoint
static int listen_on(int port) {
    struct sockaddr_in6 address;
    int one = 1, off = 0;
    int listener = socket(AF_INET6, SOCK_STREAM, 0);
    if (listener < 0) { perror("socket"); return -1; }
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    memset(&address, 0, sizeof address);
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_any;
    address.sin6_port = htons((unsigned short)port);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 16) != 0) {
        perror("bind/listen");
        return -1;
    }
    return listener;
}

int main(int argc, char **argv) {
    int one = 1;
    long total = 0;
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    int listener = listen_on(port);
    if (listener < 0) return 1;
    for (;;) {
        char buf[4096];
        size_t have = 0;
        int done = 0;
        int connection = accept(listener, NULL, NULL);
        if (connection < 0) continue;
        setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        while (!done) {
            ssize_t n = read(connection, buf + have, sizeof buf - 1 - have);
            size_t start = 0;
            if (n <= 0) break;
            have += (size_t)n;
            for (size_t i = 0; i < have; i++) {
                char out[4200];
                int m;
                if (buf[i] != '\n') continue;
                buf[i] = 0;
                if (strcmp(buf + start, "quit") == 0) {
                    write_all(connection, "bye\n", 4);
                    done = 1;
                    break;
                }
                total++;
                m = snprintf(out, sizeof out, "%ld %s\n", total, buf + start);
                if (write_all(connection, out, (size_t)m) != 0) { done = 2; break; }
                start = i + 1;
            }
            if (done) break;
            memmove(buf, buf + start, have - start);
            have -= start;
            if (have == sizeof buf - 1) have = 0; /* a line longer than the buffer is dropped */
        }
        close(connection);
        if (done == 1) break;
    }
    printf("served %ld\n", total);
    return 0;
}
