/* netproto.c: getprotobyname, getprotobynumber and getprotoent wrapped (netproto.h), an archive member of its own.
 *
 * Each returns a struct protoent in the C library's static storage whose name and p_aliases lie there or in a block
 * the C library allocated: a pointer the program kept across a stop pointed nowhere a checkpoint knows and the
 * restarted program crashed reading it. The wrapper copies the result, array and strings, into a buffer of the
 * runtime's (foreign.c) and returns the copy: a pointer kept into it refuses a checkpoint by name. Not carried (a
 * struct of pointers rebuilt per C library and ISA: not done). */
#include "netproto.h"
#include "foreign.h"
#include <stddef.h>

struct protoent *__real_getprotobyname(const char *name);
struct protoent *__real_getprotobynumber(int proto);
struct protoent *__real_getprotoent(void);

/* glibc's functions have a static result each; musl's share one (foreign.h, TL_SLOT_*) */
#ifdef __GLIBC__
#define SLOT(slot) (slot)
#else
#define SLOT(slot) TL_SLOT_PROTONAME
#endif

/* copied whole, aliases and strings; NULL (no such entry) and a result that cannot be copied are returned as they are */
static const size_t strings[] = {offsetof(struct protoent, p_name)};
static const struct tl_uncarried_shape shape = {sizeof(struct protoent), strings, sizeof strings / sizeof strings[0],
                                                offsetof(struct protoent, p_aliases)};

struct protoent *__wrap_getprotobyname(const char *name)
{
    return tl_uncarried_copy(TL_UNCARRIED_PROTO, SLOT(TL_SLOT_PROTONAME), __real_getprotobyname(name), &shape);
}

struct protoent *__wrap_getprotobynumber(int proto)
{
    return tl_uncarried_copy(TL_UNCARRIED_PROTO, SLOT(TL_SLOT_PROTONUM), __real_getprotobynumber(proto), &shape);
}

struct protoent *__wrap_getprotoent(void)
{
    return tl_uncarried_copy(TL_UNCARRIED_PROTO, SLOT(TL_SLOT_PROTOENT), __real_getprotoent(), &shape);
}
