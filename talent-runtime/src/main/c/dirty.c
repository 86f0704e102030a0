/* dirty.c: dirty-page tracking for the stop after pre-copy (dirty.h; README.md "Pre-copy"). */
/* MAP_ANONYMOUS and syscall() (glibc and musl declare them under _DEFAULT_SOURCE) */
#define _DEFAULT_SOURCE 1
#include "dirty.h"
#include "foreign.h"
#include "crc32c.h"
#include "checkpoint.h"
#include "diag.h"
#include "strerror.h"
#include "xalloc.h"
#include "bulk.h"
#include "heap_track.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/ioctl.h>
#include <sys/syscall.h>
#endif

int tl_dirty_mode = TL_DIRTY_TRACK;

#define CHUNK 4096u
#define MAX_SECS 32u
#define MAX_REFS 1024u
#define MAX_RANGES 256u
#define TAG_MAX 8u
/* every full chunk of a checkpoint (at most TL_MAX_CHECKPOINT_BYTES) plus a partial one per section */
#define MAX_CRCS ((size_t)(TL_MAX_CHECKPOINT_BYTES / CHUNK) + MAX_SECS)

/* ------------------------------------------------------------------ the record a round's child leaves */

typedef struct rec_ref {
    uint64_t at, src, size, n;      /* section offset, address, element size, element count */
} rec_ref;

typedef struct rec_sec {
    char tag[TAG_MAX];
    uint64_t len;                   /* content bytes recorded */
    uint32_t ref0, nref;
    uint64_t crc0;                  /* index of the CRC of its chunk 0 */
} rec_sec;

typedef struct record {
    uint32_t round, valid, overflow, nsec, nref;
    uint64_t ncrc;
    rec_sec sec[MAX_SECS];
    rec_ref ref[MAX_REFS];
    uint32_t crc[1];                /* MAX_CRCS of them */
} record;

static record *recs[2];             /* shared between the parent and a round's child */
static record *writing;             /* the child's */
static int next_slot = -1;          /* the slot the next child fills */
static uint32_t chunk_crc;          /* child: the chunk being recorded */
static uint64_t sec_pos;

static size_t record_bytes(void)
{
    return sizeof(record) + MAX_CRCS * sizeof(uint32_t);
}

static record *record_of(unsigned round)
{
    int s;
    for (s = 0; s < 2; s++)
        if (recs[s] && recs[s]->valid && recs[s]->round == round && !recs[s]->overflow)
            return recs[s];
    return NULL;
}

/* ------------------------------------------------------------------ the kernel's part (Linux) */

#if defined(__linux__) && defined(SYS_userfaultfd)
#define HAVE_TRACKING 1

/* linux/userfaultfd.h and linux/fs.h (Linux 6.7+), declared here for older headers; the layout is the kernel's ABI */
typedef struct k_range { uint64_t start, len; } k_range;
typedef struct k_api { uint64_t api, features, ioctls; } k_api;
typedef struct k_register { k_range range; uint64_t mode, ioctls; } k_register;
typedef struct k_writeprotect { k_range range; uint64_t mode; } k_writeprotect;
typedef struct k_region { uint64_t start, end, categories; } k_region;
typedef struct k_scan {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages, category_inverted, category_mask,
        category_anyof_mask, return_mask;
} k_scan;
#define K_UFFD_API 0xAAu
#define K_UFFDIO_API _IOWR(0xAA, 0x3F, k_api)
#define K_UFFDIO_REGISTER _IOWR(0xAA, 0x00, k_register)
#define K_UFFDIO_WRITEPROTECT _IOWR(0xAA, 0x06, k_writeprotect)
#define K_UFFDIO_REGISTER_MODE_WP ((uint64_t)1 << 1)
#define K_UFFDIO_WRITEPROTECT_MODE_WP ((uint64_t)1 << 0)
#define K_UFFD_USER_MODE_ONLY 1
#define K_UFFD_FEATURE_WP_UNPOPULATED ((uint64_t)1 << 13)
#define K_UFFD_FEATURE_WP_ASYNC ((uint64_t)1 << 15)
#define K_PAGEMAP_SCAN _IOWR('f', 16, k_scan)
#define K_PM_SCAN_WP_MATCHING ((uint64_t)1 << 0)
#define K_PM_SCAN_CHECK_WPASYNC ((uint64_t)1 << 1)
#define K_PAGE_IS_WRITTEN ((uint64_t)1 << 1)
#define K_PAGE_IS_PRESENT ((uint64_t)1 << 3)
#define K_PAGE_IS_SWAPPED ((uint64_t)1 << 4)
#else
#define HAVE_TRACKING 0
#endif

/* A tracked page-aligned range: stamp[i] is the round before whose fork page i was last seen written (so it is
 * in that round's image and every later one), UINT32_MAX when written since the last round's fork. */
typedef struct range {
    uintptr_t start, end;
    uint32_t *stamp;
} range;

static range ranges[MAX_RANGES];
static unsigned nranges;
static int uffd = -1;
static pid_t owner;                 /* the process whose pages these are */
static int broken;                  /* tracking given up for good */
static long page;

int tl_dirty_descriptor(void)
{
    return uffd;
}

static void give_up(const char *fmt, const char *what, int err)
{
    if (!broken)
        tl_info(fmt, what, err ? tl_strerror(err) : "");
    broken = 1;
}

#if HAVE_TRACKING
/* Pages of r written since the last scan (or never backed, which a write or a discard may have caused) get the
 * stamp; the written ones are protected again. 0, or -1 (errno). */
static int scan_range(int pm, range *r, uint32_t stamp)
{
    k_region v[256];
    int pass;
    for (pass = 0; pass < 2; pass++) {
        uint64_t at = r->start;
        while (at < r->end) {
            k_scan s;
            long got, i;
            memset(&s, 0, sizeof s);
            s.size = sizeof s;
            s.start = at;
            s.end = r->end;
            s.vec = (uint64_t)(uintptr_t)v;
            s.vec_len = sizeof v / sizeof v[0];
            if (pass == 0) {
                /* written: listed and write-protected again in the same walk */
                s.flags = K_PM_SCAN_WP_MATCHING | K_PM_SCAN_CHECK_WPASYNC;
                s.category_mask = K_PAGE_IS_WRITTEN;
                s.return_mask = K_PAGE_IS_WRITTEN;
            } else {
                /* neither present nor a protected marker: nothing says it is unchanged */
                s.flags = K_PM_SCAN_CHECK_WPASYNC;
                s.category_inverted = K_PAGE_IS_PRESENT | K_PAGE_IS_SWAPPED;
                s.category_mask = K_PAGE_IS_PRESENT | K_PAGE_IS_SWAPPED;
                s.return_mask = K_PAGE_IS_PRESENT | K_PAGE_IS_SWAPPED;
            }
            got = ioctl(pm, K_PAGEMAP_SCAN, &s);
            if (got < 0)
                return -1;
            for (i = 0; i < got; i++) {
                uint64_t p;
                if (v[i].start < r->start || v[i].end > r->end || v[i].start > v[i].end) {
                    errno = ERANGE;
                    return -1;
                }
                for (p = v[i].start; p < v[i].end; p += (uint64_t)page)
                    r->stamp[(p - r->start) / (uint64_t)page] = stamp;
            }
            if (s.walk_end <= at || s.walk_end > r->end) {
                errno = ERANGE;
                return -1;
            }
            at = s.walk_end;
        }
    }
    return 0;
}

/* Forgets tracked range i: its pages are no longer vouched for (pages_clean finds no range for them, so their chunks
 * are compared), and the range may be registered again later as a new one (track_span). */
static void drop_range(unsigned i)
{
    free(ranges[i].stamp);
    ranges[i] = ranges[nranges - 1];
    nranges--;
}

/* Every tracked range read, each with the stamp. A range the kernel cannot scan (PM_SCAN_CHECK_WPASYNC: a mapping
 * in it was replaced since it was registered, by free + malloc of a heap block, realloc or mremap moving it, brk
 * shrinking and growing) is dropped alone: its chunks are compared from now on, the other ranges stay tracked. */
static int scan_all(uint32_t stamp)
{
    unsigned i;
    int pm;
    if (broken)
        return -1;
    if (getpid() != owner) {
        give_up("dirty tracking off: %s%s", "the process is a fork of the one that registered its pages", 0);
        return -1;
    }
    if (nranges == 0)
        return 0;
    pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (pm < 0) {
        give_up("dirty tracking off: /proc/self/pagemap%s: %s", "", errno);
        return -1;
    }
    for (i = 0; i < nranges;)
        if (scan_range(pm, &ranges[i], stamp) != 0) {
            int e = errno;
            if (e == EPERM || e == ENOENT || e == EFAULT || e == ERANGE) {
                /* that mapping only: what the scan stamped before failing goes with the range */
                tl_info("dirty tracking: %#lx-%#lx no longer tracked (PAGEMAP_SCAN: %s: a mapping in it was replaced); "
                        "its chunks are compared", (unsigned long)ranges[i].start, (unsigned long)ranges[i].end,
                        tl_strerror(e));
                drop_range(i);
                continue;
            }
            close(pm);
            give_up("dirty tracking off: PAGEMAP_SCAN%s: %s", " (no kernel support)", e);
            return -1;
        } else
            i++;
    close(pm);
    return 0;
}

static int open_uffd(void)
{
    k_api api;
    if (uffd >= 0)
        return 0;
    page = sysconf(_SC_PAGESIZE);
    if (page <= 0 || (page & (page - 1)) != 0) {
        give_up("dirty tracking off: %s%s", "no usable page size", 0);
        return -1;
    }
    uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | K_UFFD_USER_MODE_ONLY);
    if (uffd < 0) {
        give_up("dirty tracking off: userfaultfd%s: %s", "", errno);
        return -1;
    }
    memset(&api, 0, sizeof api);
    api.api = K_UFFD_API;
    api.features = K_UFFD_FEATURE_WP_ASYNC | K_UFFD_FEATURE_WP_UNPOPULATED;
    if (ioctl(uffd, K_UFFDIO_API, &api) != 0) {
        give_up("dirty tracking off: UFFDIO_API (asynchronous write-protection)%s: %s", "", errno);
        close(uffd);
        uffd = -1;
        return -1;
    }
    owner = getpid();
    return 0;
}

/* Tracks [a, b) (page-aligned) from now on: its pages are in the image of the round about to fork. */
static void track(uintptr_t a, uintptr_t b, unsigned round)
{
    k_register reg;
    k_writeprotect wp;
    range *r;
    size_t i, np;
    if (nranges == MAX_RANGES || broken)
        return;
    memset(&reg, 0, sizeof reg);
    reg.range.start = a;
    reg.range.len = b - a;
    reg.mode = K_UFFDIO_REGISTER_MODE_WP;
    if (ioctl(uffd, K_UFFDIO_REGISTER, &reg) != 0) {
        /* this array stays compared chunk by chunk; the others are still tracked */
        tl_info("dirty tracking: cannot register %#lx-%#lx: %s; its chunks are compared", (unsigned long)a,
                (unsigned long)b, tl_strerror(errno));
        return;
    }
    memset(&wp, 0, sizeof wp);
    wp.range.start = a;
    wp.range.len = b - a;
    wp.mode = K_UFFDIO_WRITEPROTECT_MODE_WP;
    if (ioctl(uffd, K_UFFDIO_WRITEPROTECT, &wp) != 0) {
        give_up("dirty tracking off: UFFDIO_WRITEPROTECT%s: %s", "", errno);
        return;
    }
    np = (b - a) / (size_t)page;
    r = &ranges[nranges];
    r->start = a;
    r->end = b;
    r->stamp = tl_xmalloc(np * sizeof *r->stamp);
    for (i = 0; i < np; i++)
        r->stamp[i] = round;
    nranges++;
}

/* [src, src + bytes) rounded out to whole pages, less the parts already tracked, from now on (stamp round); not when
 * a tracked range lies strictly inside it (that array stays compared chunk by chunk). */
static void track_span(uintptr_t src, uint64_t bytes, unsigned round)
{
    uintptr_t a = src & ~(uintptr_t)(page - 1), b;
    unsigned i;
    int inside = 0;
    if (bytes == 0 || bytes > (uint64_t)(UINTPTR_MAX - src) - (uint64_t)page)
        return;
    b = (src + (uintptr_t)bytes + (uintptr_t)page - 1) & ~(uintptr_t)(page - 1);
    for (i = 0; i < nranges && a < b; i++) {
        const range *r = &ranges[i];
        if (r->start <= a && a < r->end)
            a = r->end;
        if (a < b && r->start < b && b <= r->end)
            b = r->start;
        if (a < b && a < r->start && r->end < b)
            inside = 1;
    }
    if (a < b && !inside)
        track(a, b, round);
}

/* The arrays the record lists that are not tracked yet (page-aligned, not overlapping a tracked range). */
static void track_record(const record *rc, unsigned round)
{
    uint32_t k;
    for (k = 0; k < rc->nref && !broken; k++) {
        const rec_ref *f = &rc->ref[k];
        if (f->size == 0 || f->n == 0 || f->n > (uint64_t)SIZE_MAX / f->size)
            continue;
        track_span((uintptr_t)f->src, f->size * f->n, round);
    }
}

/* Before a round with no record to go by (the first of the process, or one after a failed round): the program's
 * globals and live heap blocks large enough to be referred to (bulk.h), so that the next round's child finds their
 * pages unwritten since this fork where the program did not write them, instead of every page counted as written.
 * Which of them the checkpoint refers to, and where, is still only what the record of this round says
 * (tl_dirty_clean). */
static void track_globals(unsigned round)
{
    const talent_program *pg = &talent_the_program;
    unsigned u, g;
    uint32_t i;
    for (i = 0; i < tl_heap_nlive && !broken && nranges < MAX_RANGES; i++) {
        const tl_hdr *h = tl_heap_live[i];
        if (tl_hdr_size(h) >= TL_BULK_REFER_MIN)
            track_span(tl_hdr_addr(h), tl_hdr_size(h), round);
    }
    for (u = 0; u < pg->nunits && !broken; u++)
        for (g = 0; g < pg->units[u]->nglobals && !broken; g++) {
            const talent_global *gl = &pg->units[u]->globals[g];
            if (gl->is_const || !gl->type || gl->type->size < TL_BULK_REFER_MIN)
                continue;
            track_span((uintptr_t)gl->addr, gl->type->size, round);
        }
}
#endif

void tl_dirty_before_fork(unsigned round, unsigned base)
{
    int s;
    writing = NULL;
    next_slot = -1;
    if (tl_dirty_mode == TL_DIRTY_OFF || broken)
        return;
#if HAVE_TRACKING
    if (!recs[0]) {
        for (s = 0; s < 2; s++) {
            void *m = tl_runtime_mmap(NULL, record_bytes(), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
            if (m == MAP_FAILED) {
                give_up("dirty tracking off: cannot map its record: %s%s", "", errno);
                return;
            }
            recs[s] = m;
        }
    }
    /* what was written since the previous round's fork is in this round's image */
    if (uffd >= 0 && scan_all(round) != 0)
        return;
    {
        const record *rc = base ? record_of(base) : NULL;
        if (open_uffd() == 0) {
            if (rc)
                track_record(rc, round);
            else
                track_globals(round);
        }
    }
    if (broken)
        return;
    /* the child fills the slot that does not hold the base's record */
    s = recs[0]->valid && recs[0]->round == base ? 1 : 0;
    recs[s]->valid = 0;
    recs[s]->overflow = 0;
    recs[s]->round = round;
    recs[s]->nsec = recs[s]->nref = 0;
    recs[s]->ncrc = 0;
    next_slot = s;
#else
    (void)round;
    (void)base;
    (void)s;
    give_up("dirty tracking off: %s%s", "not built for this target", 0);
#endif
}

void tl_dirty_after_fork(int in_child)
{
    if (in_child && next_slot >= 0)
        writing = recs[next_slot];
    next_slot = -1;
}

void tl_dirty_record_begin(const char *tag, const tl_buf *b)
{
    record *w = writing;
    rec_sec *sc;
    size_t k, shift = 0;
    if (!w || w->overflow)
        return;
    /* a section is named by its 4-byte tag, as delta.c finds it in the base */
    if (!tag || strlen(tag) < 4 || w->nsec == MAX_SECS || b->nrefs > MAX_REFS - w->nref) {
        w->overflow = 1;
        return;
    }
    sc = &w->sec[w->nsec];
    memset(sc->tag, 0, sizeof sc->tag);
    memcpy(sc->tag, tag, 4);
    sc->len = 0;
    sc->ref0 = w->nref;
    sc->nref = (uint32_t)b->nrefs;
    sc->crc0 = w->ncrc;
    for (k = 0; k < b->nrefs; k++) {
        const tl_buf_ref *r = &b->refs[k];
        rec_ref *f = &w->ref[w->nref + k];
        f->at = r->at + shift;
        f->src = (uint64_t)(uintptr_t)r->src;
        f->size = r->size;
        f->n = r->n;
        shift += (size_t)r->size * r->n;
    }
    w->nref += (uint32_t)b->nrefs;
    chunk_crc = 0;
    sec_pos = 0;
}

void tl_dirty_record_bytes(const unsigned char *p, size_t n)
{
    record *w = writing;
    if (!w || w->overflow)
        return;
    while (n) {
        size_t in = CHUNK - (size_t)(sec_pos % CHUNK), take = n < in ? n : in;
        chunk_crc = tl_crc32c(chunk_crc, p, take);
        p += take;
        n -= take;
        sec_pos += take;
        if (sec_pos % CHUNK == 0) {
            if (w->ncrc == MAX_CRCS) {
                w->overflow = 1;
                return;
            }
            w->crc[w->ncrc++] = chunk_crc;
            chunk_crc = 0;
        }
    }
}

void tl_dirty_record_crc(uint32_t crc)
{
    record *w = writing;
    if (!w || w->overflow)
        return;
    /* only ever a whole chunk at a chunk boundary, as tl_dirty_record_bytes would have closed it */
    if (sec_pos % CHUNK != 0 || w->ncrc == MAX_CRCS) {
        w->overflow = 1;
        return;
    }
    w->crc[w->ncrc++] = crc;
    sec_pos += CHUNK;
    chunk_crc = 0;
}

void tl_dirty_record_end(void)
{
    record *w = writing;
    if (!w || w->overflow)
        return;
    w->sec[w->nsec].len = sec_pos;
    w->nsec++;
}

void tl_dirty_record_done(void)
{
    if (writing && !writing->overflow)
        writing->valid = 1;
    writing = NULL;
}

/* ------------------------------------------------------------------ the stop */

static const record *stop_rec;
static unsigned stop_base;
static int round_armed;             /* armed by tl_dirty_round (a round's child), not by the stop */

int tl_dirty_stop(unsigned base)
{
    stop_rec = NULL;
    if (tl_dirty_mode == TL_DIRTY_OFF)
        return 0;
    if (broken) {
        tl_info("stop after pre-copy: dirty tracking is off; every chunk is compared");
        return 0;
    }
    if (!record_of(base) || nranges == 0) {
        tl_info("stop after pre-copy: no tracked arrays for round %u; every chunk is compared", base);
        return 0;
    }
#if HAVE_TRACKING
    if (scan_all(UINT32_MAX) != 0) {
        tl_info("stop after pre-copy: the written pages cannot be read; every chunk is compared");
        return 0;
    }
#endif
    stop_rec = record_of(base);
    stop_base = base;
    return 1;
}

int tl_dirty_round(unsigned base)
{
    stop_rec = NULL;
    round_armed = 0;
    if (tl_dirty_mode == TL_DIRTY_OFF)
        return 0;
    if (tl_dirty_mode == TL_DIRTY_STOP) {
        tl_info("pre-copy round: dirty tracking only at the stop (dirty = stop); every chunk is compared");
        return 0;
    }
    if (broken) {
        tl_info("pre-copy round: dirty tracking is off; every chunk is compared");
        return 0;
    }
    /* writing: this is a round's child whose parent read the written pages just before the fork (the child itself
     * cannot: the pages and the descriptor are the parent's), and the stamps it inherited are those */
    if (!writing || !record_of(base) || nranges == 0) {
        tl_info("pre-copy round: no tracked arrays for round %u; every chunk is compared", base);
        return 0;
    }
    stop_rec = record_of(base);
    stop_base = base;
    round_armed = 1;
    return 1;
}

int tl_dirty_armed(void)
{
    return stop_rec != NULL;
}

void tl_dirty_disarm(void)
{
    stop_rec = NULL;
    round_armed = 0;
}

static int pages_clean(uintptr_t a, uintptr_t b)
{
    static unsigned last;
    uintptr_t p = a & ~(uintptr_t)(page - 1);
    while (p < b) {
        const range *r = last < nranges ? &ranges[last] : NULL;
        if (!r || p < r->start || p >= r->end) {
            unsigned i;
            r = NULL;
            for (i = 0; i < nranges; i++)
                if (ranges[i].start <= p && p < ranges[i].end) {
                    r = &ranges[i];
                    last = i;
                    break;
                }
            if (!r)
                return 0;
        }
        for (; p < b && p < r->end; p += (uintptr_t)page)
            if (r->stamp[(p - r->start) / (uintptr_t)page] > stop_base)
                return 0;
    }
    return 1;
}

int tl_dirty_clean(const char *tag, size_t at, const void *src, unsigned size, size_t n, size_t pos, uint32_t *crc)
{
    const record *rc = stop_rec;
    const rec_sec *sc = NULL;
    uint32_t s, k;
    size_t first, end;
    if (!rc || !tag || size == 0 || pos < at || pos - at > (size_t)size * n ||
        (size_t)size * n - (pos - at) < CHUNK)
        return 0;
    if (strlen(tag) < 4)
        return 0;
    /* In a round's child only the program's globals and heap blocks: their memory is the parent's as it was at the
     * fork, which the stamps describe (a heap block the section refers to is live in that memory, so nothing the
     * child allocated since lies in it). The arrays of frames are copies the child made after the fork (frames.c),
     * possibly at the very addresses the base's record lists, written where no tracking sees it. */
    if (round_armed && memcmp(tag, "GLOB", 4) != 0 && memcmp(tag, "HEAP", 4) != 0)
        return 0;
    /* the first section of that tag, as delta.c's base_section finds it */
    for (s = 0; !sc && s < rc->nsec; s++)
        if (memcmp(rc->sec[s].tag, tag, 4) == 0)
            sc = &rc->sec[s];
    if (!sc || pos % CHUNK != 0 || pos + CHUNK > sc->len)
        return 0;
    /* the same array at the same offset of the same section in the base */
    for (k = 0; k < sc->nref; k++) {
        const rec_ref *f = &rc->ref[sc->ref0 + k];
        if (f->at == at && f->src == (uint64_t)(uintptr_t)src && f->size == size && f->n == n)
            break;
    }
    if (k == sc->nref)
        return 0;
    /* the elements the chunk's bytes come from, whole */
    first = (pos - at) / size;
    end = (pos + CHUNK - at + size - 1) / size;
    if (!pages_clean((uintptr_t)src + first * size, (uintptr_t)src + end * size))
        return 0;
    *crc = rc->crc[sc->crc0 + pos / CHUNK];
    return 1;
}

uint32_t tl_dirty_crc_append(uint32_t crc_a, uint32_t crc_b)
{
    /* CRC32C is affine: crc(c, B) = M(c) ^ crc(0, B), M linear (the effect of CHUNK zero bytes) */
    static uint32_t col[32], zero;
    static int ready;
    uint32_t out = crc_b;
    unsigned i;
    if (!ready) {
        unsigned char *z = tl_xmalloc(CHUNK);
        memset(z, 0, CHUNK);
        zero = tl_crc32c(0, z, CHUNK);
        for (i = 0; i < 32; i++)
            col[i] = tl_crc32c((uint32_t)1 << i, z, CHUNK) ^ zero;
        free(z);
        ready = 1;
    }
    for (i = 0; i < 32; i++)
        if (crc_a >> i & 1u)
            out ^= col[i];
    return out;
}
