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
#include <stddef.h>

struct passwd *__real_getpwnam(const char *name);
struct passwd *__real_getpwuid(uid_t uid);
struct passwd *__real_getpwent(void);
struct group *__real_getgrnam(const char *name);
struct group *__real_getgrgid(gid_t gid);
struct group *__real_getgrent(void);

/* copied whole, strings and gr_mem's array; NULL (no such entry, errno as the C library set it) and a result that
 * cannot be copied are returned as they are */
static const size_t pw_strings[] = {offsetof(struct passwd, pw_name), offsetof(struct passwd, pw_passwd),
                                    offsetof(struct passwd, pw_gecos), offsetof(struct passwd, pw_dir),
                                    offsetof(struct passwd, pw_shell)};
static const struct tl_uncarried_shape pw_shape = {sizeof(struct passwd), pw_strings,
                                                   sizeof pw_strings / sizeof pw_strings[0], TL_NO_ARRAY};
static const size_t gr_strings[] = {offsetof(struct group, gr_name), offsetof(struct group, gr_passwd)};
static const struct tl_uncarried_shape gr_shape = {sizeof(struct group), gr_strings,
                                                   sizeof gr_strings / sizeof gr_strings[0],
                                                   offsetof(struct group, gr_mem)};

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
    return tl_uncarried_copy(TL_UNCARRIED_PASSWD, PW(TL_SLOT_PWNAM), __real_getpwnam(name), &pw_shape);
}

struct passwd *__wrap_getpwuid(uid_t uid)
{
    return tl_uncarried_copy(TL_UNCARRIED_PASSWD, PW(TL_SLOT_PWUID), __real_getpwuid(uid), &pw_shape);
}

struct passwd *__wrap_getpwent(void)
{
    return tl_uncarried_copy(TL_UNCARRIED_PASSWD, PW(TL_SLOT_PWENT), __real_getpwent(), &pw_shape);
}

struct group *__wrap_getgrnam(const char *name)
{
    return tl_uncarried_copy(TL_UNCARRIED_GROUP, GR(TL_SLOT_GRNAM), __real_getgrnam(name), &gr_shape);
}

struct group *__wrap_getgrgid(gid_t gid)
{
    return tl_uncarried_copy(TL_UNCARRIED_GROUP, GR(TL_SLOT_GRGID), __real_getgrgid(gid), &gr_shape);
}

struct group *__wrap_getgrent(void)
{
    return tl_uncarried_copy(TL_UNCARRIED_GROUP, GR(TL_SLOT_GRENT), __real_getgrent(), &gr_shape);
}
