/* Sleeps 50 ms at a time (nanosleep) and reports each tick: a checkpoint request interrupts the sleep. */
#include <stdio.h>
#include <time.h>

int main(void) {
    struct timespec nap = { 0, 50 * 1000 * 1000 };
    unsigned long acc = 1;
    for (int tick = 1; tick <= 40; tick++) {
        nanosleep(&nap, NULL);
        acc = acc * 31 + (unsigned long)tick;
        printf("tick %d %lu\n", tick, acc);
        fflush(stdout);
    }
    printf("slept %d naps\n", 40);
    return 0;
}
