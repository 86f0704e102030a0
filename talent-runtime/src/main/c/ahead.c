/* ahead.c: a restart started ahead of the stop (TALENT_AWAIT_GO, go.c) prepares the memory its restore will
 * write while the source program still runs. A restore writes every non-const global of the program; for a large
 * one (an array of a GiB in .bss) most of the restore's time is the kernel handing out fresh zeroed pages on the
 * first write to each, inside the migration's window. Here those pages are made present and writable before the
 * process waits for its go: MADV_POPULATE_WRITE (Linux 5.14+) on the whole pages inside each large global, and a
 * read and write back of one byte per page that is still absent after it (an older kernel refuses the advice,
 * qemu-user ignores it) and at the global's partial first and last page. No byte of the program's memory changes: the pages are either faulted in with
 * their current contents (.data) or zero (.bss), which is what the restore would have found. */
/* With TALENT_AHEAD=base the restart also restores the base ahead: each pre-copy image the orchestrator names on the
 * go FIFO (go.c) is loaded and validated like any checkpoint, and the large globals it holds as arrays of plain
 * numbers are decoded into the program's memory while the source still runs. At the go the checkpoint restored is
 * rebuilt from the stop's delta against that image; for each element of those globals whose encoded bytes the delta
 * takes unchanged (COPY) from the very base bytes decoded ahead into it, the decode at the go is skipped: the same
 * bytes, the same types and the same target give the same memory. Everything else is decoded at the go as without
 * it, and any doubt (another base, another type, a file that changed) means the whole global is decoded again. */
/* madvise (glibc and musl declare it under _DEFAULT_SOURCE) */
#define _DEFAULT_SOURCE 1
#include "ahead.h"
#include "diag.h"
#include "events.h"
#include "strerror.h"
#include "xalloc.h"
#include "crc32c.h"
#include "bulk.h"
#include "delta.h"
#include "checkpoint_read.h"
#include "checkpoint_file.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux's value on every architecture */
#endif

/* Globals smaller than this are left to the restore: their pages are few, and likely shared with others. */
#define AHEAD_MIN_BYTES ((size_t)1 << 16)

/* One read and write back per page of [p, p + n): the write fault happens here, with the byte it holds. Returns
 * the number of pages touched. */
static size_t touch(unsigned char *p, size_t n, size_t page)
{
    uintptr_t a = (uintptr_t)p, end = a + n;
    size_t pages = 0;
    while (a < end) {
        volatile unsigned char *q = (volatile unsigned char *)a;
        *q = *q;
        a = (a / page + 1) * page;
        pages++;
    }
    return pages;
}

/* Populates the global at [p, p + n): MADV_POPULATE_WRITE on its whole pages, then a touch of every page mincore
 * still finds absent (qemu-user accepts the advice and ignores it; an older kernel refuses it), and of its partial
 * first and last page, never advised since they may hold another object's bytes. Adds to *advised and *touched. */
static void populate(unsigned char *p, size_t n, size_t page, size_t *advised, size_t *touched)
{
    uintptr_t a = (uintptr_t)p, end = a + n;
    uintptr_t first = (a + page - 1) / page * page, last = end / page * page;
    if (first >= last) {
        *touched += touch(p, n, page);
        return;
    }
    if (a < first)
        *touched += touch(p, first - a, page);
    if (last < end)
        *touched += touch((unsigned char *)last, end - last, page);
    {
        size_t pages = (last - first) / page, i;
        unsigned char *vec = madvise((void *)first, last - first, MADV_POPULATE_WRITE) == 0 ? malloc(pages) : NULL;
        if (!vec || mincore((void *)first, last - first, (void *)vec) != 0) {
            /* refused, or nothing to check it with: every page by hand */
            *touched += touch((unsigned char *)first, last - first, page);
            free(vec);
            return;
        }
        for (i = 0; i < pages; i++) {
            if (vec[i] & 1)
                (*advised)++;
            else
                *touched += touch((unsigned char *)(first + i * page), page, page);
        }
        free(vec);
    }
}

/* TALENT_AHEAD=base: restore the bases named ahead */
static int base_mode;

void tl_ahead_populate(void)
{
    const char *mode = getenv(TL_ENV_AHEAD);
    long pagesize = sysconf(_SC_PAGESIZE);
    size_t page = pagesize > 0 ? (size_t)pagesize : 4096, bytes = 0, advised = 0, touched = 0;
    unsigned u, g, count = 0;
    double t0;

    if (mode && *mode && strcmp(mode, TL_AHEAD_POPULATE) != 0 && strcmp(mode, TL_AHEAD_BASE) != 0 &&
        strcmp(mode, TL_AHEAD_OFF) != 0)
        tl_die(TL_EXIT_USAGE, TL_ENV_AHEAD " must be " TL_AHEAD_POPULATE ", " TL_AHEAD_BASE " or "
               TL_AHEAD_OFF);
    base_mode = mode && strcmp(mode, TL_AHEAD_BASE) == 0;
    if (mode && strcmp(mode, TL_AHEAD_OFF) == 0) {
        unsetenv(TL_ENV_AHEAD);
        tl_info("ahead: populating the globals is off (" TL_ENV_AHEAD "=" TL_AHEAD_OFF ")");
        return;
    }
    unsetenv(TL_ENV_AHEAD);
    t0 = tl_now_ms();
    for (u = 0; u < talent_the_program.nunits; u++) {
        const talent_unit *unit = talent_the_program.units[u];
        for (g = 0; g < unit->nglobals; g++) {
            const talent_global *gl = &unit->globals[g];
            size_t n = gl->type ? gl->type->size : 0;
            if (gl->is_const || !gl->addr || n < AHEAD_MIN_BYTES)
                continue;
            populate((unsigned char *)gl->addr, n, page, &advised, &touched);
            bytes += n;
            count++;
        }
    }
    tl_info("ahead: populated %zu bytes of %u large globals before the go (%zu pages by madvise, %zu touched) in %.1f ms",
            bytes, count, advised, touched, tl_now_ms() - t0);
}

/* ---------------------------------------------------------------- the base restored ahead */

/* A global decoded ahead: its elements [0, done) hold the decode of the base's bytes [off, off + done * esz). */
typedef struct ahead_global {
    const talent_global *g;
    uint32_t type;              /* in the base's type table */
    uint64_t off;               /* the value's offset in the base file */
    uint64_t esz;               /* encoded bytes per element */
    uint64_t count, done;
} ahead_global;

static struct {
    char name[TL_DELTA_MAX_NAME + 1];
    tl_checkpoint ck;           /* the base, released: its type table stays */
    int loaded;
    uint64_t size;
    uint32_t crc;
    struct stat st;
    ahead_global *v;
    size_t n;
    uint64_t kept, decoded;     /* at the go: bytes of elements taken as decoded ahead, and decoded again */
    int verdict;                /* at the go: 0 not asked yet, 1 usable, -1 not */
    const char *why;
} ab;

static void forget_base(void)
{
    free(ab.v);
    ab.v = NULL;
    ab.n = 0;
    ab.kept = ab.decoded = 0;
    ab.verdict = 0;
    ab.why = NULL;
    /* the released base's types stay allocated: bulk.c's plan cache is keyed by a type table's address */
    ab.loaded = 0;
    tl_delta_forget_base();
}

void tl_ahead_base(const char *dir, const char *name)
{
    char *path, err[512] = "";
    size_t dl = strlen(dir), i;
    int mismatch = 0, rc;
    uint64_t bytes = 0;
    double t0 = tl_now_ms();
    if (!base_mode) {
        tl_info("ahead: base %s named before the go, not restored ahead (" TL_ENV_AHEAD " is not " TL_AHEAD_BASE
                ")", name);
        return;
    }
    forget_base();
    snprintf(ab.name, sizeof ab.name, "%s", name);
    path = tl_xmalloc(dl + strlen(name) + 2);
    snprintf(path, dl + strlen(name) + 2, "%s/%s", dir, name);
    /* every check of a restart's load before anything is written into the program's memory */
    rc = tl_checkpoint_load(path, &ab.ck, err, sizeof err, &mismatch);
    if (rc == 0 && stat(path, &ab.st) != 0) {
        snprintf(err, sizeof err, "cannot stat it: %s", tl_strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        tl_info("ahead: base %s is not restored ahead: %s", name, err);
        tl_checkpoint_release(&ab.ck);
        tl_checkpoint_guard_end();
        free(path);
        tl_event(TL_EVENT_AHEAD " %s 0", name);
        return;
    }
    ab.loaded = 1;
    ab.size = ab.ck.file_size;
    /* its CRC, and the prefixes' that spare the go reading the base and the image's COPYs of it again (delta.h) */
    if (!tl_delta_know_base(path, ab.ck.file, ab.ck.file_size, &ab.crc))
        tl_info("ahead: base %s changed while it was read; the go reads it whole again", name);
    free(path);
    ab.v = tl_xmalloc((ab.ck.nglobals ? ab.ck.nglobals : 1) * sizeof *ab.v);
    for (i = 0; i < ab.ck.nglobals; i++) {
        const tl_ck_global *cg = &ab.ck.globals[i];
        const talent_global *g = cg->target;
        const tl_ck_type *ct = &ab.ck.types[cg->type];
        uint64_t esz, done = 0;
        tl_reader r;
        if (g->is_const || !g->addr || ct->kind != TALENT_K_ARRAY || !ct->plain || ct->count == 0 ||
            g->type->kind != TALENT_K_ARRAY || g->type->count != ct->count || !g->type->elem)
            continue;
        esz = ab.ck.types[ct->elem].min_encoded;
        if (esz == 0 || ct->count * esz < AHEAD_MIN_BYTES)
            continue;
        tl_reader_init(&r, ab.ck.glob_payload, ab.ck.glob_len, ab.ck.glob_base);
        r.pos = cg->value_off;
        /* in bulk only: an element that does not fit this target is left to the decode at the go, which reports it */
        if (tl_bulk_decode(&r, &ab.ck, ct->elem, g->type->elem, g->addr, ct->count, &done))
            done = ct->count;
        if (done == 0)
            continue;
        ab.v[ab.n].g = g;
        ab.v[ab.n].type = cg->type;
        ab.v[ab.n].off = ab.ck.glob_base + cg->value_off;
        ab.v[ab.n].esz = esz;
        ab.v[ab.n].count = ct->count;
        ab.v[ab.n].done = done;
        ab.n++;
        bytes += done * esz;
    }
    if (tl_checkpoint_file_shrank(ab.ck.file)) {
        /* what was decoded came partly from zero pages: noted as nothing (the go decodes every global again) */
        tl_info("ahead: base %s shrank while it was decoded ahead: nothing of it is used", name);
        tl_delta_forget_base();
        ab.n = 0;
        bytes = 0;
    }
    tl_checkpoint_release(&ab.ck);
    tl_checkpoint_guard_end();
    tl_info("ahead: restored %llu bytes of %zu large globals from base %s before the go in %.1f ms",
            (unsigned long long)bytes, ab.n, name, tl_now_ms() - t0);
    tl_event(TL_EVENT_AHEAD " %s %llu", name, (unsigned long long)bytes);
}

/* Whether type a of checkpoint x and type b of checkpoint y decode alike (same shape, member by member). */
static int same_type(const tl_checkpoint *x, uint32_t a, const tl_checkpoint *y, uint32_t b)
{
    const tl_ck_type *s = &x->types[a], *t = &y->types[b];
    uint32_t f;
    if (s->kind != t->kind || s->size != t->size || s->bits != t->bits || s->plain != t->plain ||
        s->min_encoded != t->min_encoded || s->count != t->count || s->nfields != t->nfields)
        return 0;
    switch (s->kind) {
    case TALENT_K_SINT:
    case TALENT_K_UINT:
    case TALENT_K_FLOAT:
        return 1;
    case TALENT_K_ARRAY:
        /* element ids are below the array's (validated): the recursion ends */
        return same_type(x, s->elem, y, t->elem);
    case TALENT_K_STRUCT:
        for (f = 0; f < s->nfields; f++)
            if (s->fields[f].bit_width != t->fields[f].bit_width || !same_type(x, s->fields[f].type, y, t->fields[f].type))
                return 0;
        return 1;
    default:
        /* nothing else is plain: not taken */
        return 0;
    }
}

/* Whether ck is the image of a delta against the very base decoded ahead. */
static int usable(const tl_checkpoint *ck)
{
    const tl_delta_made *m = tl_delta_last();
    char *path;
    size_t dl;
    struct stat st;
    int same;
    if (!m || m->image != ck->file) {
        ab.why = "the checkpoint restored is not a delta";
        return 0;
    }
    if (strcmp(m->base_name, ab.name) != 0 || m->base_len != ab.size || m->base_crc != ab.crc) {
        ab.why = "the delta restored is against another base";
        return 0;
    }
    /* the same file as read ahead, besides the same bytes by length and CRC */
    dl = strlen(ck->path);
    while (dl > 0 && ck->path[dl - 1] != '/')
        dl--;
    path = tl_xmalloc(dl + strlen(ab.name) + 1);
    memcpy(path, ck->path, dl);
    strcpy(path + dl, ab.name);
    same = stat(path, &st) == 0 && st.st_dev == ab.st.st_dev && st.st_ino == ab.st.st_ino &&
           st.st_size == ab.st.st_size && st.st_mtime == ab.st.st_mtime;
    free(path);
    if (!same) {
        ab.why = "the base file changed since it was read ahead";
        return 0;
    }
    return 1;
}

/* Decodes elements [from, to) of global i of ck (its type ct, this target's t) at addr: 1, or 0 when bulk decoding
 * does not do them all (the caller decodes the whole global value by value, which reports what does not fit). */
static int decode_range(const tl_checkpoint *ck, uint32_t i, uint64_t esz, uint64_t from, uint64_t to)
{
    const tl_ck_global *cg = &ck->globals[i];
    const talent_type *t = cg->target->type;
    tl_reader r;
    uint64_t done;
    if (from >= to)
        return 1;
    tl_reader_init(&r, ck->glob_payload, ck->glob_len, ck->glob_base);
    r.pos = cg->value_off + (size_t)(from * esz);
    if (!tl_bulk_decode(&r, ck, ck->types[cg->type].elem, t->elem, (unsigned char *)cg->target->addr +
                        (size_t)from * t->elem->size, to - from, &done))
        return 0;
    ab.decoded += (to - from) * esz;
    return 1;
}

int tl_ahead_restore_global(const tl_checkpoint *ck, uint32_t i)
{
    const tl_ck_global *cg = &ck->globals[i];
    const ahead_global *a = NULL;
    const tl_delta_made *m;
    uint64_t v0, len, next = 0, kept = 0, decoded = ab.decoded;
    size_t k, lo, hi;
    if (!ab.loaded || ab.n == 0)
        return 0;
    if (ab.verdict == 0)
        ab.verdict = usable(ck) ? 1 : -1;
    if (ab.verdict < 0)
        return 0;
    for (k = 0; k < ab.n && !a; k++)
        if (ab.v[k].g == cg->target)
            a = &ab.v[k];
    if (!a || !same_type(&ab.ck, a->type, ck, cg->type))
        return 0;
    m = tl_delta_last();
    v0 = ck->glob_base + cg->value_off;
    len = a->count * a->esz;
    /* the first COPY that ends after the value's start (COPYs are in image order and do not overlap) */
    lo = 0, hi = m->ncopies;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->copies[mid].at + m->copies[mid].len <= v0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (k = lo; k < m->ncopies && m->copies[k].at < v0 + len; k++) {
        const tl_delta_copy *c = &m->copies[k];
        uint64_t s, e, e0, e1;
        /* the image's bytes here are the base's at the same distance from the value's start as ahead */
        if (c->at + a->off != c->from + v0)
            continue;
        s = (c->at > v0 ? c->at : v0) - v0;
        e = (c->at + c->len < v0 + len ? c->at + c->len : v0 + len) - v0;
        e0 = (s + a->esz - 1) / a->esz;
        e1 = e / a->esz;
        if (e1 > a->done)
            e1 = a->done;
        if (e0 < next)
            e0 = next;
        if (e0 >= e1)
            continue;
        if (!decode_range(ck, i, a->esz, next, e0)) {
            ab.decoded = decoded;
            return 0;
        }
        kept += (e1 - e0) * a->esz;
        next = e1;
    }
    if (!decode_range(ck, i, a->esz, next, a->count)) {
        ab.decoded = decoded;
        return 0;
    }
    ab.kept += kept;
    return 1;
}

void tl_ahead_finish(void)
{
    if (ab.loaded && ab.n > 0) {
        if (ab.verdict < 0)
            tl_info("ahead: base %s restored ahead is not used: %s; every global was decoded at the go", ab.name,
                    ab.why ? ab.why : "");
        else
            tl_info("ahead: at the go %llu bytes of large globals were taken as restored ahead from base %s, %llu "
                    "bytes decoded", (unsigned long long)ab.kept, ab.name, (unsigned long long)ab.decoded);
    }
    forget_base();
}
