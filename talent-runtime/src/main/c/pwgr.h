/* pwgr.h: getpwnam, getpwuid, getpwent, getgrnam, getgrgid and getgrent wrapped at link time (-Wl,--wrap,
 * RuntimeLibrary.WRAPPED_OTHER): each returns a copy of the C library's result in the runtime's memory, which a
 * checkpoint does not carry: a pointer the program keeps into it refuses the checkpoint by name (foreign.c). */
#ifndef TALENT_PWGR_H
#define TALENT_PWGR_H

#include <sys/types.h>
#include <pwd.h>
#include <grp.h>

struct passwd *__wrap_getpwnam(const char *name);
struct passwd *__wrap_getpwuid(uid_t uid);
struct passwd *__wrap_getpwent(void);
struct group *__wrap_getgrnam(const char *name);
struct group *__wrap_getgrgid(gid_t gid);
struct group *__wrap_getgrent(void);

#endif /* TALENT_PWGR_H */
