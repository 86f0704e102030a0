/* Constructs talent cannot checkpoint portably, each refused at its line with a remedy (analysis.Rejections). */
#include <alloca.h>
#include <pthread.h>
static void *env[5];
static void *run(void *a) { return a; }
int main(int argc, char **argv) {
  pthread_t t;
  // BUG: Diagnostic contains: '__builtin_setjmp' cannot be checkpointed: its buffer holds this ISA's frame
  if (__builtin_setjmp(env)) return 1;
  // BUG: Diagnostic contains: threads are not supported ('pthread_create')
  pthread_create(&t, 0, run, 0);
  // BUG: Diagnostic contains: inline assembly cannot be checkpointed portably
  __asm__ volatile("" ::: "memory");
  // BUG: Diagnostic contains: alloca in 'main', a function that may checkpoint, in a form talent does not rewrite
  char *p = __builtin_alloca_with_align(16, 65536); /* above 4096 bytes */
  int vla[1];
  // BUG: Diagnostic contains: computed goto (&&label / goto *p) is not supported
  static void *where = &&out;
  // BUG: Diagnostic contains: computed goto
  goto *where;
out:
  for (int i = 0; i < argc; i++) p[i] = (char)vla[0];
  (void)argv;
  return 0;
}
