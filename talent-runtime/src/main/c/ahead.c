/* ahead.c: a restart started ahead of the stop (TALENT_AWAIT_GO, go.c) prepares the memory its restore will
 * write while the source program still runs. A restore writes every non-const global of the program; for a large
 * one (an array of a GiB in .bss) most of the restore's time is the kernel handing out fresh zeroed pages on the
 * first write to each, inside the migration's window. Here those pages are made present and writable before the
 * process waits for its go: MADV_POPULATE_WRITE (Linux 5.14+) on the whole pages inside each large global, and a
 * read and write back of one byte per page that is still absent after it (an older kernel refuses the advice,
 * qemu-user ignores it) and at the global's partial first and last page. No byte of the program's memory changes: the pages are either faulted in with
 * their current contents (.data) or zero (.bss), which is what the restore would have found. */
/* madvise (glibc and musl declare it under _DEFAULT_SOURCE) */
#define _DEFAULT_SOURCE 1
#include "ahead.h"
#include "diag.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

void tl_ahead_populate(void)
{
    const char *mode = getenv(TL_ENV_AHEAD);
    long pagesize = sysconf(_SC_PAGESIZE);
    size_t page = pagesize > 0 ? (size_t)pagesize : 4096, bytes = 0, advised = 0, touched = 0;
    unsigned u, g, count = 0;
    double t0;

    if (mode && *mode && strcmp(mode, TL_AHEAD_POPULATE_WORD) != 0 && strcmp(mode, TL_AHEAD_OFF_WORD) != 0)
        tl_die(TL_EXIT_USAGE, TL_ENV_AHEAD " must be " TL_AHEAD_POPULATE_WORD " or " TL_AHEAD_OFF_WORD);
    if (mode && strcmp(mode, TL_AHEAD_OFF_WORD) == 0) {
        unsetenv(TL_ENV_AHEAD);
        tl_info("ahead: populating the globals is off (" TL_ENV_AHEAD "=" TL_AHEAD_OFF_WORD ")");
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
