/*
 * demo.c: talent's bundled example. Four bodies orbit under gravity; the state lives in a global struct with
 * an array of structs, time steps are split recursively, energy is summed recursively, and the program prints
 * its progress. Every loop head is a checkpoint site, so `talent demo` can stop it anywhere and resume it on
 * another ISA: the output must be identical to an uninterrupted run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODIES 4
#define SUBSTEPS 8

struct body {
    char name[8];
    double pos[2];
    double vel[2];
    double mass;
};

struct sky {
    struct body bodies[BODIES];
    long steps_done;
    double time;
};

static struct sky sky;

static void init(struct sky *s)
{
    static const char *names[BODIES] = {"sun", "rock", "ice", "dust"};
    static const double orbit[BODIES] = {0.0, 1.0, 1.6, 2.3};
    for (int i = 0; i < BODIES; i++) {
        struct body *b = &s->bodies[i];
        strcpy(b->name, names[i]);
        b->pos[0] = orbit[i];
        b->pos[1] = 0.0;
        b->vel[0] = 0.0;
        b->vel[1] = i == 0 ? 0.0 : 1.0 / sqrt(orbit[i]);
        b->mass = i == 0 ? 1.0 : 0.001 * i;
    }
    s->steps_done = 0;
    s->time = 0.0;
}

/* Potential energy of the pairs (i, j > i) for i in [lo, hi), halving the range recursively. */
static double pair_energy(const struct sky *s, int lo, int hi)
{
    if (hi - lo <= 1) {
        double e = 0.0;
        for (int j = lo + 1; j < BODIES; j++) {
            double dx = s->bodies[j].pos[0] - s->bodies[lo].pos[0];
            double dy = s->bodies[j].pos[1] - s->bodies[lo].pos[1];
            e -= s->bodies[lo].mass * s->bodies[j].mass / sqrt(dx * dx + dy * dy + 1e-3);
        }
        return e;
    }
    int mid = lo + (hi - lo) / 2;
    double left = pair_energy(s, lo, mid);
    double right = pair_energy(s, mid, hi);
    return left + right;
}

static double total_energy(const struct sky *s)
{
    double kinetic = 0.0;
    for (int i = 0; i < BODIES; i++) {
        const struct body *b = &s->bodies[i];
        kinetic += 0.5 * b->mass * (b->vel[0] * b->vel[0] + b->vel[1] * b->vel[1]);
    }
    double potential = pair_energy(s, 0, BODIES);
    return kinetic + potential;
}

/* One leapfrog step of length dt, or `substeps` smaller ones split in two halves recursively. */
static void advance(struct sky *s, double dt, int substeps)
{
    if (substeps > 1) {
        int half = substeps / 2;
        advance(s, dt, half);
        advance(s, dt, substeps - half);
        return;
    }
    double acc[BODIES][2];
    for (int i = 0; i < BODIES; i++) {
        acc[i][0] = 0.0;
        acc[i][1] = 0.0;
        for (int j = 0; j < BODIES; j++) {
            if (i == j)
                continue;
            double dx = s->bodies[j].pos[0] - s->bodies[i].pos[0];
            double dy = s->bodies[j].pos[1] - s->bodies[i].pos[1];
            double r2 = dx * dx + dy * dy + 1e-3;
            double f = s->bodies[j].mass / (r2 * sqrt(r2));
            acc[i][0] += dx * f;
            acc[i][1] += dy * f;
        }
    }
    for (int i = 0; i < BODIES; i++) {
        s->bodies[i].vel[0] += acc[i][0] * dt;
        s->bodies[i].vel[1] += acc[i][1] * dt;
        s->bodies[i].pos[0] += s->bodies[i].vel[0] * dt;
        s->bodies[i].pos[1] += s->bodies[i].vel[1] * dt;
    }
    s->time += dt;
}

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 48;
    init(&sky);
    double e0 = total_energy(&sky);
    printf("talent demo: %d bodies, %d steps of %d substeps\n", BODIES, steps, SUBSTEPS);
    for (int step = 1; step <= steps; step++) {
        advance(&sky, 0.01, SUBSTEPS);
        sky.steps_done++;
        if (step % 6 == 0) {
            double e = total_energy(&sky);
            printf("step %3d  t=%.2f  %s at (%+.6f, %+.6f)  energy drift %+.3e\n", step, sky.time,
                   sky.bodies[1].name, sky.bodies[1].pos[0], sky.bodies[1].pos[1], (e - e0) / -e0);
        }
    }
    unsigned long checksum = 0;
    for (int i = 0; i < BODIES; i++) {
        unsigned char bytes[8];
        double x = sky.bodies[i].pos[0] * 1e6;
        unsigned long long v = (unsigned long long)(long long)x;
        for (int k = 0; k < 8; k++)
            bytes[k] = (unsigned char)(v >> (8 * k));
        for (int k = 0; k < 8; k++)
            checksum = checksum * 31 + bytes[k];
    }
    printf("done after %ld steps, t=%.2f, checksum %08lx\n", sky.steps_done, sky.time, checksum & 0xffffffffUL);
    return 0;
}
