/* sockaddrtype.c: struct sockaddr_storage described portably (docs/CODEGEN.md "Types of the C library"), so that a
 * server's or client's `struct sockaddr_storage` (the peer accept or recvfrom wrote, the address getaddrinfo gave)
 * migrates. Its members after ss_family are private and differ between ISAs (glibc: `__ss_padding` of 118 bytes
 * and an 8-byte `__ss_align` on 64-bit ISAs, 122 and 4 on i686), but the 128 bytes are the same object everywhere,
 * and what a family puts in them is the same too: sockaddr_in and sockaddr_in6 keep their port, address and flow
 * label in network byte order (bytes, the same on every ISA), sockaddr_un a path. The one number in host byte order
 * is sockaddr_in6's sin6_scope_id, at bytes 24..27. Described as
 *
 *   struct sockaddr_storage { ss_family: UINT 16         the family, a number (AF_* are the same on Linux's ISAs)
 *                             head: UINT 8[22]           bytes 2..23, as they are
 *                             scope: UINT 32:32          bytes 24..27: an AF_INET6 address's scope id as a number;
 *                                                        for any other family the four bytes, first byte highest
 *                             tail: UINT 8[100] }        bytes 28..127, as they are
 *
 * `scope` is an accessor member (the bit-field mechanism of talent.h): it reads the family the object holds, and is
 * written after ss_family, which comes first. */
#include "sockaddrtype.h"

#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

typedef char tl_sockaddr_storage_size_check[sizeof(struct sockaddr_storage) == TL_SOCKADDR_STORAGE_SIZE ? 1 : -1];
typedef char tl_sockaddr_family_check[offsetof(struct sockaddr_storage, ss_family) == 0 && sizeof(sa_family_t) == 2 ? 1 : -1];
typedef char tl_sockaddr_scope_check[offsetof(struct sockaddr_in6, sin6_scope_id) == 24 ? 1 : -1];

#define SCOPE_AT 24

static unsigned long long scope_get(const void *o)
{
    const unsigned char *b = (const unsigned char *)o + SCOPE_AT;
    if (((const struct sockaddr_storage *)o)->ss_family == AF_INET6) {
        uint32_t v;
        memcpy(&v, b, sizeof v);
        return v;
    }
    return (unsigned long long)b[0] << 24 | (unsigned long long)b[1] << 16 | (unsigned long long)b[2] << 8 | b[3];
}

static void scope_set(void *o, unsigned long long v)
{
    unsigned char *b = (unsigned char *)o + SCOPE_AT;
    if (((const struct sockaddr_storage *)o)->ss_family == AF_INET6) {
        uint32_t x = (uint32_t)v;
        memcpy(b, &x, sizeof x);
        return;
    }
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

static const talent_type u8_type = { TALENT_K_UINT, "unsigned char", 1, 0, 0, 0, 0, 0 };
static const talent_type u16_type = { TALENT_K_UINT, "sa_family_t", 2, 0, 0, 0, 0, 0 };
static const talent_type u32_type = { TALENT_K_UINT, "uint32_t", 4, 0, 0, 0, 0, 0 };
static const talent_type head_type = { TALENT_K_ARRAY, "unsigned char[22]", 22, &u8_type, 22, 0, 0, 0 };
static const talent_type tail_type = { TALENT_K_ARRAY, "unsigned char[100]", 100, &u8_type, 100, 0, 0, 0 };

static const talent_field sockaddr_storage_fields[] = {
    { "ss_family", &u16_type, 0, 0, 0, 0, 0 },
    { "head", &head_type, 2, 0, 0, 0, 0 },
    { "scope", &u32_type, 0, 32, scope_get, scope_set, 0 },
    { "tail", &tail_type, 28, 0, 0, 0, 0 },
};

const talent_type talent_sockaddr_storage_type = {
    TALENT_K_STRUCT, "struct sockaddr_storage", sizeof(struct sockaddr_storage), 0, 0, sockaddr_storage_fields,
    sizeof sockaddr_storage_fields / sizeof sockaddr_storage_fields[0], 0 };
