/* epollheld.c: one epoll instance (close-on-exec) watching two UDP sockets on 127.0.0.1, one edge-triggered with
 * data.ptr naming a heap block that only the registration points to, the other with data.u64; it then waits in
 * epoll_wait (nothing arrives) a few times: a checkpoint taken there holds the EPOL section InspectIT inspects. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn {
    int fd;
    long seen;
};

static int udp(void)
{
    struct sockaddr_in a;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("udp");
        exit(1);
    }
    return s;
}

int main(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct conn *c = malloc(sizeof *c);
    struct epoll_event ev, got[2];
    int i, quiet = 0;
    c->fd = udp();
    c->seen = 0;
    ev.events = EPOLLIN | EPOLLET;
    ev.data.ptr = c;
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = 0x1122334455667788ull;
    epoll_ctl(ep, EPOLL_CTL_ADD, udp(), &ev);
    c = NULL;
    for (i = 0; i < 20; i++)
        quiet += epoll_wait(ep, got, 2, 5) == 0;
    printf("%d quiet waits\n", quiet);
    return 0;
}
