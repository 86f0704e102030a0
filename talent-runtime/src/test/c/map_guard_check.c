/* map_guard_check.c: checkpoint_file.c's mapping of a checkpoint file and its guard against a file that shrinks
 * while mapped (MapGuardIT). Prints one line per check, "ok ..." or "FAIL ...", then "done". A run without the
 * guard dies of SIGBUS at the "shrank" check. */
#define _DEFAULT_SOURCE 1
#include "checkpoint_file.h"
#include "checkpoint.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* what checkpoint_file.c needs from the rest of the runtime */
void *tl_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}
void *tl_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}
void tl_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

static int failures;
static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok" : "FAIL", what);
    fflush(stdout);
    failures += !ok;
}

static void make_file(const char *path, size_t n)
{
    unsigned char *b = malloc(n);
    size_t i;
    FILE *f = fopen(path, "wb");
    for (i = 0; i < n; i++)
        b[i] = (unsigned char)('A' + i % 23);
    if (!f || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
    free(b);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    char path[4096], small[4096], link[4096], fifo[4096], err[256];
    size_t page = (size_t)sysconf(_SC_PAGESIZE), n = 0, total = 3 * page + 100, i;
    int mapped = -1, zeros = 1;
    unsigned char *p;
    struct sigaction now;
    volatile unsigned sum = 0;

    snprintf(path, sizeof path, "%s/ckpt-000001.tck", dir);
    snprintf(small, sizeof small, "%s/small.tck", dir);
    snprintf(link, sizeof link, "%s/link.tck", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo.tck", dir);

    /* a regular file is mapped, whole */
    make_file(path, total);
    p = tl_checkpoint_map_file(path, &n, &mapped, err, sizeof err);
    check(p && mapped == 1 && n == total && p[0] == 'A' && p[total - 1] == (unsigned char)('A' + (total - 1) % 23),
          "mapped whole");
    check(!tl_checkpoint_file_shrank(p), "not shrunk");

    /* another process truncates it: the guard gives zero pages from the first page beyond the new end */
    tl_checkpoint_guard_begin();
    if (truncate(path, (off_t)page) != 0) {
        perror("truncate");
        return 2;
    }
    sum += p[0];
    for (i = page; i < total; i++)
        zeros &= p[i] == 0;
    check(zeros, "zero pages beyond the new end");
    check(tl_checkpoint_file_shrank(p) == 1, "shrank");
    check(p[0] == 0 && p[page - 1] == 0, "zero pages before it too (all that was read is refused)");
    tl_checkpoint_guard_end();
    check(sigaction(SIGBUS, NULL, &now) == 0 && !(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_DFL,
          "SIGBUS back to its disposition after the guard");
    tl_checkpoint_unmap_file(p, n, mapped);
    check(!tl_checkpoint_file_shrank(p), "unregistered when unmapped");

    /* a delta's image built over a second mapping of its base inside an anonymous region (delta.c): a truncation
     * is seen through the image, whose pointer is not the mapping's, and the release unmaps the region */
    make_file(path, total);
    {
        size_t region_len = 5 * page, at = page, off = 100;
        unsigned char *region = mmap(NULL, region_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        int fd = open(path, O_RDONLY);
        unsigned char *img = region + at - off;     /* the image starts off bytes before the base's mapping */
        if (region == MAP_FAILED || fd < 0 ||
            mmap(region + at, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
            perror("image region");
            return 2;
        }
        close(fd);
        check(tl_checkpoint_image_add(img, region, region_len, region + at, total) == 0, "image registered");
        img[0] = 'Z';   /* written over the region, as the delta's other operations are */
        check(img[off] == 'A' && !tl_checkpoint_file_shrank(img), "image over the base's mapping, not shrunk");
        tl_checkpoint_guard_begin();
        if (truncate(path, (off_t)page) != 0) {
            perror("truncate");
            return 2;
        }
        zeros = 1;
        for (i = off + page; i < off + total; i++)
            zeros &= img[i] == 0;
        check(zeros && tl_checkpoint_file_shrank(img) == 1, "image: shrank, zero pages beyond the new end");
        tl_checkpoint_guard_end();
        tl_checkpoint_unmap_file(img, 0, TL_MAPPED_DELTA_IMAGE);
        check(!tl_checkpoint_file_shrank(img), "image: unregistered when released");
    }

    /* without the guard a read beyond the new end is a SIGBUS, as it would be without talent */
    make_file(path, total);
    p = tl_checkpoint_map_file(path, &n, &mapped, err, sizeof err);
    if (p && mapped) {
        pid_t child;
        int status = 0;
        fflush(stdout);
        child = fork();
        if (child == 0) {
            if (truncate(path, (off_t)page) != 0)
                _exit(3);
            sum += p[2 * page];
            _exit(0);
        }
        waitpid(child, &status, 0);
        check(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS, "unguarded: SIGBUS");
        tl_checkpoint_unmap_file(p, n, mapped);
    } else {
        check(0, "unguarded: mapped");
    }

    /* a SIGBUS elsewhere while guarded: the replaced disposition (here SIG_IGN for a sent one) */
    signal(SIGBUS, SIG_IGN);
    tl_checkpoint_guard_begin();
    raise(SIGBUS);
    check(sigaction(SIGBUS, NULL, &now) == 0 && now.sa_handler == SIG_IGN, "a sent SIGBUS goes to the replaced disposition");
    tl_checkpoint_guard_end();
    signal(SIGBUS, SIG_DFL);

    /* less than a header: read, not mapped, for the reader to refuse */
    make_file(small, 10);
    p = tl_checkpoint_map_file(small, &n, &mapped, err, sizeof err);
    check(p && mapped == 0 && n == 10 && p[9] == 'A' + 9, "a file of 10 bytes is read");
    tl_checkpoint_unmap_file(p, n, mapped);

    /* never through a link, never a FIFO */
    unlink(link);
    if (symlink(path, link) == 0) {
        err[0] = '\0';
        p = tl_checkpoint_map_file(link, &n, &mapped, err, sizeof err);
        check(!p && strstr(err, "symbolic link") != NULL, "a symbolic link is refused");
    }
    unlink(fifo);
    if (mkfifo(fifo, 0600) == 0) {
        err[0] = '\0';
        p = tl_checkpoint_map_file(fifo, &n, &mapped, err, sizeof err);
        check(!p && strstr(err, "not a regular file") != NULL, "a FIFO is refused");
    }
    (void)sum;
    printf("done %d\n", failures);
    return failures != 0;
}
