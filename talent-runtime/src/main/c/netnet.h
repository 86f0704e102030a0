/* netnet.h: getnetbyname, getnetbyaddr and getnetent wrapped at link time (-Wl,--wrap, RuntimeLibrary.WRAPPED_OTHER): each returns a copy of the C
 * library's result in the runtime's memory, which a checkpoint does not carry, so that a pointer the program keeps into
 * it refuses the checkpoint by name (foreign.c) instead of being saved indeterminate and crashing the restarted
 * program. An archive member of its own (netnet.c): glibc's static lookups carry the linker's warning "Using '...' in
 * statically linked applications requires at runtime the shared libraries ...", and only a program that calls one of
 * them pulls the member and so links these functions, as under plain gcc. */
#ifndef TALENT_NETNET_H
#define TALENT_NETNET_H

/* declared under _DEFAULT_SOURCE (POSIX 2008 dropped gethostbyname and its kind) */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif
#include <netdb.h>
#include <stdint.h>

struct netent *__wrap_getnetbyname(const char *name);
struct netent *__wrap_getnetbyaddr(uint32_t net, int type);
struct netent *__wrap_getnetent(void);

#endif /* TALENT_NETNET_H */
