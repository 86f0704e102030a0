/* libc_check.c: the C library's state a checkpoint carries as runtime globals ("<libc>:cwd", cwd.c; "<libc>:itimers",
 * itimers.c; "<libc>:sigmask", sigdisp.c), checked when checkpoint_read.c loads a file, by structure and value as the Java reader checks them and
 * as the runtime's decoder would take them, before anything of the file is used. A file of its own so that the
 * reader, high in the layers, calls down into it, and cwd.c and itimers.c (low, beside refusal) never call the
 * reader. */
#include "libc_check.h"
#include "contract.h"
#include "cwd.h"
#include "sigdisp.h"
#include "values.h"
#include <limits.h>
#include <string.h>

int tl_ck_int_in(tl_reader *r, const tl_checkpoint *ck, uint32_t type, int64_t lo, int64_t hi, int64_t *out)
{
    const tl_ck_type *t = &ck->types[type];
    uint64_t u;
    int neg;
    if (t->kind == TALENT_K_BOOL) {
        u = tl_rd_u8(r);
        neg = 0;
    } else if ((t->kind == TALENT_K_SINT || t->kind == TALENT_K_UINT) && t->bits <= 64) {
        u = tl_rd_uint_n(r, t->bits / 8u);
        if (t->kind == TALENT_K_SINT && t->bits < 64 && (u >> (t->bits - 1)) & 1)
            u |= ~(uint64_t)0 << t->bits;   /* sign-extend */
        neg = t->kind == TALENT_K_SINT && (int64_t)u < 0;
    } else {
        return -1;
    }
    if (r->failed || (!neg && u > (uint64_t)INT64_MAX) || (int64_t)u < lo || (int64_t)u > hi)
        return -1;
    *out = (int64_t)u;
    return 0;
}

const char *tl_libc_check_cwd(tl_reader *r, const tl_checkpoint *ck, uint32_t type)
{
    const tl_ck_type *t = &ck->types[type], *path;
    char p[TL_CWD_MAX];
    int64_t relative, c;
    size_t i;
    /* as the decoder takes it into struct tl_cwd: two members by position, an integer that fits relative's uint32_t
     * and an array of exactly TL_CWD_MAX integers that fit a char */
    if (t->kind != TALENT_K_STRUCT || t->nfields != 2)
        return "not a struct of a flag and a path";
    if (tl_ck_int_in(r, ck, t->fields[0].type, 0, 1, &relative) != 0)
        return "relative is not an integer 0 or 1";
    path = &ck->types[t->fields[1].type];
    if (path->kind != TALENT_K_ARRAY || path->count != TL_CWD_MAX)
        return "path is not an array of 4096 chars";
    for (i = 0; i < TL_CWD_MAX; i++) {
        if (tl_ck_int_in(r, ck, path->elem, CHAR_MIN, CHAR_MAX, &c) != 0)
            return "path holds a value that is not a char";
        p[i] = (char)c;
    }
    if (!memchr(p, 0, sizeof p))
        return "path is not NUL-terminated";
    if (!p[0])
        return "path is empty";
    if (!tl_cwd_path_valid(p, (int)relative))
        return relative ? "a relative path that starts or ends with '/' or has an empty, '.' or '..' component"
                        : "an absolute path that does not start with '/'";
    return NULL;
}

const char *tl_libc_check_itimers(tl_reader *r, const tl_checkpoint *ck, uint32_t type)
{
    static const char *const bad[3] = {
        "real is not a struct of four integers in range (seconds 0 to 315576000, microseconds 0 to 999999)",
        "virtual is not a struct of four integers in range (seconds 0 to 315576000, microseconds 0 to 999999)",
        "prof is not a struct of four integers in range (seconds 0 to 315576000, microseconds 0 to 999999)",
    };
    const tl_ck_type *t = &ck->types[type];
    unsigned w, f;
    int64_t v;
    /* as the decoder takes it into struct tl_itimers: three structs of four members by position, each an integer
     * that fits int64_t, here within the bounds the restore enforces */
    if (t->kind != TALENT_K_STRUCT || t->nfields != 3)
        return "not a struct of three timers (real, virtual, prof)";
    for (w = 0; w < 3; w++) {
        const tl_ck_type *timer = &ck->types[t->fields[w].type];
        if (timer->kind != TALENT_K_STRUCT || timer->nfields != 4)
            return bad[w];
        for (f = 0; f < 4; f++)
            if (tl_ck_int_in(r, ck, timer->fields[f].type, 0, f % 2 ? TL_ITIMERS_USEC_LIMIT - 1 : TL_ITIMERS_MAX_SEC,
                             &v) != 0)
                return bad[w];
    }
    return NULL;
}

const char *tl_libc_check_sigmask(tl_reader *r, const tl_checkpoint *ck, uint32_t type)
{
    const tl_ck_type *t = &ck->types[type];
    const tl_ck_type *m;
    uint64_t u;
    /* as the decoder takes it into struct tl_sigmask: one member, an integer of at most 64 bits */
    if (t->kind != TALENT_K_STRUCT || t->nfields != 1)
        return "not a struct of one signal set";
    m = &ck->types[t->fields[0].type];
    if ((m->kind != TALENT_K_UINT && m->kind != TALENT_K_SINT) || m->bits > 64 || m->bits < 8)
        return "blocked is not an unsigned 64-bit integer";
    u = tl_rd_uint_n(r, m->bits / 8u);
    if (r->failed || (m->kind == TALENT_K_SINT && (u >> (m->bits - 1)) & 1))
        return "blocked is not an unsigned 64-bit integer";
    if (!tl_sigdisp_mask_valid(u))
        return "blocked names talent's own signals, or every real-time signal and some of them again";
    return NULL;
}

/* An unsigned integer of at most 64 bits as the decoder takes it into a uint64_t (a UINT, or a SINT that is not
 * negative): 0 with *out, or -1. */
static int ck_u64(tl_reader *r, const tl_checkpoint *ck, uint32_t type, uint64_t *out)
{
    const tl_ck_type *t = &ck->types[type];
    uint64_t u;
    if ((t->kind != TALENT_K_UINT && t->kind != TALENT_K_SINT) || t->bits > 64 || t->bits < 8)
        return -1;
    u = tl_rd_uint_n(r, t->bits / 8u);
    if (r->failed || (t->kind == TALENT_K_SINT && (u >> (t->bits - 1)) & 1))
        return -1;
    *out = u;
    return 0;
}

/* An array of exactly n integers that fit a char, NUL-terminated, into p (n: TL_COMM_MAX = TL_INET_NTOA_MAX,
 * TL_L64A_MAX, TL_ETHER_NTOA_MAX, TL_ECVT_MAX or TL_FCVT_MAX) */
static const char *ck_text(tl_reader *r, const tl_checkpoint *ck, uint32_t type, char *p, size_t n)
{
    const tl_ck_type *t = &ck->types[type];
    int64_t c;
    size_t i;
    if (t->kind != TALENT_K_ARRAY || t->count != n)
        return "not an array of chars of the size the runtime carries";
    for (i = 0; i < n; i++) {
        if (tl_ck_int_in(r, ck, t->elem, CHAR_MIN, CHAR_MAX, &c) != 0)
            return "holds a value that is not a char";
        p[i] = (char)c;
    }
    if (!memchr(p, 0, n))
        return "not NUL-terminated";
    return NULL;
}

/* A text of ck_text whose characters before the NUL are all in `allowed` and only NULs after */
static const char *ck_text_of(tl_reader *r, const tl_checkpoint *ck, uint32_t type, size_t n, const char *allowed,
                              const char *what)
{
    char p[TL_FCVT_MAX];
    const char *bad = ck_text(r, ck, type, p, n);
    size_t len, k;
    if (bad)
        return bad;
    len = strlen(p);
    for (k = 0; k < n; k++)
        if (k < len ? !strchr(allowed, p[k]) : p[k] != 0)
            return what;
    return NULL;
}

const char *tl_libc_check_attribute(tl_reader *r, const tl_checkpoint *ck, const char *key, uint32_t type)
{
    const tl_ck_type *t = &ck->types[type];
    int64_t v;
    if (strcmp(key, TL_UMASK_KEY) == 0)
        return tl_ck_int_in(r, ck, type, 0, TL_UMASK_MAX, &v) != 0 ? "not an integer 0 to 0777" : NULL;
    if (strcmp(key, TL_NICE_KEY) == 0)
        return tl_ck_int_in(r, ck, type, -TL_NICE_LIMIT, TL_NICE_LIMIT - 1, &v) != 0 ? "not an integer -20 to 19"
                                                                                     : NULL;
    if (strcmp(key, TL_FENV_KEY) == 0) {
        /* struct tl_fenv: the rounding mode and the flags, by position */
        if (t->kind != TALENT_K_STRUCT || t->nfields != 2)
            return "not a struct of a rounding mode and exception flags";
        if (tl_ck_int_in(r, ck, t->fields[0].type, 0, TL_FENV_ROUND_MAX, &v) != 0)
            return "round is not an integer 0 to 3";
        if (tl_ck_int_in(r, ck, t->fields[1].type, 0, TL_FENV_FLAGS, &v) != 0)
            return "flags is not an integer 0 to 31";
        return NULL;
    }
    if (strcmp(key, TL_RLIMITS_KEY) == 0) {
        /* struct tl_rlimits: the changed limits' bits, then nine soft and nine hard limits, by position */
        uint64_t cur[TL_RLIMITS_COUNT], max[TL_RLIMITS_COUNT];
        const tl_ck_type *a;
        unsigned k, f;
        if (t->kind != TALENT_K_STRUCT || t->nfields != 3)
            return "not a struct of a set of changed limits, soft limits and hard limits";
        if (tl_ck_int_in(r, ck, t->fields[0].type, 0, (1 << TL_RLIMITS_COUNT) - 1, &v) != 0)
            return "changed is not an integer 0 to 511";
        for (f = 1; f < 3; f++) {
            a = &ck->types[t->fields[f].type];
            if (a->kind != TALENT_K_ARRAY || a->count != TL_RLIMITS_COUNT)
                return "a limit array is not an array of nine unsigned integers";
            for (k = 0; k < TL_RLIMITS_COUNT; k++)
                if (ck_u64(r, ck, a->elem, f == 1 ? &cur[k] : &max[k]) != 0)
                    return "a limit array is not an array of nine unsigned integers";
        }
        for (k = 0; k < TL_RLIMITS_COUNT; k++)
            if ((v >> k) & 1 && cur[k] > max[k])
                return "a changed soft limit is above its hard limit";
        return NULL;
    }
    if (strcmp(key, TL_COMM_KEY) == 0) {
        char p[TL_COMM_MAX];
        const char *bad = ck_text(r, ck, type, p, TL_COMM_MAX);
        return bad ? bad : NULL;
    }
    if (strcmp(key, TL_INET_NTOA_KEY) == 0)
        return ck_text_of(r, ck, type, TL_INET_NTOA_MAX, TL_INET_NTOA_DIGITS, "not a dotted address (digits and dots, "
                          "NULs after)");
    if (strcmp(key, TL_L64A_KEY) == 0)
        return ck_text_of(r, ck, type, TL_L64A_MAX, TL_L64A_DIGITS, "not a text of l64a's digits (./0-9A-Za-z, NULs "
                          "after)");
    if (strcmp(key, TL_ETHER_NTOA_KEY) == 0)
        return ck_text_of(r, ck, type, TL_ETHER_NTOA_MAX, TL_ETHER_NTOA_DIGITS, "not an Ethernet address's text (hex "
                          "digits and colons, NULs after)");
    if (strcmp(key, TL_ECVT_KEY) == 0 || strcmp(key, TL_FCVT_KEY) == 0)
        return ck_text_of(r, ck, type, strcmp(key, TL_ECVT_KEY) == 0 ? TL_ECVT_MAX : TL_FCVT_MAX, TL_CVT_DIGITS,
                          "not a text of digits (or inf, nan), NULs after");
    if (strcmp(key, TL_TMPNAM_KEY) == 0)
        return ck_text_of(r, ck, type, TL_TMPNAM_MAX, TL_TMPNAM_CHARS, "not a path of tmpnam's characters (/_0-9A-Za-z, "
                          "NULs after)");
    if (strcmp(key, TL_STRERROR_KEY) == 0 || strcmp(key, TL_STRSIGNAL_KEY) == 0)
        return ck_text_of(r, ck, type, TL_UNKNOWN_TEXT_MAX, TL_UNKNOWN_TEXT_CHARS,
                          "not a text of letters, spaces, digits and '-' (NULs after)");
    if (strcmp(key, TL_ETHER_ATON_KEY) == 0) {
        /* a struct ether_addr: one member, the array of its six octets */
        const tl_ck_type *a;
        unsigned k;
        if (t->kind != TALENT_K_STRUCT || t->nfields != 1)
            return "not a struct ether_addr of six octets";
        a = &ck->types[t->fields[0].type];
        if (a->kind != TALENT_K_ARRAY || a->count != TL_ETHER_ATON_SIZE)
            return "not a struct ether_addr of six octets";
        for (k = 0; k < TL_ETHER_ATON_SIZE; k++)
            if (tl_ck_int_in(r, ck, a->elem, 0, 255, &v) != 0)
                return "holds a value that is not an octet (0 to 255)";
        return NULL;
    }
    return NULL;
}

int tl_libc_check_is_attribute(const char *key)
{
    return strcmp(key, TL_UMASK_KEY) == 0 || strcmp(key, TL_NICE_KEY) == 0 || strcmp(key, TL_FENV_KEY) == 0 ||
           strcmp(key, TL_RLIMITS_KEY) == 0 || strcmp(key, TL_COMM_KEY) == 0 || strcmp(key, TL_INET_NTOA_KEY) == 0 ||
           strcmp(key, TL_L64A_KEY) == 0 || strcmp(key, TL_ETHER_NTOA_KEY) == 0 || strcmp(key, TL_ECVT_KEY) == 0 ||
           strcmp(key, TL_FCVT_KEY) == 0 || strcmp(key, TL_TMPNAM_KEY) == 0 || strcmp(key, TL_ETHER_ATON_KEY) == 0 ||
           strcmp(key, TL_STRERROR_KEY) == 0 || strcmp(key, TL_STRSIGNAL_KEY) == 0;
}

/* Reads array field f of t: TL_STREAMS_MAX integers within lo..hi into out; 0, or -1. */
static int streams_array(tl_reader *r, const tl_checkpoint *ck, const tl_ck_type *t, unsigned f, int64_t lo, int64_t hi,
                         int64_t *out)
{
    const tl_ck_type *a = &ck->types[t->fields[f].type];
    unsigned i;
    if (a->kind != TALENT_K_ARRAY || a->count != TL_STREAMS_MAX)
        return -1;
    for (i = 0; i < TL_STREAMS_MAX; i++)
        if (tl_ck_int_in(r, ck, a->elem, lo, hi, &out[i]) != 0)
            return -1;
    return 0;
}

const char *tl_libc_check_streams(tl_reader *r, const tl_checkpoint *ck, uint32_t type)
{
    const tl_ck_type *t = &ck->types[type], *bufs;
    int64_t count, stream[TL_STREAMS_MAX], mode[TL_STREAMS_MAX], size[TL_STREAMS_MAX], wide[TL_STREAMS_MAX];
    int buf[TL_STREAMS_MAX];
    unsigned i;
    /* as the decoder takes it into struct tl_streams: six members by position, a count and four arrays of
     * TL_STREAMS_MAX integers, each within what the restore accepts, and an array of TL_STREAMS_MAX pointers */
    if (t->kind != TALENT_K_STRUCT || t->nfields != 6)
        return "not a struct of a count and five arrays (stream, mode, size, wide, buf)";
    if (tl_ck_int_in(r, ck, t->fields[0].type, 0, TL_STREAMS_MAX, &count) != 0)
        return "count is not an integer 0 to 16";
    if (streams_array(r, ck, t, 1, 0, TL_STREAMS_MAX_NUMBER, stream) != 0)
        return "stream is not an array of 16 integers 0 to 65538";
    if (streams_array(r, ck, t, 2, 0, TL_STREAMS_NONE, mode) != 0)
        return "mode is not an array of 16 integers 0 to 3";
    if (streams_array(r, ck, t, 3, 0, TL_STREAMS_MAX_SIZE, size) != 0)
        return "size is not an array of 16 integers 0 to 1073741824";
    if (streams_array(r, ck, t, 4, -1, 1, wide) != 0)
        return "wide is not an array of 16 integers -1 to 1";
    /* a buffer is a pointer to an object (its first reading when it is also one past the end of another): never a
     * string constant, a stream, one below an array or an indeterminate address (values were checked already) */
    bufs = &ck->types[t->fields[5].type];
    if (bufs->kind != TALENT_K_ARRAY || bufs->count != TL_STREAMS_MAX || ck->types[bufs->elem].kind != TALENT_K_PTR)
        return "buf is not an array of 16 pointers";
    for (i = 0; i < TL_STREAMS_MAX; i++) {
        uint8_t tag = r->pos < r->len ? r->data[r->pos] : 0xff;
        uint8_t kind = r->pos + 1 < r->len ? r->data[r->pos + 1] : 0;   /* the (first) object reference's kind */
        if (tag != TL_PTR_NULL && ((tag != TL_PTR_OBJECT && tag != TL_PTR_BOUNDARY) ||
                                   (kind != TL_OBJ_GLOBAL && kind != TL_OBJ_FRAME && kind != TL_OBJ_HEAP)))
            return "buf holds a pointer that is not null or to a global, a frame's variable or a heap block";
        buf[i] = tag != TL_PTR_NULL;
        if (tl_skip_value(r, ck, bufs->elem, 0) != 0)
            return "buf is not an array of 16 pointers";
    }
    for (i = 0; i < TL_STREAMS_MAX; i++) {
        if (i >= count) {
            if (stream[i] || mode[i] || size[i] || wide[i] || buf[i])
                return "an entry past count is not all zero";
            continue;
        }
        if (i > 0 && stream[i] <= stream[i - 1])
            return "the streams are not in strictly ascending order";
        if (!mode[i] && !wide[i])
            return "an entry with neither a mode nor an orientation";
        if (size[i] && mode[i] != TL_STREAMS_FULL && mode[i] != TL_STREAMS_LINE)
            return "a size without a buffered mode";
        if (buf[i] && (!size[i] || (mode[i] != TL_STREAMS_FULL && mode[i] != TL_STREAMS_LINE)))
            return "a buffer without a buffered mode and a size";
    }
    return NULL;
}

const char *tl_libc_check_pending(tl_reader *r, const tl_checkpoint *ck, uint32_t type)
{
    const tl_ck_type *t = &ck->types[type], *a, *e;
    int64_t out, b;
    uint64_t i;
    /* as the restore sizes its descriptor and decodes it (pending.c): two members by position, stdout's count and an
     * array of unsigned bytes, stdout's then stderr's, at most TL_PENDING_MAX of each */
    if (t->kind != TALENT_K_STRUCT || t->nfields != 2)
        return "not a struct of a count and an array of bytes";
    if (tl_ck_int_in(r, ck, t->fields[0].type, 0, TL_PENDING_MAX, &out) != 0)
        return "out is not an integer 0 to 65536";
    a = &ck->types[t->fields[1].type];
    if (a->kind != TALENT_K_ARRAY || a->count < 1 || a->count > 2 * (uint64_t)TL_PENDING_MAX)
        return "bytes is not an array of 1 to 131072 bytes";
    e = &ck->types[a->elem];
    if (e->kind != TALENT_K_UINT || e->bits != 8)
        return "bytes is not an array of unsigned 8-bit integers";
    if ((uint64_t)out > a->count || a->count - (uint64_t)out > TL_PENDING_MAX)
        return "more than 65536 bytes of one stream, or a count past the bytes";
    for (i = 0; i < a->count; i++)
        if (tl_ck_int_in(r, ck, a->elem, 0, 255, &b) != 0)
            return "bytes is not an array of unsigned 8-bit integers";
    return NULL;
}
