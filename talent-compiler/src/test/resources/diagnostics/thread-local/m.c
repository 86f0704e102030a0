/* Thread-locals of a unit that starts threads stay thread-locals and are refused (analysis.ThreadLocals);
 * in a single-threaded unit they are plain statics (ThreadLocalsTest). */
#include <pthread.h>
#include <stdio.h>
// BUG: Diagnostic contains: thread-local variable 'seen'
_Thread_local int seen;
static void *run(void *a) {
  // BUG: Diagnostic contains: thread-local variable 'calls'
  static __thread int calls;
  calls++;
  return a;
}
int main(void) {
  pthread_t t;
  // BUG: Diagnostic contains: threads are not supported ('pthread_create')
  pthread_create(&t, 0, run, 0);
  for (int i = 0; i < 3; i++) seen++;
  return seen;
}
