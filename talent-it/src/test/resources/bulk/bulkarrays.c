/* Arrays that the runtime encodes and decodes in bulk (talent-runtime bulk.c): scalars of every width, arrays
 * of structs with and without padding, nested arrays, heap arrays, and types whose width differs between
 * ISAs (long). With the argument "wide", l[7] holds a value that does not fit a 32-bit long. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 1000
struct padded { int a; double b; short c; char d; };
struct vec { double x, y, z; };
struct mixed { long n; unsigned char tag[3]; float w[2]; };

double d[N];
float f[N];
int i32[N];
long l[N];
unsigned short us[N];
signed char sc[N];
long long ll[N];
unsigned long long ull[N];
struct padded pads[100];
struct vec vecs[100];
struct mixed mix[50];
int grid[10][20];
static double nested[4][3][5];

static unsigned int state = 12345u;
static unsigned int next(void) { state ^= state << 13; state ^= state >> 17; state ^= state << 5; return state; }

static void fill(int wide) {
    int k, j;
    for (k = 0; k < N; k++) {
        d[k] = (double)(next() % 100000u) / 7.0;
        f[k] = (float)(next() % 1000u) / 3.0f;
        i32[k] = (int)(next() % 2000000u) - 1000000;
        l[k] = (long)(next() % 2000000000u) - 1000000000L;
        us[k] = (unsigned short)next();
        sc[k] = (signed char)(next() % 256u - 128);
        ll[k] = ((long long)next() << 20) - 5000000000LL;
        ull[k] = ((unsigned long long)next() << 31) | next();
    }
    if (wide) l[7] = (long)(2500000000.0 * 2);
    for (k = 0; k < 100; k++) {
        pads[k].a = (int)next() % 1000; pads[k].b = k / 3.0; pads[k].c = (short)(k * 31); pads[k].d = (char)('a' + k % 26);
        vecs[k].x = k; vecs[k].y = -k / 2.0; vecs[k].z = (double)next();
    }
    for (k = 0; k < 50; k++) {
        mix[k].n = -k * 1000L; mix[k].tag[0] = (unsigned char)k; mix[k].tag[1] = 0xff; mix[k].tag[2] = (unsigned char)(k * 7);
        mix[k].w[0] = k / 4.0f; mix[k].w[1] = -(float)k;
    }
    for (k = 0; k < 10; k++) for (j = 0; j < 20; j++) grid[k][j] = k * 100 - j;
    for (k = 0; k < 60; k++) (&nested[0][0][0])[k] = k * 0.25;
}

static void report(int pass, const double *hd, const struct vec *hv, const int *hi) {
    double sd = 0, sf = 0, sv = 0, sh = 0;
    long long si = 0, sl = 0, su = 0, ss = 0, sll = 0, sp = 0, sm = 0, sg = 0, shi = 0;
    unsigned long long sull = 0;
    int k, j;
    for (k = 0; k < N; k++) {
        sd += d[k]; sf += f[k]; si += i32[k]; sl += l[k]; su += us[k]; ss += sc[k]; sll += ll[k] / 1024; sull ^= ull[k];
        sh += hd[k]; shi += hi[k];
    }
    for (k = 0; k < 100; k++) { sp += pads[k].a + pads[k].c + pads[k].d; sv += pads[k].b + vecs[k].x + vecs[k].y + vecs[k].z + hv[k].x + hv[k].z; }
    for (k = 0; k < 50; k++) sm += mix[k].n + mix[k].tag[0] + mix[k].tag[1] + mix[k].tag[2] + (long long)(mix[k].w[0] * 4) + (long long)mix[k].w[1];
    for (k = 0; k < 10; k++) for (j = 0; j < 20; j++) sg += grid[k][j];
    for (k = 0; k < 60; k++) sv += (&nested[0][0][0])[k];
    printf("pass %d: %.4f %.4f %lld %lld %lld %lld %lld %llx %lld %.4f %lld %lld %.4f %lld l7=%ld\n", pass, sd, sf, si, sl,
           su, ss, sll, sull, sp, sv, sm, sg, sh, shi, l[7]);
}

int main(int argc, char **argv) {
    int wide = argc > 1 && strcmp(argv[1], "wide") == 0;
    double *hd = malloc(N * sizeof *hd);
    struct vec *hv = malloc(100 * sizeof *hv);
    int *hi = malloc(N * sizeof *hi);
    int pass, k;
    fill(wide);
    for (k = 0; k < N; k++) { hd[k] = k * 1.5; hi[k] = -k; }
    for (k = 0; k < 100; k++) { hv[k].x = k; hv[k].y = 0; hv[k].z = k * k; }
    for (pass = 0; pass < 6; pass++) {
        for (k = 0; k < N; k++) { d[k] += 1.0; i32[k] ^= pass; us[k] = (unsigned short)(us[k] + 3); hd[k] *= 1.0001; hi[k] += pass; }
        for (k = 0; k < 100; k++) { vecs[k].y += 0.5; hv[k].y += 1; pads[k].a++; }
        l[pass] -= 17;
        report(pass, hd, hv, hi);
    }
    free(hd);
    free(hv);
    free(hi);
    return 0;
}
