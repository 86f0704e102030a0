/* netnet.c: getnetbyname, getnetbyaddr and getnetent wrapped (netnet.h), an archive member of its own.
 *
 * Each returns a struct netent in the C library's static storage (glibc's; musl's find nothing) whose name and
 * n_aliases lie there or in a block the C library allocated: a pointer the program kept across a stop pointed nowhere
 * a checkpoint knows and the restarted program crashed reading it. The wrapper copies the result, array and strings,
 * into a buffer of the runtime's (foreign.c) and returns the copy: a pointer kept into it refuses a checkpoint by
 * name. Not carried (a struct of pointers rebuilt per C library and ISA: not done). */
#include "netnet.h"
#include "foreign.h"
#include <stddef.h>

struct netent *__real_getnetbyname(const char *name);
struct netent *__real_getnetbyaddr(uint32_t net, int type);
struct netent *__real_getnetent(void);

/* glibc's functions have a static result each (foreign.h, TL_SLOT_*) */

/* copied whole, aliases and strings; NULL (no such entry) and a result that cannot be copied are returned as they are */
static const size_t strings[] = {offsetof(struct netent, n_name)};
static const struct tl_uncarried_shape shape = {sizeof(struct netent), strings, sizeof strings / sizeof strings[0],
                                                offsetof(struct netent, n_aliases)};

struct netent *__wrap_getnetbyname(const char *name)
{
    return tl_uncarried_copy(TL_UNCARRIED_NET, TL_SLOT_NETNAME, __real_getnetbyname(name), &shape);
}

struct netent *__wrap_getnetbyaddr(uint32_t net, int type)
{
    return tl_uncarried_copy(TL_UNCARRIED_NET, TL_SLOT_NETADDR, __real_getnetbyaddr(net, type), &shape);
}

struct netent *__wrap_getnetent(void)
{
    return tl_uncarried_copy(TL_UNCARRIED_NET, TL_SLOT_NETENT, __real_getnetent(), &shape);
}
