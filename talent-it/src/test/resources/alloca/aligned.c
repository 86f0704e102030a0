/* Aligned alloca in functions that may checkpoint (AlignedAllocaMigrationIT): __builtin_alloca_with_align blocks of
 * 32 and 64 bytes live across sites, passed to a callee that checkpoints, and allocated anew at each round; each
 * round prints whether every block is still aligned, so a restore that loses the alignment prints something else
 * than plain gcc. Also alloca through the program's own macro, and in a function that never checkpoints. */
#include <alloca.h>
#include <stdint.h>
#include <stdio.h>

#define SCRATCH(n) alloca(n)

/* a callee with a site, given the aligned blocks: its loop may checkpoint while they are live */
static uint64_t mix(double *v, uint64_t *w, int n, int r) {
  uint64_t h = 0;
  for (int i = 0; i < n; i++) {
    v[i] += r * 0.5 + i;
    w[i] = w[i] * 3 + (uint64_t)(i + r);
    h = h * 31 + w[i] + (uint64_t)v[i];
  }
  return h % 1000003;
}

/* never checkpoints: no loop, no call that may */
static int leaf(int n) {
  char *s = SCRATCH(n + 1);
  unsigned char *t = __builtin_alloca_with_align(n + 1, 512);
  s[0] = (char)n;
  t[0] = (unsigned char)(n * 2);
  return s[0] + t[0] + (((uintptr_t)t % 64) == 0);
}

static long work(int n, int rounds) {
  double *v = __builtin_alloca_with_align(n * sizeof(double), 256);
  uint64_t *w = __builtin_alloca_with_align(n * sizeof(uint64_t), 512);
  char *tag = SCRATCH(16);
  long acc = 0;
  for (int i = 0; i < n; i++) { v[i] = i; w[i] = (uint64_t)i * 7; }
  snprintf(tag, 16, "n%d", n);
  for (int r = 0; r < rounds; r++) {
    int *blk = __builtin_alloca_with_align(4 * sizeof(int), 512);   /* a new block each round, freed at return */
    uint64_t h;
    blk[0] = r;
    blk[3] = r * 2;
    h = mix(v, w, n, r);
    acc += (long)(h % 1000) + blk[0] + blk[3] + leaf(r % 7);
    printf("r=%d %s h=%llu a32=%d a64=%d blk64=%d acc=%ld\n", r, tag, (unsigned long long)h, ((uintptr_t)v % 32) == 0,
           ((uintptr_t)w % 64) == 0, ((uintptr_t)blk % 64) == 0, acc);
  }
  return acc;
}

int main(void) {
  long a = work(24, 60);
  printf("total=%ld leaf=%d\n", a, leaf(5));
  return 0;
}
