/* Connections closed in both directions that the server still holds (state CLOSE), across migrations (issue 12).
 * One client connection at a time; its first line says what the server does:
 *  - "fin": answer "shut-wr", shutdown(SHUT_WR) and keep the connection unread; the peer then sends a line and
 *    closes (its FIN after ours: CLOSE with that line unread, the active close);
 *  - "peerfin": wait for the peer's end of file (it sends a line after its first one and shuts its side down), then
 *    answer "bye-peer" and shutdown(SHUT_WR) (CLOSE_WAIT, LAST_ACK, then CLOSE once the peer acknowledges; the
 *    line stays unread: the passive close);
 *  - "rst": answer "ready", wait until the peer's reset has closed the connection (it sends a line, then resets),
 *    read the error with SO_ERROR (so none is pending) and keep it with the line unread;
 *  - "rstpending": the same as "rst" without reading the error (it stays pending: talent refuses to move it);
 *  - "status": answer "kept <n>" (the connections kept so far);
 *  - "poll": answer, for each kept connection, "<what> fd listener+<n> poll <events>" (its descriptor
 *    number relative to the listener's) (poll() without reading anything);
 *  - "check": for each kept connection answer its poll events, what reads return up to the end ("read <bytes>
 *    <text> <how it ended>"), then what a write with MSG_NOSIGNAL returns, whether a write() raises SIGPIPE, and
 *    what close() returns; the connections are then gone;
 *  - "quit": answer "bye" and end, printing how many connections were served. */
#define _GNU_SOURCE 1
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_KEPT 8

static volatile sig_atomic_t pipes;
static void on_pipe(int sig) { (void)sig; pipes++; }

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int say(int fd, const char *text) { return write_all(fd, text, strlen(text)); }

/* One line from fd into line (without its newline), a byte at a time (the rest stays queued); 1, or 0 at the end. */
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

static const char *error_name(int e) {
    switch (e) {
    case 0: return "none";
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ENOTCONN: return "ENOTCONN";
    case EAGAIN: return "EAGAIN";
    default: return "other";
    }
}

/* poll()'s events for fd, by name, in a fixed order */
static void events(int fd, char *out, size_t n) {
    struct pollfd p;
    p.fd = fd;
    p.events = POLLIN | POLLOUT | POLLRDHUP | POLLPRI;
    p.revents = 0;
    if (poll(&p, 1, 0) < 0) {
        snprintf(out, n, "failed");
        return;
    }
    snprintf(out, n, "%s%s%s%s%s%s", (p.revents & POLLIN) ? "in," : "", (p.revents & POLLOUT) ? "out," : "",
             (p.revents & POLLRDHUP) ? "rdhup," : "", (p.revents & POLLHUP) ? "hup," : "",
             (p.revents & POLLERR) ? "err," : "", (p.revents & POLLPRI) ? "pri," : "");
}

/* waits (up to 10 s) until poll reports fd hung up: the connection is closed in both directions */
static int await_hangup(int fd) {
    int i;
    for (i = 0; i < 1000; i++) {
        struct pollfd p;
        p.fd = fd;
        p.events = POLLIN | POLLRDHUP;
        p.revents = 0;
        if (poll(&p, 1, 10) > 0) {
            if (p.revents & POLLHUP) return 1;
            usleep(10000);
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    struct sockaddr_in address;
    int one = 1, served = 0, kept[MAX_KEPT], nkept = 0;
    const char *what[MAX_KEPT];
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_pipe;
    sigaction(SIGPIPE, &sa, NULL);
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
        char line[256], out[512];
        int i, connection = accept(listener, NULL, NULL);
        if (connection < 0) continue;
        served++;
        if (!read_line(connection, line, sizeof line)) {
            close(connection);
            continue;
        }
        if (strcmp(line, "fin") == 0 && nkept < MAX_KEPT) {
            say(connection, "shut-wr\n");
            if (shutdown(connection, SHUT_WR) != 0) perror("shutdown");
            what[nkept] = "fin";
            kept[nkept++] = connection;
        } else if (strcmp(line, "peerfin") == 0 && nkept < MAX_KEPT) {
            struct pollfd p;
            p.fd = connection;
            p.events = POLLRDHUP;
            p.revents = 0;
            while (poll(&p, 1, 10000) == 1 && !(p.revents & POLLRDHUP)) p.revents = 0;
            say(connection, "bye-peer\n");
            if (shutdown(connection, SHUT_WR) != 0) perror("shutdown");
            if (!await_hangup(connection)) fprintf(stderr, "peerfin: not closed\n");
            what[nkept] = "peerfin";
            kept[nkept++] = connection;
        } else if ((strcmp(line, "rst") == 0 || strcmp(line, "rstpending") == 0) && nkept < MAX_KEPT) {
            int err = 0;
            socklen_t len = sizeof err;
            say(connection, "ready\n");
            if (!await_hangup(connection)) fprintf(stderr, "rst: not closed\n");
            if (strcmp(line, "rst") == 0) {
                getsockopt(connection, SOL_SOCKET, SO_ERROR, &err, &len);
                fprintf(stderr, "rst: SO_ERROR %s\n", error_name(err));
            }
            what[nkept] = strcmp(line, "rst") == 0 ? "rst" : "rstpending";
            kept[nkept++] = connection;
        } else if (strcmp(line, "status") == 0) {
            snprintf(out, sizeof out, "kept %d\n", nkept);
            say(connection, out);
            close(connection);
        } else if (strcmp(line, "poll") == 0 || strcmp(line, "check") == 0) {
            int check = line[0] == 'c';
            for (i = 0; i < nkept; i++) {
                char ev[64], text[256];
                size_t have = 0;
                ssize_t r;
                const char *how;
                events(kept[i], ev, sizeof ev);
                snprintf(out, sizeof out, "%s fd listener%+d poll %s\n", what[i], kept[i] - listener, ev);
                say(connection, out);
                if (!check) continue;
                for (;;) {
                    r = read(kept[i], text + have, sizeof text - 1 - have);
                    if (r > 0 && have + (size_t)r < sizeof text - 1) { have += (size_t)r; continue; }
                    break;
                }
                text[have] = 0;
                if (have > 0 && text[have - 1] == '\n') text[have - 1] = 0;
                how = r == 0 ? "end" : r < 0 ? error_name(errno) : "more";
                snprintf(out, sizeof out, "%s read %lu '%s' %s, then %s\n", what[i], (unsigned long)have, text, how,
                         (r = read(kept[i], text, 1)) == 0 ? "end" : r < 0 ? error_name(errno) : "data");
                say(connection, out);
                r = send(kept[i], "x", 1, MSG_NOSIGNAL);
                snprintf(out, sizeof out, "%s send %ld %s\n", what[i], (long)r, r < 0 ? error_name(errno) : "");
                say(connection, out);
                pipes = 0;
                r = write(kept[i], "x", 1);
                snprintf(out, sizeof out, "%s write %ld %s sigpipe %d\n", what[i], (long)r, r < 0 ? error_name(errno) : "",
                         (int)pipes);
                say(connection, out);
                snprintf(out, sizeof out, "%s close %d\n", what[i], close(kept[i]));
                say(connection, out);
            }
            if (check) nkept = 0;
            close(connection);
        } else {
            say(connection, "bye\n");
            close(connection);
            if (strcmp(line, "quit") == 0) break;
        }
    }
    printf("served %d\n", served);
    return 0;
}
