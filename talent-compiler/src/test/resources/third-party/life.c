/* life.c - a toroidal cellular automaton on a heap grid accessed through
 * row pointers, with static counters in several functions and goto cleanup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 24
#define H 16

typedef unsigned char row_t[W];

static int neighbours(row_t *g, int y, int x)
{
	static unsigned long calls;
	int dy, dx, n = 0;
	calls++;
	for (dy = -1; dy <= 1; dy++)
		for (dx = -1; dx <= 1; dx++)
			if (dy || dx)
				n += g[(y + dy + H) % H][(x + dx + W) % W];
	if (calls % 50000 == 0)
		printf("  neighbours called %lu times\n", calls);
	return n;
}

static unsigned checksum(row_t *g)
{
	static unsigned last;
	unsigned h = 2166136261u;
	unsigned char (*r)[W];
	for (r = g; r < g + H; r++) {
		const unsigned char *c;
		for (c = *r; c < *r + W; c++)
			h = (h ^ *c) * 16777619u;
	}
	h ^= last;
	last = h;
	return h;
}

static int step(row_t *from, row_t *to)
{
	static int generation;
	int y, x, alive = 0;
	for (y = 0; y < H; y++) {
		unsigned char *out = to[y];
		for (x = 0; x < W; x++) {
			int n = neighbours(from, y, x);
			out[x] = (unsigned char)(n == 3 || (n == 2 && from[y][x]));
			alive += out[x];
		}
	}
	return ++generation * 0 + alive;
}

static int run(int gens, unsigned *sum)
{
	row_t *a = NULL, *b = NULL, *t;
	int g, rc = -1, alive = 0;
	char *log = NULL;

	a = malloc(H * sizeof *a);
	if (!a) goto out;
	b = malloc(H * sizeof *b);
	if (!b) goto out;
	log = malloc(64);
	if (!log) goto out;
	memset(a, 0, H * sizeof *a);
	a[1][2] = a[2][3] = a[3][1] = a[3][2] = a[3][3] = 1;     /* glider */
	a[8][10] = a[8][11] = a[8][12] = 1;                      /* blinker */
	a[12][5] = a[12][6] = a[13][5] = a[13][6] = 1;           /* block */
	for (g = 0; g < gens; g++) {
		alive = step(a, b);
		t = a; a = b; b = t;
		*sum = *sum * 7 + checksum(a);
		if (g % 25 == 0) {
			snprintf(log, 64, "gen %d alive %d sum %08x", g, alive, *sum);
			puts(log);
		}
		if (alive == 0) goto out_ok;
	}
out_ok:
	rc = alive;
out:
	free(log);
	free(b);
	free(a);
	return rc;
}

int main(void)
{
	unsigned sum = 0;
	int alive = run(120, &sum);
	printf("alive %d sum %08x\n", alive, sum);
	return alive < 0;
}
