/* delta.c: checkpoint deltas (delta.h, docs/FORMAT.md "Delta"): built by the writer at a stop after pre-copy
 * (precopy.c) and at every pre-copy round after the first, read back by the restart (checkpoint_read.c). */
/* MAP_ANONYMOUS (glibc and musl declare it under _DEFAULT_SOURCE; POSIX has it since 2024) */
#define _DEFAULT_SOURCE 1
#include "delta.h"
#include "foreign.h"
#include "strerror.h"
#include "xalloc.h"
#include "heap_slab.h"
#include "crc32c.h"
#include "checkpoint.h"
#include "checkpoint_file.h"
#include "bulk.h"
#include "dirty.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

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

/* Reads a tl_buf's content (its bytes with the arrays it refers to encoded in place, bulk.h) in order, a
 * buffer's worth at a time: what tl_buf_materialize would have built, without a copy of the whole. */
typedef struct content_cursor {
    const tl_buf *b;
    size_t k;                   /* the next reference */
    size_t from;                /* in b->data: bytes before from are consumed */
    size_t done;                /* elements of reference k consumed (once b->data up to its `at` is) */
} content_cursor;

/* Appends to dst (room bytes free) as much of the content as fits in whole scalars; returns the bytes added
 * (0 only at the end of the content). */
static size_t cursor_fill(content_cursor *c, unsigned char *dst, size_t room)
{
    size_t put = 0;
    while (put < room) {
        const tl_buf_ref *r = c->k < c->b->nrefs ? &c->b->refs[c->k] : NULL;
        size_t to = r ? r->at : c->b->len;
        if (c->from < to) {
            size_t n = to - c->from < room - put ? to - c->from : room - put;
            memcpy(dst + put, c->b->data + c->from, n);
            c->from += n;
            put += n;
            continue;
        }
        if (!r)
            break;
        if (c->done < r->n) {
            size_t m = r->n - c->done, fit = (room - put) / r->size;
            if (fit == 0)
                break;
            if (m > fit)
                m = fit;
            tl_bulk_swap_copy(dst + put, r->src + c->done * r->size, r->size, m);
            c->done += m;
            put += m * r->size;
            continue;
        }
        c->k++;
        c->done = 0;
    }
    return put;
}

/* One chunk of a section payload at offset pos of the section, compared with the base's section. */
static void delta_chunk(oplist *ops, tl_buf *data, const unsigned char *chunk, size_t n, size_t pos,
                        const unsigned char *base, size_t boff, size_t blen, int in_base)
{
    size_t same = 0;
    if (in_base && pos < blen) {
        same = n < blen - pos ? n : blen - pos;
        if (memcmp(chunk, base + boff + pos, same) != 0)
            same = 0;
    }
    if (same)
        add_op(ops, OP_COPY, boff + pos, same);
    if (n > same) {
        add_op(ops, OP_DATA, 0, n - same);
        tl_buf_put(data, chunk + same, n - same);
    }
}

static void put_crc(unsigned char *out, uint32_t crc)
{
    out[0] = (unsigned char)(crc >> 24), out[1] = (unsigned char)(crc >> 16);
    out[2] = (unsigned char)(crc >> 8), out[3] = (unsigned char)crc;
}

/* n bytes at p to fd, through short writes and EINTR: 0, or -1 with errno. */
static int write_fully(int fd, const unsigned char *p, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, p + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

int tl_piece_write(int fd, const tl_piece *pc, uint32_t *image_crc)
{
    static unsigned char *scratch;
    const size_t step = (size_t)1 << 20;
    content_cursor c;
    size_t got;
    uint32_t crc = pc->crc_seed;
    if (!pc->buf) {
        *image_crc = tl_crc32c(*image_crc, pc->p, pc->n);
        return write_fully(fd, pc->p, pc->n);
    }
    if (!scratch)
        scratch = tl_xmalloc(step);
    memset(&c, 0, sizeof c);
    c.b = pc->buf;
    /* a pre-copy round's child records where the arrays went and its chunks' CRCs (dirty.c; nothing elsewhere) */
    tl_dirty_record_begin(pc->tag, pc->buf);
    while ((got = cursor_fill(&c, scratch, step)) > 0) {
        *image_crc = tl_crc32c(*image_crc, scratch, got);
        crc = tl_crc32c(crc, scratch, got);
        tl_dirty_record_bytes(scratch, got);
        if (write_fully(fd, scratch, got) != 0)
            return -1;
    }
    tl_dirty_record_end();
    if (pc->crc_out)
        put_crc(pc->crc_out, crc);
    return 0;
}

#define STREAM_STEP ((size_t)64 * TL_DELTA_CHUNK)

/* A payload with referred arrays: encoded STREAM_STEP bytes at a time into one reused buffer, each
 * TL_DELTA_CHUNK compared with the base as the flat payload would be (the operations are the same), the CRCs
 * computed on the way. */
static void delta_stream(oplist *ops, tl_buf *data, const tl_piece *pc, const unsigned char *base, size_t boff,
                         size_t blen, int in_base, uint32_t *image_crc)
{
    static unsigned char *scratch;
    content_cursor c;
    size_t fill = 0, pos = 0, got;
    uint32_t crc = pc->crc_seed;
    if (!scratch)
        scratch = tl_xmalloc(STREAM_STEP + 16);    /* + 16: a scalar that starts before STREAM_STEP */
    memset(&c, 0, sizeof c);
    c.b = pc->buf;
    do {
        size_t use;
        got = cursor_fill(&c, scratch + fill, STREAM_STEP + 16 - fill);
        fill += got;
        /* whole chunks while there is more to come, everything at the end */
        use = got ? fill - fill % TL_DELTA_CHUNK : fill;
        if (got && fill < STREAM_STEP)
            continue;
        if (use) {
            size_t off;
            *image_crc = tl_crc32c(*image_crc, scratch, use);
            crc = tl_crc32c(crc, scratch, use);
            for (off = 0; off < use; off += TL_DELTA_CHUNK) {
                size_t n = use - off < TL_DELTA_CHUNK ? use - off : TL_DELTA_CHUNK;
                delta_chunk(ops, data, scratch + off, n, pos, base, boff, blen, in_base);
                pos += n;
            }
            memmove(scratch, scratch + use, fill - use);
            fill -= use;
        }
    } while (got);
    if (pc->crc_out)
        put_crc(pc->crc_out, crc);
}

/* Where a payload's content is read at random: the referred array k (its content offset is at + shift) and the
 * bytes of the arrays before it (shift); offsets only grow. */
typedef struct content_seek {
    const tl_buf *b;
    size_t k, shift;
} content_seek;

/* Moves s to the array that holds content offset pos or follows it; returns it (NULL: none follows). */
static const tl_buf_ref *seek_ref(content_seek *s, size_t pos)
{
    while (s->k < s->b->nrefs) {
        const tl_buf_ref *r = &s->b->refs[s->k];
        size_t len = (size_t)r->size * r->n;
        if (pos < r->at + s->shift + len)
            return r;
        s->shift += len;
        s->k++;
    }
    return NULL;
}

/* The content bytes [pos, pos + n) of s's payload into dst, as cursor_fill encodes them. */
static void content_at(content_seek *s, size_t pos, size_t n, unsigned char *dst)
{
    while (n) {
        const tl_buf_ref *r = seek_ref(s, pos);
        size_t m;
        if (!r || pos < r->at + s->shift) {
            size_t to = r ? r->at + s->shift : s->b->len + s->shift;
            m = n < to - pos ? n : to - pos;
            memcpy(dst, s->b->data + (pos - s->shift), m);
        } else {
            size_t off = pos - (r->at + s->shift), e = off / r->size, in = off % r->size;
            size_t left = (size_t)r->size * r->n - off, whole = (n < left ? n : left) / r->size;
            if (in == 0 && whole) {
                m = whole * r->size;
                tl_bulk_swap_copy(dst, r->src + e * r->size, r->size, whole);
            } else {
                /* a scalar cut by the chunk's start or end */
                unsigned char t[16];
                tl_bulk_swap_copy(t, r->src + e * r->size, r->size, 1);
                m = r->size - in < n ? r->size - in : n;
                memcpy(dst, t + in, m);
            }
        }
        dst += m;
        pos += m;
        n -= m;
    }
}

static uint64_t dirty_skipped, dirty_encoded;

void tl_delta_dirty_counts(uint64_t *skipped, uint64_t *encoded)
{
    *skipped = dirty_skipped;
    *encoded = dirty_encoded;
}

/* delta_stream where dirty tracking says which chunks of the referred arrays are unchanged since the base's round
 * (dirty.c): those become the COPY the comparison would have found, their CRCs taken from the round's record, without
 * being read; the others are encoded and compared as delta_stream does. The operations and CRCs are the same. */
static void delta_stream_dirty(oplist *ops, tl_buf *data, const tl_piece *pc, const unsigned char *base, size_t boff,
                               size_t blen, int in_base, uint32_t *image_crc)
{
    unsigned char chunk[TL_DELTA_CHUNK];
    content_seek s;
    size_t total = tl_buf_size(pc->buf), pos = 0;
    uint32_t crc = pc->crc_seed;
    s.b = pc->buf;
    s.k = s.shift = 0;
    /* a round's child records its chunks' CRCs as it goes, the unchanged ones from the base's record (dirty.c) */
    tl_dirty_record_begin(pc->tag, pc->buf);
    while (pos < total) {
        size_t n = total - pos < TL_DELTA_CHUNK ? total - pos : TL_DELTA_CHUNK;
        const tl_buf_ref *r = seek_ref(&s, pos);
        uint32_t c;
        if (n == TL_DELTA_CHUNK && in_base && pos < blen && blen - pos >= n && r && pos >= r->at + s.shift &&
            tl_dirty_clean(pc->tag, r->at + s.shift, r->src, r->size, r->n, pos, &c)) {
            *image_crc = tl_dirty_crc_append(*image_crc, c);
            crc = tl_dirty_crc_append(crc, c);
            add_op(ops, OP_COPY, boff + pos, n);
            tl_dirty_record_crc(c);
            dirty_skipped++;
        } else {
            content_at(&s, pos, n, chunk);
            *image_crc = tl_crc32c(*image_crc, chunk, n);
            crc = tl_crc32c(crc, chunk, n);
            tl_dirty_record_bytes(chunk, n);
            delta_chunk(ops, data, chunk, n, pos, base, boff, blen, in_base);
            dirty_encoded++;
        }
        pos += n;
    }
    tl_dirty_record_end();
    if (pc->crc_out)
        put_crc(pc->crc_out, crc);
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
    int dirty = tl_dirty_armed();
    dirty_skipped = dirty_encoded = 0;
    for (k = 0; k < npieces; k++) {
        const tl_piece *pc = &pieces[k];
        size_t boff = 0, blen = 0, pos = 0;
        if (pc->buf) {
            int in_base = pc->tag && base_section(base, base_len, pc->tag, &boff, &blen);
            image_len += tl_buf_size(pc->buf);
            if (dirty)
                delta_stream_dirty(&ops, &data, pc, base, boff, blen, in_base, &image_crc);
            else
                delta_stream(&ops, &data, pc, base, boff, blen, in_base, &image_crc);
            continue;
        }
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

/* Parses the delta and checks every operation against the image, the base's length and the data area (not
 * yet the base's CRC): 0, or -1 with a message naming the offset. *shift: image offset minus base offset of
 * the longest COPY (0 without one), where tl_delta_apply_over expects the base to stand already. */
static int check_ops(const unsigned char *d, size_t dlen, size_t blen, head *h, int64_t *shift, char *err,
                     size_t errlen)
{
    uint64_t filled = 0, cursor = 0, longest = 0;
    uint32_t i;
    if (parse_head(d, dlen, h, err, errlen) != 0)
        return -1;
    if (h->base_len != blen) {
        set_err(err, errlen, "delta: its base %s is not the file it was made from (length %llu and CRC %08x "
                "expected, %llu bytes found)", h->name, (unsigned long long)h->base_len, (unsigned)h->base_crc,
                (unsigned long long)blen);
        return -1;
    }
    *shift = 0;
    /* every operation is checked before anything is written */
    for (i = 0; i < h->nops; i++) {
        const unsigned char *o = d + h->ops_off + (size_t)i * OP_BYTES;
        uint64_t a = be_get(o + 1, 8), len = be_get(o + 9, 8);
        size_t at = h->ops_off + (size_t)i * OP_BYTES;
        if (o[0] != OP_COPY && o[0] != OP_DATA) {
            set_err(err, errlen, "delta at offset %lu: operation kind %u (1 COPY, 2 DATA)", (unsigned long)at, o[0]);
            return -1;
        }
        if (len == 0 || len > h->image_len - filled) {
            set_err(err, errlen, "delta at offset %lu: operation of %llu bytes beyond the image of %llu bytes",
                    (unsigned long)at, (unsigned long long)len, (unsigned long long)h->image_len);
            return -1;
        }
        if (o[0] == OP_COPY && (a > blen || len > blen - a)) {
            set_err(err, errlen, "delta at offset %lu: COPY of %llu bytes at %llu outside the base of %lu bytes",
                    (unsigned long)at, (unsigned long long)len, (unsigned long long)a, (unsigned long)blen);
            return -1;
        }
        if (o[0] == OP_DATA && (a != cursor || len > h->data_len - cursor)) {
            set_err(err, errlen, "delta at offset %lu: DATA at %llu of %llu bytes, expected at %llu within %llu bytes",
                    (unsigned long)at, (unsigned long long)a, (unsigned long long)len, (unsigned long long)cursor,
                    (unsigned long long)h->data_len);
            return -1;
        }
        if (o[0] == OP_COPY && len > longest) {
            longest = len;
            *shift = (int64_t)filled - (int64_t)a;
        }
        if (o[0] == OP_DATA)
            cursor += len;
        filled += len;
    }
    if (filled != h->image_len || cursor != h->data_len) {
        set_err(err, errlen, "delta: operations make %llu of %llu image bytes and use %llu of %llu data bytes",
                (unsigned long long)filled, (unsigned long long)h->image_len, (unsigned long long)cursor,
                (unsigned long long)h->data_len);
        return -1;
    }
    return 0;
}

static void base_mismatch(const head *h, size_t blen, char *err, size_t errlen)
{
    set_err(err, errlen, "delta: its base %s is not the file it was made from (length %llu and CRC %08x "
            "expected, %llu bytes found)", h->name, (unsigned long long)h->base_len, (unsigned)h->base_crc,
            (unsigned long long)blen);
}

static void image_mismatch(const head *h, char *err, size_t errlen)
{
    set_err(err, errlen, "delta: the rebuilt image does not match its CRC %08x", (unsigned)h->image_crc);
}

unsigned char *tl_delta_apply(const unsigned char *d, size_t dlen, const unsigned char *base, size_t blen,
                              size_t *out_len, char *err, size_t errlen)
{
    head h;
    unsigned char *img;
    uint64_t filled = 0;
    uint32_t i;
    int64_t shift;
    if (check_ops(d, dlen, blen, &h, &shift, err, errlen) != 0)
        return NULL;
    if (tl_crc32c(0, base, blen) != h.base_crc) {
        base_mismatch(&h, blen, err, errlen);
        return NULL;
    }
    img = tl_xmalloc(h.image_len ? (size_t)h.image_len : 1);
    tl_hugepages(img, (size_t)h.image_len);
    for (i = 0; i < h.nops; i++) {
        const unsigned char *o = d + h.ops_off + (size_t)i * OP_BYTES;
        uint64_t a = be_get(o + 1, 8), len = be_get(o + 9, 8);
        memcpy(img + filled, o[0] == OP_COPY ? base + a : d + h.data_off + a, (size_t)len);
        filled += len;
    }
    if (tl_crc32c(0, img, (size_t)h.image_len) != h.image_crc) {
        image_mismatch(&h, err, errlen);
        free(img);
        return NULL;
    }
    *out_len = (size_t)h.image_len;
    return img;
}

int tl_delta_shift(const unsigned char *d, size_t dlen, size_t blen, uint64_t *image_len, int64_t *shift, char *err,
                   size_t errlen)
{
    head h;
    if (check_ops(d, dlen, blen, &h, shift, err, errlen) != 0)
        return -1;
    *image_len = h.image_len;
    return 0;
}

/* n bytes at p to fd at offset off, through short writes and EINTR: 0, or -1 with errno. */
static int pwrite_fully(int fd, const unsigned char *p, size_t n, uint64_t off)
{
    while (n) {
        ssize_t w = pwrite(fd, p, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        p += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

/* len bytes of base_fd at from to fd at at inside the kernel (a file system that shares extents shares them): the
 * bytes copied, fewer where the kernel refuses or stops (the caller writes the rest itself). */
static uint64_t kernel_copy(int base_fd, uint64_t from, int fd, uint64_t at, uint64_t len)
{
    uint64_t done = 0;
#if defined(__linux__) && defined(SYS_copy_file_range)
    while (done < len) {
        long long in_off = (long long)(from + done), out_off = (long long)(at + done);
        uint64_t want = len - done > ((uint64_t)1 << 30) ? (uint64_t)1 << 30 : len - done;
        long got = syscall(SYS_copy_file_range, base_fd, &in_off, fd, &out_off, (size_t)want, 0u);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        done += (uint64_t)got;
    }
#else
    (void)base_fd, (void)from, (void)fd, (void)at, (void)len;
#endif
    return done;
}

int tl_delta_write_image(int fd, int base_fd, const unsigned char *base, size_t blen, const unsigned char *d,
                         size_t dlen, uint32_t *image_crc, char *err, size_t errlen)
{
    head h;
    uint64_t filled = 0;
    uint32_t i;
    int64_t shift;
    /* a delta this process just built: still checked whole before anything is written */
    if (check_ops(d, dlen, blen, &h, &shift, err, errlen) != 0)
        return -1;
    for (i = 0; i < h.nops; i++) {
        const unsigned char *o = d + h.ops_off + (size_t)i * OP_BYTES;
        uint64_t a = be_get(o + 1, 8), len = be_get(o + 9, 8), done = 0;
        if (o[0] == OP_COPY)
            done = kernel_copy(base_fd, a, fd, filled, len);
        if (pwrite_fully(fd, (o[0] == OP_COPY ? base : d + h.data_off) + a + done, (size_t)(len - done),
                         filled + done) != 0) {
            set_err(err, errlen, "cannot write the image at offset %llu: %s", (unsigned long long)(filled + done),
                    tl_strerror(errno));
            return -1;
        }
        filled += len;
    }
    *image_crc = h.image_crc;
    return 0;
}

/* ---------------------------------------------------------------- a base known before the go */

#define KNOWN_STEP ((uint64_t)1 << 16)

static struct {
    int valid;
    char name[TL_DELTA_MAX_NAME + 1];
    struct stat st;
    uint64_t n;
    uint32_t crc;
    uint32_t *prefix;               /* prefix[i]: CRC of the bytes [0, i * KNOWN_STEP) */
} known;

/* the same file, not written since (a write changes the modification time, anything else the change time) */
static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

void tl_delta_forget_base(void)
{
    free(known.prefix);
    memset(&known, 0, sizeof known);
}

int tl_delta_know_base(const char *path, const unsigned char *p, size_t n, uint32_t *crc)
{
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    struct stat s0, s1;
    uint64_t i, steps = (uint64_t)n / KNOWN_STEP;
    uint32_t c = 0;
    int ok;
    tl_delta_forget_base();
    ok = tl_delta_plain_base_name(name, strlen(name)) && lstat(path, &s0) == 0 && S_ISREG(s0.st_mode) &&
         (uintmax_t)s0.st_size == (uintmax_t)n;
    known.prefix = tl_xmalloc((size_t)(steps + 1) * sizeof *known.prefix);
    known.prefix[0] = 0;
    for (i = 0; i < steps; i++)
        known.prefix[i + 1] = c = tl_crc32c(c, p + i * KNOWN_STEP, (size_t)KNOWN_STEP);
    c = tl_crc32c(c, p + steps * KNOWN_STEP, (size_t)(n - steps * KNOWN_STEP));
    *crc = c;
    if (!ok || lstat(path, &s1) != 0 || !same_file(&s0, &s1)) {
        tl_delta_forget_base();
        return 0;
    }
    known.valid = 1;
    snprintf(known.name, sizeof known.name, "%s", name);
    known.st = s0;
    known.n = n;
    known.crc = c;
    return 1;
}

/* Whether the base file bpath (named name in the delta) is the known base, unchanged. */
static int is_known(const char *name, const char *bpath)
{
    struct stat st;
    return known.valid && strcmp(name, known.name) == 0 && lstat(bpath, &st) == 0 && same_file(&st, &known.st);
}

/* CRC (seed 0) of the known base's bytes [a, a + len), which src holds (src[0] is the base's byte a): the whole
 * steps inside from the prefixes (crc(P(s), R) = P(e), and crc(c, R) = L(c) ^ crc(0, R)), the edges read. */
static uint32_t known_range(const unsigned char *src, uint64_t a, uint64_t len)
{
    uint64_t s = (a + KNOWN_STEP - 1) / KNOWN_STEP * KNOWN_STEP, e = (a + len) / KNOWN_STEP * KNOWN_STEP;
    uint32_t c;
    if (s >= e || e / KNOWN_STEP > known.n / KNOWN_STEP)
        return tl_crc32c(0, src, (size_t)len);
    c = tl_crc32c(0, src, (size_t)(s - a));
    c = tl_crc32c_combine(c, known.prefix[e / KNOWN_STEP] ^
                          tl_crc32c_combine(known.prefix[s / KNOWN_STEP], 0, e - s), e - s);
    return tl_crc32c(c, src + (e - a), (size_t)(a + len - e));
}

/* tl_delta_apply_over; with known (the base is the known one, unchanged) neither the base's CRC nor the COPYs' part
 * of the image's CRC is computed over bytes. */
static int apply_over(const unsigned char *d, size_t dlen, const unsigned char *base, size_t blen, unsigned char *img,
                      int64_t shift, int is_known_base, char *err, size_t errlen)
{
    head h;
    uint64_t filled = 0;
    uint32_t i, icrc = 0;
    int64_t dominant;
    if (check_ops(d, dlen, blen, &h, &dominant, err, errlen) != 0)
        return -1;
    if ((is_known_base && (blen != known.n || known.crc != h.base_crc)) ||
        (!is_known_base && tl_crc32c(0, base, blen) != h.base_crc)) {
        base_mismatch(&h, blen, err, errlen);
        return -1;
    }
    for (i = 0; i < h.nops; i++) {
        const unsigned char *o = d + h.ops_off + (size_t)i * OP_BYTES;
        uint64_t a = be_get(o + 1, 8), len = be_get(o + 9, 8);
        /* a COPY at the shift where the base stands is there already: nothing of it is read or copied */
        if (o[0] == OP_DATA)
            memcpy(img + filled, d + h.data_off + a, (size_t)len);
        else if ((int64_t)filled - (int64_t)a != shift)
            memcpy(img + filled, base + a, (size_t)len);
        if (is_known_base)
            icrc = o[0] == OP_DATA ? tl_crc32c(icrc, img + filled, (size_t)len)
                                   : tl_crc32c_combine(icrc, known_range(base + a, a, len), len);
        filled += len;
    }
    if (!is_known_base)
        icrc = tl_crc32c(0, img, (size_t)h.image_len);
    if (icrc != h.image_crc) {
        image_mismatch(&h, err, errlen);
        return -1;
    }
    return 0;
}

int tl_delta_apply_over(const unsigned char *d, size_t dlen, const unsigned char *base, size_t blen,
                        unsigned char *img, int64_t shift, char *err, size_t errlen)
{
    return apply_over(d, dlen, base, blen, img, shift, 0, err, errlen);
}

#ifdef MAP_POPULATE
#define POPULATE MAP_POPULATE
#else
#define POPULATE 0
#endif

/* the last image build_over made: its COPYs' bytes are the known base's */
static int built_known;

/* The image of delta d built over a second private mapping of its base file (path bpath, already mapped and
 * checked as b): an anonymous region where the base file is mapped at the page-aligned place that puts its bytes
 * where the delta's longest COPY wants them (so that COPYs at that shift copy nothing and touch no page),
 * everything else written over it. NULL with *refused = 0: not possible here (the caller rebuilds the image
 * in fresh memory); NULL with *refused = 1: the delta is refused (message in err). */
static unsigned char *build_over(const unsigned char *d, size_t dlen, const char *bpath, const tl_mapped *b,
                                 int is_known_base, size_t *out_len, int *refused, char *err, size_t errlen)
{
    const size_t page = 4096;
    uint64_t image_len;
    int64_t shift;
    size_t rel_img, rel_base, total;
    unsigned char *region, *img;
    struct stat st;
    int fd;
    *refused = 0;
    if (tl_delta_shift(d, dlen, b->n, &image_len, &shift, err, errlen) != 0) {
        *refused = 1;
        return NULL;
    }
    if (image_len == 0 || (uint64_t)(shift < 0 ? -shift : shift) > image_len + b->n || (size_t)sysconf(_SC_PAGESIZE) != page)
        return NULL;
    /* image at rel_img, base at rel_base = rel_img + shift, page-aligned */
    rel_img = (size_t)((uint64_t)(-shift) & (page - 1));
    if (shift < 0)
        rel_img += ((size_t)(-shift) + page - 1) / page * page;
    rel_base = (size_t)((int64_t)rel_img + shift);
    total = rel_img + (size_t)image_len > rel_base + b->n ? rel_img + (size_t)image_len : rel_base + b->n;
    total = (total + page - 1) / page * page;
    fd = open(bpath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uintmax_t)st.st_size != b->n) {
        close(fd);
        return NULL;
    }
    /* the file mapped here is the known base too (else every byte is read, as for any base) */
    if (is_known_base && !same_file(&st, &known.st))
        is_known_base = 0;
    region = tl_runtime_mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
    if (region == MAP_FAILED) {
        close(fd);
        return NULL;
    }
    /* read-only first, so that populating the page tables maps the page cache's pages (a populated writable
     * private mapping would copy every page), then writable: only the pages written get copied */
    if (tl_runtime_mmap(region + rel_base, b->n, PROT_READ, MAP_PRIVATE | MAP_FIXED | (is_known_base ? 0 : POPULATE),
                        fd) == MAP_FAILED ||
        mprotect(region + rel_base, b->n, PROT_READ | PROT_WRITE) != 0) {
        close(fd);
        tl_runtime_munmap(region, total);
        return NULL;
    }
    close(fd);
    img = region + rel_img;
    if (tl_checkpoint_image_add(img, region, total, region + rel_base, b->n) != 0) {
        tl_runtime_munmap(region, total);
        return NULL;
    }
    /* the base's CRC over the checked mapping, the sources of other COPYs from it too (never from the region,
     * which the writes change) */
    if (apply_over(d, dlen, b->p, b->n, img, shift, is_known_base, err, errlen) != 0 ||
        tl_checkpoint_file_shrank(region + rel_base)) {
        if (tl_checkpoint_file_shrank(region + rel_base))
            set_err(err, errlen, "delta: its base shrank while it was read (another process truncated it)");
        tl_checkpoint_unmap_file(img, 0, TL_MAPPED_DELTA_IMAGE);
        *refused = 1;
        return NULL;
    }
    *out_len = (size_t)image_len;
    built_known = is_known_base;
    return img;
}

int tl_delta_plain_base_name(const char *name, size_t n)
{
    return n <= TL_DELTA_MAX_NAME && plain_name((const unsigned char *)name, (uint32_t)n);
}

static tl_delta_made last_made;
static int last_valid;

static int last_known;

void tl_delta_forget(void)
{
    free((void *)last_made.copies);
    memset(&last_made, 0, sizeof last_made);
    last_valid = 0;
    last_known = 0;
}

uint32_t tl_delta_image_crc(const unsigned char *img, size_t off, size_t n)
{
    const tl_delta_copy *v = last_made.copies;
    size_t lo = 0, hi = last_made.ncopies, k;
    uint64_t pos = off, end = (uint64_t)off + n;
    uint32_t c = 0;
    if (!last_valid || !last_known || !known.valid || img != last_made.image)
        return tl_crc32c(0, img + off, n);
    /* the first COPY that ends after off (COPYs are in image order and do not overlap) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].at + v[mid].len <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (k = lo; k < last_made.ncopies && v[k].at < end; k++) {
        uint64_t s = v[k].at > pos ? v[k].at : pos, e = v[k].at + v[k].len < end ? v[k].at + v[k].len : end;
        c = tl_crc32c(c, img + pos, (size_t)(s - pos));
        /* the image holds the base's bytes here */
        c = tl_crc32c_combine(c, known_range(img + s, v[k].from + (s - v[k].at), e - s), e - s);
        pos = e;
    }
    return tl_crc32c(c, img + pos, (size_t)(end - pos));
}

const tl_delta_made *tl_delta_last(void)
{
    return last_valid ? &last_made : NULL;
}

/* Notes what img, rebuilt from the delta d (validated: check_ops passed), was made of. */
static void note_made(const unsigned char *d, size_t dlen, const unsigned char *img)
{
    head h;
    uint64_t filled = 0;
    uint32_t i;
    size_t n = 0;
    tl_delta_copy *v;
    char err[8];
    tl_delta_forget();
    if (parse_head(d, dlen, &h, err, sizeof err) != 0)
        return;
    v = tl_xmalloc((h.nops ? h.nops : 1) * sizeof *v);
    for (i = 0; i < h.nops; i++) {
        const unsigned char *o = d + h.ops_off + (size_t)i * OP_BYTES;
        uint64_t a = be_get(o + 1, 8), len = be_get(o + 9, 8);
        if (o[0] == OP_COPY) {
            v[n].at = filled, v[n].from = a, v[n].len = len;
            n++;
        }
        filled += len;
    }
    last_made.image = img;
    memcpy(last_made.base_name, h.name, sizeof h.name);
    last_made.base_len = h.base_len;
    last_made.base_crc = h.base_crc;
    last_made.copies = v;
    last_made.ncopies = n;
    last_valid = 1;
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

unsigned char *tl_delta_load(const char *path, size_t *out_len, int *mapped, char *err, size_t errlen)
{
    size_t dlen = 0, dirlen;
    unsigned char *d, *img;
    tl_mapped b;
    char name[TL_DELTA_MAX_NAME + 1], why[512], *bpath;
    const char *slash = strrchr(path, '/');
    int is_known_base;
    tl_delta_forget();
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
    /* a base read whole before (the base restored ahead) is not read whole again */
    is_known_base = is_known(name, bpath);
    b.p = is_known_base ? tl_checkpoint_map_file_sparse(bpath, &b.n, &b.mapped, why, sizeof why)
                        : tl_checkpoint_map_file(bpath, &b.n, &b.mapped, why, sizeof why);
    if (!b.p) {
        set_err(err, errlen, "delta: its base %s: %s", name, why);
        free(bpath);
        free(d);
        return NULL;
    }
    *mapped = 0;
    built_known = 0;
    if (b.mapped) {
        int refused;
        img = build_over(d, dlen, bpath, &b, is_known_base, out_len, &refused, err, errlen);
        if (img || refused) {
            if (img && tl_checkpoint_file_shrank(b.p)) {
                set_err(err, errlen, "delta: its base %s shrank while it was read (another process truncated it)",
                        name);
                tl_checkpoint_unmap_file(img, 0, TL_MAPPED_DELTA_IMAGE);
                img = NULL;
            }
            free(bpath);
            if (img) {
                note_made(d, dlen, img);
                last_known = built_known;
                if (built_known)
                    tl_info("delta %s: its base %s was read whole before the go: its CRC and the CRCs of its bytes "
                            "the delta keeps are combined, not read again", slash ? slash + 1 : path, name);
            }
            free(d);
            tl_unmap_checkpoint_file(&b);
            if (img)
                *mapped = TL_MAPPED_DELTA_IMAGE;
            return img;
        }
    }
    free(bpath);
    img = tl_delta_apply(d, dlen, b.p, b.n, out_len, err, errlen);
    if (img && tl_checkpoint_file_shrank(b.p)) {
        set_err(err, errlen, "delta: its base %s shrank while it was read (another process truncated it)", name);
        free(img);
        img = NULL;
    }
    if (img)
        note_made(d, dlen, img);
    free(d);
    tl_unmap_checkpoint_file(&b);
    return img;
}
