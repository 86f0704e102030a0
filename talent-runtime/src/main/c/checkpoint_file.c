/* checkpoint_file.c: the checkpoint files of a directory, newest first, and reading one whole file safely (a
 * regular file only, never through a link, within the format's size limit). Moved out of checkpoint_read.c
 * so that the delta reader (delta.c) and the writer (checkpoint_write.c) use them without depending on the
 * checkpoint parser, which itself loads deltas (issue 14: no call cycle between runtime files). */
/* MAP_ANONYMOUS (glibc and musl declare it under _DEFAULT_SOURCE; POSIX has it since 2024) */
#define _DEFAULT_SOURCE 1
#include "diag.h"
#include "foreign.h"
#include "strerror.h"
#include "xalloc.h"
#include "encode.h"
#include "checkpoint.h"
#include "checkpoint_file.h"
#include "sort.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- directory listing */

static int parse_name(const char *name, uint64_t *seq)
{
    const char *p;
    uint64_t v = 0;
    size_t digits = 0;
    if (strncmp(name, TL_CKPT_PREFIX, strlen(TL_CKPT_PREFIX)) != 0)
        return 0;
    for (p = name + strlen(TL_CKPT_PREFIX); *p >= '0' && *p <= '9'; p++, digits++) {
        if (v > (UINT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    /* TL_DELTA_SUFFIX: a delta against a base file of the same directory (delta.c) */
    if (digits < TL_CKPT_MIN_DIGITS || (strcmp(p, TL_CKPT_SUFFIX) != 0 && strcmp(p, TL_DELTA_SUFFIX) != 0))
        return 0;
    *seq = v;
    return 1;
}

typedef struct list_entry {
    uint64_t seq;
    char *path;
} list_entry;

static int newest_first(const void *x, const void *y)
{
    uint64_t a = ((const list_entry *)x)->seq, b = ((const list_entry *)y)->seq;
    return a < b ? 1 : a > b ? -1 : 0;
}

size_t tl_checkpoint_list(const char *dir, char ***paths_out, uint64_t **seqs_out)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **paths = NULL;
    uint64_t *seqs = NULL;
    size_t n = 0, cap = 0, i, j;
    *paths_out = NULL;
    *seqs_out = NULL;
    if (!d)
        return 0;
    for (;;) {
        errno = 0;
        e = readdir(d);
        if (!e) {
            if (errno)
                tl_warn("cannot list checkpoint directory %s: %s", dir, tl_strerror(errno));
            break;
        }
        uint64_t seq;
        size_t len;
        if (!parse_name(e->d_name, &seq))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            paths = tl_xrealloc(paths, cap * sizeof *paths);
            seqs = tl_xrealloc(seqs, cap * sizeof *seqs);
        }
        len = strlen(dir) + strlen(e->d_name) + 2;
        paths[n] = tl_xmalloc(len);
        snprintf(paths[n], len, "%s/%s", dir, e->d_name);
        seqs[n] = seq;
        n++;
    }
    closedir(d);
    /* newest first; sorted in O(n log n): whoever can write the directory decides how many names it holds */
    {
        list_entry *v = tl_xmalloc((n ? n : 1) * sizeof *v);
        for (i = 0; i < n; i++)
            v[i].seq = seqs[i], v[i].path = paths[i];
        tl_sort(v, n, sizeof *v, newest_first);
        for (j = 0; j < n; j++)
            seqs[j] = v[j].seq, paths[j] = v[j].path;
        free(v);
    }
    *paths_out = paths;
    *seqs_out = seqs;
    return n;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Only a regular file is read as a checkpoint (a FIFO or device named ckpt-000009.tck must not block a
 * restart), never through a symbolic link, and never more than the format's size limit. */
unsigned char *tl_checkpoint_read_file(const char *path, size_t *size, char *err, size_t errlen)
{
    struct stat st;
    unsigned char *data;
    size_t n = 0, want;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        set_err(err, errlen, "cannot open: %s", errno == ELOOP ? "it is a symbolic link" : tl_strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        set_err(err, errlen, "cannot stat: %s", tl_strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        set_err(err, errlen, "not a regular file");
        close(fd);
        return NULL;
    }
    if ((uintmax_t)st.st_size > TL_MAX_CHECKPOINT_BYTES) {
        set_err(err, errlen, "file of %llu bytes exceeds the limit of %lu bytes", (unsigned long long)st.st_size,
                (unsigned long)TL_MAX_CHECKPOINT_BYTES);
        close(fd);
        return NULL;
    }
    want = (size_t)st.st_size;
    data = tl_xmalloc(want ? want : 1);     /* on huge pages where it is large (tl_xmalloc) */
    while (n < want) {
        ssize_t got = read(fd, data + n, want - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            set_err(err, errlen, "cannot read: %s", tl_strerror(errno));
            close(fd);
            free(data);
            return NULL;
        }
        if (got == 0)
            break;      /* shrank meanwhile: validation judges what is there */
        n += (size_t)got;
    }
    close(fd);
    *size = n;
    return data;
}

/* ---------------------------------------------------------------- mapping, and the guard against a file that shrinks */

/* The live mappings of checkpoint files (a restore maps one, a delta's base is a second; one more is the previous
 * checkpoint kept until the next in-process restore). A mapping that finds no free slot is still used: a SIGBUS in
 * it then kills the process as it would without the guard (never a silent wrong result). */
#define GUARD_SLOTS 8
static struct guard_slot {
    unsigned char *volatile p;
    volatile size_t n;
    volatile sig_atomic_t shrank;
} slots[GUARD_SLOTS];
static struct sigaction replaced;
static volatile sig_atomic_t guarding;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
    static const char msg[] = "talent: warning: a checkpoint file shrank while it was read (another process truncated "
                              "it); what was read from it is refused\n";
    uintptr_t a = (uintptr_t)si->si_addr;
    unsigned k;
    (void)uc;
    for (k = 0; si->si_code > 0 && k < GUARD_SLOTS; k++) {
        uintptr_t p = (uintptr_t)slots[k].p;
        if (p && a >= p && a - p < slots[k].n) {
            /* zero pages over the whole mapping (what it read is refused anyway; an emulator may report a page
             * other than the one that faulted): the reader goes on to its end, bounded as ever, and is refused
             * there. Once only: a second fault in it takes the replaced disposition. */
            if (!slots[k].shrank &&
                tl_runtime_mmap((void *)p, slots[k].n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1) != MAP_FAILED) {
                ssize_t ignored;
                slots[k].shrank = 1;
                ignored = write(2, msg, sizeof msg - 1);
                (void)ignored;
                return;
            }
            break;
        }
    }
    /* not a checkpoint's page (or it cannot be replaced): the disposition the guard replaced takes it */
    sigaction(SIGBUS, &replaced, NULL);
    guarding = 0;
    if (si->si_code <= 0)
        raise(sig);     /* sent, not a fault: a return would not repeat it */
}

void tl_checkpoint_guard_begin(void)
{
    struct sigaction sa;
    if (guarding)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGBUS, &sa, &replaced) == 0)
        guarding = 1;
}

void tl_checkpoint_guard_end(void)
{
    if (!guarding)
        return;
    sigaction(SIGBUS, &replaced, NULL);
    guarding = 0;
}

/* Images built over a mapping of their base (delta.c): the region to unmap, the base's mapping in it. */
#define IMAGE_SLOTS 4
static struct {
    unsigned char *img, *region, *base_at;
    size_t region_len;
} images[IMAGE_SLOTS];

static const unsigned char *image_base(const unsigned char *img)
{
    unsigned k;
    for (k = 0; img && k < IMAGE_SLOTS; k++)
        if (images[k].img == img)
            return images[k].base_at;
    return NULL;
}

int tl_checkpoint_file_shrank(const unsigned char *p)
{
    unsigned k;
    const unsigned char *base = image_base(p);
    for (k = 0; p && k < GUARD_SLOTS; k++)
        if (slots[k].p == p || (base && slots[k].p == base))
            return slots[k].shrank != 0;
    return 0;
}

int tl_checkpoint_image_add(unsigned char *img, unsigned char *region, size_t region_len, unsigned char *base_at,
                            size_t base_len)
{
    unsigned k, g;
    for (k = 0; k < IMAGE_SLOTS && images[k].img; k++)
        ;
    for (g = 0; g < GUARD_SLOTS && slots[g].p; g++)
        ;
    if (k == IMAGE_SLOTS || g == GUARD_SLOTS)
        return -1;
    slots[g].shrank = 0;
    slots[g].n = base_len;
    slots[g].p = base_at;
    images[k].img = img;
    images[k].region = region;
    images[k].region_len = region_len;
    images[k].base_at = base_at;
    return 0;
}

static unsigned char *map_file(const char *path, size_t *size, int *mapped, int whole, char *err, size_t errlen)
{
    struct stat st;
    void *p = MAP_FAILED;
    unsigned k;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    *mapped = 0;
    if (fd < 0) {
        set_err(err, errlen, "cannot open: %s", errno == ELOOP ? "it is a symbolic link" : tl_strerror(errno));
        return NULL;
    }
    /* the size, type and limit of the file that is mapped (its descriptor), not of whatever the path names later */
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 24 &&
        (uintmax_t)st.st_size <= TL_MAX_CHECKPOINT_BYTES) {
        int flags = MAP_PRIVATE;
        /* a large file that is not in the page cache (written with O_DIRECT, checkpoint_write.c, or from
         * another machine): its reads all asked for at once, so that the populating faults below find them
         * under way rather than reading ahead a small window at a time */
        if (whole && st.st_size >= ((off_t)16 << 20))
            (void)posix_fadvise(fd, 0, st.st_size, POSIX_FADV_WILLNEED);
#ifdef MAP_POPULATE
        if (whole)
            flags |= MAP_POPULATE;  /* the page tables in one go: the reader touches every page anyway */
#endif
        p = tl_runtime_mmap(NULL, (size_t)st.st_size, PROT_READ, flags, fd);
    }
    close(fd);
    if (p == MAP_FAILED)    /* not mappable, or a file the reader refuses: its rules and messages */
        return tl_checkpoint_read_file(path, size, err, errlen);
    for (k = 0; k < GUARD_SLOTS; k++)
        if (!slots[k].p) {
            slots[k].shrank = 0;
            slots[k].n = (size_t)st.st_size;
            slots[k].p = p;
            break;
        }
    *mapped = 1;
    *size = (size_t)st.st_size;
    return p;
}

unsigned char *tl_checkpoint_map_file(const char *path, size_t *size, int *mapped, char *err, size_t errlen)
{
    return map_file(path, size, mapped, 1, err, errlen);
}

unsigned char *tl_checkpoint_map_file_sparse(const char *path, size_t *size, int *mapped, char *err, size_t errlen)
{
    return map_file(path, size, mapped, 0, err, errlen);
}

void tl_checkpoint_unmap_file(unsigned char *p, size_t size, int mapped)
{
    unsigned k;
    if (!mapped) {
        free(p);
        return;
    }
    if (mapped == TL_MAPPED_DELTA_IMAGE) {
        for (k = 0; k < IMAGE_SLOTS; k++)
            if (images[k].img == p && p) {
                unsigned g;
                for (g = 0; g < GUARD_SLOTS; g++)
                    if (slots[g].p == images[k].base_at) {
                        slots[g].p = NULL;
                        slots[g].n = 0;
                    }
                tl_runtime_munmap(images[k].region, images[k].region_len);
                images[k].img = NULL;
            }
        return;
    }
    for (k = 0; k < GUARD_SLOTS; k++)
        if (slots[k].p == p) {
            slots[k].p = NULL;
            slots[k].n = 0;
        }
    tl_runtime_munmap(p, size);
}
