/* A program's own global variable named like a C library function talent wraps when it links (-Wl,--wrap=random):
 * the linker sent b.c's reference to the runtime's wrapper function __wrap_random, and the program printed another
 * sum with exit 0. Now refused naming the variable and the use. A static variable of such a name, or one used in its
 * own file only, is not affected (c.c's own static 'rand'). */
#include <stdio.h>
// BUG: Diagnostic contains: the program's global variable 'random' has the name of a C library function talent wraps
int random = 12345;
int report(void);
int roll(void);
int main(void) {
  long t = 0;
  for (int i = 0; i < 5; i++) { random += i; t += report() + roll(); }
  printf("t=%ld random=%d\n", t, random);
  return 0;
}
