/* netserv.c: getservbyname, getservbyport and getservent wrapped (netserv.h), an archive member of its own.
 *
 * Each returns a struct servent in the C library's static storage whose name, protocol and s_aliases lie there or in a
 * block the C library allocated: a pointer the program kept across a stop pointed nowhere a checkpoint knows and the
 * restarted program crashed reading it. The wrapper copies the result, array and strings, into a buffer of the
 * runtime's (foreign.c) and returns the copy: a pointer kept into it refuses a checkpoint by name. Not carried (a
 * struct of pointers rebuilt per C library and ISA: not done). */
#include "netserv.h"
#include "foreign.h"
#include <string.h>

struct servent *__real_getservbyname(const char *name, const char *proto);
struct servent *__real_getservbyport(int port, const char *proto);
struct servent *__real_getservent(void);

/* glibc's and musl's functions have a static result each (foreign.h, TL_SLOT_*) */

/* NULL (no such entry) is returned as it is, and so is a result that cannot be copied */
static struct servent *kept(struct servent *p, int slot)
{
    struct servent *c;
    char *ptrs, *at;
    size_t need;
    if (!p)
        return p;
    need = sizeof *p + tl_uncarried_strings_size(p->s_aliases) + (p->s_name ? strlen(p->s_name) + 1 : 0) +
           (p->s_proto ? strlen(p->s_proto) + 1 : 0);
    c = tl_uncarried_buffer(TL_UNCARRIED_SERV, slot, need);
    if (!c)
        return p;
    *c = *p;
    /* the array right after the struct (aligned as the struct is), the strings after it */
    ptrs = (char *)(c + 1);
    at = ptrs + tl_uncarried_array_size(p->s_aliases);
    c->s_aliases = tl_uncarried_strings(&ptrs, &at, p->s_aliases);
    c->s_name = tl_uncarried_string(&at, p->s_name);
    c->s_proto = tl_uncarried_string(&at, p->s_proto);
    return c;
}

struct servent *__wrap_getservbyname(const char *name, const char *proto)
{
    return kept(__real_getservbyname(name, proto), TL_SLOT_SERVNAME);
}

struct servent *__wrap_getservbyport(int port, const char *proto)
{
    return kept(__real_getservbyport(port, proto), TL_SLOT_SERVPORT);
}

struct servent *__wrap_getservent(void)
{
    return kept(__real_getservent(), TL_SLOT_SERVENT);
}
