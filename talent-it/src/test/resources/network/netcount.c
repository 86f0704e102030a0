/* One request per connection: a line in, "<count> <platform> <line>" out; "quit" ends the server. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct sockaddr_in address;
    int one = 1;
    long served = 0;
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
    for (;;) {
        char in[256];
        char out[400];
        int connection = accept(listener, NULL, NULL);
        if (connection < 0) continue;
        ssize_t n = read(connection, in, sizeof in - 1);
        if (n <= 0) { close(connection); continue; }
        in[n] = 0;
        if (strncmp(in, "quit", 4) == 0) {
            write(connection, "bye\n", 4);
            close(connection);
            break;
        }
        served++;
        const char *where = getenv("TALENT_PLATFORM");
        int m = snprintf(out, sizeof out, "%ld %s %s", served, where ? where : "?", in);
        write(connection, out, (size_t)m);
        close(connection);
    }
    printf("served %ld\n", served);
    return 0;
}
