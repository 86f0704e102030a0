/* State of a header that talent does not save is refused by name, at the header's line: a thread-local of a unit
 * that starts threads (in a single-threaded unit it is a plain static, ThreadLocalsTest). */
#include <pthread.h>
#include "t.h"
static void *run(void *a) { next_id(); return a; }
int main(void) {
  pthread_t t;
  // BUG: Diagnostic contains: threads are not supported ('pthread_create')
  pthread_create(&t, 0, run, 0);
  return next_id();
}
