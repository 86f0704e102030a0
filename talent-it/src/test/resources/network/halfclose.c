/* Half-closed connections at a stop. One client connection at a time; each line "x" comes back as "<n> x", n
 * counting the lines of every connection so far.
 *  - The client shuts its side down (end of file): the connection stays half-closed (CLOSE_WAIT) while the server
 *    waits, in accept(), for a second connection; at its first line it answers the first connection "total <n>"
 *    and closes it, then the second one "bye <line>" and closes that too.
 *  - The client sends "shut": the server shuts its own side down (FIN) and goes on reading the connection (half-
 *    closed the other way: FIN_WAIT2) until the client closes; it prints how many lines came after the shut.
 *  - The client sends "hold": the server answers "held" and waits, in accept(), for a second connection without
 *    reading the first any further; the client sends more lines and shuts its side down (CLOSE_WAIT with those
 *    lines and the end of file unread). At the second connection's first line the server reads the first to its end
 *    and answers it "rest <k>:" and the lines, then the second one "bye <line>".
 *  - "quit" ends the server, which prints how many lines it served. */
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

/* One line from fd into line (without its newline), at most size-1 bytes; 1, or 0 at the end of the stream. */
static int read_line(int fd, char *line, size_t size) {
    size_t have = 0;
    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n <= 0) {
            line[have] = 0;
            return have > 0;
        }
        if (c == '\n') {
            line[have] = 0;
            return 1;
        }
        if (have < size - 1) line[have++] = c;
    }
}

int main(int argc, char **argv) {
    struct sockaddr_in address;
    int one = 1;
    long total = 0;
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
        char line[512];
        char out[600];
        int m;
        int quit = 0;
        int shut = 0;
        int hold = 0;
        int connection = accept(listener, NULL, NULL);
        if (connection < 0) continue;
        while (read_line(connection, line, sizeof line)) {
            if (strcmp(line, "quit") == 0) {
                write_all(connection, "bye\n", 4);
                quit = 1;
                break;
            }
            if (strcmp(line, "shut") == 0) {
                shut = 1;
                break;
            }
            if (strcmp(line, "hold") == 0) {
                hold = 1;
                break;
            }
            total++;
            m = snprintf(out, sizeof out, "%ld %s\n", total, line);
            write_all(connection, out, (size_t)m);
        }
        if (quit) {
            close(connection);
            break;
        }
        if (hold) {
            char all[512];
            size_t used = 0;
            long rest = 0;
            int second;
            write_all(connection, "held\n", 5);
            second = accept(listener, NULL, NULL);
            if (second < 0) { perror("accept"); return 1; }
            if (!read_line(second, line, sizeof line)) line[0] = 0;
            all[0] = 0;
            {
                char more[128];
                while (read_line(connection, more, sizeof more)) {
                    rest++;
                    total++;
                    used += (size_t)snprintf(all + used, sizeof all - used, " %s", more);
                    if (used >= sizeof all) used = sizeof all - 1;
                }
            }
            m = snprintf(out, sizeof out, "rest %ld:%s\n", rest, all);
            write_all(connection, out, (size_t)m);
            close(connection);
            m = snprintf(out, sizeof out, "bye %s\n", line);
            write_all(second, out, (size_t)m);
            close(second);
        } else if (shut) {
            long after = 0;
            shutdown(connection, SHUT_WR);
            while (read_line(connection, line, sizeof line)) after++;
            printf("after shut: %ld lines\n", after);
            close(connection);
        } else {
            int second = accept(listener, NULL, NULL);
            if (second < 0) { perror("accept"); return 1; }
            if (!read_line(second, line, sizeof line)) line[0] = 0;
            m = snprintf(out, sizeof out, "total %ld\n", total);
            write_all(connection, out, (size_t)m);
            close(connection);
            m = snprintf(out, sizeof out, "bye %s\n", line);
            write_all(second, out, (size_t)m);
            close(second);
        }
    }
    printf("served %ld\n", total);
    return 0;
}
