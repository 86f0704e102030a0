/* encode.c: the checkpoint's primitive encodings: a growable byte buffer with big-endian writers, and a
 * bounds-checked reader that reports the file offset of the first overrun. */
/* madvise(MADV_HUGEPAGE) is a BSD/GNU extension (glibc and musl declare it under _DEFAULT_SOURCE); mremap is
 * Linux's (declared under _GNU_SOURCE), used where it exists */
#define _DEFAULT_SOURCE 1
#if defined(__linux__)
#define _GNU_SOURCE 1
#endif
#include "diag.h"
#include "foreign.h"
#include "heap_slab.h"
#include "xalloc.h"
#include "encode.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A buffer of BIG_BUF bytes or more is an anonymous mapping of its own, grown with mremap: the kernel moves the
 * pages instead of copying them (the HEAP section of a million heap blocks is tens of MiB, and growing it by doubling
 * through realloc copied it about twice over, into memory touched for the first time). The capacity says which kind
 * a buffer is. Where there is no mremap, every buffer is the C library's. */
#if defined(__linux__) && defined(MREMAP_MAYMOVE) && defined(MAP_ANONYMOUS)
#define BIG_BUF ((size_t)1 << 20)
#else
#define BIG_BUF SIZE_MAX
#endif

static unsigned char *big_alloc(unsigned char *old, size_t oldcap, size_t len, size_t cap)
{
#if defined(__linux__) && defined(MREMAP_MAYMOVE) && defined(MAP_ANONYMOUS)
    void *p;
    if (oldcap >= BIG_BUF) {
        p = tl_runtime_mremap(old, oldcap, cap);
        if (p != MAP_FAILED)
            return p;
    }
    /* the first mapping, or a move the kernel refused (a valgrind run does): a copy */
    p = tl_runtime_mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    if (p != MAP_FAILED) {
        if (len)
            memcpy(p, old, len);
        if (oldcap >= BIG_BUF)
            tl_runtime_munmap(old, oldcap);
        else
            free(old);
    }
    if (p == MAP_FAILED)
        tl_die(TL_EXIT_SOFTWARE, "out of memory (%lu bytes)", (unsigned long)cap);
    return p;
#else
    (void)old;
    (void)oldcap;
    (void)len;
    (void)cap;
    return NULL;
#endif
}

static void reserve(tl_buf *b, size_t n)
{
    size_t cap = b->cap ? b->cap : 256;
    if (b->len + n < b->len)
        tl_die(TL_EXIT_SOFTWARE, "out of memory (%lu + %lu bytes)", (unsigned long)b->len, (unsigned long)n);
    while (cap < b->len + n)
        cap = cap > SIZE_MAX / 2 ? b->len + n : cap * 2;
    if (cap >= BIG_BUF)
        b->data = big_alloc(b->data, b->cap, b->len, cap);
    else
        b->data = tl_xrealloc(b->data, cap);
    b->cap = cap;
    tl_hugepages(b->data, cap);
}

unsigned char *tl_buf_grow(tl_buf *b, size_t n)
{
    unsigned char *d;
    if (b->len + n > b->cap)
        reserve(b, n);
    d = b->data + b->len;
    b->len += n;
    return d;
}

void tl_buf_put(tl_buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap)
        reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* The encoders write millions of small integers for a large heap: straight into the buffer. */
static void put_be(tl_buf *b, uint64_t v, unsigned n)
{
    unsigned char *d;
    unsigned i;
    if (b->len + n > b->cap)
        reserve(b, n);
    d = b->data + b->len;
    for (i = 0; i < n; i++)
        d[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
    b->len += n;
}

void tl_buf_u8(tl_buf *b, uint8_t v) { put_be(b, v, 1); }
void tl_buf_u16(tl_buf *b, uint16_t v) { put_be(b, v, 2); }
void tl_buf_u32(tl_buf *b, uint32_t v) { put_be(b, v, 4); }
void tl_buf_u64(tl_buf *b, uint64_t v) { put_be(b, v, 8); }
void tl_buf_i64(tl_buf *b, int64_t v) { put_be(b, (uint64_t)v, 8); }

void tl_buf_strn(tl_buf *b, const char *s, size_t n)
{
    tl_buf_u32(b, (uint32_t)n);
    tl_buf_put(b, s, n);
}

void tl_buf_str(tl_buf *b, const char *s)
{
    if (!s)
        s = "";
    tl_buf_strn(b, s, strlen(s));
}

void tl_buf_free(tl_buf *b)
{
#if defined(__linux__) && defined(MREMAP_MAYMOVE) && defined(MAP_ANONYMOUS)
    if (b->cap >= BIG_BUF)
        tl_runtime_munmap(b->data, b->cap);
    else
#endif
        free(b->data);
    free(b->refs);
    b->data = NULL;
    b->len = b->cap = 0;
    b->refs = NULL;
    b->nrefs = b->ref_cap = b->ref_bytes = 0;
}

void tl_reader_init(tl_reader *r, const unsigned char *data, size_t len, size_t base)
{
    r->data = data;
    r->len = len;
    r->pos = 0;
    r->base = base;
    r->failed = 0;
    r->err[0] = '\0';
}

void tl_reader_fail(tl_reader *r, const char *fmt, ...)
{
    va_list ap;
    if (r->failed)
        return;
    r->failed = 1;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
}

static const unsigned char *take(tl_reader *r, size_t n)
{
    const unsigned char *p;
    if (r->failed)
        return NULL;
    if (n > r->len - r->pos) {
        tl_reader_fail(r, "at offset %lu: %lu bytes needed, only %lu left in the section",
                       (unsigned long)(r->base + r->pos), (unsigned long)n, (unsigned long)(r->len - r->pos));
        return NULL;
    }
    p = r->data + r->pos;
    r->pos += n;
    return p;
}

uint64_t tl_rd_uint_n(tl_reader *r, unsigned n)
{
    const unsigned char *p = take(r, n);
    uint64_t v = 0;
    unsigned i;
    if (!p)
        return 0;
    for (i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

uint8_t tl_rd_u8(tl_reader *r) { return (uint8_t)tl_rd_uint_n(r, 1); }
uint16_t tl_rd_u16(tl_reader *r) { return (uint16_t)tl_rd_uint_n(r, 2); }
uint32_t tl_rd_u32(tl_reader *r) { return (uint32_t)tl_rd_uint_n(r, 4); }
uint64_t tl_rd_u64(tl_reader *r) { return tl_rd_uint_n(r, 8); }
int64_t tl_rd_i64(tl_reader *r) { return (int64_t)tl_rd_uint_n(r, 8); }

const unsigned char *tl_rd_bytes_ref(tl_reader *r, uint32_t *len)
{
    size_t at = r->pos;
    uint32_t n = tl_rd_u32(r);
    const unsigned char *p;
    *len = 0;
    if (r->failed)
        return NULL;
    if (n > r->len - r->pos) {
        tl_reader_fail(r, "at offset %lu: string of %lu bytes runs past the end of the section",
                       (unsigned long)(r->base + at), (unsigned long)n);
        return NULL;
    }
    p = take(r, n);
    *len = n;
    return p;
}

const unsigned char *tl_rd_str_ref(tl_reader *r, uint32_t *len)
{
    size_t at = r->pos;
    const unsigned char *p = tl_rd_bytes_ref(r, len);
    if (p && !tl_utf8_valid(p, *len)) {
        tl_reader_fail(r, "at offset %lu: text of %lu bytes is not valid UTF-8 (or holds a NUL byte)",
                       (unsigned long)(r->base + at), (unsigned long)*len);
        *len = 0;
        return NULL;
    }
    return p;
}

char *tl_rd_str(tl_reader *r)
{
    uint32_t n;
    const unsigned char *p = tl_rd_str_ref(r, &n);
    if (!p)
        return tl_xstrdup("");
    return tl_xstrndup((const char *)p, n);
}

char *tl_rd_cbytes(tl_reader *r)
{
    uint32_t n;
    size_t at = r->pos;
    const unsigned char *p = tl_rd_bytes_ref(r, &n);
    if (!p)
        return tl_xstrdup("");
    if (memchr(p, 0, n)) {
        tl_reader_fail(r, "at offset %lu: a C string of %lu bytes holds a NUL byte", (unsigned long)(r->base + at),
                       (unsigned long)n);
        return tl_xstrdup("");
    }
    return tl_xstrndup((const char *)p, n);
}
