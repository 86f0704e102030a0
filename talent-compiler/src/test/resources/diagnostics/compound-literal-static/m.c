#include <stdio.h>
struct a { int *p; int n; };
// BUG: Diagnostic contains: compound literal in the initialiser of 'gb' has static storage
struct a *gb = &(struct a){ .p = (int[]){1, 2}, .n = 2 };
static int next(void) {
// BUG: Diagnostic contains: compound literal in the initialiser of 'sp' has static storage
  static int *sp = (int[]){3, 4};
  return sp[0]++;
}
int main(void) { int s = 0; for (int i = 0; i < 3; i++) s += next() + gb->p[i % 2]; printf("%d\n", s); return 0; }
