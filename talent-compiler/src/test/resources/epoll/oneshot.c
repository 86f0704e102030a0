/* An EPOLLONESHOT registration with data.u64 on a UDP socket (port argv[1]), three rounds: each waits up to 3 s;
 * when nothing is reported (the registration is disarmed after its first event) it re-arms with EPOLL_CTL_MOD and
 * waits again. A disarmed registration must stay disarmed across a migration (EpollMigrationIT). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
static void arm(int ep, int op, int fd) {
    struct epoll_event ev;
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = 0x1122334455667788ull;
    if (epoll_ctl(ep, op, fd, &ev) != 0) { perror("ctl"); exit(1); }
}
int main(int argc, char **argv) {
    struct sockaddr_in a;
    struct epoll_event got[2];
    int s = socket(AF_INET, SOCK_DGRAM, 0), ep = epoll_create1(0), round;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)atoi(argv[1]));
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0) return 1;
    arm(ep, EPOLL_CTL_ADD, s);
    for (round = 0; round < 3; round++) {
        char buf[64];
        int n = epoll_wait(ep, got, 2, 3000);
        ssize_t r;
        if (n == 0) { printf("round %d: no event (disarmed)\n", round); arm(ep, EPOLL_CTL_MOD, s); n = epoll_wait(ep, got, 2, 3000); }
        r = recv(s, buf, sizeof buf - 1, 0);
        buf[r > 0 ? r : 0] = 0;
        printf("round %d: %d event data %llx: %s\n", round, n, (unsigned long long)got[0].data.u64, buf);
        fflush(stdout);
    }
    return 0;
}
