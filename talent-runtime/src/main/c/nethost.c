/* nethost.c: gethostbyname, gethostbyaddr and gethostent wrapped (nethost.h), an archive member of its own.
 *
 * Each returns a struct hostent in the C library's static storage (musl's: a block it allocates again at every call)
 * whose name, h_aliases and h_addr_list lie there: a pointer the program kept across a stop pointed nowhere a
 * checkpoint knows (or into raw bytes of the C library's block) and the restarted program crashed reading it. The
 * wrapper copies the result, arrays, addresses and strings, into a buffer of the runtime's (foreign.c) and returns the
 * copy: a pointer kept into it refuses a checkpoint by name. Not carried (a struct of pointers rebuilt per C library
 * and ISA: not done). */
#include "nethost.h"
#include "foreign.h"
#include <string.h>

struct hostent *__real_gethostbyname(const char *name);
struct hostent *__real_gethostbyaddr(const void *addr, socklen_t len, int type);
struct hostent *__real_gethostent(void);

/* glibc's and musl's functions have a static result each (foreign.h, TL_SLOT_*) */

/* NULL (no such host, h_errno as the C library set it) is returned as it is, and so is a result that cannot be
 * copied */
static struct hostent *kept(struct hostent *p, int slot)
{
    struct hostent *c;
    char *ptrs, *addrs, *at;
    size_t need, naddr = 0, k, alen;
    if (!p)
        return p;
    alen = p->h_length > 0 ? (size_t)p->h_length : 0;
    if (p->h_addr_list)
        while (p->h_addr_list[naddr])
            naddr++;
    need = sizeof *p + tl_uncarried_strings_size(p->h_aliases) + (p->h_addr_list ? (naddr + 1) * sizeof(char *) : 0) +
           naddr * alen + (p->h_name ? strlen(p->h_name) + 1 : 0);
    c = tl_uncarried_buffer(TL_UNCARRIED_HOST, slot, need);
    if (!c)
        return p;
    *c = *p;
    /* the arrays right after the struct (aligned as the struct is), the addresses after them (4 or 16 bytes each: as
     * aligned as a struct in_addr the program may read them as), the strings last */
    ptrs = (char *)(c + 1);
    addrs = ptrs + tl_uncarried_array_size(p->h_aliases) + (p->h_addr_list ? (naddr + 1) * sizeof(char *) : 0);
    at = addrs + naddr * alen;
    c->h_aliases = tl_uncarried_strings(&ptrs, &at, p->h_aliases);
    if (p->h_addr_list) {
        c->h_addr_list = (char **)(void *)ptrs;
        for (k = 0; k < naddr; k++) {
            memcpy(addrs, p->h_addr_list[k], alen);
            c->h_addr_list[k] = addrs;
            addrs += alen;
        }
        c->h_addr_list[naddr] = NULL;
    }
    c->h_name = tl_uncarried_string(&at, p->h_name);
    return c;
}

struct hostent *__wrap_gethostbyname(const char *name)
{
    return kept(__real_gethostbyname(name), TL_SLOT_HOSTNAME);
}

struct hostent *__wrap_gethostbyaddr(const void *addr, socklen_t len, int type)
{
    return kept(__real_gethostbyaddr(addr, len, type), TL_SLOT_HOSTADDR);
}

struct hostent *__wrap_gethostent(void)
{
    return kept(__real_gethostent(), TL_SLOT_HOSTENT);
}
