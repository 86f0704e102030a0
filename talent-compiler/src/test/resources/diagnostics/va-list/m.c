/* A va_list is never saved. Where talent can delimit the region in which it is live (va_start .. va_end as
 * whole statements of one block, or a va_list parameter), no checkpoint is taken there; where it cannot and the
 * va_list is needed after a point, the variable is refused by name (VaListBrackets, VaListRegions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
static jmp_buf env;
static long work(int n) { long s = 0; for (int i = 0; i < n; i++) s += i % 7; return s; }
static int vsum(int n, va_list ap) { int t = 0; for (int i = 0; i < n; i++) t += va_arg(ap, int) + (int)work(i); return t; }
static int fine(int n, ...) {
  va_list ap;
  long t = work(n);
  va_start(ap, n);
  t += vsum(n, ap) + work(2);
  if (t < 0) { va_end(ap); return -1; }
  va_end(ap);
  return (int)(t + work(1));
}
static int branch(int n, ...) {
  // BUG: Diagnostic contains: variable 'ap' is a va_list needed after a point where a checkpoint may be taken
  va_list ap;
  int t = 0;
  if (n > 0) va_start(ap, n);
  t += (int)work(n);
  if (n > 0) { t += va_arg(ap, int); va_end(ap); }
  return t;
}
static int jumps(int n, ...) {
  // BUG: Diagnostic contains: variable 'ap' is a va_list needed after a point
  va_list ap;
  va_start(ap, n);
  if (setjmp(env) == 0) n += (int)work(n);
  n += va_arg(ap, int);
  va_end(ap);
  return n;
}
int main(void) { printf("%d %d %d\n", fine(2, 1, 2), branch(1, 4), jumps(1, 3)); return 0; }
