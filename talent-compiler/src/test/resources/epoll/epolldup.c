/* epolldup.c: one epoll instance reached through two descriptors (argv[2]: how the second is made: dup, dup2,
 * dup3, fcntl, or unused: made by fcntl and never used). Phase 1 registers through both and waits through both;
 * phase 2 closes one (argv[3]: keep-copy closes the original, else the copy closes) and goes on with the other;
 * phase 3 (argv[4] orphan) closes a registered socket while a dup of it stays open.
 * Usage: epolldup PORT HOW [keep-copy [orphan]]; binds PORT and PORT + 1 on 127.0.0.1 and sends itself datagrams. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static int copy_of(int ep, const char *how)
{
    if (strcmp(how, "dup2") == 0)
        return dup2(ep, 40);
    if (strcmp(how, "dup3") == 0)
        return dup3(ep, 41, O_CLOEXEC);
    if (strcmp(how, "fcntl") == 0)
        return fcntl(ep, F_DUPFD_CLOEXEC, 50);
    if (strcmp(how, "unused") == 0)
        return fcntl(ep, F_DUPFD, 60);
    return dup(ep);
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 47000;
    const char *how = argc > 2 ? argv[2] : "dup";
    int unused = strcmp(how, "unused") == 0;
    int ep = epoll_create1(0);
    int cp = copy_of(ep, how);
    int s[2], i, round;
    struct sockaddr_in a;
    struct epoll_event ev, got[4];
    char buf[64];
    for (i = 0; i < 2; i++) {
        s[i] = socket(AF_INET, SOCK_DGRAM, 0);
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((unsigned short)(port + i));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(s[i], (struct sockaddr *)&a, sizeof a) != 0) {
            perror("bind");
            return 1;
        }
    }
    ev.events = EPOLLIN;
    ev.data.u64 = 0x1000000000000007ull;
    epoll_ctl(unused ? ep : cp, EPOLL_CTL_ADD, s[0], &ev);      /* through the copy */
    ev.events = EPOLLIN;
    ev.data.u64 = 0xABCDu;
    epoll_ctl(ep, EPOLL_CTL_ADD, s[1], &ev);      /* through the original */
    printf("%s: copy is %s\n", how, cp > ep ? "a higher descriptor" : "odd");
    for (round = 0; round < 8; round++) {
        int n, k, w = (round / 2) % 2 || unused ? ep : cp;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((unsigned short)(port + round % 2));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        snprintf(buf, sizeof buf, "m%d", round);
        sendto(s[round % 2], buf, strlen(buf), 0, (struct sockaddr *)&a, sizeof a);
        n = epoll_wait(w, got, 4, 2000);
        printf("round %d via %s: %d event(s)", round, w == ep ? "original" : "copy", n);
        for (k = 0; k < n; k++) {
            int fd = got[k].data.u64 == 0x1000000000000007ull ? s[0] : s[1];
            ssize_t r;
            printf(" data %s", got[k].data.u64 == 0x1000000000000007ull ? "u64 tag" : got[k].data.u64 == 0xABCDu ? "u64 abcd" : "WRONG");
            r = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
            buf[r > 0 ? r : 0] = '\0';
            printf(" '%s'", buf);
        }
        printf("\n");
        fflush(stdout);
        memset(got, 0, sizeof got);     /* nothing of the results held across the next site */
    }
    /* phase 2: one descriptor of the instance closed, the other goes on */
    if (argc > 3 && strcmp(argv[3], "keep-copy") == 0) {
        close(ep);
        ep = cp;
    } else
        close(cp);
    ev.events = EPOLLIN;
    ev.data.u64 = 0xBEEFu;
    printf("after the close: ctl MOD %d\n", epoll_ctl(ep, EPOLL_CTL_MOD, s[1], &ev) == 0);
    for (round = 8; round < 12; round++) {
        int n, k;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((unsigned short)(port + round % 2));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        snprintf(buf, sizeof buf, "m%d", round);
        sendto(s[round % 2], buf, strlen(buf), 0, (struct sockaddr *)&a, sizeof a);
        n = epoll_wait(ep, got, 4, 2000);
        printf("round %d: %d event(s)", round, n);
        for (k = 0; k < n; k++) {
            int fd = got[k].data.u64 == 0x1000000000000007ull ? s[0] : s[1];
            ssize_t r;
            printf(" data %s", got[k].data.u64 == 0x1000000000000007ull ? "u64 tag" : got[k].data.u64 == 0xBEEFu ? "u64 beef" : "WRONG");
            r = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
            buf[r > 0 ? r : 0] = '\0';
            printf(" '%s'", buf);
        }
        printf("\n");
        fflush(stdout);
        memset(got, 0, sizeof got);     /* nothing of the results held across the next site */
    }
    if (argc > 4 && strcmp(argv[4], "orphan") == 0) {
        /* phase 3: s[0] closed while a copy keeps its socket open: the kernel keeps the registration under the
         * closed number, which talent cannot carry (a checkpoint now is refused, naming it; the program goes on) */
        int keep = dup(s[0]);
        close(s[0]);
        for (round = 12; round < 16; round++) {
            printf("round %d: the copy is %s\n", round, keep >= 0 ? "open" : "missing");
            fflush(stdout);
        }
        close(keep);
    }
    return 0;
}
