/* No marker: the program is accepted without any diagnostic. */
#include <alloca.h>
int leaf(int n) { char *p = alloca(n + 1); p[0] = 1; return p[0]; }
int main(void) { int s = 0; for (int i = 0; i < 3; i++) s += leaf(i); return s - 3; }
