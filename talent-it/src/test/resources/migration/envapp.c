/* envapp: a program whose state lives in variables, an open output file and files it creates in its working
 * directory, paced by nanosleep so that a run lasts a few seconds and talent run can migrate it many times.
 * Reads input.txt (numbers), appends one line per step to out.log (kept open), writes parts/part-K.txt every
 * 25 steps into a directory it creates, and rewrites summary.txt at the end. stdout gets one line per step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#define MAX_VALUES 64

struct stats {
    long long sum;
    double mean;
    unsigned int crc;
    short history[8];
};

static struct stats totals;
static int values[MAX_VALUES];
static int nvalues;

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

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 200;
    long ms = argc > 2 ? atol(argv[2]) : 10;
    /* a third argument "stderr": a note on stderr every 10 steps too (the fleet's logs carry both streams) */
    int notes = argc > 3 && strcmp(argv[3], "stderr") == 0;
    FILE *in = fopen("input.txt", "r");
    if (!in) {
        perror("input.txt");
        return 2;
    }
    while (nvalues < MAX_VALUES && fscanf(in, "%d", &values[nvalues]) == 1)
        nvalues++;
    fclose(in);
    FILE *log = fopen("out.log", "w");
    if (!log) {
        perror("out.log");
        return 3;
    }
    mkdir("parts", 0755);
    for (int step = 0; step < steps; step++) {
        int v = values[step % nvalues] * (step + 1);
        totals.sum += v;
        totals.mean = (double)totals.sum / (step + 1);
        totals.crc = mix(totals.crc, v);
        totals.history[step % 8] = (short)(v & 0x7fff);
        fprintf(log, "step %d value %d sum %lld crc %08x\n", step, v, totals.sum, totals.crc);
        printf("step %d sum %lld mean %.6f\n", step, totals.sum, totals.mean);
        if (notes && step % 10 == 9)
            fprintf(stderr, "note %d crc %08x\n", step, totals.crc);
        if (step % 25 == 24) {
            char name[64];
            snprintf(name, sizeof name, "parts/part-%d.txt", step / 25);
            FILE *part = fopen(name, "w");
            if (!part) {
                perror(name);
                return 4;
            }
            for (int h = 0; h < 8; h++)
                fprintf(part, "%d\n", totals.history[h]);
            fclose(part);
        }
        pause_ms(ms);
    }
    fclose(log);
    FILE *summary = fopen("summary.txt", "w");
    if (!summary)
        return 5;
    fprintf(summary, "steps %d sum %lld mean %.6f crc %08x\n", steps, totals.sum, totals.mean, totals.crc);
    fclose(summary);
    printf("done crc %08x\n", totals.crc);
    return 0;
}
