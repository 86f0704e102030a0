/* One request per connection, and the server closes each connection first, so that its side of every one it served
 * waits in TIME_WAIT on its port; it never sets SO_REUSEADDR. A line in, "<count> <line>" out; "opts" answers the
 * listener's and the connection's SO_REUSEADDR and SO_REUSEPORT as getsockopt reports them; "quit" ends the server,
 * which then closes its listener and binds a new socket to the same port, as a server restarting in place would. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int opt(int s, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    if (getsockopt(s, SOL_SOCKET, name, &v, &len) != 0) return -errno;
    return v;
}

static struct sockaddr_in any(int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    a.sin_port = htons((unsigned short)port);
    return a;
}

int main(int argc, char **argv) {
    long served = 0;
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    struct sockaddr_in address = any(port);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) { perror("socket"); return 1; }
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 16) != 0) {
        perror("bind/listen");
        return 1;
    }
    for (;;) {
        char in[256];
        char out[400];
        int m;
        int connection = accept(listener, NULL, NULL);
        if (connection < 0) { perror("accept"); return 1; }
        ssize_t n = read(connection, in, sizeof in - 1);
        if (n <= 0) { close(connection); continue; }
        in[n] = 0;
        if (strncmp(in, "quit", 4) == 0) {
            write(connection, "bye\n", 4);
            close(connection);
            break;
        }
        if (strncmp(in, "opts", 4) == 0) {
            m = snprintf(out, sizeof out, "listener reuseaddr %d reuseport %d, connection reuseaddr %d reuseport %d\n",
                         opt(listener, SO_REUSEADDR), opt(listener, SO_REUSEPORT), opt(connection, SO_REUSEADDR),
                         opt(connection, SO_REUSEPORT));
        } else {
            served++;
            m = snprintf(out, sizeof out, "%ld %s", served, in);
        }
        write(connection, out, (size_t)m);
        close(connection);
    }
    close(listener);
    {
        int again = socket(AF_INET, SOCK_STREAM, 0);
        int r = bind(again, (struct sockaddr *)&address, sizeof address);
        printf("served %ld\nbind again: %s\n", served, r == 0 ? "ok" : errno == EADDRINUSE ? "EADDRINUSE" : strerror(errno));
    }
    return 0;
}
