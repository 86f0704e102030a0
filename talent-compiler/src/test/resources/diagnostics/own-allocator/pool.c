/* A program with its own allocator over a static pool (embedded code does this): talent wraps the C library's
 * allocator to track heap blocks, so the build is refused naming each definition. A static helper of the same name
 * in another program would be its own function; strdup a program may define (ProgramTable.WRAPPED_OWN_DEFINABLE). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
static unsigned char pool[1 << 16];
static size_t used;
// BUG: Diagnostic contains: the program defines its own 'malloc'
void *malloc(size_t n) {
  void *p;
  n = (n + 15) & ~(size_t)15;
  if (used + n > sizeof pool) return NULL;
  p = pool + used;
  used += n;
  return p;
}
// BUG: Diagnostic contains: the program defines its own 'free'
void free(void *p) { (void)p; }
char *strdup(const char *s) { size_t n = strlen(s) + 1; char *p = malloc(n); if (p) memcpy(p, s, n); return p; }
int main(void) {
  long t = 0;
  for (int i = 0; i < 100; i++) { char *s = strdup("abc"); t += (long)strlen(s); free(s); }
  printf("%ld\n", t);
  return 0;
}
