/* The program of `talent bench latency`: plain C, no talent API. It waits, in one of three ways, for a
 * checkpoint request (SIGUSR1) that ends it with exit 75; "ready" on stdout says it is about to wait.
 *   latency compute   a compute loop: rounds of integer arithmetic of some microseconds each (the inner
 *                     loop is a leaf loop, so the request is taken at the next round)
 *   latency sleep     a loop of nanosleep(40 ms): the request interrupts a sleep
 *   latency accept    accept() on a listening socket on 127.0.0.1 (port chosen by the system, printed);
 *                     nothing ever connects
 * Each mode gives up after about a minute (exit 0) so that a lost request does not leave it running. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static unsigned long compute(long rounds) {
    unsigned long x = 88172645463325252UL, acc = 0;
    for (long r = 0; r < rounds; r++) {
        for (int i = 0; i < 20000; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            acc += x >> 40;
        }
    }
    return acc;
}

static int sleep_steps(int steps) {
    struct timespec step;
    int slept = 0;
    for (int i = 0; i < steps; i++) {
        step.tv_sec = 0;
        step.tv_nsec = 40000000;
        nanosleep(&step, NULL);
        slept++;
    }
    return slept;
}

static int accept_one(void) {
    struct sockaddr_in address;
    socklen_t length = sizeof address;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) {
        perror("latency: socket");
        return 1;
    }
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 1) != 0
            || getsockname(listener, (struct sockaddr *)&address, &length) != 0) {
        perror("latency: bind/listen");
        return 1;
    }
    printf("ready 127.0.0.1:%d\n", ntohs(address.sin_port));
    fflush(stdout);
    int connection = accept(listener, NULL, NULL);
    if (connection >= 0) close(connection);
    close(listener);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: latency compute|sleep|accept\n");
        return 2;
    }
    if (strcmp(argv[1], "compute") == 0) {
        printf("ready\n");
        fflush(stdout);
        printf("done %lu\n", compute(2000000));
        return 0;
    }
    if (strcmp(argv[1], "sleep") == 0) {
        printf("ready\n");
        fflush(stdout);
        printf("done %d\n", sleep_steps(1500));
        return 0;
    }
    if (strcmp(argv[1], "accept") == 0) return accept_one();
    fprintf(stderr, "latency: unknown mode %s\n", argv[1]);
    return 2;
}
