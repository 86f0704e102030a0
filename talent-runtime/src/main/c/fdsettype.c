/* fdsettype.c: fd_set described portably (docs/CODEGEN.md "Types of the C library"), so that a select server's
 * `fd_set` locals and globals migrate. Its member is private and laid out by the C library: glibc's `__fds_bits` and
 * musl's `fds_bits` are arrays of `long`, 16 words of 64 bits on 64-bit ISAs and 32 of 32 on i686, so neither the
 * member's name nor its element count nor (on s390x) the bytes' order is the same on two platforms. The set is
 * described by what a program observes through FD_ISSET, as 16 members with accessors (the bit-field mechanism of
 * talent.h):
 *
 *   fd_set  { fds_0: uint64_t:64      bit b = descriptor b is in the set
 *             fds_64: uint64_t:64     bit b = descriptor 64 + b
 *             ...
 *             fds_960: uint64_t:64 }
 *
 * Reading uses FD_ISSET, writing FD_SET/FD_CLR on the restoring platform's C library, each member its own 64
 * descriptors (the order of the members does not matter). A platform whose FD_SETSIZE is smaller than the set's
 * highest descriptor refuses the restore; on every platform talent supports FD_SETSIZE is 1024 (TL_FDSET_BITS). */
#include "fdsettype.h"
#include "contract.h"
#include "diag.h"

#include <stdio.h>
#include <sys/select.h>

/* A set of a larger FD_SETSIZE would lose its descriptors past TL_FDSET_BITS: such a platform does not compile. */
typedef char tl_fdset_size_check[FD_SETSIZE <= TL_FDSET_BITS ? 1 : -1];

static unsigned long long word_get(const void *o, int first)
{
    unsigned long long v = 0;
    int b;
    for (b = 0; b < 64; b++)
        if (first + b < FD_SETSIZE && FD_ISSET(first + b, (const fd_set *)o))
            v |= 1ull << b;
    return v;
}

static void word_set(void *o, int first, unsigned long long v)
{
    int b;
    for (b = 0; b < 64; b++) {
        int fd = first + b;
        if (fd >= FD_SETSIZE) {
            if (v >> b & 1u) {
                char buf[256];
                if (tl_accessor_ctx)
                    tl_ctx_describe(tl_accessor_ctx, buf, sizeof buf);
                else
                    snprintf(buf, sizeof buf, "a descriptor set");
                tl_die(TL_EXIT_DATAERR, "cannot restore '%s': its fd_set holds descriptor %d, beyond this platform's "
                       "FD_SETSIZE (%d)", buf, fd, FD_SETSIZE);
            }
            continue;
        }
        if (v >> b & 1u)
            FD_SET(fd, (fd_set *)o);
        else
            FD_CLR(fd, (fd_set *)o);
    }
}

#define WORD(K) \
    static unsigned long long get_##K(const void *o) { return word_get(o, K); } \
    static void set_##K(void *o, unsigned long long v) { word_set(o, K, v); }
WORD(0) WORD(64) WORD(128) WORD(192) WORD(256) WORD(320) WORD(384) WORD(448)
WORD(512) WORD(576) WORD(640) WORD(704) WORD(768) WORD(832) WORD(896) WORD(960)
#undef WORD

static const talent_type u64_type = { TALENT_K_UINT, "uint64_t", 8, 0, 0, 0, 0, 0 };

#define FIELD(K) { "fds_" #K, &u64_type, 0, 64, get_##K, set_##K, 0 }
static const talent_field fdset_fields[] = {
    FIELD(0), FIELD(64), FIELD(128), FIELD(192), FIELD(256), FIELD(320), FIELD(384), FIELD(448),
    FIELD(512), FIELD(576), FIELD(640), FIELD(704), FIELD(768), FIELD(832), FIELD(896), FIELD(960),
};
#undef FIELD

const talent_type talent_fdset_type = { TALENT_K_STRUCT, "fd_set", sizeof(fd_set), 0, 0, fdset_fields,
                                        sizeof fdset_fields / sizeof fdset_fields[0], 0 };
