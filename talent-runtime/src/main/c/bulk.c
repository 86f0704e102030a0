/* bulk.c: arrays of plain numbers encoded and decoded in tight loops (bulk.h). A type is reduced to a short
 * list of runs, each a stretch of same-width scalars; the common case (an array of double, of int, of a
 * struct of three doubles) is one run over the whole array. */
#include "bulk.h"
#include "heap_slab.h"
#include "xalloc.h"

#include <string.h>

#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG_ENDIAN 1
#else
#define HOST_BIG_ENDIAN 0
#endif

/* More runs than this per element (a struct with many members of alternating widths) is encoded value by
 * value: the per-run overhead would eat the gain. */
#define MAX_RUNS 32

/* ---------------------------------------------------------------- byte order */

/* Copies n scalars of `size` bytes from s to d reversing the byte order of each on a little-endian host
 * (the file is big-endian), copying them as they are on a big-endian one. Works in both directions. */
static void swap_copy(unsigned char *d, const unsigned char *s, unsigned size, size_t n)
{
    size_t i;
    if (HOST_BIG_ENDIAN || size == 1) {
        memcpy(d, s, n * size);
        return;
    }
    switch (size) {
    case 2:
        for (i = 0; i < n; i++) {
            uint16_t v;
            memcpy(&v, s + 2 * i, 2);
            v = __builtin_bswap16(v);
            memcpy(d + 2 * i, &v, 2);
        }
        break;
    case 4:
        for (i = 0; i < n; i++) {
            uint32_t v;
            memcpy(&v, s + 4 * i, 4);
            v = __builtin_bswap32(v);
            memcpy(d + 4 * i, &v, 4);
        }
        break;
    case 8:
        for (i = 0; i < n; i++) {
            uint64_t v;
            memcpy(&v, s + 8 * i, 8);
            v = __builtin_bswap64(v);
            memcpy(d + 8 * i, &v, 8);
        }
        break;
    default:
        /* 16: a 128-bit integer, its halves swapped and exchanged */
        for (i = 0; i < n; i++) {
            uint64_t lo, hi;
            memcpy(&lo, s + 16 * i, 8);
            memcpy(&hi, s + 16 * i + 8, 8);
            lo = __builtin_bswap64(lo);
            hi = __builtin_bswap64(hi);
            memcpy(d + 16 * i, &hi, 8);
            memcpy(d + 16 * i + 8, &lo, 8);
        }
        break;
    }
}

void tl_bulk_swap_copy(unsigned char *d, const unsigned char *s, unsigned size, size_t n)
{
    swap_copy(d, s, size, n);
}

static uint64_t load_be(const unsigned char *s, unsigned n)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < n; i++)
        v = (v << 8) | s[i];
    return v;
}

static void store_native(unsigned char *d, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: { uint8_t x = (uint8_t)v; memcpy(d, &x, 1); break; }
    case 2: { uint16_t x = (uint16_t)v; memcpy(d, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(d, &x, 4); break; }
    default: memcpy(d, &v, 8); break;
    }
}

static int scalar_size_ok(size_t size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/* ---------------------------------------------------------------- encoding */

typedef struct enc_run {
    size_t off;                     /* in the element */
    unsigned size;
    size_t n;                       /* consecutive scalars */
} enc_run;

typedef struct enc_plan {
    enc_run run[MAX_RUNS];
    unsigned nrun;
    size_t bytes;                   /* encoded bytes per element */
} enc_plan;

static int enc_add(enc_plan *pl, size_t off, unsigned size, size_t n)
{
    if (pl->nrun > 0) {
        enc_run *last = &pl->run[pl->nrun - 1];
        if (last->size == size && last->off + last->n * size == off) {
            last->n += n;
            pl->bytes += n * size;
            return 0;
        }
    }
    if (pl->nrun == MAX_RUNS)
        return -1;
    pl->run[pl->nrun].off = off;
    pl->run[pl->nrun].size = size;
    pl->run[pl->nrun].n = n;
    pl->nrun++;
    pl->bytes += n * size;
    return 0;
}

static int enc_plan_of(const talent_type *t, size_t base, enc_plan *pl)
{
    unsigned f, k;
    size_t i;
    switch (t->kind) {
    case TALENT_K_SINT:
    case TALENT_K_UINT:
    case TALENT_K_FLOAT:
        if ((!scalar_size_ok(t->size) && !(t->size == 16 && t->kind != TALENT_K_FLOAT)) ||
            (t->kind == TALENT_K_FLOAT && t->size != 4 && t->size != 8))
            return -1;
        return enc_add(pl, base, (unsigned)t->size, 1);
    case TALENT_K_ARRAY: {
        enc_plan sub;
        if (t->count == 0)
            return 0;
        sub.nrun = 0;
        sub.bytes = 0;
        if (enc_plan_of(t->elem, 0, &sub) != 0)
            return -1;
        if (sub.nrun == 1 && sub.run[0].off == 0 && sub.run[0].n * sub.run[0].size == t->elem->size)
            return enc_add(pl, base, sub.run[0].size, sub.run[0].n * (size_t)t->count);
        if ((uint64_t)sub.nrun * t->count > MAX_RUNS)
            return -1;
        for (i = 0; i < t->count; i++)
            for (k = 0; k < sub.nrun; k++)
                if (enc_add(pl, base + i * t->elem->size + sub.run[k].off, sub.run[k].size, sub.run[k].n) != 0)
                    return -1;
        return 0;
    }
    case TALENT_K_STRUCT:
        for (f = 0; f < t->nfields; f++) {
            if (t->fields[f].bit_width)
                return -1;
            if (enc_plan_of(t->fields[f].type, base + t->fields[f].offset, pl) != 0)
                return -1;
        }
        return 0;
    default:
        return -1;  /* bool (normalised to 0/1), long double, pointers, unions (first member, checked) */
    }
}

int tl_bulk_encode(tl_buf *b, const talent_type *et, const void *addr, uint64_t count)
{
    const unsigned char *p = addr;
    unsigned char *d;
    enc_plan pl;
    uint64_t i;
    unsigned k;
    pl.nrun = 0;
    pl.bytes = 0;
    if (enc_plan_of(et, 0, &pl) != 0)
        return 0;
    if (count == 0 || pl.bytes == 0)
        return 1;
    if (count > SIZE_MAX / pl.bytes)
        return 0;
    if (pl.nrun == 1 && pl.run[0].off == 0 && pl.run[0].n * pl.run[0].size == et->size && b->refer &&
        (size_t)count * pl.bytes >= TL_BULK_REFER_MIN) {
        /* encoded as the buffer is written, straight from the program's memory */
        tl_buf_refer(b, p, pl.run[0].size, (size_t)count * pl.run[0].n);
        return 1;
    }
    d = tl_buf_grow(b, (size_t)count * pl.bytes);
    if (pl.nrun == 1 && pl.run[0].off == 0 && pl.run[0].n * pl.run[0].size == et->size) {
        swap_copy(d, p, pl.run[0].size, (size_t)count * pl.run[0].n);
        return 1;
    }
    for (i = 0; i < count; i++, p += et->size)
        for (k = 0; k < pl.nrun; k++) {
            swap_copy(d, p + pl.run[k].off, pl.run[k].size, pl.run[k].n);
            d += pl.run[k].size * pl.run[k].n;
        }
    return 1;
}

void tl_buf_refer(tl_buf *b, const void *src, unsigned size, size_t n)
{
    tl_buf_ref *r;
    if (b->nrefs == b->ref_cap) {
        b->ref_cap = b->ref_cap ? 2 * b->ref_cap : 4;
        b->refs = tl_xrealloc(b->refs, b->ref_cap * sizeof *b->refs);
    }
    r = &b->refs[b->nrefs++];
    r->at = b->len;
    r->src = src;
    r->size = size;
    r->n = n;
    b->ref_bytes += n * size;
}

void tl_buf_materialize(tl_buf *b)
{
    tl_buf out = {0};
    size_t k, from = 0;
    if (b->nrefs == 0)
        return;
    for (k = 0; k < b->nrefs; k++) {
        const tl_buf_ref *r = &b->refs[k];
        tl_buf_put(&out, b->data + from, r->at - from);
        swap_copy(tl_buf_grow(&out, r->n * r->size), r->src, r->size, r->n);
        from = r->at;
    }
    tl_buf_put(&out, b->data + from, b->len - from);
    out.refer = b->refer;
    tl_buf_free(b);
    *b = out;
}

/* ---------------------------------------------------------------- decoding */

typedef struct dec_run {
    size_t toff;                    /* in this target's element */
    unsigned tsize, fsize;          /* bytes of one scalar here and in the file */
    uint8_t tkind, fkind;
    size_t n;
} dec_run;

typedef struct dec_plan {
    dec_run run[MAX_RUNS];
    unsigned nrun;
    size_t fbytes;                  /* encoded bytes per element */
} dec_plan;

static int dec_add(dec_plan *pl, const dec_run *r)
{
    if (pl->nrun > 0) {
        dec_run *last = &pl->run[pl->nrun - 1];
        if (last->tsize == r->tsize && last->fsize == r->fsize && last->tkind == r->tkind && last->fkind == r->fkind &&
            last->toff + last->n * last->tsize == r->toff) {
            last->n += r->n;
            pl->fbytes += r->n * r->fsize;
            return 0;
        }
    }
    if (pl->nrun == MAX_RUNS)
        return -1;
    pl->run[pl->nrun++] = *r;
    pl->fbytes += r->n * r->fsize;
    return 0;
}

/* The file's type ct and this target's type t must have the same shape (what the value-by-value decoder
 * would accept without a "does not match" error); any difference leaves it to that decoder. */
static int dec_plan_of(const tl_checkpoint *ck, const tl_ck_type *ct, const talent_type *t, size_t base, dec_plan *pl)
{
    dec_run run;
    unsigned f, k;
    uint64_t i;
    switch (ct->kind) {
    case TALENT_K_SINT:
    case TALENT_K_UINT:
        if (ct->bits == 128 || t->size == 16) {
            /* 128 bits: only into the same kind and width (copied); anything else value by value */
            if (ct->bits != 128 || t->size != 16 || t->kind != ct->kind)
                return -1;
            break;
        }
        if ((t->kind != TALENT_K_SINT && t->kind != TALENT_K_UINT) || !scalar_size_ok(t->size) || ct->bits > 64)
            return -1;
        break;
    case TALENT_K_FLOAT:
        if (t->kind != TALENT_K_FLOAT || (t->size != 4 && t->size != 8) || (ct->bits != 32 && ct->bits != 64))
            return -1;
        break;
    case TALENT_K_ARRAY: {
        dec_plan sub;
        const tl_ck_type *et = &ck->types[ct->elem];
        if (t->kind != TALENT_K_ARRAY || t->count != ct->count)
            return -1;
        if (ct->count == 0)
            return 0;
        sub.nrun = 0;
        sub.fbytes = 0;
        if (dec_plan_of(ck, et, t->elem, 0, &sub) != 0)
            return -1;
        if (sub.nrun == 1 && sub.run[0].toff == 0 && sub.run[0].n * sub.run[0].tsize == t->elem->size) {
            run = sub.run[0];
            run.toff = base;
            run.n = sub.run[0].n * (size_t)ct->count;
            return dec_add(pl, &run);
        }
        if ((uint64_t)sub.nrun * ct->count > MAX_RUNS)
            return -1;
        for (i = 0; i < ct->count; i++)
            for (k = 0; k < sub.nrun; k++) {
                run = sub.run[k];
                run.toff = base + (size_t)i * t->elem->size + sub.run[k].toff;
                if (dec_add(pl, &run) != 0)
                    return -1;
            }
        return 0;
    }
    case TALENT_K_STRUCT:
        if (t->kind != TALENT_K_STRUCT || t->nfields != ct->nfields)
            return -1;
        for (f = 0; f < ct->nfields; f++) {
            if (ct->fields[f].bit_width || t->fields[f].bit_width)
                return -1;
            if (dec_plan_of(ck, &ck->types[ct->fields[f].type], t->fields[f].type, base + t->fields[f].offset, pl) != 0)
                return -1;
        }
        return 0;
    default:
        return -1;
    }
    run.toff = base;
    run.tsize = (unsigned)t->size;
    run.fsize = ct->bits / 8u;
    run.tkind = (uint8_t)t->kind;
    run.fkind = ct->kind;
    run.n = 1;
    return dec_add(pl, &run);
}

/* Whether the value (sign-extended u, negative when neg) fits an integer of this kind and width: the same
 * rule as the value-by-value decoder's. */
static int int_fits(int neg, uint64_t u, int kind, unsigned bits)
{
    if (kind == TALENT_K_UINT)
        return !neg && (bits >= 64 || u < ((uint64_t)1 << bits));
    if (neg)
        return bits >= 64 || (int64_t)u >= -((int64_t)1 << (bits - 1));
    return bits >= 64 ? u <= (uint64_t)INT64_MAX : u < ((uint64_t)1 << (bits - 1));
}

/* Decodes n scalars of run r from s to d; returns n, or the index of the first that does not fit. */
static size_t dec_run_copy(unsigned char *d, const unsigned char *s, const dec_run *r, size_t n)
{
    size_t i;
    if (r->fsize == r->tsize && (r->fkind == r->tkind || r->fkind == TALENT_K_FLOAT)) {
        swap_copy(d, s, r->tsize, n);
        return n;
    }
    if (r->fkind == TALENT_K_FLOAT) {
        for (i = 0; i < n; i++, s += r->fsize, d += r->tsize) {
            if (r->fsize == 4) {
                uint32_t bits = (uint32_t)load_be(s, 4);
                float fl;
                double dv;
                memcpy(&fl, &bits, 4);
                dv = fl;
                memcpy(d, &dv, 8);
            } else {
                uint64_t bits = load_be(s, 8);
                double dv;
                float fl;
                memcpy(&dv, &bits, 8);
                fl = (float)dv;
                memcpy(d, &fl, 4);
            }
        }
        return n;
    }
    for (i = 0; i < n; i++, s += r->fsize, d += r->tsize) {
        uint64_t u = load_be(s, r->fsize);
        unsigned bits = 8u * r->fsize;
        int neg = 0;
        if (r->fkind == TALENT_K_SINT && bits < 64 && (u >> (bits - 1)) & 1)
            u |= ~(uint64_t)0 << bits;
        if (r->fkind == TALENT_K_SINT && (int64_t)u < 0)
            neg = 1;
        if (!int_fits(neg, u, r->tkind, 8u * r->tsize))
            return i;
        store_native(d, r->tsize, u);
    }
    return n;
}

int tl_bulk_decode(tl_reader *r, const tl_checkpoint *ck, uint32_t elem_id, const talent_type *t, void *addr,
                   uint64_t count, uint64_t *done)
{
    unsigned char *p = addr;
    const unsigned char *s;
    const dec_plan *pl;
    uint64_t i;
    unsigned k;
    size_t start = r->pos;
    *done = 0;
    if (r->failed)
        return 0;
    {
        /* the last plan made, kept: a restore decodes a million blocks of one type in a row, and each asks again
         * (keyed by the checkpoint's type table, the type id and this target's descriptor) */
        static const tl_ck_type *c_types;
        static uint32_t c_elem;
        static const talent_type *c_t;
        static int c_ok;
        static dec_plan c_plan;
        if (!(c_types == ck->types && c_elem == elem_id && c_t == t)) {
            c_plan.nrun = 0;
            c_plan.fbytes = 0;
            c_ok = dec_plan_of(ck, &ck->types[elem_id], t, 0, &c_plan) == 0;
            c_types = ck->types;
            c_elem = elem_id;
            c_t = t;
        }
        if (!c_ok)
            return 0;
        pl = &c_plan;
    }
    if (count == 0 || pl->fbytes == 0)
        return 1;
    if (count > (r->len - r->pos) / pl->fbytes)
        return 0;   /* the value-by-value decoder reports where the section ends */
    s = r->data + r->pos;
    tl_hugepages(p, (size_t)count * t->size);   /* the restored array: usually first touched here */
    if (pl->nrun == 1 && pl->run[0].toff == 0 && pl->run[0].n * pl->run[0].tsize == t->size) {
        size_t n = (size_t)count * pl->run[0].n, got = dec_run_copy(p, s, &pl->run[0], n);
        if (got == n) {
            r->pos += (size_t)count * pl->fbytes;
            return 1;
        }
        *done = got / pl->run[0].n;
        r->pos = start + (size_t)*done * pl->fbytes;
        return 0;
    }
    for (i = 0; i < count; i++, p += t->size) {
        for (k = 0; k < pl->nrun; k++) {
            if (dec_run_copy(p + pl->run[k].toff, s, &pl->run[k], pl->run[k].n) != pl->run[k].n) {
                *done = i;
                r->pos = start + (size_t)i * pl->fbytes;
                return 0;
            }
            s += pl->run[k].n * pl->run[k].fsize;
        }
    }
    r->pos = start + (size_t)count * pl->fbytes;
    return 1;
}
