#include <stdio.h>
struct pt { int x, y; };
struct opts { int n; const char *name; };
static int *gp = (int[]){5, 6, 7};
static const struct pt *gq = &(const struct pt){1, 2};
static int size(struct opts o) { int s = 0; for (int i = 0; i < o.n; i++) s += i; return s; }
int main(void) {
  struct pt *p = &(struct pt){1, 2};
  int *a = (int[]){1, 2, 3};
  const char *const *names = (const char *const[]){"a", "b"};
  int s = size((struct opts){.n = 3}) + (int){4} + (int)sizeof((int[]){1, 2});
  for (int i = 0; i < 3; i++) s += p->x + a[i] + gp[i] + gq->y + names[i % 2][0];
  printf("%d\n", s);
  return 0;
}
