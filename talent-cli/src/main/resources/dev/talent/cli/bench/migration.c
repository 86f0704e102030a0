/* The program of `talent bench migration`: plain C, no talent API, run by talent's orchestrator in runc
 * containers and live-migrated between platforms while it runs.
 *   migration STEPS STEP_MS [MIGRATIONS [STATE_KIB]]
 * State lives in globals, in a heap ring buffer and in an open file: each step mixes a value into the totals
 * and the ring, appends a line to journal.log (kept open), prints a line on stdout and sleeps STEP_MS ms
 * (nanosleep); every 50 steps it rewrites state.txt. After STEPS steps, or as soon as it has
 * seen MIGRATIONS changes of its host name (talent names each platform's container talent-<platform>), it
 * writes summary.txt and prints "done steps K crc C". Its output depends only on K: an uninterrupted run of
 * `migration K 0` must print the same and leave the same files. MIGRATIONS 0 (default): never counts.
 * STATE_KIB (default 0) adds a heap array of that many KiB of ints, one element per 4 KiB page rewritten each
 * step (the state a migration must carry), folded into a "state" sum that the summary and the last line then end with.
 * Built with -DSTATE_MIB=M (talent bench migration --state-mib) it also keeps a global array of M MiB of doubles, of
 * which about 1 % is rewritten per second (one element in each of that many 4 KiB pages per 10 ms step), folded
 * into a "big" sum that the summary ends with: large numeric globals, which pre-copy tracks and a destination
 * started ahead restores ahead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RING 512

struct totals {
    long long sum;
    double mean;
    unsigned int crc;
    int last[4];
};

static struct totals totals;
#ifdef STATE_MIB
#define BIG ((size_t)STATE_MIB * 131072u)
static double big[BIG];
#endif
static char host[64];
static int host_changes;

static unsigned int mix(unsigned int crc, int v)
{
    crc ^= (unsigned int)v;
    for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    return crc;
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Whether the program now runs on another host than at the previous call (never at the first call). */
static int moved(void)
{
    char now[64];
    memset(now, 0, sizeof now);
    if (gethostname(now, sizeof now - 1) != 0)
        return 0;
    int changed = host[0] != '\0' && strcmp(now, host) != 0;
    memcpy(host, now, sizeof host);
    return changed;
}

static int write_state(int step, const int *ring)
{
    FILE *f = fopen("state.txt", "w");
    if (!f) {
        perror("migration: state.txt");
        return -1;
    }
    fprintf(f, "step %d sum %lld crc %08x\n", step, totals.sum, totals.crc);
    for (int i = 0; i < RING; i += 64)
        fprintf(f, "ring[%d] %d\n", i, ring[i]);
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 1000;
    long ms = argc > 2 ? atol(argv[2]) : 10;
    int migrations = argc > 3 ? atoi(argv[3]) : 0;
    long state_kib = argc > 4 ? atol(argv[4]) : 0;
    if (state_kib < 0 || state_kib > 1024L * 1024)
        state_kib = 0;
    size_t cells = (size_t)state_kib * 1024 / sizeof(int);
    int *state = calloc(cells ? cells : 1, sizeof *state);
    int *ring = calloc(RING, sizeof *ring);
    FILE *journal = fopen("journal.log", "w");
    if (!ring || !journal || !state) {
        perror("migration: journal.log");
        return 2;
    }
    moved();
    int done = 0;
    while (done < steps) {
        int v = (int)((done * 2654435761u) >> 16) % 1000 + done % 7;
        totals.sum += v;
        totals.mean = (double)totals.sum / (done + 1);
        totals.crc = mix(totals.crc, v);
        totals.last[done % 4] = v;
        ring[done % RING] += v ^ (int)(totals.crc & 0xff);
        for (size_t c = (size_t)done % 1024; c < cells; c += 1024)
            state[c] += v + (int)(c & 0xff);
#ifdef STATE_MIB
        /* 1 % of the pages per second at 100 steps per second: pages / 10000 per step (at least one) */
        for (size_t k = 0, pages = BIG / 512, n = pages / 10000 + 1; k < n; k++) {
            size_t page = ((size_t)done * n + k) * 7919u % pages;
            big[page * 512 + (size_t)done % 512] += (double)(v % 64) * 0.5;
        }
#endif
        fprintf(journal, "step %d value %d sum %lld crc %08x\n", done, v, totals.sum, totals.crc);
        printf("step %d sum %lld mean %.6f ring %d\n", done, totals.sum, totals.mean, ring[(done * 7) % RING]);
        if (done % 50 == 49) {
            int written = write_state(done, ring);
            if (written != 0)
                return 3;
        }
        done++;
        pause_ms(ms);
        if (moved() && migrations > 0 && ++host_changes >= migrations)
            break;
    }
    fclose(journal);
    FILE *summary = fopen("summary.txt", "w");
    if (!summary) {
        perror("migration: summary.txt");
        return 4;
    }
    unsigned long long state_sum = 0;
    for (size_t c = 0; c < cells; c++)
        state_sum = state_sum * 31 + (unsigned int)state[c];
    fprintf(summary, "steps %d sum %lld mean %.6f crc %08x last %d %d %d %d", done, totals.sum, totals.mean,
            totals.crc, totals.last[0], totals.last[1], totals.last[2], totals.last[3]);
    if (cells)
        fprintf(summary, " state %llu", state_sum);
#ifdef STATE_MIB
    unsigned long long big_sum = 0;
    for (size_t c = 0; c < BIG; c++)
        big_sum = big_sum * 31 + (unsigned long long)(big[c] * 2.0);
    fprintf(summary, " big %llu", big_sum);
#endif
    fputc('\n', summary);
    fclose(summary);
    free(ring);
    free(state);
    if (cells)
        printf("done steps %d crc %08x state %llu\n", done, totals.crc, state_sum);
    else
        printf("done steps %d crc %08x\n", done, totals.crc);
    return 0;
}
