/* netproto.c: getprotobyname, getprotobynumber and getprotoent wrapped (netproto.h), an archive member of its own.
 *
 * Each returns a struct protoent in the C library's static storage whose name and p_aliases lie there or in a block
 * the C library allocated: a pointer the program kept across a stop pointed nowhere a checkpoint knows and the
 * restarted program crashed reading it. The wrapper copies the result, array and strings, into a buffer of the
 * runtime's (foreign.c) and returns the copy: a pointer kept into it refuses a checkpoint by name. Not carried (a
 * struct of pointers rebuilt per C library and ISA: not done). */
#include "netproto.h"
#include "foreign.h"
#include <string.h>

struct protoent *__real_getprotobyname(const char *name);
struct protoent *__real_getprotobynumber(int proto);
struct protoent *__real_getprotoent(void);

/* glibc's functions have a static result each; musl's share one (foreign.h, TL_SLOT_*) */
#ifdef __GLIBC__
#define SLOT(slot) (slot)
#else
#define SLOT(slot) TL_SLOT_PROTONAME
#endif

/* NULL (no such entry) is returned as it is, and so is a result that cannot be copied */
static struct protoent *kept(struct protoent *p, int slot)
{
    struct protoent *c;
    char *ptrs, *at;
    size_t need;
    if (!p)
        return p;
    need = sizeof *p + tl_uncarried_strings_size(p->p_aliases) + (p->p_name ? strlen(p->p_name) + 1 : 0);
    c = tl_uncarried_buffer(TL_UNCARRIED_PROTO, slot, need);
    if (!c)
        return p;
    *c = *p;
    /* the array right after the struct (aligned as the struct is), the strings after it */
    ptrs = (char *)(c + 1);
    at = ptrs + tl_uncarried_array_size(p->p_aliases);
    c->p_aliases = tl_uncarried_strings(&ptrs, &at, p->p_aliases);
    c->p_name = tl_uncarried_string(&at, p->p_name);
    return c;
}

struct protoent *__wrap_getprotobyname(const char *name)
{
    return kept(__real_getprotobyname(name), SLOT(TL_SLOT_PROTONAME));
}

struct protoent *__wrap_getprotobynumber(int proto)
{
    return kept(__real_getprotobynumber(proto), SLOT(TL_SLOT_PROTONUM));
}

struct protoent *__wrap_getprotoent(void)
{
    return kept(__real_getprotoent(), SLOT(TL_SLOT_PROTOENT));
}
