/* Hand-written in the shape of generated code (docs/CODEGEN.md) for checkpoints on demand and blocking
 * sites. The source (one function, main):
 *     int main(int argc, char **argv) {
 *         int mode = argv[1][0];          // 's' 12 sleep steps, 'S' 120 of them, 'c' compute loop,
 *                                         // 'a' accept on 127.0.0.1:argv[2]
 *         long acc = 0; int i; struct timespec ts; unsigned long x; int lfd = -1, c;
 *         if (mode == 's' || mode == 'S') for (i = 0; i < (mode == 'S' ? 120 : 12); i++) { <site 0>
 *             printf("step %d acc %ld\n", i, acc); fflush(stdout);
 *             ts.tv_sec = 0; ts.tv_nsec = 40000000; nanosleep(&ts, NULL);   // blocking site 1
 *             acc += i * 7; }
 *         if (mode == 'c') { printf("ready\n"); fflush(stdout);
 *             for (x = 0; x < 40000000000UL; x++) { <site 2> acc += (long)(x ^ (x >> 3)); } }
 *         if (mode == 'a') { lfd = <socket, bind, listen>; printf("ready\n"); fflush(stdout);
 *             c = accept(lfd, NULL, NULL);                                   // blocking site 3
 *             printf("accepted\n"); close(c); }
 *         printf("done %ld\n", acc); return 0; }
 * Variables: 0 argc, 1 argv, 2 mode, 3 acc, 4 i, 5 ts, 6 x, 7 lfd. Every variable is saved at every point
 * (a superset of the live ones, which is allowed). */
#define _POSIX_C_SOURCE 200809L
#include "talent.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const talent_type td_int, td_long, td_ulong, td_char_ptr_ptr, td_timespec;

#define SAVE(P)                                                                  \
    talent_frame_begin(0, P);                                                    \
    TALENT_SAVE_INT(0, "argc", "waiter.c:1:14", argc, &td_int);                  \
    talent_save_ptr(1, "argv", "waiter.c:1:27", argv, &td_char_ptr_ptr);         \
    TALENT_SAVE_INT(2, "mode", "waiter.c:2:9", mode, &td_int);                   \
    TALENT_SAVE_INT(3, "acc", "waiter.c:3:10", acc, &td_long);                   \
    TALENT_SAVE_INT(4, "i", "waiter.c:3:23", i, &td_int);                        \
    talent_save_mem(5, "ts", "waiter.c:3:42", &ts, &td_timespec, 1);             \
    TALENT_SAVE_INT(6, "x", "waiter.c:3:60", x, &td_ulong);                      \
    TALENT_SAVE_INT(7, "lfd", "waiter.c:3:67", lfd, &td_int);                    \
    talent_frame_end();                                                          \
    return __talent_zret
#define RESTORE()                                                                \
    talent_bind(5, &ts, &td_timespec);                                           \
    TALENT_RESTORE_INT(0, argc, &td_int);                                        \
    argv = (__typeof__(argv))talent_restore_ptr(1, &td_char_ptr_ptr);            \
    TALENT_RESTORE_INT(2, mode, &td_int);                                        \
    TALENT_RESTORE_INT(3, acc, &td_long);                                        \
    TALENT_RESTORE_INT(4, i, &td_int);                                           \
    talent_restore_mem(5, &ts, &td_timespec);                                    \
    TALENT_RESTORE_INT(6, x, &td_ulong);                                         \
    TALENT_RESTORE_INT(7, lfd, &td_int);                                         \
    talent_frame_restored()
#define SITE(P, L)                                                               \
    if (__builtin_expect(talent_pending, 0)) {                                   \
        if (talent_site_slow(P)) { SAVE(P); }                                    \
        if (0) { L: ; RESTORE(); }                                               \
    }

int talent_user_main(int argc, char **argv)
{
    static __typeof__(talent_user_main(argc, argv)) __talent_zret;
    if (__builtin_expect(talent_restoring, 0)) switch (talent_resume_point(0)) {
        case 0: goto __talent_r0; case 1: goto __talent_r1; case 2: goto __talent_r2; case 3: goto __talent_r3;
    }
    int mode = argc > 1 ? argv[1][0] : 's';
    long acc = 0;
    int i = 0;
    struct timespec ts = {0, 0};
    unsigned long x = 0;
    int lfd = -1, c, r;
    if (mode == 's' || mode == 'S')
        for (i = 0; i < (mode == 'S' ? 120 : 12); i++) {
            SITE(0, __talent_r0)
            printf("step %d acc %ld\n", i, acc);
            fflush(stdout);
            ts.tv_sec = 0;
            ts.tv_nsec = 40000000;
            for (;;) {
                SITE(1, __talent_r1)
                r = talent_nanosleep(&ts, NULL);
                if (!talent_blocking_retry())
                    break;
            }
            if (r != 0)
                return 3;
            acc += i * 7;
        }
    if (mode == 'c') {
        printf("ready\n");
        fflush(stdout);
        for (x = 0; x < 40000000000UL; x++) {
            SITE(2, __talent_r2)
            acc += (long)(x ^ (x >> 3));
        }
    }
    if (mode == 'a') {
        struct sockaddr_in a;
        int one = 1;
        lfd = socket(AF_INET, SOCK_STREAM, 0);
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((unsigned short)atoi(argc > 2 ? argv[2] : "0"));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 8) != 0) {
            perror("listen");
            return 4;
        }
        printf("ready\n");
        fflush(stdout);
        for (;;) {
            SITE(3, __talent_r3)
            c = talent_accept(lfd, NULL, NULL);
            if (!talent_blocking_retry())
                break;
        }
        if (c < 0)
            return 5;
        printf("accepted\n");
        close(c);
    }
    printf("done %ld\n", acc);
    return 0;
}

static const talent_type td_int = TALENT_INT_TYPE(int, "int");
static const talent_type td_long = TALENT_INT_TYPE(long, "long");
static const talent_type td_ulong = TALENT_INT_TYPE(unsigned long, "unsigned long");
static const talent_type td_time_t = TALENT_INT_TYPE(time_t, "time_t");
static const talent_type td_char_ptr_ptr = TALENT_PTR_TYPE(char **, "char **", "char *");
static const talent_field fields_timespec[] = {
    TALENT_FIELD(struct timespec, tv_sec, &td_time_t),
    TALENT_FIELD(struct timespec, tv_nsec, &td_long),
};
static const talent_type td_timespec = TALENT_STRUCT_TYPE(struct timespec, "struct timespec", fields_timespec);
const talent_unit talent_unit_waiter = { "waiter.c", 0, 0, 0, 0, 0, 0 };

static const talent_unit *const talent_units[] = { &talent_unit_waiter };
static const talent_function talent_functions[] = { { "main", "waiter.c:1:5", 0 } };
static const talent_point talent_points[] = {
    { 0, 1, "waiter.c:4:52" }, { 0, 1, "waiter.c:6:46" }, { 0, 1, "waiter.c:9:52" }, { 0, 1, "waiter.c:12:13" },
};
static int talent_invoke_main(int argc, char **argv) { return talent_user_main(argc, argv); }
const talent_program talent_the_program = {
    "7a0c3a1e9b7d42c6a8e1f03b2d4c6e02", "waiter", talent_units, 1, talent_functions, 1, talent_points, 4,
    talent_invoke_main,
};
