#include <stdio.h>
static int one(void) { return 1; }
static int two(void) { return 2; }
// BUG: Diagnostic contains: compound literal in the initialiser of 'ops' has static storage
int (**ops)(void) = (int (*[])(void)){ one, two };
int main(void) {
// BUG: Diagnostic contains: compound literal in 'main', a function that may checkpoint, that talent could not give a frame variable
  int (**local)(void) = (int (*[])(void)){ two, one };
  int s = 0;
  for (int i = 0; i < 3; i++) s += ops[i % 2]() + local[i % 2]();
  printf("%d\n", s);
  return 0;
}
