/* A project header's static inline function is instrumented like the main file: its lines are named. */
#include <stdint.h>
static inline unsigned set_bucket(const void *p) {
  // BUG: Diagnostic contains: address 'p' converted to an integer (uintptr_t) and used in arithmetic (>>)
  return (unsigned)(((uintptr_t)p >> 3) % 64);
}
