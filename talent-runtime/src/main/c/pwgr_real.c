/* pwgr_real.c: the C library's getpwnam & co. that pwgr.c calls through __real_ names, for a program linked without
 * the -Wl,--wrap flags that links every runtime object (a test harness linked by hand), as foreign_real.c is for
 * foreign.c. Under --wrap the linker turns those references into the C library's functions and this file is never
 * pulled out of libtalent.a. */
#include <sys/types.h>
#include <pwd.h>
#include <grp.h>

/* XSI, which _POSIX_C_SOURCE does not declare */
struct passwd *getpwent(void);
struct group *getgrent(void);

struct passwd *__real_getpwnam(const char *name);
struct passwd *__real_getpwuid(uid_t uid);
struct passwd *__real_getpwent(void);
struct group *__real_getgrnam(const char *name);
struct group *__real_getgrgid(gid_t gid);
struct group *__real_getgrent(void);

struct passwd *__real_getpwnam(const char *name)
{
    return getpwnam(name);
}

struct passwd *__real_getpwuid(uid_t uid)
{
    return getpwuid(uid);
}

struct passwd *__real_getpwent(void)
{
    return getpwent();
}

struct group *__real_getgrnam(const char *name)
{
    return getgrnam(name);
}

struct group *__real_getgrgid(gid_t gid)
{
    return getgrgid(gid);
}

struct group *__real_getgrent(void)
{
    return getgrent();
}
