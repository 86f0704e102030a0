/* A server whose clients wait in its listener's backlog: it first accepts one control connection and reads from
 * it, accepting nothing else until the control line "serve <n>" comes, so clients that connect meanwhile wait
 * there, connected but not accepted, each with its line sent. Then it accepts n connections one at a time,
 * reads each one's line and answers "<k> <line>" (k: the order in which it was accepted), closes it, and
 * answers "done <n> <platform>" on the control connection; "quit" there ends the server. */
#include <netinet/in.h>
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

/* one line from fd into buf (without its '\n'), a byte at a time; 0, or -1 at the end or an error */
static int read_line(int fd, char *buf, size_t size) {
    size_t have = 0;
    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n <= 0) return -1;
        if (c == '\n') break;
        if (have + 1 < size) buf[have++] = c;
    }
    buf[have] = 0;
    return 0;
}

int main(int argc, char **argv) {
    struct sockaddr_in address;
    int one = 1;
    long served = 0;
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int control;
    if (listener < 0) { perror("socket"); return 1; }
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    address.sin_port = htons((unsigned short)port);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 128) != 0) {
        perror("bind/listen");
        return 1;
    }
    control = accept(listener, NULL, NULL);
    if (control < 0) { perror("accept"); return 1; }
    for (;;) {
        char line[256];
        char out[400];
        int n, k, m;
        const char *where;
        if (read_line(control, line, sizeof line) != 0 || strcmp(line, "quit") == 0) break;
        if (sscanf(line, "serve %d", &n) != 1 || n < 0) {
            write_all(control, "what?\n", 6);
            continue;
        }
        for (k = 0; k < n; k++) {
            int connection = accept(listener, NULL, NULL);
            if (connection < 0) { perror("accept"); return 1; }
            if (read_line(connection, line, sizeof line) == 0) {
                served++;
                m = snprintf(out, sizeof out, "%ld %s\n", served, line);
                write_all(connection, out, (size_t)m);
            }
            close(connection);
        }
        where = getenv("TALENT_PLATFORM");     /* the platform now (read before a hop, it names the one before) */
        m = snprintf(out, sizeof out, "done %d %s\n", n, where ? where : "?");
        write_all(control, out, (size_t)m);
    }
    write_all(control, "bye\n", 4);
    close(control);
    printf("served %ld\n", served);
    return 0;
}
