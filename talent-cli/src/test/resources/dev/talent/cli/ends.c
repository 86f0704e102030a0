/* ends MS STATUS: prints "up", waits MS milliseconds (forever when MS is negative), then exits with STATUS. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    long ms = atol(argv[1]);
    int status = atoi(argv[2]);
    printf("up\n");
    fflush(stdout);
    for (long waited = 0; ms < 0 || waited < ms; waited += 10) {
        struct timespec tick = {0, 10000000L};
        nanosleep(&tick, NULL);
    }
    printf("ending with %d\n", status);
    return status;
}
