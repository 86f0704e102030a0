/* A local with __attribute__((cleanup)) in a function that may checkpoint: the unwind of a checkpoint returns through
 * the function, so the cleanup would free the block before it is saved (the restart crashed, exit 139). */
#include <stdlib.h>
static void freep(void *p) { free(*(void **)p); }
static int work(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; return s; }
static long run(int r) {
  // BUG: Diagnostic contains: variable 'buf' has __attribute__((cleanup)) in 'run', a function that may checkpoint
  __attribute__((cleanup(freep))) int *buf = malloc(16 * sizeof *buf);
  long s = 0;
  for (int i = 0; i < 16; i++) { buf[i] = work(r + i); s += buf[i]; }
  return s;
}
static int quick(int r) {
  __attribute__((cleanup(freep))) int *one = malloc(sizeof *one);   /* no loop, no call that may checkpoint: accepted */
  *one = r;
  return *one + 1;
}
int main(void) {
  long t = 0;
  for (int r = 0; r < 10; r++) t += run(r) + quick(r);
  return (int)(t & 1);
}
