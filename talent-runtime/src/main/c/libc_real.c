/* libc_real.c: the C library functions libc_state.c calls through __real_ names, for a program linked without the
 * -Wl,--wrap flags of RuntimeLibrary.WRAPPED_OTHER (a test harness linked by hand), as heap_real.c is for the
 * allocator. Under --wrap the linker turns those references into the C library's functions and this file is never
 * pulled out of libtalent.a. */

#include <stdlib.h>
#include <unistd.h>

int getopt(int argc, char *const argv[], const char *optstring);
struct option;
int getopt_long(int argc, char *const argv[], const char *optstring, const struct option *longopts, int *longindex);
int getopt_long_only(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                     int *longindex);
char *initstate(unsigned seed, char *state, size_t size);
char *setstate(char *state);
long random(void);
void srandom(unsigned seed);
int hcreate(size_t n);
void hdestroy(void);

int __real_getopt(int argc, char *const argv[], const char *optstring);
int __real_getopt_long(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                       int *longindex);
int __real_getopt_long_only(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                            int *longindex);
char *__real_initstate(unsigned seed, char *state, size_t size);
char *__real_setstate(char *state);
long __real_random(void);
void __real_srandom(unsigned seed);
int __real_hcreate(size_t n);
void __real_hdestroy(void);

int __real_getopt(int argc, char *const argv[], const char *optstring)
{
    return getopt(argc, argv, optstring);
}

int __real_getopt_long(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                       int *longindex)
{
    return getopt_long(argc, argv, optstring, longopts, longindex);
}

int __real_getopt_long_only(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                            int *longindex)
{
    return getopt_long_only(argc, argv, optstring, longopts, longindex);
}

char *__real_initstate(unsigned seed, char *state, size_t size)
{
    return initstate(seed, state, size);
}

char *__real_setstate(char *state)
{
    return setstate(state);
}

long __real_random(void)
{
    return random();
}

void __real_srandom(unsigned seed)
{
    srandom(seed);
}

int __real_hcreate(size_t n)
{
    return hcreate(n);
}

void __real_hdestroy(void)
{
    hdestroy();
}
