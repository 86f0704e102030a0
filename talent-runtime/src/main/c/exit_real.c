/* exit_real.c: atexit and exit for a program linked without -Wl,--wrap=atexit,--wrap=exit (a test harness linked by
 * hand), as heap_real.c is for the allocator. Under --wrap the linker turns exit_handlers.c's references to
 * __real_atexit and __real_exit into ones to the C library's functions, and this file is never pulled out of
 * libtalent.a. */

#include <stdlib.h>

int __real_atexit(void (*fn)(void));
int __real_at_quick_exit(void (*fn)(void));
int at_quick_exit(void (*fn)(void));
void __real_exit(int status) __attribute__((noreturn));

int __real_atexit(void (*fn)(void))
{
    return atexit(fn);
}

int __real_at_quick_exit(void (*fn)(void))
{
    return at_quick_exit(fn);
}

void __real_exit(int status)
{
    exit(status);
}
