/* Two UDP sockets on 127.0.0.1 (ports argv[1], argv[1]+1) watched by one epoll instance: the first edge-triggered
 * with data.ptr to a heap block only the registration points to (in a second instance the first watches), the
 * second level-triggered with data.fd. Prints each datagram with the socket's name and a counter;
 * "quit" ends. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct box { int fd; long seen; char name[8]; };

static int udp(int port) {
    struct sockaddr_in a;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)port);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0) { perror("udp"); exit(1); }
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
    return s;
}

static void watch_ptr(int ep, struct box *b) {
    struct epoll_event ev;
    ev.events = EPOLLIN | EPOLLET;
    ev.data.ptr = b;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, b->fd, &ev) != 0) { perror("ctl"); exit(1); }
}

static void watch_fd(int ep, int fd) {
    struct epoll_event ev;
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) { perror("ctl"); exit(1); }
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 9000, ep, inner, plain, quit = 0;
    long plain_seen = 0;
    struct box *b = malloc(sizeof *b);
    struct epoll_event got[4];
    b->fd = udp(port);
    b->seen = 0;
    strcpy(b->name, "edge");
    plain = udp(port + 1);
    ep = epoll_create1(0);
    inner = epoll_create1(EPOLL_CLOEXEC);
    watch_ptr(inner, b);
    b = NULL;
    watch_fd(ep, plain);
    watch_fd(ep, inner);
    printf("ready\n");
    fflush(stdout);
    while (!quit) {
        int n = epoll_wait(ep, got, 4, -1), k;
        for (k = 0; k < n; k++) {
            char buf[256];
            ssize_t r;
            if (got[k].data.fd == plain) {
                r = recv(plain, buf, sizeof buf - 1, 0);
                if (r <= 0) continue;
                buf[r] = 0;
                printf("level %ld %s\n", ++plain_seen, buf);
                if (strcmp(buf, "quit") == 0) quit = 1;
            } else if (got[k].data.fd == inner) {
                struct epoll_event e[2];
                struct box *x;
                if (epoll_wait(inner, e, 2, 0) != 1) continue;
                x = e[0].data.ptr;
                while ((r = recv(x->fd, buf, sizeof buf - 1, 0)) > 0) {
                    buf[r] = 0;
                    printf("%s %ld %s\n", x->name, ++x->seen, buf);
                    if (strcmp(buf, "quit") == 0) quit = 1;
                }
            }
            fflush(stdout);
        }
    }
    return 0;
}
