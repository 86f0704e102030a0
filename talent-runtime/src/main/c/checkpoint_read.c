/* checkpoint_read.c: finds the newest checkpoint of a directory that validates completely (header, every
 * section's length and CRC32C, every structure and value, the program fingerprint) and parses it into the
 * in-memory model used to restore; damaged newer files are reported with the section tag and file offset
 * of the problem, and the next older one is tried. Also loads exactly one given file (restore_file: no
 * fallback), or a checkpoint image held in memory (one that could not be written). */
#include "diag.h"
#include "xalloc.h"
#include "crc32c.h"
#include "checkpoint_read.h"
#include "libc_state.h"
#include "files.h"
#include "checkpoint_file.h"
#include "delta.h"
#include "heap_restore.h"
#include "heap_mapping.h"
#include "epoll.h"
#include "sigdisp.h"
#include "sockopts.h"
#include "env.h"
#include "errnos.h"
#include "libc_check.h"
#include "contract.h"
#include "sort.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- parsing */

/* Emitted by the compiler when it lists each point's restored variables (talent.h); NULL otherwise. */
extern const talent_point_vars talent_the_point_vars[] __attribute__((weak));
/* Emitted by the compiler when the program's text differs between the ISAs and this build's description of the
 * state differs from other ISAs' (their checkpoints have another fingerprint): what differs, for the refusal. */
extern const char *const talent_the_isa_note __attribute__((weak));

static const char *isa_note(void)
{
    return &talent_the_isa_note && talent_the_isa_note ? talent_the_isa_note : "";
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
static uint64_t sat_mul(uint64_t a, uint64_t b) { return (b && a > UINT64_MAX / b) ? UINT64_MAX : a * b; }
static uint32_t be32(const unsigned char *d)
{
    return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
}

/* Entry counts are bounded by the bytes left (every entry takes at least one byte), so that a damaged
 * count cannot make the reader allocate absurd amounts. */
static uint32_t rd_count(tl_reader *r, const char *what)
{
    size_t at = r->pos;
    uint32_t n = tl_rd_u32(r);
    if (!r->failed && n > r->len - r->pos)
        tl_reader_fail(r, "at offset %lu: %s count %lu exceeds the section's remaining %lu bytes",
                       (unsigned long)(r->base + at), what, (unsigned long)n, (unsigned long)(r->len - r->pos));
    return r->failed ? 0 : n;
}

static int parse_meta(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t i;
    size_t at;
    ck->fingerprint = tl_rd_str(r);
    ck->program = tl_rd_str(r);
    ck->platform = tl_rd_str(r);
    at = r->pos;
    ck->pointer_bits = tl_rd_u8(r);
    ck->big_endian = tl_rd_u8(r);
    if (!r->failed && ((ck->pointer_bits != 32 && ck->pointer_bits != 64) || ck->big_endian > 1))
        tl_reader_fail(r, "at offset %lu: pointer_bits %u / big_endian %u (32 or 64 / 0 or 1 expected)",
                       (unsigned long)(r->base + at), ck->pointer_bits, ck->big_endian);
    ck->time_ns = tl_rd_i64(r);
    ck->sequence = tl_rd_u64(r);
    ck->reason = tl_rd_str(r);
    ck->visits = tl_rd_u64(r);
    ck->point = tl_rd_u32(r);
    ck->point_pos = tl_rd_str(r);
    ck->function = tl_rd_str(r);
    ck->argc = rd_count(r, "argument");
    ck->argv = tl_xcalloc((size_t)ck->argc + 1, sizeof *ck->argv);
    for (i = 0; i < ck->argc; i++)
        ck->argv[i] = tl_rd_cbytes(r);
    return r->failed ? -1 : 0;
}

static int parse_types(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t i, f;
    ck->ntypes = rd_count(r, "type");
    ck->types = tl_xcalloc(ck->ntypes, sizeof *ck->types);
    for (i = 0; i < ck->ntypes && !r->failed; i++) {
        tl_ck_type *t = &ck->types[i];
        size_t at = r->pos;
        t->kind = tl_rd_u8(r);
        t->name = tl_rd_str(r);
        t->size = tl_rd_u32(r);
        switch (t->kind) {
        case TALENT_K_SINT:
        case TALENT_K_UINT:
            t->bits = tl_rd_u8(r);
            if (!r->failed && t->bits != 8 && t->bits != 16 && t->bits != 32 && t->bits != 64 && t->bits != 128)
                tl_reader_fail(r, "at offset %lu: type %lu '%s' has %u bits (8, 16, 32, 64 or 128 supported)",
                               (unsigned long)(r->base + at), (unsigned long)i, t->name, t->bits);
            t->min_encoded = t->bits / 8u;
            t->plain = 1;
            break;
        case TALENT_K_FLOAT:
            t->bits = tl_rd_u8(r);
            if (!r->failed && t->bits != 32 && t->bits != 64)
                tl_reader_fail(r, "at offset %lu: floating type %lu '%s' has %u bits (32 or 64 expected)",
                               (unsigned long)(r->base + at), (unsigned long)i, t->name, t->bits);
            t->min_encoded = t->bits / 8u;
            t->plain = 1;
            break;
        case TALENT_K_BOOL:
        case TALENT_K_FUNCPTR:
            t->min_encoded = 1;
            break;
        case TALENT_K_LDOUBLE:
            t->min_encoded = 4;
            break;
        case TALENT_K_PTR:
            t->pointee = tl_rd_str(r);
            t->pointee_type = tl_rd_u32(r);
            if (!r->failed && t->pointee_type != 0xFFFFFFFFu && t->pointee_type >= ck->ntypes)
                tl_reader_fail(r, "at offset %lu: pointer type %lu refers to type %lu, which does not exist",
                               (unsigned long)(r->base + at), (unsigned long)i, (unsigned long)t->pointee_type);
            t->min_encoded = 1;
            break;
        case TALENT_K_ARRAY:
            t->elem = tl_rd_u32(r);
            t->count = tl_rd_u64(r);
            if (!r->failed && t->elem >= i)
                tl_reader_fail(r, "at offset %lu: array type %lu refers to element type %lu (must be smaller)",
                               (unsigned long)(r->base + at), (unsigned long)i, (unsigned long)t->elem);
            if (!r->failed) {
                t->min_encoded = sat_mul(t->count, ck->types[t->elem].min_encoded);
                t->nodes = sat_add(1, sat_mul(t->count, ck->types[t->elem].nodes));
                t->depth = ck->types[t->elem].depth + 1;
                t->has_ptr = t->count > 0 && ck->types[t->elem].has_ptr;
                t->plain = t->count == 0 || ck->types[t->elem].plain;
            }
            break;
        case TALENT_K_STRUCT:
        case TALENT_K_UNION:
            t->nfields = rd_count(r, "member");
            t->fields = tl_xcalloc(t->nfields, sizeof *t->fields);
            t->plain = 1;
            for (f = 0; f < t->nfields && !r->failed; f++) {
                t->fields[f].name = tl_rd_str(r);
                t->fields[f].type = tl_rd_u32(r);
                t->fields[f].bit_width = tl_rd_u8(r);
                if (!r->failed && t->fields[f].type >= i)
                    tl_reader_fail(r, "at offset %lu: member '%s' of type %lu refers to type %lu (must be smaller)",
                                   (unsigned long)(r->base + at), t->fields[f].name, (unsigned long)i,
                                   (unsigned long)t->fields[f].type);
                if (!r->failed && t->fields[f].bit_width) {
                    const tl_ck_type *ft = &ck->types[t->fields[f].type];
                    uint8_t k = ft->kind;
                    if (k != TALENT_K_SINT && k != TALENT_K_UINT && k != TALENT_K_BOOL)
                        tl_reader_fail(r, "at offset %lu: bit-field '%s' does not have an integer type",
                                       (unsigned long)(r->base + at), t->fields[f].name);
                    else if (ft->bits > 64)
                        tl_reader_fail(r, "at offset %lu: bit-field '%s' has a %u-bit type (at most 64)",
                                       (unsigned long)(r->base + at), t->fields[f].name, ft->bits);
                    else if (t->fields[f].bit_width > (k == TALENT_K_BOOL ? 1u : ft->bits))
                        tl_reader_fail(r, "at offset %lu: bit-field '%s' of %u bits is wider than its type",
                                       (unsigned long)(r->base + at), t->fields[f].name, t->fields[f].bit_width);
                }
                if (!r->failed && (t->kind == TALENT_K_STRUCT || (f == 0 && !ck->union_members))) {
                    const tl_ck_type *ft = &ck->types[t->fields[f].type];
                    t->min_encoded = sat_add(t->min_encoded, ft->min_encoded);
                    t->nodes = sat_add(t->nodes, ft->nodes);
                    t->has_ptr |= ft->has_ptr;
                    if (!ft->plain || t->fields[f].bit_width)
                        t->plain = 0;
                } else if (!r->failed) {
                    /* a union of a major 3 file: its member's number (4 bytes), then any one member */
                    const tl_ck_type *ft = &ck->types[t->fields[f].type];
                    uint64_t with = sat_add(4, ft->min_encoded);
                    if (f == 0 || with < t->min_encoded)
                        t->min_encoded = with;
                    if (ft->nodes > t->nodes)
                        t->nodes = ft->nodes;
                    t->has_ptr |= ft->has_ptr;
                    t->plain = 0;
                }
                if (!r->failed && ck->types[t->fields[f].type].depth >= t->depth)
                    t->depth = ck->types[t->fields[f].type].depth + 1;
            }
            t->nodes = sat_add(t->nodes, 1);
            if (t->depth == 0)
                t->depth = 1;
            break;
        default:
            tl_reader_fail(r, "at offset %lu: type %lu has unknown kind %u", (unsigned long)(r->base + at),
                           (unsigned long)i, t->kind);
        }
        if (t->kind != TALENT_K_ARRAY && t->kind != TALENT_K_STRUCT && t->kind != TALENT_K_UNION) {
            t->nodes = 1;
            t->depth = 1;
            t->has_ptr = t->kind == TALENT_K_PTR;
        }
        if (!r->failed && t->depth > TL_MAX_TYPE_DEPTH)
            tl_reader_fail(r, "at offset %lu: type %lu '%s' nests %lu levels deep (at most %d)",
                           (unsigned long)(r->base + at), (unsigned long)i, t->name, (unsigned long)t->depth,
                           TL_MAX_TYPE_DEPTH);
    }
    return r->failed ? -1 : 0;
}

static int parse_strs(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t i;
    ck->nstrs = rd_count(r, "string");
    ck->strs = tl_xcalloc(ck->nstrs, sizeof *ck->strs);
    ck->str_lens = tl_xcalloc(ck->nstrs, sizeof *ck->str_lens);
    for (i = 0; i < ck->nstrs && !r->failed; i++) {
        ck->strs[i] = tl_rd_cbytes(r);
        ck->str_lens[i] = r->failed ? 0 : (uint32_t)strlen(ck->strs[i]);
    }
    return r->failed ? -1 : 0;
}

/* Every value counts against the file's budget (FORMAT.md "Validation"): empty aggregates encode to no
 * bytes, so without it a small file could describe 2^64 values. */
static int spend_nodes(tl_reader *r, tl_checkpoint *ck, uint64_t n, size_t at)
{
    if (!r->failed && n > ck->node_budget)
        tl_reader_fail(r, "at offset %lu: the value expands to %llu%s values, more than a file of %lu bytes may "
                       "describe", (unsigned long)(r->base + at), (unsigned long long)n, n == UINT64_MAX ? " or more" : "",
                       (unsigned long)ck->file_size);
    else if (!r->failed)
        ck->node_budget -= n;
    return r->failed ? -1 : 0;
}

static const tl_checkpoint *sort_ck;
static const tl_ck_frame *sort_frame;

static int cmp_global_key(const void *x, const void *y)
{
    return strcmp(sort_ck->globals[*(const uint32_t *)x].key, sort_ck->globals[*(const uint32_t *)y].key);
}

static int cmp_var_id(const void *x, const void *y)
{
    uint32_t a = sort_frame->vars[*(const uint32_t *)x].var_id, b = sort_frame->vars[*(const uint32_t *)y].var_id;
    return a < b ? -1 : a > b;
}

tl_ck_var *tl_ck_frame_var(const tl_ck_frame *fr, uint32_t id)
{
    uint32_t lo = 0, hi = fr->nvars;
    if (!fr->by_id) {
        for (lo = 0; lo < fr->nvars; lo++)
            if (fr->vars[lo].var_id == id)
                return &fr->vars[lo];
        return NULL;
    }
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2, v = fr->vars[fr->by_id[mid]].var_id;
        if (v == id)
            return &fr->vars[fr->by_id[mid]];
        if (v < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int check_type_id(tl_reader *r, const tl_checkpoint *ck, uint32_t id, size_t at)
{
    if (!r->failed && id >= ck->ntypes)
        tl_reader_fail(r, "at offset %lu: type %lu does not exist", (unsigned long)(r->base + at), (unsigned long)id);
    return r->failed ? -1 : 0;
}

/* The most bits of an integer anywhere in type id (arrays, members: their ids are smaller, the recursion ends; each
 * type's once, in memo, -1 when not known yet). */
static unsigned widest_int(const tl_checkpoint *ck, uint32_t id, int *memo)
{
    const tl_ck_type *t = &ck->types[id];
    unsigned w = 0, f;
    if (memo[id] >= 0)
        return (unsigned)memo[id];
    if (t->kind == TALENT_K_SINT || t->kind == TALENT_K_UINT)
        w = t->bits;
    else if (t->kind == TALENT_K_ARRAY)
        w = widest_int(ck, t->elem, memo);
    else if (t->kind == TALENT_K_STRUCT || t->kind == TALENT_K_UNION)
        for (f = 0; f < t->nfields; f++) {
            unsigned m = widest_int(ck, t->fields[f].type, memo);
            if (m > w)
                w = m;
        }
    memo[id] = (int)w;
    return w;
}

/* The C library's state a restore takes from these globals (cwd.c, itimers.c, sigdisp.c), checked by structure and value as
 * the Java reader checks it, before anything of the file is used. */
static void check_libc_global(tl_reader *r, const tl_checkpoint *ck, const tl_ck_global *g, size_t at)
{
    const char *bad = NULL;
    tl_reader v;
    int attribute = tl_libc_check_is_attribute(g->key);
    if (!attribute && strcmp(g->key, TL_CWD_KEY) != 0 && strcmp(g->key, TL_ITIMERS_KEY) != 0 &&
        strcmp(g->key, TL_SIGMASK_KEY) != 0 && strcmp(g->key, TL_STREAMS_KEY) != 0 &&
        strcmp(g->key, TL_PENDING_KEY) != 0)
        return;
    {
        /* built of integers of at most 64 bits, as the checks below read them */
        int *memo = tl_xcalloc(ck->ntypes ? ck->ntypes : 1, sizeof *memo);
        unsigned w;
        uint32_t k;
        for (k = 0; k < ck->ntypes; k++)
            memo[k] = -1;
        w = widest_int(ck, g->type, memo);
        free(memo);
        if (w > 64) {
            tl_reader_fail(r, "at offset %lu: global %s holds an integer type wider than 64 bits",
                           (unsigned long)(r->base + at), g->key);
            return;
        }
    }
    tl_reader_init(&v, r->data, r->len, r->base);
    v.pos = g->value_off;
    bad = attribute                             ? tl_libc_check_attribute(&v, ck, g->key, g->type)
          : strcmp(g->key, TL_CWD_KEY) == 0     ? tl_libc_check_cwd(&v, ck, g->type)
          : strcmp(g->key, TL_ITIMERS_KEY) == 0 ? tl_libc_check_itimers(&v, ck, g->type)
          : strcmp(g->key, TL_STREAMS_KEY) == 0 ? tl_libc_check_streams(&v, ck, g->type)
          : strcmp(g->key, TL_PENDING_KEY) == 0 ? tl_libc_check_pending(&v, ck, g->type)
                                                : tl_libc_check_sigmask(&v, ck, g->type);
    if (bad)
        tl_reader_fail(r, "at offset %lu: global %s: %s", (unsigned long)(r->base + at), g->key, bad);
}

static int parse_glob(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t i;
    ck->nglobals = rd_count(r, "global");
    ck->globals = tl_xcalloc(ck->nglobals, sizeof *ck->globals);
    for (i = 0; i < ck->nglobals && !r->failed; i++) {
        tl_ck_global *g = &ck->globals[i];
        size_t at;
        g->key = tl_rd_str(r);
        g->name = tl_rd_str(r);
        g->pos = tl_rd_str(r);
        at = r->pos;
        g->type = tl_rd_u32(r);
        if (check_type_id(r, ck, g->type, at) == 0 && spend_nodes(r, ck, ck->types[g->type].nodes, at) == 0) {
            g->value_off = r->pos;
            if (tl_skip_value(r, ck, g->type, 0) == 0)
                check_libc_global(r, ck, g, at);
        }
    }
    if (!r->failed && ck->nglobals > 1) {
        uint32_t *order = tl_xmalloc(ck->nglobals * sizeof *order);
        for (i = 0; i < ck->nglobals; i++)
            order[i] = i;
        sort_ck = ck;
        tl_sort(order, ck->nglobals, sizeof *order, cmp_global_key);
        for (i = 1; i < ck->nglobals && !r->failed; i++)
            if (strcmp(ck->globals[order[i]].key, ck->globals[order[i - 1]].key) == 0)
                tl_reader_fail(r, "at offset %lu: global key '%s' appears twice", (unsigned long)r->base,
                               ck->globals[order[i]].key);
        free(order);
    }
    return r->failed ? -1 : 0;
}

static int parse_fram(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t i, v;
    ck->nframes = rd_count(r, "frame");
    if (!r->failed && ck->nframes == 0)
        tl_reader_fail(r, "at offset %lu: no frames", (unsigned long)r->base);
    ck->frames = tl_xcalloc(ck->nframes, sizeof *ck->frames);
    for (i = 0; i < ck->nframes && !r->failed; i++) {
        tl_ck_frame *fr = &ck->frames[i];
        size_t at = r->pos;
        fr->function = tl_rd_str(r);
        fr->function_id = tl_rd_u32(r);
        fr->point = tl_rd_u32(r);
        fr->point_pos = tl_rd_str(r);
        if (!r->failed && (fr->function_id >= talent_the_program.nfunctions ||
                           fr->point >= talent_the_program.npoints ||
                           talent_the_program.points[fr->point].function != fr->function_id ||
                           talent_the_program.points[fr->point].is_site != (i + 1 == ck->nframes)))
            tl_reader_fail(r, "at offset %lu: frame %lu (%s() at point %lu) does not fit this program's tables",
                           (unsigned long)(r->base + at), (unsigned long)i, fr->function, (unsigned long)fr->point);
        fr->nvars = rd_count(r, "variable");
        fr->vars = tl_xcalloc(fr->nvars, sizeof *fr->vars);
        for (v = 0; v < fr->nvars && !r->failed; v++) {
            tl_ck_var *var = &fr->vars[v];
            var->var_id = tl_rd_u32(r);
            var->name = tl_rd_str(r);
            var->pos = tl_rd_str(r);
            at = r->pos;
            var->type = tl_rd_u32(r);
            if (check_type_id(r, ck, var->type, at) == 0 && spend_nodes(r, ck, ck->types[var->type].nodes, at) == 0) {
                var->value_off = r->pos;
                tl_skip_value(r, ck, var->type, 0);
            }
        }
        if (!r->failed) {
            const talent_point_vars *pv = talent_the_point_vars ? &talent_the_point_vars[fr->point] : NULL;
            unsigned k;
            fr->by_id = tl_xmalloc((fr->nvars ? fr->nvars : 1) * sizeof *fr->by_id);
            for (v = 0; v < fr->nvars; v++)
                fr->by_id[v] = v;
            sort_frame = fr;
            tl_sort(fr->by_id, fr->nvars, sizeof *fr->by_id, cmp_var_id);
            for (v = 1; v < fr->nvars && !r->failed; v++)
                if (fr->vars[fr->by_id[v]].var_id == fr->vars[fr->by_id[v - 1]].var_id)
                    tl_reader_fail(r, "at offset %lu: frame %lu (%s) lists variable id %lu twice",
                                   (unsigned long)(r->base + at), (unsigned long)i, fr->function,
                                   (unsigned long)fr->vars[fr->by_id[v]].var_id);
            /* the variables the resumed function will ask for, when the program lists them */
            for (k = 0; pv && pv->ids && k < pv->n && !r->failed; k++)
                if (!tl_ck_frame_var(fr, pv->ids[k]))
                    tl_reader_fail(r, "at offset %lu: frame %lu (%s() at point %lu) lacks variable %u, which this "
                                   "program's function restores there", (unsigned long)(r->base + at),
                                   (unsigned long)i, fr->function, (unsigned long)fr->point, pv->ids[k]);
        }
    }
    if (!r->failed) {
        const tl_ck_frame *in = &ck->frames[ck->nframes - 1];
        if (in->point != ck->point || strcmp(in->function, ck->function) != 0)
            tl_reader_fail(r, "at offset %lu: the innermost frame is %s() at point %lu, but META says %s() at point %lu",
                           (unsigned long)r->base, in->function, (unsigned long)in->point, ck->function,
                           (unsigned long)ck->point);
    }
    return r->failed ? -1 : 0;
}

/* A block flagged as one struct with a trailing array (FORMAT.md "HEAP"): typed, one element, a struct whose last
 * member is an array that is not a bit-field (its length is bounded by the value budget like any array's). */
static int check_trailing(tl_reader *r, const tl_checkpoint *ck, const tl_ck_block *b, size_t at)
{
    const tl_ck_type *et = &ck->types[b->elem];
    const char *why = NULL;
    if (b->flags & TL_HEAP_UNTYPED)
        why = "is untyped";
    else if (b->count != 1)
        why = "has a count other than 1";
    else if (et->kind != TALENT_K_STRUCT || et->nfields == 0)
        why = "has an element type that is not a struct with members";
    else if (et->fields[et->nfields - 1].bit_width != 0 ||
             ck->types[et->fields[et->nfields - 1].type].kind != TALENT_K_ARRAY)
        why = "has an element type whose last member is not an array";
    if (!why)
        return 0;
    tl_reader_fail(r, "at offset %lu: heap block %lu is flagged as one struct with a trailing array but %s",
                   (unsigned long)(r->base + at), (unsigned long)b->id, why);
    return -1;
}

static int parse_heap(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t i, dup;
    uint64_t payload_len = r->len;
    if (payload_len > UINT32_MAX) {
        /* tl_ck_block's offsets are 32-bit; no file the readers accept is this large */
        tl_reader_fail(r, "at offset %lu: the HEAP section is %llu bytes, more than a checkpoint can hold",
                       (unsigned long)r->base, (unsigned long long)r->len);
        return -1;
    }
    ck->nheap = rd_count(r, "heap block");
    ck->heap = tl_xcalloc(ck->nheap ? ck->nheap : 1, sizeof *ck->heap);
    const unsigned char *last_pos = NULL;
    uint32_t last_len = 0;
    for (i = 0; i < ck->nheap && !r->failed; i++) {
        tl_ck_block *b = &ck->heap[i];
        size_t at = r->pos;
        const tl_ck_type *et;
        const unsigned char *pos;
        if (last_pos && r->len - r->pos >= (size_t)last_len + 21 && be32(r->data + r->pos + 4) == last_len &&
            memcmp(r->data + r->pos + 8, last_pos, last_len) == 0) {
            /* the common case, read in place: block_id, then the same alloc_pos bytes as the last block's (checked
             * as UTF-8 there), flags, element type and count, all within the section */
            const unsigned char *d = r->data + r->pos;
            b->id = be32(d);
            b->pos_off = r->pos + 8;
            b->pos_len = last_len;
            d += 8 + last_len;
            b->flags = d[0];
            at = r->pos + 9 + last_len;
            b->elem = be32(d + 1);
            b->count = (uint64_t)be32(d + 5) << 32 | be32(d + 9);
            r->pos += 8 + last_len + 13;
        } else {
            b->id = tl_rd_u32(r);
            b->pos_off = r->pos + 4;
            /* str, checked as UTF-8; blocks of one site follow each other: the same bytes as the last block's need
             * no second check */
            {
                size_t save = r->pos;
                pos = tl_rd_bytes_ref(r, &b->pos_len);
                if (pos && !(last_pos && b->pos_len == last_len && memcmp(pos, last_pos, last_len) == 0)) {
                    r->pos = save;
                    pos = tl_rd_str_ref(r, &b->pos_len);
                }
                if (pos) {
                    last_pos = pos;
                    last_len = b->pos_len;
                    if (tl_heap_mapping_site_page((const char *)pos, b->pos_len) == (size_t)-1) {
                        tl_reader_fail(r, "at offset %lu: heap block %lu is an anonymous mapping's whose position does "
                                       "not name a page size (\"mmap@<P>:?\", P a power of two from 4096 to 65536)",
                                       (unsigned long)(r->base + save), (unsigned long)b->id);
                        break;
                    }
                }
            }
            b->flags = tl_rd_u8(r);
            at = r->pos;
            b->elem = tl_rd_u32(r);
            b->count = tl_rd_u64(r);
        }
        if (r->failed || check_type_id(r, ck, b->elem, at) != 0)
            break;
        et = &ck->types[b->elem];
        if (b->flags & ~(TL_HEAP_UNTYPED | TL_HEAP_TRAILING | TL_HEAP_BYTE_ORDER)) {
            tl_reader_fail(r, "at offset %lu: heap block %lu has unknown flags 0x%02x", (unsigned long)(r->base + at),
                           (unsigned long)b->id, b->flags);
            break;
        }
        if ((b->flags & TL_HEAP_BYTE_ORDER) && !(b->flags & TL_HEAP_UNTYPED)) {
            tl_reader_fail(r, "at offset %lu: heap block %lu is flagged as bytes of one byte order (bit 2) but is not "
                           "untyped (bit 0)", (unsigned long)(r->base + at), (unsigned long)b->id);
            break;
        }
        if ((b->flags & TL_HEAP_UNTYPED) && !(et->kind == TALENT_K_UINT && et->bits == 8)) {
            tl_reader_fail(r, "at offset %lu: untyped heap block %lu has element type '%s' (bytes expected)",
                           (unsigned long)(r->base + at), (unsigned long)b->id, et->name);
            break;
        }
        if ((b->flags & TL_HEAP_TRAILING) && check_trailing(r, ck, b, at) != 0)
            break;
        b->value_off = r->pos;
        if (spend_nodes(r, ck, sat_mul(b->count, et->nodes), at) != 0)
            break;
        if (et->min_encoded && b->count > (r->len - r->pos) / et->min_encoded) {
            tl_reader_fail(r, "at offset %lu: heap block %lu of %llu elements does not fit in the section",
                           (unsigned long)(r->base + at), (unsigned long)b->id, (unsigned long long)b->count);
            break;
        }
        if (et->min_encoded == 0) {
            /* empty elements: nothing encoded (their number is bounded by the budget above) */
        } else if (et->plain) {
            r->pos += (size_t)(b->count * et->min_encoded);   /* any bit pattern is valid; checked to fit above */
        } else {
            uint64_t k;
            for (k = 0; k < b->count && !r->failed; k++)
                tl_skip_value(r, ck, b->elem, 1);
        }
        b->tail_off = r->pos + 4;
        at = r->pos;
        tl_rd_bytes_ref(r, &b->tail_len);
        if (!r->failed && et->size > 0 && b->tail_len >= et->size)
            tl_reader_fail(r, "at offset %lu: heap block %lu has %lu tail bytes, a whole element of %lu bytes or more",
                           (unsigned long)(r->base + at), (unsigned long)b->id, (unsigned long)b->tail_len,
                           (unsigned long)et->size);
    }
    if (!r->failed && tl_heap_index_ids(ck, &dup) != 0)
        tl_reader_fail(r, "at offset %lu: heap block id %lu appears twice", (unsigned long)r->base, (unsigned long)dup);
    return r->failed ? -1 : 0;
}

/* ---------------------------------------------------------------- pointer targets */

/* What a path walks through: a type of the file, or an array the format defines implicitly (a heap block,
 * argv, an argv string) of count elements that are either a file type (elem_type) or scalars of elem_size. */
typedef struct shape {
    int implicit;                   /* 1: implicit array; 2: implicit scalar of size bytes; 0: type id */
    uint32_t type;
    uint64_t count, size;
    int elem_implicit_scalar;       /* implicit array of implicit scalars */
} shape;

const char *tl_check_target(const tl_checkpoint *ck, uint8_t kind, uint32_t a, uint32_t b, const tl_path *path,
                            uint64_t byte_offset, char *buf, size_t buflen)
{
    shape sh;
    uint16_t i;
    memset(&sh, 0, sizeof sh);
    switch (kind) {
    case TL_OBJ_GLOBAL:
        if (a >= ck->nglobals)
            return "the global does not exist";
        sh.type = ck->globals[a].type;
        break;
    case TL_OBJ_FRAME:
        if (a >= ck->nframes)
            return "the frame does not exist";
        if (!tl_ck_frame_var(&ck->frames[a], b))
            return "the frame has no variable with that id";
        sh.type = tl_ck_frame_var(&ck->frames[a], b)->type;
        break;
    case TL_OBJ_HEAP: {
        uint32_t bi = tl_heap_block_index(ck, a);
        if (bi == 0xFFFFFFFFu)
            return "the heap block does not exist";
        sh.implicit = 1;
        sh.count = ck->heap[bi].count;
        sh.type = ck->heap[bi].elem;
        break;
    }
    case TL_OBJ_ARGV:
        sh.implicit = 1;
        sh.count = (uint64_t)ck->argc + 1;
        sh.elem_implicit_scalar = 1;
        sh.size = ck->pointer_bits / 8u;
        break;
    case TL_OBJ_ARGSTR:
        if (a >= ck->argc)
            return "the argument does not exist";
        sh.implicit = 1;
        sh.count = (uint64_t)strlen(ck->argv[a]) + 1;
        sh.elem_implicit_scalar = 1;
        sh.size = 1;
        break;
    default:
        return "unknown object kind";
    }
    for (i = 0; i < path->len; i++) {
        uint64_t step = path->idx[i], count;
        int last = i + 1 == path->len;
        shape next;
        memset(&next, 0, sizeof next);
        if (sh.implicit == 1) {
            count = sh.count;
            if (sh.elem_implicit_scalar)
                next.implicit = 2, next.size = sh.size;
            else
                next.type = sh.type;
        } else if (sh.implicit == 2) {
            return "the element path goes below a scalar";
        } else {
            const tl_ck_type *t = &ck->types[sh.type];
            if (t->kind == TALENT_K_STRUCT || t->kind == TALENT_K_UNION) {
                if (step >= t->nfields)
                    return "a field number in the element path does not exist";
                if (t->fields[step].bit_width)
                    return "the element path names a bit-field, which has no address";
                sh.type = t->fields[step].type;
                continue;
            }
            if (t->kind != TALENT_K_ARRAY)
                return "the element path goes below a scalar";
            count = t->count;
            next.type = t->elem;
        }
        if (step > count || (step == count && !last)) {
            snprintf(buf, buflen, "index %llu of the element path is out of range for %llu elements",
                     (unsigned long long)step, (unsigned long long)count);
            return buf;
        }
        if (step == count)
            return byte_offset == 0 ? NULL : "a byte offset after a one-past-the-end index";
        sh = next;
    }
    if (sh.implicit == 2)
        return byte_offset > sh.size ? "the byte offset lies outside the element" : NULL;
    if (sh.implicit == 1)
        return byte_offset != 0 ? "a byte offset into the start of an array (expected 0)" : NULL;
    {
        const tl_ck_type *t = &ck->types[sh.type];
        int aggregate = t->kind == TALENT_K_ARRAY || t->kind == TALENT_K_STRUCT || t->kind == TALENT_K_UNION;
        if (aggregate ? byte_offset != 0 && byte_offset != t->size : byte_offset > t->size) {
            snprintf(buf, buflen, "byte offset %llu into '%s' of %lu bytes (expected %s)",
                     (unsigned long long)byte_offset, t->name, (unsigned long)t->size,
                     aggregate ? "0 or its size: not into the middle of an aggregate" : "at most its size");
            return buf;
        }
    }
    return NULL;
}

const char *tl_check_below(const tl_checkpoint *ck, uint8_t kind, uint32_t a, uint32_t b, const tl_path *path,
                           uint64_t byte_offset, uint64_t count)
{
    uint32_t tid;
    uint16_t i = 0;
    uint64_t size;
    if (kind != TL_OBJ_GLOBAL && kind != TL_OBJ_FRAME && kind != TL_OBJ_HEAP)
        return "a pointer below an object's start names no global, frame variable or heap block";
    if (path->len == 0 || byte_offset != 0)
        return "a pointer below an object's start does not name an element at the start of the object";
    for (i = 0; i < path->len; i++)
        if (path->idx[i] != 0)
            return "a pointer below an object's start names an element that is not at the start of the object";
    /* the element the path names (tl_check_target checked the path walks) */
    if (kind == TL_OBJ_HEAP) {
        uint32_t bi = tl_heap_block_index(ck, a);
        if (bi == 0xFFFFFFFFu)
            return "the heap block does not exist";
        tid = ck->heap[bi].elem;
        i = 1;
    } else if (kind == TL_OBJ_GLOBAL) {
        if (a >= ck->nglobals)
            return "the global does not exist";
        tid = ck->globals[a].type;
        i = 0;
    } else {
        if (a >= ck->nframes || !tl_ck_frame_var(&ck->frames[a], b))
            return "the frame variable does not exist";
        tid = tl_ck_frame_var(&ck->frames[a], b)->type;
        i = 0;
    }
    for (; i < path->len; i++) {
        if (tid >= ck->ntypes || ck->types[tid].kind != TALENT_K_ARRAY)
            return "a pointer below an object's start names something other than an array element";
        tid = ck->types[tid].elem;
    }
    if (tid >= ck->ntypes)
        return "a pointer below an object's start names an element of no type";
    size = ck->types[tid].size;
    if (count == 0 || size == 0 || count > TL_BELOW_START_BYTES || size > TL_BELOW_START_BYTES ||
        count * size > TL_BELOW_START_BYTES)
        return "a pointer below an object's start lies 0 or more than 16 bytes (the writer's) below it";
    return NULL;
}

/* The second pass: every data pointer's target, once all sections are parsed (GLOB may point into HEAP, a
 * value anywhere into FILE's streams). Only values whose type holds a pointer are walked again. */
static int check_pointer_targets(tl_checkpoint *ck, char *err, size_t errlen)
{
    tl_reader r;
    uint32_t i, v;
    uint64_t k;
    const char *tag = NULL;
    ck->check_targets = 1;
    for (i = 0; i < ck->nglobals && !tag; i++)
        if (ck->types[ck->globals[i].type].has_ptr) {
            tl_reader_init(&r, ck->glob_payload, ck->glob_len, ck->glob_base);
            r.pos = ck->globals[i].value_off;
            if (tl_skip_value(&r, ck, ck->globals[i].type, 0) != 0)
                tag = "GLOB";
        }
    for (i = 0; i < ck->nframes && !tag; i++)
        for (v = 0; v < ck->frames[i].nvars && !tag; v++)
            if (ck->types[ck->frames[i].vars[v].type].has_ptr) {
                tl_reader_init(&r, ck->fram_payload, ck->fram_len, ck->fram_base);
                r.pos = ck->frames[i].vars[v].value_off;
                if (tl_skip_value(&r, ck, ck->frames[i].vars[v].type, 0) != 0)
                    tag = "FRAM";
            }
    for (i = 0; i < ck->nheap && !tag; i++)
        if (ck->types[ck->heap[i].elem].has_ptr) {
            tl_reader_init(&r, ck->heap_payload, ck->heap_len, ck->heap_base);
            r.pos = ck->heap[i].value_off;
            for (k = 0; k < ck->heap[i].count && !tag; k++)
                if (tl_skip_value(&r, ck, ck->heap[i].elem, 1) != 0)
                    tag = "HEAP";
        }
    ck->check_targets = 0;
    if (tag) {
        set_err(err, errlen, "section %s %s", tag, r.err);
        return -1;
    }
    return 0;
}

static const char *const section_tags[6] = {"META", "TYPE", "STRS", "GLOB", "FRAM", "HEAP"};
typedef int (*section_parser)(tl_reader *, tl_checkpoint *);
static const section_parser parsers[6] = {parse_meta, parse_types, parse_strs, parse_glob, parse_fram, parse_heap};

static int load_buffer(const char *name, unsigned char *f, size_t size, tl_checkpoint *ck, char *err, size_t errlen,
                       int *fingerprint_mismatch);

int tl_checkpoint_load(const char *path, tl_checkpoint *ck, char *err, size_t errlen, int *fingerprint_mismatch)
{
    size_t size, n;
    unsigned char *f;
    int mapped = 0, rc;
    memset(ck, 0, sizeof *ck);
    *fingerprint_mismatch = 0;
    n = strlen(path);
    /* a file that shrinks while it is mapped is seen by the guard, during the load and the restore after it */
    tl_checkpoint_guard_begin();
    /* what a delta was made of describes only the image loaded last (ahead.c asks) */
    tl_delta_forget();
    if (n > 4 && strcmp(path + n - 4, TL_DELTA_SUFFIX) == 0)
        f = tl_delta_load(path, &size, &mapped, err, errlen);
    else
        f = tl_checkpoint_map_file(path, &size, &mapped, err, errlen);
    if (!f)
        return -1;
    rc = load_buffer(path, f, size, ck, err, errlen, fingerprint_mismatch);
    ck->file_mapped = mapped;
    /* the reason, whatever else the zero pages made the validation find */
    if (tl_checkpoint_file_shrank(f)) {
        set_err(err, errlen, "the file shrank while it was read (another process truncated it)");
        rc = -1;
    }
    return rc;
}

int tl_checkpoint_load_buffer(const char *name, unsigned char *f, size_t size, tl_checkpoint *ck, char *err,
                              size_t errlen, int *fingerprint_mismatch)
{
    tl_delta_forget();
    return load_buffer(name, f, size, ck, err, errlen, fingerprint_mismatch);
}

static int load_buffer(const char *name, unsigned char *f, size_t size, tl_checkpoint *ck, char *err, size_t errlen,
                       int *fingerprint_mismatch)
{
    size_t off, payload_off[6] = {0}, payload_len[6] = {0}, file_off = 0, file_len = 0, wait_off = 0, wait_len = 0;
    size_t epol_off = 0, epol_len = 0, envi_off = 0, envi_len = 0, edup_off = 0, edup_len = 0;
    int seen_file = 0, seen_wait = 0, seen_epol = 0, seen_sigs = 0, seen_envi = 0, seen_edup = 0;
    size_t sigs_off = 0, sigs_len = 0, errn_off = 0, errn_len = 0;
    int seen_errn = 0, seen_sopt = 0, seen_hord = 0, seen_tmpf = 0;
    size_t sopt_off = 0, sopt_len = 0, hord_off = 0, hord_len = 0, tmpf_off = 0, tmpf_len = 0;
    int seen[6] = {0}, last = -1, k;
    uint32_t nsections, s, crc, stored;
    uint16_t major, minor;
    tl_reader r;

    memset(ck, 0, sizeof *ck);
    *fingerprint_mismatch = 0;
    tl_value_hooks.check_target = tl_check_target;
    tl_value_hooks.check_below = tl_check_below;
    ck->path = tl_xstrdup(name);
    ck->file = f;
    ck->file_size = size;

    /* header */
    if (size < 24) {
        set_err(err, errlen, "header at offset 0: the file has %lu bytes, less than the 24-byte header",
                (unsigned long)size);
        return -1;
    }
    if (memcmp(f, "TALENTCK", 8) != 0) {
        set_err(err, errlen, "header at offset 0: not a talent checkpoint (magic is not TALENTCK)");
        return -1;
    }
    tl_reader_init(&r, f, size, 0);
    r.pos = 8;
    major = tl_rd_u16(&r);
    minor = tl_rd_u16(&r);
    nsections = tl_rd_u32(&r);
    tl_rd_u32(&r); /* flags */
    stored = tl_rd_u32(&r);
    crc = tl_crc32c(0, f, 20);
    if (crc != stored) {
        set_err(err, errlen, "header at offset 20: CRC32C mismatch (stored %08lx, computed %08lx)",
                (unsigned long)stored, (unsigned long)crc);
        return -1;
    }
    /* 1.x, and 2.x: a 1.x file with ERRN (FORMAT.md "Header": each major adds a section no older reader may skip) */
    if (major != TL_FORMAT_MAJOR && major != TL_FORMAT_MAJOR_ERRNO && major != TL_FORMAT_MAJOR_UNIONS &&
        major != TL_FORMAT_MAJOR_BOUNDARY && major != TL_FORMAT_MAJOR_BELOW && major != TL_FORMAT_MAJOR_NUMBERS) {
        set_err(err, errlen, "header at offset 8: format version %u.%u (this runtime reads versions %d.x, %d.x, "
                "%d.x, %d.x and %d.x)", major, minor, TL_FORMAT_MAJOR, TL_FORMAT_MAJOR_ERRNO, TL_FORMAT_MAJOR_UNIONS,
                TL_FORMAT_MAJOR_BOUNDARY, TL_FORMAT_MAJOR_BELOW);
        return -1;
    }
    /* 4.x is 3.x with boundary pointers, 5.x 4.x with pointers below an array's start */
    ck->union_members = major >= TL_FORMAT_MAJOR_UNIONS;
    ck->boundary_ptrs = major >= TL_FORMAT_MAJOR_BOUNDARY;
    ck->below_ptrs = major >= TL_FORMAT_MAJOR_BELOW;
    ck->number_ptrs = major == TL_FORMAT_MAJOR_NUMBERS;

    /* section frames: every length and CRC before any payload is trusted */
    off = 24;
    for (s = 0; s < nsections; s++) {
        char tag[5];
        uint64_t len;
        if (size - off < 16) {
            set_err(err, errlen, "section %lu at offset %lu: truncated (the file ends after %lu more bytes)",
                    (unsigned long)s + 1, (unsigned long)off, (unsigned long)(size - off));
            return -1;
        }
        memcpy(tag, f + off, 4);
        tag[4] = '\0';
        for (k = 0; k < 4; k++)
            if (f[off + k] < 0x21 || f[off + k] > 0x7E) {
                set_err(err, errlen, "section %lu at offset %lu: the tag is not 4 printable ASCII characters",
                        (unsigned long)s + 1, (unsigned long)off);
                return -1;
            }
        r.pos = off + 4;
        len = tl_rd_u64(&r);
        if (len > size - off - 16) {
            set_err(err, errlen, "section %s at offset %lu: payload length %llu runs past the end of the file "
                    "(%lu bytes)", tag, (unsigned long)off, (unsigned long long)len, (unsigned long)size);
            return -1;
        }
        r.pos = off + 12 + (size_t)len;
        stored = tl_rd_u32(&r);
        /* an image rebuilt from a delta against a base read whole before: its COPYs' CRCs combined, not read */
        crc = tl_delta_image_crc(f, off, 12 + (size_t)len);
        if (crc != stored) {
            set_err(err, errlen, "section %s at offset %lu: CRC32C mismatch (stored %08lx, computed %08lx)", tag,
                    (unsigned long)off, (unsigned long)stored, (unsigned long)crc);
            return -1;
        }
        for (k = 0; k < 6; k++)
            if (memcmp(tag, section_tags[k], 4) == 0)
                break;
        if (k < 6) {
            if (seen[k] || k < last) {
                set_err(err, errlen, "section %s at offset %lu: %s", tag, (unsigned long)off,
                        seen[k] ? "appears twice" : "out of order (expected META TYPE STRS GLOB FRAM HEAP)");
                return -1;
            }
            seen[k] = 1;
            last = k;
            payload_off[k] = off + 12;
            payload_len[k] = (size_t)len;
        } else if (memcmp(tag, "FILE", 4) == 0 || memcmp(tag, "WAIT", 4) == 0) {
            int is_file = tag[0] == 'F';
            if (is_file ? seen_file : seen_wait) {
                set_err(err, errlen, "section %s at offset %lu: appears twice", tag, (unsigned long)off);
                return -1;
            }
            if (is_file)
                seen_file = 1, file_off = off + 12, file_len = (size_t)len;
            else
                seen_wait = 1, wait_off = off + 12, wait_len = (size_t)len;
        } else if (memcmp(tag, "EPOL", 4) == 0) {
            if (seen_epol || !seen[2]) {
                set_err(err, errlen, "section %s at offset %lu: %s", tag, (unsigned long)off,
                        seen_epol ? "appears twice" : "comes before STRS (its pointers may name string constants)");
                return -1;
            }
            seen_epol = 1, epol_off = off + 12, epol_len = (size_t)len;
        } else if (memcmp(tag, "EDUP", 4) == 0) {
            if (seen_edup) {
                set_err(err, errlen, "section %s at offset %lu: appears twice", tag, (unsigned long)off);
                return -1;
            }
            seen_edup = 1, edup_off = off + 12, edup_len = (size_t)len;
        } else if (memcmp(tag, "SIGS", 4) == 0) {
            if (seen_sigs) {
                set_err(err, errlen, "section SIGS at offset %lu: appears twice", (unsigned long)off);
                return -1;
            }
            seen_sigs = 1, sigs_off = off + 12, sigs_len = (size_t)len;
        } else if (memcmp(tag, "ERRN", 4) == 0) {
            if (seen_errn || major < TL_FORMAT_MAJOR_ERRNO) {
                set_err(err, errlen, "section ERRN at offset %lu: %s", (unsigned long)off, seen_errn ? "appears twice"
                        : "in a version 1.x file (a 1.x reader would skip it: a file with ERRN is version 2.x)");
                return -1;
            }
            seen_errn = 1, errn_off = off + 12, errn_len = (size_t)len;
        } else if (memcmp(tag, "SOPT", 4) == 0) {
            if (seen_sopt) {
                set_err(err, errlen, "section SOPT at offset %lu: appears twice", (unsigned long)off);
                return -1;
            }
            seen_sopt = 1, sopt_off = off + 12, sopt_len = (size_t)len;
        } else if (memcmp(tag, "TMPF", 4) == 0) {
            if (seen_tmpf) {
                set_err(err, errlen, "section TMPF at offset %lu: appears twice", (unsigned long)off);
                return -1;
            }
            seen_tmpf = 1, tmpf_off = off + 12, tmpf_len = (size_t)len;
        } else if (memcmp(tag, "HORD", 4) == 0) {
            if (seen_hord) {
                set_err(err, errlen, "section HORD at offset %lu: appears twice", (unsigned long)off);
                return -1;
            }
            seen_hord = 1, hord_off = off + 12, hord_len = (size_t)len;
        } else if (memcmp(tag, "ENVI", 4) == 0) {
            if (seen_envi) {
                set_err(err, errlen, "section %s at offset %lu: appears twice", tag, (unsigned long)off);
                return -1;
            }
            seen_envi = 1, envi_off = off + 12, envi_len = (size_t)len;
        }
        off += 16 + (size_t)len;
    }
    if (off != size) {
        set_err(err, errlen, "after the last section at offset %lu: %lu unexpected bytes", (unsigned long)off,
                (unsigned long)(size - off));
        return -1;
    }
    for (k = 0; k < 6; k++)
        if (!seen[k]) {
            set_err(err, errlen, "section %s is missing", section_tags[k]);
            return -1;
        }
    if (major == TL_FORMAT_MAJOR_ERRNO && !seen_errn) {
        set_err(err, errlen, "header at offset 8: version %u.%u without an ERRN section (the writer would have written "
                "version %d.x)", major, minor, TL_FORMAT_MAJOR);
        return -1;
    }

    /* payloads */
    tl_max_stream_ref = -1;
    ck->node_budget = 16 * (uint64_t)size + ((uint64_t)1 << 20);
    ck->check_targets = 0;
    for (k = 0; k < 6; k++) {
        tl_reader_init(&r, f + payload_off[k], payload_len[k], payload_off[k]);
        /* a known section is consumed exactly in every minor version (a later minor adds sections, not fields) */
        if (parsers[k](&r, ck) != 0 || (r.pos != r.len && !r.failed)) {
            if (!r.failed)
                set_err(err, errlen, "section %s at offset %lu: %lu bytes left over after its last entry",
                        section_tags[k], (unsigned long)(payload_off[k] - 12), (unsigned long)(r.len - r.pos));
            else
                set_err(err, errlen, "section %s %s", section_tags[k], r.err);
            return -1;
        }
        if (k == 0 && strcmp(ck->fingerprint, talent_the_program.fingerprint) != 0) {
            /* the rest describes another program's tables: do not judge it against this one's */
            set_err(err, errlen, "it was written by program '%s' with fingerprint %s, but this is program '%s' "
                    "with fingerprint %s", ck->program, ck->fingerprint, talent_the_program.name,
                    talent_the_program.fingerprint);
            *fingerprint_mismatch = 1;
            return -1;
        }
        if (k == 3) {
            long missing = tl_match_globals(ck);
            if (missing >= 0) {
                set_err(err, errlen, "section GLOB at offset %lu: global '%s' (declared at %s) does not exist in this "
                        "program", (unsigned long)(payload_off[k] - 12), ck->globals[missing].key,
                        ck->globals[missing].pos);
                return -1;
            }
            ck->glob_payload = f + payload_off[k];
            ck->glob_len = payload_len[k];
            ck->glob_base = payload_off[k];
        } else if (k == 4) {
            ck->fram_payload = f + payload_off[k];
            ck->fram_len = payload_len[k];
            ck->fram_base = payload_off[k];
        } else if (k == 5) {
            ck->heap_payload = f + payload_off[k];
            ck->heap_len = payload_len[k];
            ck->heap_base = payload_off[k];
        }
    }
    /* HORD (heap_restore.c): the heap blocks' address order, after HEAP, whose ids it names */
    ck->heap_order = NULL;
    if (seen_hord) {
        tl_reader_init(&r, f + hord_off, hord_len, hord_off);
        if (tl_heap_parse_order(&r, ck) != 0 || r.pos != r.len) {
            set_err(err, errlen, "section HORD at offset %lu: %s", (unsigned long)(hord_off - 12),
                    r.failed ? r.err : "bytes left over after its last entry");
            return -1;
        }
    }
    /* FILE and WAIT (FORMAT.md): optional; FILE is parsed after the values that may refer to its streams */
    if (seen_file) {
        tl_reader_init(&r, f + file_off, file_len, file_off);
        if (tl_files_parse(&r, ck) != 0 || (r.pos != r.len && !r.failed)) {
            if (!r.failed)
                set_err(err, errlen, "section FILE at offset %lu: %lu bytes left over after its last entry",
                        (unsigned long)(file_off - 12), (unsigned long)(r.len - r.pos));
            else
                set_err(err, errlen, "section FILE %s", r.err);
            return -1;
        }
    }
    /* TMPF (files.c): after FILE, the contents of its files without a name; each one FILE flags has its entry */
    if (seen_tmpf) {
        tl_reader_init(&r, f + tmpf_off, tmpf_len, tmpf_off);
        if (tl_files_parse_contents(&r, ck) != 0 || r.pos != r.len) {
            set_err(err, errlen, "section TMPF at offset %lu: %s", (unsigned long)(tmpf_off - 12),
                    r.failed ? r.err : "bytes left over after its last entry");
            return -1;
        }
    }
    {
        char why[512];
        if (tl_files_contents_missing(ck, why, sizeof why)) {
            set_err(err, errlen, "section FILE at offset %lu: %s", (unsigned long)(file_off ? file_off - 12 : 0), why);
            return -1;
        }
    }
    /* SOPT (sockopts.c): after FILE, whose sockets it completes; each socket FILE flags as having options has its entry */
    ck->nsockopts = 0;
    ck->sockopts = NULL;
    if (seen_sopt) {
        tl_reader_init(&r, f + sopt_off, sopt_len, sopt_off);
        if (tl_sockopts_parse(&r, ck) != 0 || r.pos != r.len) {
            set_err(err, errlen, "section SOPT at offset %lu: %s", (unsigned long)(sopt_off - 12),
                    r.failed ? r.err : "bytes left over after its last entry");
            return -1;
        }
    }
    {
        char why[128];
        if (tl_sockopts_missing(ck, why, sizeof why)) {
            set_err(err, errlen, "section FILE at offset %lu: %s", (unsigned long)(file_off ? file_off - 12 : 0), why);
            return -1;
        }
    }
    if (seen_wait) {
        uint8_t has;
        tl_reader_init(&r, f + wait_off, wait_len, wait_off);
        has = tl_rd_u8(&r);
        ck->wait_ns = tl_rd_u64(&r);
        if (!r.failed && has > 1)
            tl_reader_fail(&r, "at offset %lu: flag %u is neither 0 nor 1", (unsigned long)wait_off, has);
        if (!r.failed && has == 0 && ck->wait_ns != 0)
            tl_reader_fail(&r, "at offset %lu: remaining time %llu without an interrupted wait",
                           (unsigned long)wait_off, (unsigned long long)ck->wait_ns);
        if (r.failed || r.pos != r.len) {
            set_err(err, errlen, "section WAIT at offset %lu: %s", (unsigned long)(wait_off - 12),
                    r.failed ? r.err : "bytes left over after its last field");
            return -1;
        }
        ck->has_wait = has;
    }
    ck->program_errno = 0;
    if (seen_errn) {
        /* the program's errno: a format code, mapped to this C library's value by its name (errnos.c) */
        uint16_t code;
        tl_reader_init(&r, f + errn_off, errn_len, errn_off);
        code = tl_rd_u16(&r);
        if (!r.failed && r.pos != r.len)
            tl_reader_fail(&r, "at offset %lu: %lu bytes left over after the errno code", (unsigned long)errn_off,
                           (unsigned long)(r.len - r.pos));
        else if (!r.failed && (code == 0 || code > TL_ERRNO_MAX_CODE || tl_errno_value(code, &ck->program_errno) != 0))
            tl_reader_fail(&r, "at offset %lu: errno code %u is no errno value of the format (1 to %d, FORMAT.md "
                           "\"ERRN\")", (unsigned long)errn_off, code, TL_ERRNO_MAX_CODE);
        if (r.failed) {
            set_err(err, errlen, "section ERRN at offset %lu: %s", (unsigned long)(errn_off - 12), r.err);
            return -1;
        }
    }
    if (seen_edup) {
        /* before EPOL: a registered descriptor may be a copy of another instance */
        tl_reader_init(&r, f + edup_off, edup_len, edup_off);
        if (tl_epoll_parse_copies(&r, ck) != 0 || r.pos != r.len) {
            set_err(err, errlen, "section EDUP at offset %lu: %s", (unsigned long)(edup_off - 12),
                    r.failed ? r.err : "bytes left over after its last entry");
            return -1;
        }
    }
    if (seen_epol) {
        /* after FILE (a registered descriptor is one the checkpoint carries), pointer targets checked at once */
        int failed;
        tl_reader_init(&r, f + epol_off, epol_len, epol_off);
        ck->check_targets = 1;
        failed = tl_epoll_parse(&r, ck) != 0 || r.pos != r.len;
        ck->check_targets = 0;
        if (failed) {
            set_err(err, errlen, "section EPOL at offset %lu: %s", (unsigned long)(epol_off - 12),
                    r.failed ? r.err : "bytes left over after its last entry");
            return -1;
        }
    }
    if (seen_edup) {
        tl_reader_init(&r, f + edup_off, edup_len, edup_off);
        if (tl_epoll_check_copies(&r, ck) != 0) {
            set_err(err, errlen, "section EDUP at offset %lu: %s", (unsigned long)(edup_off - 12), r.err);
            return -1;
        }
    }
    ck->nsigs = 0;
    if (seen_sigs) {
        /* the program's signal dispositions: each handler names a function of this program */
        tl_reader_init(&r, f + sigs_off, sigs_len, sigs_off);
        if (tl_sigdisp_parse(&r, ck) != 0 || r.pos != r.len) {
            set_err(err, errlen, "section SIGS at offset %lu: %s", (unsigned long)(sigs_off - 12),
                    r.failed ? r.err : "bytes left over after its last entry");
            return -1;
        }
    }
    if (seen_envi) {
        /* the environment and locale the program changed (env.c): names, values and locale names are hostile */
        tl_reader_init(&r, f + envi_off, envi_len, envi_off);
        if (tl_env_parse(&r, ck) != 0 || r.pos != r.len) {
            set_err(err, errlen, "section ENVI at offset %lu: %s", (unsigned long)(envi_off - 12),
                    r.failed ? r.err : "bytes left over after its last entry");
            return -1;
        }
    }
    return check_pointer_targets(ck, err, errlen);
}

void tl_checkpoint_release(tl_checkpoint *ck)
{
    uint32_t i, j;
    /* types, STRS, argv and META stay: restored descriptors and strings may still refer to them */
    if (ck->file)
        tl_checkpoint_unmap_file(ck->file, ck->file_size, ck->file_mapped);
    ck->file = NULL;
    ck->file_mapped = 0;
    for (i = 0; i < ck->nglobals; i++) {
        free(ck->globals[i].key);
        free(ck->globals[i].name);
        free(ck->globals[i].pos);
    }
    free(ck->globals);
    for (i = 0; i < ck->nframes; i++) {
        for (j = 0; j < ck->frames[i].nvars; j++) {
            free(ck->frames[i].vars[j].name);
            free(ck->frames[i].vars[j].pos);
        }
        free(ck->frames[i].vars);
        free(ck->frames[i].by_id);
        free(ck->frames[i].function);
        free(ck->frames[i].point_pos);
    }
    free(ck->frames);
    free(ck->heap);
    free(ck->heap_by_id);
    free(ck->heap_order);
    for (i = 0; i < ck->nfiles; i++) {
        free(ck->files[i].path);
        free(ck->files[i].mode);
        free(ck->files[i].site);
    }
    for (i = 0; i < ck->nenv; i++) {
        free(ck->env[i].name);
        free(ck->env[i].value);
    }
    free(ck->env);
    ck->env = NULL;
    ck->nenv = 0;
    for (i = 0; i < ck->nlocale; i++)
        free(ck->locale[i].name);
    free(ck->locale);
    ck->locale = NULL;
    ck->nlocale = 0;
    for (i = 0; i < ck->nepoll; i++)
        free(ck->epoll[i].regs);
    free(ck->epoll);
    ck->epoll = NULL;
    ck->nepoll = 0;
    free(ck->epoll_copies);
    ck->epoll_copies = NULL;
    ck->nepoll_copies = 0;
    ck->epol_payload = NULL;
    free(ck->files);
    free(ck->sockopts);
    ck->sockopts = NULL;
    ck->nsockopts = 0;
    ck->globals = NULL;
    ck->frames = NULL;
    ck->heap = NULL;
    ck->heap_by_id = NULL;
    ck->heap_order = NULL;
    ck->files = NULL;
    ck->nglobals = ck->nframes = ck->nheap = ck->nfiles = 0;
}

static void free_list(char **paths, uint64_t *seqs, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    free(seqs);
}

void tl_checkpoint_load_newest(const char *dir, tl_checkpoint *ck, uint64_t below)
{
    char **paths;
    uint64_t *seqs;
    size_t n = tl_checkpoint_list(dir, &paths, &seqs), i;
    char err[512], first_mismatch[600] = "";
    int mismatch;
    if (n == 0)
        tl_die(TL_EXIT_NOINPUT, "no checkpoint (ckpt-NNNNNN.tck) in directory %s", dir);
    for (i = 0; i < n; i++) {
        int loaded;
        if (below && seqs[i] >= below) {
            tl_warn("checkpoint %s is skipped: a restore from checkpoint %llu failed", paths[i],
                    (unsigned long long)below);
            continue;
        }
        loaded = tl_checkpoint_load(paths[i], ck, err, sizeof err, &mismatch) == 0;
        if (loaded && ck->sequence != seqs[i]) {
            snprintf(err, sizeof err, "its name says sequence %llu but META says %llu", (unsigned long long)seqs[i],
                     (unsigned long long)ck->sequence);
            loaded = 0;
        }
        if (loaded) {
            tl_info("restoring from %s (sequence %llu, written on %s)", paths[i], (unsigned long long)ck->sequence,
                    ck->platform);
            free_list(paths, seqs, n);
            return;
        }
        tl_checkpoint_release(ck);
        if (mismatch && !first_mismatch[0])
            snprintf(first_mismatch, sizeof first_mismatch, "%s: %s", paths[i], err);
        tl_warn("checkpoint %s cannot be used: %s; %s", paths[i], err,
                i + 1 < n ? "falling back to the previous checkpoint" : "no older checkpoint left");
    }
    if (first_mismatch[0])
        tl_die(TL_EXIT_DATAERR, "no checkpoint in %s can be restored by this program (%s)%s%s", dir, first_mismatch,
               isa_note()[0] ? "; " : "", isa_note());
    tl_die(TL_EXIT_NOINPUT, "no valid checkpoint in directory %s", dir);
}

void tl_checkpoint_load_exact(const char *path, tl_checkpoint *ck)
{
    char err[512];
    int mismatch;
    if (tl_checkpoint_load(path, ck, err, sizeof err, &mismatch) != 0)
        tl_die(mismatch ? TL_EXIT_DATAERR : TL_EXIT_NOINPUT, "checkpoint %s (restore_file) cannot be used: %s; it is "
               "not replaced by another checkpoint%s%s", path, err, mismatch && isa_note()[0] ? "; " : "",
               mismatch ? isa_note() : "");
    tl_info("restoring from %s (sequence %llu, written on %s)", path, (unsigned long long)ck->sequence, ck->platform);
}

/* ---------------------------------------------------------------- globals of this program (moved from frames.c:
 * validation needs them, and checkpoint_read.c must not call up into frames.c) */

static const talent_global *find_global(const char *key)
{
    unsigned u, g;
    for (u = 0; u <= talent_the_program.nunits; u++) {
        /* the program's units, then the C library's state the runtime carries (libc_state.h) */
        const talent_unit *unit = u < talent_the_program.nunits ? talent_the_program.units[u] : tl_libc_unit();
        for (g = 0; g < unit->nglobals; g++)
            if (strcmp(unit->globals[g].key, key) == 0)
                return &unit->globals[g];
    }
    return NULL;
}

long tl_match_globals(tl_checkpoint *ck)
{
    uint32_t i;
    for (i = 0; i < ck->nglobals; i++) {
        ck->globals[i].target = find_global(ck->globals[i].key);
        if (!ck->globals[i].target)
            return (long)i;
    }
    return -1;
}
