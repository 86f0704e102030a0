/* pwgr.c: getpwnam, getpwuid, getpwent, getgrnam, getgrgid and getgrent wrapped (pwgr.h), an archive member of its own.
 *
 * Each returns a struct in the C library's static storage whose strings (and gr_mem's array) lie there or in a buffer
 * the C library allocated: a pointer the program kept across a stop pointed nowhere a checkpoint knows and the
 * restarted program crashed reading it (exit 139). Each wrapper copies the result, strings and all, into a buffer of the
 * runtime's (foreign.c, tl_uncarried_buffer) and returns the copy: a pointer into it refuses a checkpoint by name and the
 * program goes on. The copies are not carried: struct passwd and struct group hold pointers, and a carried struct of the
 * runtime's would have to be rebuilt per C library and ISA (not done).
 *
 * A member of its own because glibc's static getpwnam & co. carry the linker's warning "Using 'getpwnam' in statically
 * linked applications requires at runtime the shared libraries from the glibc version used for linking": only a
 * program that calls one of them pulls this member (-Wl,--wrap turns its reference into one to the wrapper), and so
 * links the C library's functions, as under plain gcc. */
#include "pwgr.h"
#include "foreign.h"
#include <string.h>

struct passwd *__real_getpwnam(const char *name);
struct passwd *__real_getpwuid(uid_t uid);
struct passwd *__real_getpwent(void);
struct group *__real_getgrnam(const char *name);
struct group *__real_getgrgid(gid_t gid);
struct group *__real_getgrent(void);

static size_t len0(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* NULL (no such entry, errno as the C library set it) is returned as it is; so is a result that cannot be copied */
static struct passwd *pw_kept(struct passwd *p, int slot)
{
    struct passwd *c;
    char *at;
    if (!p)
        return p;
    c = tl_uncarried_buffer(TL_UNCARRIED_PASSWD, slot, sizeof *p + len0(p->pw_name) + len0(p->pw_passwd) +
                                                     len0(p->pw_gecos) + len0(p->pw_dir) + len0(p->pw_shell));
    if (!c)
        return p;
    *c = *p;
    at = (char *)(c + 1);
    c->pw_name = tl_uncarried_string(&at, p->pw_name);
    c->pw_passwd = tl_uncarried_string(&at, p->pw_passwd);
    c->pw_gecos = tl_uncarried_string(&at, p->pw_gecos);
    c->pw_dir = tl_uncarried_string(&at, p->pw_dir);
    c->pw_shell = tl_uncarried_string(&at, p->pw_shell);
    return c;
}

static struct group *gr_kept(struct group *g, int slot)
{
    struct group *c;
    char *at;
    size_t n = 0, need, k;
    if (!g)
        return g;
    need = sizeof *g + len0(g->gr_name) + len0(g->gr_passwd);
    if (g->gr_mem) {
        for (n = 0; g->gr_mem[n]; n++)
            need += len0(g->gr_mem[n]);
        need += (n + 1) * sizeof(char *);
    }
    c = tl_uncarried_buffer(TL_UNCARRIED_GROUP, slot, need);
    if (!c)
        return g;
    *c = *g;
    at = (char *)(c + 1);
    if (g->gr_mem) {
        /* the array first, right after the struct: aligned as the struct is */
        c->gr_mem = (char **)(void *)at;
        at += (n + 1) * sizeof(char *);
        for (k = 0; k < n; k++)
            c->gr_mem[k] = tl_uncarried_string(&at, g->gr_mem[k]);
        c->gr_mem[n] = NULL;
    }
    c->gr_name = tl_uncarried_string(&at, g->gr_name);
    c->gr_passwd = tl_uncarried_string(&at, g->gr_passwd);
    return c;
}

/* glibc's functions have a static result each, musl's share one per family (foreign.h, TL_SLOT_*) */
#ifdef __GLIBC__
#define PW(slot) (slot)
#define GR(slot) (slot)
#else
#define PW(slot) TL_SLOT_PWNAM
#define GR(slot) TL_SLOT_GRNAM
#endif

struct passwd *__wrap_getpwnam(const char *name)
{
    return pw_kept(__real_getpwnam(name), PW(TL_SLOT_PWNAM));
}

struct passwd *__wrap_getpwuid(uid_t uid)
{
    return pw_kept(__real_getpwuid(uid), PW(TL_SLOT_PWUID));
}

struct passwd *__wrap_getpwent(void)
{
    return pw_kept(__real_getpwent(), PW(TL_SLOT_PWENT));
}

struct group *__wrap_getgrnam(const char *name)
{
    return gr_kept(__real_getgrnam(name), GR(TL_SLOT_GRNAM));
}

struct group *__wrap_getgrgid(gid_t gid)
{
    return gr_kept(__real_getgrgid(gid), GR(TL_SLOT_GRGID));
}

struct group *__wrap_getgrent(void)
{
    return gr_kept(__real_getgrent(), GR(TL_SLOT_GRENT));
}
