/* A slow HTTP/1.1 server for a client that keeps its connection alive (curl): each request "GET <path>" is
 * answered with a chunked body of 3 chunks "<n> <path> <i>\n" (n counting the requests of every connection so
 * far), argv[2] milliseconds apart (default 0); "GET /quit" is answered "bye" and ends the server (it prints how
 * many requests it served). One connection at a time. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
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

/* one request's head (up to the empty line) into buf; 0, or -1 at the end, an error or a head too long */
static int read_head(int fd, char *buf, size_t size) {
    size_t have = 0;
    for (;;) {
        ssize_t n;
        if (have + 1 >= size) return -1;
        n = read(fd, buf + have, 1);
        if (n <= 0) return -1;
        have++;
        buf[have] = 0;
        if (have >= 4 && memcmp(buf + have - 4, "\r\n\r\n", 4) == 0) return 0;
    }
}

int main(int argc, char **argv) {
    struct sockaddr_in address;
    int one = 1, quit = 0;
    long served = 0;
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    long delay_ms = argc > 2 ? atol(argv[2]) : 0;
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
    while (!quit) {
        int connection = accept(listener, NULL, NULL);
        if (connection < 0) continue;
        for (;;) {
            char head[2048], path[256], out[600];
            int i, m;
            if (read_head(connection, head, sizeof head) != 0) break;
            if (sscanf(head, "GET %255s HTTP/1.1", path) != 1) {
                const char *bad = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                write_all(connection, bad, strlen(bad));
                break;
            }
            if (strcmp(path, "/quit") == 0) {
                const char *bye = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbye\n";
                write_all(connection, bye, strlen(bye));
                quit = 1;
                break;
            }
            served++;
            m = snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
            if (write_all(connection, out, (size_t)m) != 0) break;
            for (i = 1; i <= 3; i++) {
                char body[300];
                int b = snprintf(body, sizeof body, "%ld %s %d\n", served, path, i);
                if (delay_ms > 0) {
                    struct timespec pause;
                    pause.tv_sec = delay_ms / 1000;
                    pause.tv_nsec = delay_ms % 1000 * 1000000L;
                    nanosleep(&pause, NULL);
                }
                m = snprintf(out, sizeof out, "%x\r\n%s\r\n", (unsigned)b, body);
                if (write_all(connection, out, (size_t)m) != 0) break;
            }
            if (i <= 3 || write_all(connection, "0\r\n\r\n", 5) != 0) break;
        }
        close(connection);
    }
    printf("served %ld\n", served);
    return 0;
}
