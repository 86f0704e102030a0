/* A UDP server: each datagram is answered with "<count> <platform> <datagram>"; "quit" ends the server. Its
 * socket is unconnected and bound to a port: talent recreates it at the same address on every platform. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct sockaddr_in address;
    long served = 0;
    int port = argc > 1 ? atoi(argv[1]) : 5353;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) { perror("socket"); return 1; }
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    address.sin_port = htons((unsigned short)port);
    if (bind(s, (struct sockaddr *)&address, sizeof address) != 0) { perror("bind"); return 1; }
    for (;;) {
        char in[256];
        char out[400];
        struct sockaddr_in peer;
        socklen_t length = sizeof peer;
        ssize_t n = recvfrom(s, in, sizeof in - 1, 0, (struct sockaddr *)&peer, &length);
        if (n <= 0) continue;
        in[n] = 0;
        if (strncmp(in, "quit", 4) == 0) {
            sendto(s, "bye\n", 4, 0, (struct sockaddr *)&peer, length);
            break;
        }
        served++;
        const char *where = getenv("TALENT_PLATFORM");
        int m = snprintf(out, sizeof out, "%ld %s %s", served, where ? where : "?", in);
        sendto(s, out, (size_t)m, 0, (struct sockaddr *)&peer, length);
    }
    printf("served %ld\n", served);
    return 0;
}
