/* One long nanosleep: a checkpoint request must interrupt it (not wait for its end), and the restarted
 * program must sleep only the time that was left. */
#include <stdio.h>
#include <time.h>

int main(void) {
    struct timespec nap = { 6, 0 };
    printf("start\n");
    fflush(stdout);
    int rc = nanosleep(&nap, NULL);
    printf("woke %d\n", rc);
    return 0;
}
