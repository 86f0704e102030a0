/*
 * statics.c -- talent migration corpus.
 * Exercises: external globals (scalars, arrays, a struct), file-scope statics, function-scope statics
 * (a counter and an array hoisted to file scope by the compiler), `#pragma talent checkpoint` sites in
 * straight-line code, a function marked `#pragma talent nocheckpoint` (its loop is not a site) called from
 * a loop, a loop marked `#pragma talent nocheckpoint`, and main's argc/argv used after many sites.
 * Run with arguments: alpha 7 omega
 * Output: state of all the globals and statics after every step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int global_counter = 100;
long global_total;                         /* zero-initialised, stays far below 2^31 */
double global_scale = 1.5;
char global_tag[16] = "start";
struct { int hits; int misses; } global_stats;

static int file_hidden = -7;
static unsigned short file_small[4] = {1, 2, 3, 4};

static int tick(void) {
    static int calls;                      /* function static, zero-initialised */
    static int history[5] = {9, 9, 9, 9, 9};
    history[calls % 5] = calls * calls;
    calls++;
#pragma talent checkpoint
    return calls + history[(calls + 2) % 5];
}

#pragma talent nocheckpoint
static unsigned digest(const char *s) {
    unsigned h = 5381;
    for (const char *p = s; *p; p++) h = h * 33u + (unsigned char)*p;
    return h;
}

static void step(int round, int weight) {
    int t = tick();
    global_counter += t % 7 - 3;
    global_total += t * weight;
    global_scale = global_scale * 0.9 + round * 0.125;
    file_hidden = file_hidden * -2 + round;
    if (file_hidden > 100000 || file_hidden < -100000) file_hidden /= 1000;
    file_small[round % 4] = (unsigned short)(file_small[round % 4] * 7u + 1u);
    if (t % 3 == 0) global_stats.hits++;
    else global_stats.misses++;
#pragma talent checkpoint
    snprintf(global_tag, sizeof global_tag, "r%d-%u", round, digest(global_tag) % 1000u);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: statics NAME WEIGHT SUFFIX\n");
        return 2;
    }
    int weight = atoi(argv[2]);
    for (int round = 0; round < 30; round++) {
        step(round, weight);
        printf("round %2d counter=%d total=%ld scale=%.12f tag=%s hidden=%d small=%u,%u,%u,%u hits=%d misses=%d\n",
               round, global_counter, global_total, global_scale, global_tag, file_hidden, file_small[0],
               file_small[1], file_small[2], file_small[3], global_stats.hits, global_stats.misses);
        if (round % 10 == 9) {
            unsigned sum = 0;
#pragma talent nocheckpoint
            for (int k = 0; k < 1000; k++) sum += (unsigned)(k * round) ^ digest(global_tag);
            printf("  checksum block %u\n", sum);
        }
    }
#pragma talent checkpoint
    /* argv is used only after all the sites above: it must survive every migration */
    printf("argc=%d name=%s weight=%s suffix=%s len=%zu\n", argc, argv[1], argv[2], argv[3],
           strlen(argv[1]) + strlen(argv[3]));
    for (int k = 0; k < argc; k++) printf("argv[%d] digest %u\n", k, k > 0 ? digest(argv[k]) : 0u);
    return global_counter % 2;
}
