/* netserv.h: getservbyname, getservbyport and getservent wrapped at link time (-Wl,--wrap, RuntimeLibrary.WRAPPED_OTHER): each returns a copy of the C
 * library's result in the runtime's memory, which a checkpoint does not carry, so that a pointer the program keeps into
 * it refuses the checkpoint by name (foreign.c) instead of being saved indeterminate and crashing the restarted
 * program. An archive member of its own (netserv.c): glibc's static lookups carry the linker's warning "Using '...' in
 * statically linked applications requires at runtime the shared libraries ...", and only a program that calls one of
 * them pulls the member and so links these functions, as under plain gcc. */
#ifndef TALENT_NETSERV_H
#define TALENT_NETSERV_H

/* declared under _DEFAULT_SOURCE (POSIX 2008 dropped gethostbyname and its kind) */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif
#include <netdb.h>
#include <stdint.h>

struct servent *__wrap_getservbyname(const char *name, const char *proto);
struct servent *__wrap_getservbyport(int port, const char *proto);
struct servent *__wrap_getservent(void);

#endif /* TALENT_NETSERV_H */
