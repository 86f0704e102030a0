/* netents_real.c: the C library's netdb.h lookups that netproto.c, netserv.c, nethost.c and netnet.c call through
 * __real_ names, for a program linked without the -Wl,--wrap flags (a test harness linked by hand), as pwgr_real.c is
 * for pwgr.c. Under --wrap the linker turns those references into the C library's functions and this file is never
 * pulled out of libtalent.a. */
#include "netproto.h"
#include "netserv.h"
#include "nethost.h"
#include "netnet.h"

struct protoent *__real_getprotobyname(const char *name);
struct protoent *__real_getprotobynumber(int proto);
struct protoent *__real_getprotoent(void);
struct servent *__real_getservbyname(const char *name, const char *proto);
struct servent *__real_getservbyport(int port, const char *proto);
struct servent *__real_getservent(void);
struct hostent *__real_gethostbyname(const char *name);
struct hostent *__real_gethostbyaddr(const void *addr, socklen_t len, int type);
struct hostent *__real_gethostent(void);
struct netent *__real_getnetbyname(const char *name);
struct netent *__real_getnetbyaddr(uint32_t net, int type);
struct netent *__real_getnetent(void);

struct protoent *__real_getprotobyname(const char *name)
{
    return getprotobyname(name);
}

struct protoent *__real_getprotobynumber(int proto)
{
    return getprotobynumber(proto);
}

struct protoent *__real_getprotoent(void)
{
    return getprotoent();
}

struct servent *__real_getservbyname(const char *name, const char *proto)
{
    return getservbyname(name, proto);
}

struct servent *__real_getservbyport(int port, const char *proto)
{
    return getservbyport(port, proto);
}

struct servent *__real_getservent(void)
{
    return getservent();
}

struct hostent *__real_gethostbyname(const char *name)
{
    return gethostbyname(name);
}

struct hostent *__real_gethostbyaddr(const void *addr, socklen_t len, int type)
{
    return gethostbyaddr(addr, len, type);
}

struct hostent *__real_gethostent(void)
{
    return gethostent();
}

struct netent *__real_getnetbyname(const char *name)
{
    return getnetbyname(name);
}

struct netent *__real_getnetbyaddr(uint32_t net, int type)
{
    return getnetbyaddr(net, type);
}

struct netent *__real_getnetent(void)
{
    return getnetent();
}
