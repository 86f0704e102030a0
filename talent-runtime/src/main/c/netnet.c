/* netnet.c: getnetbyname, getnetbyaddr and getnetent wrapped (netnet.h), an archive member of its own.
 *
 * Each returns a struct netent in the C library's static storage (glibc's; musl's find nothing) whose name and
 * n_aliases lie there or in a block the C library allocated: a pointer the program kept across a stop pointed nowhere
 * a checkpoint knows and the restarted program crashed reading it. The wrapper copies the result, array and strings,
 * into a buffer of the runtime's (foreign.c) and returns the copy: a pointer kept into it refuses a checkpoint by
 * name. Not carried (a struct of pointers rebuilt per C library and ISA: not done). */
#include "netnet.h"
#include "foreign.h"
#include <string.h>

struct netent *__real_getnetbyname(const char *name);
struct netent *__real_getnetbyaddr(uint32_t net, int type);
struct netent *__real_getnetent(void);

/* glibc's functions have a static result each (foreign.h, TL_SLOT_*) */

/* NULL (no such network) is returned as it is, and so is a result that cannot be copied */
static struct netent *kept(struct netent *p, int slot)
{
    struct netent *c;
    char *ptrs, *at;
    size_t need;
    if (!p)
        return p;
    need = sizeof *p + tl_uncarried_strings_size(p->n_aliases) + (p->n_name ? strlen(p->n_name) + 1 : 0);
    c = tl_uncarried_buffer(TL_UNCARRIED_NET, slot, need);
    if (!c)
        return p;
    *c = *p;
    /* the array right after the struct (aligned as the struct is), the strings after it */
    ptrs = (char *)(c + 1);
    at = ptrs + tl_uncarried_array_size(p->n_aliases);
    c->n_aliases = tl_uncarried_strings(&ptrs, &at, p->n_aliases);
    c->n_name = tl_uncarried_string(&at, p->n_name);
    return c;
}

struct netent *__wrap_getnetbyname(const char *name)
{
    return kept(__real_getnetbyname(name), TL_SLOT_NETNAME);
}

struct netent *__wrap_getnetbyaddr(uint32_t net, int type)
{
    return kept(__real_getnetbyaddr(net, type), TL_SLOT_NETADDR);
}

struct netent *__wrap_getnetent(void)
{
    return kept(__real_getnetent(), TL_SLOT_NETENT);
}
