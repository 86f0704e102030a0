/* Connections shut down for reading at a stop. One client connection at a time; the first line of each says what
 * the server does with it:
 *  - "rd": shutdown(SHUT_RD), answer "shut-rd", and wait (accept) for the next connection with it open;
 *  - "rdwr": answer "shut-rdwr", shutdown(SHUT_RDWR), and wait the same way;
 *  - "quit": answer "bye" and end, printing how many connections were served.
 * At the next connection's first line the server first reads what the kept connection still delivers, up to its
 * end of file, an error or 2 s without anything, and answers the next connection "<what> <n bytes> <how it ended:
 * end, reset, timeout or error>"; a connection shut for reading only is then written "after" and closed. On Linux a
 * socket shut down for reading delivers what is queued, then end of file at once; one shut down both ways answers
 * the peer's new data with a reset. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
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

/* One line from fd into line (without its newline); 1, or 0 at the end of the stream. */
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

/* Reads fd until its end, an error or 2 s of nothing; the bytes read into *n, how it ended as the result. */
static const char *drain(int fd, long *n) {
    char buf[256];
    *n = 0;
    for (;;) {
        struct pollfd p;
        ssize_t r;
        int k;
        p.fd = fd;
        p.events = POLLIN;
        p.revents = 0;
        k = poll(&p, 1, 2000);
        if (k < 0 && errno == EINTR) continue;
        if (k == 0) return "timeout";
        if (k < 0) return "error";
        r = read(fd, buf, sizeof buf);
        if (r > 0) *n += r;
        else if (r == 0) return "end";
        else if (errno == ECONNRESET) return "reset";
        else if (errno != EINTR) return "error";
    }
}

int main(int argc, char **argv) {
    struct sockaddr_in address;
    int one = 1, kept = -1, kept_rdwr = 0, served = 0;
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
        char line[256], out[300];
        int connection = accept(listener, NULL, NULL);
        if (connection < 0) continue;
        served++;
        if (!read_line(connection, line, sizeof line)) {
            close(connection);
            continue;
        }
        if (kept >= 0) {
            long n;
            const char *how = drain(kept, &n);
            int m = snprintf(out, sizeof out, "%s %ld %s\n", kept_rdwr ? "rdwr" : "rd", n, how);
            write_all(connection, out, (size_t)m);
            if (!kept_rdwr) write_all(kept, "after\n", 6);
            close(kept);
            kept = -1;
        }
        if (strcmp(line, "rd") == 0) {
            if (shutdown(connection, SHUT_RD) != 0) perror("shutdown");
            write_all(connection, "shut-rd\n", 8);
            kept = connection;
            kept_rdwr = 0;
        } else if (strcmp(line, "rdwr") == 0) {
            write_all(connection, "shut-rdwr\n", 10);
            if (shutdown(connection, SHUT_RDWR) != 0) perror("shutdown");
            kept = connection;
            kept_rdwr = 1;
        } else {
            write_all(connection, "bye\n", 4);
            close(connection);
            if (strcmp(line, "quit") == 0) break;
        }
    }
    printf("served %d\n", served);
    return 0;
}
