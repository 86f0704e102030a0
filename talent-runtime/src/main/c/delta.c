/* delta.c: checkpoint deltas (delta.h, docs/FORMAT.md "Delta"): built by the writer at a stop after pre-copy
 * (precopy.c) and at every pre-copy round after the first, read back by the restart (checkpoint_read.c). */
#include "delta.h"
#include "xalloc.h"
#include "heap_slab.h"
#include "crc32c.h"
#include "checkpoint.h"
#include "checkpoint_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define OP_COPY 1
#define OP_DATA 2
#define OP_BYTES 17u                /* u8 kind, u64 a, u64 length */
#define HEADER_FIXED 16u            /* magic, major, minor, flags */

/* ---------------------------------------------------------------- writing */

typedef struct op {
    uint8_t kind;
    uint64_t a, len;
} op;

typedef struct oplist {
    op *v;
    size_t n, cap;
} oplist;

static void add_op(oplist *l, uint8_t kind, uint64_t a, uint64_t len)
{
    op *last = l->n ? &l->v[l->n - 1] : NULL;
    if (len == 0)
        return;
    /* coalesce: a COPY continuing the previous one in the base, DATA after DATA */
    if (last && last->kind == kind && (kind == OP_DATA || last->a + last->len == a)) {
        last->len += len;
        return;
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = tl_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n].kind = kind;
    l->v[l->n].a = kind == OP_DATA ? 0 : a;
    l->v[l->n].len = len;
    l->n++;
}

static uint64_t be_get(const unsigned char *p, unsigned n)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Offset and length of the first section tagged tag in the base (a file this process wrote; its framing is
 * still walked with every bound checked). 0 when it has none. */
static int base_section(const unsigned char *base, size_t blen, const char *tag, size_t *off, size_t *len)
{
    size_t pos = 24;
    while (pos + 12 <= blen) {
        uint64_t l = be_get(base + pos + 4, 8);
        if (l > blen - pos - 12 || blen - pos - 12 - l < 4)
            return 0;
        if (memcmp(base + pos, tag, 4) == 0) {
            *off = pos + 12;
            *len = (size_t)l;
            return 1;
        }
        pos += 12 + (size_t)l + 4;
    }
    return 0;
}

void tl_delta_build(tl_buf *out, const char *base_name, const unsigned char *base, size_t base_len,
                    const uint32_t *base_crc, const tl_piece *pieces, unsigned npieces, uint64_t *changed)
{
    oplist ops = {0};
    tl_buf data = {0};
    uint64_t image_len = 0;
    uint32_t image_crc = 0, crc;
    unsigned k;
    size_t i;
    for (k = 0; k < npieces; k++) {
        const tl_piece *pc = &pieces[k];
        size_t boff = 0, blen = 0, pos = 0;
        image_crc = tl_crc32c(image_crc, pc->p, pc->n);
        image_len += pc->n;
        if (pc->tag && base_section(base, base_len, pc->tag, &boff, &blen)) {
            /* equal offsets inside the section: a change of length in an earlier section shifts nothing here */
            while (pos < pc->n && pos < blen) {
                size_t n = pc->n - pos < TL_DELTA_CHUNK ? pc->n - pos : TL_DELTA_CHUNK;
                if (n > blen - pos)
                    n = blen - pos;
                if (memcmp(pc->p + pos, base + boff + pos, n) == 0) {
                    add_op(&ops, OP_COPY, boff + pos, n);
                } else {
                    add_op(&ops, OP_DATA, 0, n);
                    tl_buf_put(&data, pc->p + pos, n);
                }
                pos += n;
            }
        }
        if (pos < pc->n) {
            add_op(&ops, OP_DATA, 0, pc->n - pos);
            tl_buf_put(&data, pc->p + pos, pc->n - pos);
        }
    }
    tl_buf_put(out, "TALENTDL", 8);
    tl_buf_u16(out, 1);
    tl_buf_u16(out, 0);
    tl_buf_u32(out, 0);
    tl_buf_str(out, base_name);
    tl_buf_u64(out, base_len);
    tl_buf_u32(out, base_crc ? *base_crc : tl_crc32c(0, base, base_len));
    tl_buf_u64(out, image_len);
    tl_buf_u32(out, image_crc);
    tl_buf_u32(out, (uint32_t)ops.n);
    {
        uint64_t cursor = 0;
        for (i = 0; i < ops.n; i++) {
            tl_buf_u8(out, ops.v[i].kind);
            tl_buf_u64(out, ops.v[i].kind == OP_DATA ? cursor : ops.v[i].a);
            tl_buf_u64(out, ops.v[i].len);
            if (ops.v[i].kind == OP_DATA)
                cursor += ops.v[i].len;
        }
    }
    tl_buf_u64(out, data.len);
    if (data.len)
        tl_buf_put(out, data.data, data.len);
    crc = tl_crc32c(0, out->data, out->len);
    tl_buf_u32(out, crc);
    *changed = data.len;
    tl_buf_free(&data);
    free(ops.v);
}

/* ---------------------------------------------------------------- reading (hostile input) */

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* The parsed fixed part of a delta. */
typedef struct head {
    char name[TL_DELTA_MAX_NAME + 1];
    uint64_t base_len, image_len, data_len;
    uint32_t base_crc, image_crc, nops;
    size_t ops_off, data_off;
} head;

/* A base is a plain file name of the same directory, a full checkpoint (.tck), never a path or a link to
 * elsewhere, never another delta (so a delta is applied to exactly one file, no chains). */
static int plain_name(const unsigned char *s, uint32_t n)
{
    uint32_t i;
    if (n < 5 || n > TL_DELTA_MAX_NAME || s[0] == '.' || memcmp(s + n - 4, TL_CKPT_SUFFIX, 4) != 0)
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '-' || s[i] == '_' || s[i] == '.'))
            return 0;
    return 1;
}

static int parse_head(const unsigned char *d, size_t dlen, head *h, char *err, size_t errlen)
{
    tl_reader r;
    uint32_t nlen, stored;
    const unsigned char *name;
    if (dlen > TL_MAX_CHECKPOINT_BYTES) {
        set_err(err, errlen, "delta of %llu bytes exceeds the limit of %lu bytes", (unsigned long long)dlen,
                (unsigned long)TL_MAX_CHECKPOINT_BYTES);
        return -1;
    }
    if (dlen < HEADER_FIXED + 4 || memcmp(d, "TALENTDL", 8) != 0) {
        set_err(err, errlen, "delta at offset 0: not a talent checkpoint delta (bad magic or too short)");
        return -1;
    }
    if (be_get(d + 8, 2) != 1) {
        set_err(err, errlen, "delta at offset 8: unsupported major version %u", (unsigned)be_get(d + 8, 2));
        return -1;
    }
    /* the CRC covers everything before it: checked before any field is trusted */
    stored = (uint32_t)be_get(d + dlen - 4, 4);
    if (tl_crc32c(0, d, dlen - 4) != stored) {
        set_err(err, errlen, "delta at offset %lu: CRC mismatch", (unsigned long)(dlen - 4));
        return -1;
    }
    if (be_get(d + 12, 4) != 0) {
        set_err(err, errlen, "delta at offset 12: flags must be 0");
        return -1;
    }
    tl_reader_init(&r, d, dlen - 4, 0);
    r.pos = HEADER_FIXED;
    name = tl_rd_str_ref(&r, &nlen);
    if (!r.failed && !plain_name(name, nlen)) {
        set_err(err, errlen, "delta at offset %lu: the base is not a plain .tck file name of the same directory",
                (unsigned long)HEADER_FIXED);
        return -1;
    }
    if (!r.failed)
        memcpy(h->name, name, nlen), h->name[nlen] = '\0';
    h->base_len = tl_rd_u64(&r);
    h->base_crc = tl_rd_u32(&r);
    h->image_len = tl_rd_u64(&r);
    h->image_crc = tl_rd_u32(&r);
    h->nops = tl_rd_u32(&r);
    h->ops_off = r.pos;
    if (r.failed) {
        set_err(err, errlen, "delta: %s", r.err);
        return -1;
    }
    if (h->image_len > TL_MAX_CHECKPOINT_BYTES || h->base_len > TL_MAX_CHECKPOINT_BYTES) {
        set_err(err, errlen, "delta at offset %lu: image or base length beyond the limit of %lu bytes",
                (unsigned long)(h->ops_off - 28), (unsigned long)TL_MAX_CHECKPOINT_BYTES);
        return -1;
    }
    /* the count is checked against the bytes left before anything is read for it */
    if ((uint64_t)h->nops * OP_BYTES + 8 > r.len - r.pos) {
        set_err(err, errlen, "delta at offset %lu: %lu operations do not fit the %lu bytes left",
                (unsigned long)h->ops_off - 4, (unsigned long)h->nops, (unsigned long)(r.len - r.pos));
        return -1;
    }
    r.pos += (size_t)h->nops * OP_BYTES;
    h->data_len = tl_rd_u64(&r);
    h->data_off = r.pos;
    if (h->data_len != r.len - r.pos) {
        set_err(err, errlen, "delta at offset %lu: data length %llu, but %lu bytes are left before the CRC",
                (unsigned long)(h->data_off - 8), (unsigned long long)h->data_len, (unsigned long)(r.len - r.pos));
        return -1;
    }
    return 0;
}

int tl_delta_base_name(const unsigned char *delta, size_t dlen, char *name, size_t namelen, char *err, size_t errlen)
{
    head h;
    if (parse_head(delta, dlen, &h, err, errlen) != 0)
        return -1;
    snprintf(name, namelen, "%s", h.name);
    return 0;
}

unsigned char *tl_delta_apply(const unsigned char *d, size_t dlen, const unsigned char *base, size_t blen,
                              size_t *out_len, char *err, size_t errlen)
{
    head h;
    unsigned char *img;
    uint64_t filled = 0, cursor = 0;
    uint32_t i;
    if (parse_head(d, dlen, &h, err, errlen) != 0)
        return NULL;
    if (h.base_len != blen || tl_crc32c(0, base, blen) != h.base_crc) {
        set_err(err, errlen, "delta: its base %s is not the file it was made from (length %llu and CRC %08x "
                "expected, %llu bytes found)", h.name, (unsigned long long)h.base_len, (unsigned)h.base_crc,
                (unsigned long long)blen);
        return NULL;
    }
    /* every operation is checked before the image is allocated */
    for (i = 0; i < h.nops; i++) {
        const unsigned char *o = d + h.ops_off + (size_t)i * OP_BYTES;
        uint64_t a = be_get(o + 1, 8), len = be_get(o + 9, 8);
        size_t at = h.ops_off + (size_t)i * OP_BYTES;
        if (o[0] != OP_COPY && o[0] != OP_DATA) {
            set_err(err, errlen, "delta at offset %lu: operation kind %u (1 COPY, 2 DATA)", (unsigned long)at, o[0]);
            return NULL;
        }
        if (len == 0 || len > h.image_len - filled) {
            set_err(err, errlen, "delta at offset %lu: operation of %llu bytes beyond the image of %llu bytes",
                    (unsigned long)at, (unsigned long long)len, (unsigned long long)h.image_len);
            return NULL;
        }
        if (o[0] == OP_COPY && (a > blen || len > blen - a)) {
            set_err(err, errlen, "delta at offset %lu: COPY of %llu bytes at %llu outside the base of %lu bytes",
                    (unsigned long)at, (unsigned long long)len, (unsigned long long)a, (unsigned long)blen);
            return NULL;
        }
        if (o[0] == OP_DATA && (a != cursor || len > h.data_len - cursor)) {
            set_err(err, errlen, "delta at offset %lu: DATA at %llu of %llu bytes, expected at %llu within %llu bytes",
                    (unsigned long)at, (unsigned long long)a, (unsigned long long)len, (unsigned long long)cursor,
                    (unsigned long long)h.data_len);
            return NULL;
        }
        if (o[0] == OP_DATA)
            cursor += len;
        filled += len;
    }
    if (filled != h.image_len || cursor != h.data_len) {
        set_err(err, errlen, "delta: operations make %llu of %llu image bytes and use %llu of %llu data bytes",
                (unsigned long long)filled, (unsigned long long)h.image_len, (unsigned long long)cursor,
                (unsigned long long)h.data_len);
        return NULL;
    }
    img = tl_xmalloc(h.image_len ? (size_t)h.image_len : 1);
    tl_hugepages(img, (size_t)h.image_len);
    filled = 0;
    for (i = 0; i < h.nops; i++) {
        const unsigned char *o = d + h.ops_off + (size_t)i * OP_BYTES;
        uint64_t a = be_get(o + 1, 8), len = be_get(o + 9, 8);
        memcpy(img + filled, o[0] == OP_COPY ? base + a : d + h.data_off + a, (size_t)len);
        filled += len;
    }
    if (tl_crc32c(0, img, (size_t)h.image_len) != h.image_crc) {
        set_err(err, errlen, "delta: the rebuilt image does not match its CRC %08x", (unsigned)h.image_crc);
        free(img);
        return NULL;
    }
    *out_len = (size_t)h.image_len;
    return img;
}

int tl_map_checkpoint_file(const char *path, tl_mapped *m, char *err, size_t errlen)
{
    m->p = tl_checkpoint_map_file(path, &m->n, &m->mapped, err, errlen);
    return m->p ? 0 : -1;
}

void tl_unmap_checkpoint_file(tl_mapped *m)
{
    tl_checkpoint_unmap_file(m->p, m->n, m->mapped);
    m->p = NULL;
}

unsigned char *tl_delta_load(const char *path, size_t *out_len, char *err, size_t errlen)
{
    size_t dlen = 0, dirlen;
    unsigned char *d, *img;
    tl_mapped b;
    char name[TL_DELTA_MAX_NAME + 1], why[512], *bpath;
    const char *slash = strrchr(path, '/');
    d = tl_checkpoint_read_file(path, &dlen, err, errlen);
    if (!d)
        return NULL;
    if (tl_delta_base_name(d, dlen, name, sizeof name, err, errlen) != 0) {
        free(d);
        return NULL;
    }
    dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    bpath = tl_xmalloc(dirlen + strlen(name) + 1);
    memcpy(bpath, path, dirlen);
    strcpy(bpath + dirlen, name);
    if (tl_map_checkpoint_file(bpath, &b, why, sizeof why) != 0) {
        set_err(err, errlen, "delta: its base %s: %s", name, why);
        free(bpath);
        free(d);
        return NULL;
    }
    free(bpath);
    img = tl_delta_apply(d, dlen, b.p, b.n, out_len, err, errlen);
    free(d);
    if (img && tl_checkpoint_file_shrank(b.p)) {
        set_err(err, errlen, "delta: its base %s shrank while it was read (another process truncated it)", name);
        free(img);
        img = NULL;
    }
    tl_unmap_checkpoint_file(&b);
    return img;
}
