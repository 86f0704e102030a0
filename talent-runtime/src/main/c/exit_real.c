/* exit_real.c: atexit for a program linked without -Wl,--wrap=atexit (a test harness linked by hand), as heap_real.c
 * is for the allocator. Under --wrap the linker turns exit_handlers.c's reference to __real_atexit into one to the C
 * library's atexit, and this file is never pulled out of libtalent.a. */

#include <stdlib.h>

int __real_atexit(void (*fn)(void));

int __real_atexit(void (*fn)(void))
{
    return atexit(fn);
}
