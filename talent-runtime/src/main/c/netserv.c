/* netserv.c: getservbyname, getservbyport and getservent wrapped (netserv.h), an archive member of its own.
 *
 * Each returns a struct servent in the C library's static storage whose name, protocol and s_aliases lie there or in a
 * block the C library allocated: a pointer the program kept across a stop pointed nowhere a checkpoint knows and the
 * restarted program crashed reading it. The wrapper copies the result, array and strings, into a buffer of the
 * runtime's (foreign.c) and returns the copy: a pointer kept into it refuses a checkpoint by name. Not carried (a
 * struct of pointers rebuilt per C library and ISA: not done). */
#include "netserv.h"
#include "foreign.h"
#include <stddef.h>

struct servent *__real_getservbyname(const char *name, const char *proto);
struct servent *__real_getservbyport(int port, const char *proto);
struct servent *__real_getservent(void);

/* glibc's and musl's functions have a static result each (foreign.h, TL_SLOT_*) */

/* copied whole, aliases and strings; NULL (no such entry) and a result that cannot be copied are returned as they are */
static const size_t strings[] = {offsetof(struct servent, s_name), offsetof(struct servent, s_proto)};
static const struct tl_uncarried_shape shape = {sizeof(struct servent), strings, sizeof strings / sizeof strings[0],
                                                offsetof(struct servent, s_aliases)};

struct servent *__wrap_getservbyname(const char *name, const char *proto)
{
    return tl_uncarried_copy(TL_UNCARRIED_SERV, TL_SLOT_SERVNAME, __real_getservbyname(name, proto), &shape);
}

struct servent *__wrap_getservbyport(int port, const char *proto)
{
    return tl_uncarried_copy(TL_UNCARRIED_SERV, TL_SLOT_SERVPORT, __real_getservbyport(port, proto), &shape);
}

struct servent *__wrap_getservent(void)
{
    return tl_uncarried_copy(TL_UNCARRIED_SERV, TL_SLOT_SERVENT, __real_getservent(), &shape);
}
