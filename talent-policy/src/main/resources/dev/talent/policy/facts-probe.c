/* talent's platform probe: prints what the platform is, as detected on it (not as talent assumes it). */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

int main(void) {
    struct utsname u;
    union { unsigned int word; unsigned char bytes[sizeof(unsigned int)]; } order;
    order.word = 1u;
    printf("word_bits=%u\n", (unsigned) (sizeof(void *) * 8u));
    printf("byte_order=%s\n", order.bytes[0] == 1u ? "little" : "big");
#ifdef __GLIBC__
    printf("libc=glibc\n");
    printf("libc_version=%s\n", gnu_get_libc_version());
#else
    printf("libc=other\n");
#endif
    if (uname(&u) == 0) {
        printf("machine=%s\n", u.machine);
        printf("kernel=%s %s\n", u.sysname, u.release);
        printf("host=%s\n", u.nodename);
    }
    return 0;
}
