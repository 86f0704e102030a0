/* precopy.c: pre-copy rounds by fork at a safe point, and the delta written at the stop (precopy.h). */
#include "precopy.h"
#include "pending.h"
#include "diag.h"
#include "strerror.h"
#include "xalloc.h"
#include "crc32c.h"
#include "signals.h"
#include "state.h"
#include "events.h"
#include "itimers.h"
#include "dirty.h"
#include "checkpoint_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int enabled;
static const char *ckdir;
static int in_child;
static int urg_replaced_at_fork;    /* child: the program had replaced pre-copy's SIGURG handler when it forked */
static unsigned round_no;           /* rounds started */
static unsigned first_round;        /* the highest round found in the directory at the start (not this process's) */
static pid_t child = -1;            /* the round in progress, or -1 */
static unsigned child_round;
static unsigned complete;           /* newest round whose child wrote its image (0: none) */
static uint32_t complete_crc;       /* CRC32C of that image, as its child reported it */
static int complete_crc_known;
static int crc_pipe = -1;           /* parent: read end; the child writes its image's CRC before it ends */

static void on_urg(int sig)
{
    (void)sig;
    tl_req_precopy = 1;
    talent_pending = 1;
}

/* The highest round of the pre-<round>.tck images in dir (0: none): a restarted process numbers its rounds above
 * them, so that an image a delta of the directory refers to (one received from the host before, or restored by a
 * rollback) is never replaced by a new image of the same name. */
static unsigned highest_round(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    unsigned best = 0;
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        unsigned long r = 0;
        size_t i, len = strlen(n);
        if (len < 4 + 6 + 4 || len > 4 + 9 + 4 || strncmp(n, "pre-", 4) != 0 || strcmp(n + len - 4, ".tck") != 0)
            continue;
        for (i = 4; i < len - 4 && n[i] >= '0' && n[i] <= '9'; i++)
            r = r * 10 + (unsigned long)(n[i] - '0');
        if (i == len - 4 && r > best && r < 999999999ul)
            best = (unsigned)r;
    }
    closedir(d);
    return best;
}

void tl_precopy_init(int on, const char *dir)
{
    struct sigaction sa;
    enabled = on;
    ckdir = dir;
    if (!on)
        return;
    round_no = first_round = highest_round(dir);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_urg;
    /* SA_RESTART: a round is served at the next site visit, the program's blocked calls are not disturbed */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGURG, &sa, NULL) != 0)
        tl_die(TL_EXIT_SOFTWARE, "cannot install the pre-copy (SIGURG) handler: %s", tl_strerror(errno));
}

int tl_precopy_enabled(void)
{
    return enabled;
}

int tl_precopy_urg_replaced(void)
{
    struct sigaction now;
    if (!enabled)
        return 0;
    if (in_child)
        return urg_replaced_at_fork;
    if (sigaction(SIGURG, NULL, &now) != 0)
        return 0;
    return (now.sa_flags & SA_SIGINFO) || now.sa_handler != on_urg;
}

int tl_precopy_in_child(void)
{
    return in_child;
}

long tl_precopy_round_child(void)
{
    return in_child ? -1L : (long)child;
}

/* Collects the child of the round in progress; wait: block until it ends (else only when it has ended). */
static void reap(int wait)
{
    int status;
    pid_t r;
    if (child < 0)
        return;
    do
        r = waitpid(child, &status, wait ? 0 : WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return;
    if (r == child && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        unsigned char b[4];
        ssize_t got;
        complete = child_round;
        /* the image's CRC, so that the stop does not read the whole base again to compute it */
        do
            got = crc_pipe >= 0 ? read(crc_pipe, b, 4) : -1;
        while (got < 0 && errno == EINTR);
        complete_crc_known = got == 4;
        complete_crc = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    } else if (r == child)
        tl_warn("pre-copy round %u failed (%s %d); the next stop writes %s", child_round,
                WIFEXITED(status) ? "exit status" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                complete ? "a delta against the previous round" : "a full checkpoint");
    child = -1;
    if (crc_pipe >= 0)
        close(crc_pipe);
    crc_pipe = -1;
}

int tl_precopy_descriptor(void)
{
    return crc_pipe;
}

int tl_precopy_fork(void)
{
    pid_t p;
    int fds[2];
    tl_req_precopy = 0;
    if (!enabled || in_child)
        return 0;
    reap(0);
    if (child >= 0) {
        /* the round in progress is still being written (or its child is ending): the request waits for it, served
         * at a later site visit (one waitpid per visit meanwhile) */
        tl_req_precopy = 1;
        talent_pending = 1;
        return 0;
    }
    /* nothing buffered is duplicated into the child (which never flushes anyway): stdout's and stderr's unwritten
     * bytes are taken out for the child's round to carry (pending.c) and put back into the parent's streams below */
    tl_pending_take();
    fflush(NULL);
    if (pipe(fds) != 0)
        fds[0] = fds[1] = -1;
    /* a child has no timers of its own (fork does not inherit them): its round carries the parent's (itimers.c) */
    /* the pages written so far are in this round's image: read and protected again just before the fork */
    tl_dirty_before_fork(round_no + 1, complete);
    tl_itimers_before_fork();
    p = fork();
    tl_dirty_after_fork(p == 0);
    if (p != 0) {
        tl_itimers_release();
        tl_pending_put_back();  /* the parent's streams as they were; the child's round carries the bytes */
    }
    if (p < 0) {
        tl_warn("pre-copy round not started: fork: %s", tl_strerror(errno));
        if (fds[0] >= 0)
            close(fds[0]), close(fds[1]);
        return 0;
    }
    round_no++;
    if (p == 0) {
        urg_replaced_at_fork = tl_precopy_urg_replaced();
        in_child = 1;
        tl_itimers_in_child();
        signal(SIGURG, SIG_IGN);
        if (fds[0] >= 0)
            close(fds[0]);
        crc_pipe = fds[1];
        return 1;
    }
    if (fds[1] >= 0)
        close(fds[1]);
    /* never inherited by a program the parent runs, never blocking: the child wrote before it ended */
    if (fds[0] >= 0) {
        fcntl(fds[0], F_SETFD, FD_CLOEXEC);
        fcntl(fds[0], F_SETFL, O_NONBLOCK);
    }
    crc_pipe = fds[0];
    child = p;
    child_round = round_no;
    return 0;
}

int tl_precopy_diverts(void)
{
    if (in_child)
        return 1;
    if (!enabled || tl_site_after() != TL_AFTER_EXIT)
        return 0;
    reap(0);
    if (child >= 0) {
        /* a child that reported its image's CRC has written and renamed its image: only its own delta from the
         * round before (pre-<round>.tdl, a transfer aid) may still be in progress, so its round is complete and
         * is the base (whoever asked for the round may have taken that image already) */
        unsigned char b[4];
        ssize_t got;
        do
            got = crc_pipe >= 0 ? read(crc_pipe, b, 4) : -1;
        while (got < 0 && errno == EINTR);
        kill(child, SIGKILL);
        if (got == 4) {
            int status;
            while (waitpid(child, &status, 0) < 0 && errno == EINTR)
                ;
            child = -1;
            close(crc_pipe);
            crc_pipe = -1;
            complete = child_round;
            complete_crc_known = 1;
            complete_crc = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        } else {
            /* the stop does not wait for a round still encoding: the previous complete one is the base */
            reap(1);
        }
    }
    return complete != 0;
}

/* What a file's content is written by: 0 with the content's CRC32C in *crc, or -1 with a message. */
typedef int (*content_writer)(int fd, const char *tmp, void *ctx, uint32_t *crc, char *err, size_t errlen);

typedef struct pieces_of {
    const tl_piece *pieces;
    unsigned npieces;
} pieces_of;

static int write_pieces(int fd, const char *tmp, void *ctx, uint32_t *crc, char *err, size_t errlen)
{
    const pieces_of *w = ctx;
    unsigned k;
    /* a handful of large pieces, each written whole or through a small buffer (tl_piece_write) */
    for (k = 0; k < w->npieces; k++) {
        errno = EIO;
        if (tl_piece_write(fd, &w->pieces[k], crc) != 0) {
            snprintf(err, errlen, "cannot write %s: %s", tmp, tl_strerror(errno));
            return -1;
        }
    }
    return 0;
}

static int put_file_by(const char *name, content_writer writer, void *ctx, int durable, char *path, size_t pathlen,
                       uint32_t *image_crc, char *err, size_t errlen);

/* Writes the pieces to dir/name through a new temporary file and a rename (fsync when durable). */
static int put_file(const char *name, const tl_piece *pieces, unsigned npieces, int durable, char *path,
                    size_t pathlen, uint32_t *image_crc, char *err, size_t errlen)
{
    pieces_of w;
    w.pieces = pieces;
    w.npieces = npieces;
    return put_file_by(name, write_pieces, &w, durable, path, pathlen, image_crc, err, errlen);
}

/* Writes dir/name through a new temporary file, its content by writer, and a rename (fsync when durable). */
static int put_file_by(const char *name, content_writer writer, void *ctx, int durable, char *path, size_t pathlen,
                       uint32_t *image_crc, char *err, size_t errlen)
{
    uint32_t crc = 0;
    size_t n = strlen(ckdir) + strlen(name) + 16;
    char *tmp = tl_xmalloc(n);
    int fd, failed = 0;
    snprintf(tmp, n, "%s/.%s.tmp", ckdir, name);
    snprintf(path, pathlen, "%s/%s", ckdir, name);
    if (mkdir(ckdir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create checkpoint directory %s: %s", ckdir, tl_strerror(errno));
        free(tmp);
        return -1;
    }
    (void)unlink(tmp);      /* a temporary file of a killed writer of the same round */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, tl_strerror(errno));
        free(tmp);
        return -1;
    }
    if (writer(fd, tmp, ctx, &crc, err, errlen) != 0)
        failed = 1;
    if (image_crc)
        *image_crc = crc;
    if (!failed && durable && fsync(fd) != 0)
        failed = 1, snprintf(err, errlen, "cannot fsync %s: %s", tmp, tl_strerror(errno));
    if (close(fd) != 0 && !failed)
        failed = 1, snprintf(err, errlen, "cannot close %s: %s", tmp, tl_strerror(errno));
    if (!failed && rename(tmp, path) != 0)
        failed = 1, snprintf(err, errlen, "cannot rename %s: %s", tmp, tl_strerror(errno));
    if (failed) {
        (void)unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    if (durable) {
        fd = open(ckdir, O_RDONLY);
        if (fd < 0 || fsync(fd) != 0) {
            snprintf(err, errlen, "cannot fsync directory %s: %s", ckdir, tl_strerror(errno));
            if (fd >= 0)
                close(fd);
            (void)unlink(path);
            return -1;
        }
        close(fd);
    }
    return 0;
}

/* sparse: only the chunks dirty tracking does not vouch for are read (its pages neither populated nor read ahead) */
static int open_base(const char *name, int sparse, tl_mapped *b, char *err, size_t errlen)
{
    size_t n = strlen(ckdir) + strlen(name) + 2;
    char *path = tl_xmalloc(n), why[512];
    int rc;
    snprintf(path, n, "%s/%s", ckdir, name);
    if (sparse) {
        b->p = tl_checkpoint_map_file_sparse(path, &b->n, &b->mapped, why, sizeof why);
        rc = b->p ? 0 : -1;
    } else {
        rc = tl_map_checkpoint_file(path, b, why, sizeof why);
    }
    if (rc != 0)
        snprintf(err, errlen, "cannot read the pre-copy base %s: %s", name, why);
    free(path);
    return rc;
}

/* The delta of the stop or of a round's child where dirty tracking allows (dirty.c): with key dirty = verify also built
 * by comparing every chunk, and the process ends (exit 70) when the two differ. who: what builds it, for the -v
 * lines. */
static void build_tracked(const char *who, tl_buf *d, const char *base_name, const tl_mapped *base,
                          const uint32_t *base_crc, const tl_piece *pieces, unsigned npieces, uint64_t *changed)
{
    uint64_t skipped = 0, encoded = 0;
    tl_delta_build(d, base_name, base->p, base->n, base_crc, pieces, npieces, changed);
    tl_delta_dirty_counts(&skipped, &encoded);
    tl_dirty_disarm();
    tl_info("%s: dirty tracking: %llu chunks of large arrays unchanged since %s (not read), %llu encoded and "
            "compared", who, (unsigned long long)skipped, base_name, (unsigned long long)encoded);
    if (tl_dirty_mode == TL_DIRTY_VERIFY) {
        tl_buf full = {0};
        uint64_t full_changed = 0;
        tl_delta_build(&full, base_name, base->p, base->n, base_crc, pieces, npieces, &full_changed);
        if ((full.len != d->len || memcmp(full.data, d->data, d->len) != 0 || full_changed != *changed) && in_child) {
            /* a round's child never ends through exit(): the program's exit handlers and streams are the parent's */
            tl_warn("%s: dirty tracking verification failed: the delta from tracking (%lu bytes) differs from the "
                    "full comparison's (%lu bytes)", who, (unsigned long)d->len, (unsigned long)full.len);
            _exit(TL_EXIT_SOFTWARE);
        }
        if (full.len != d->len || memcmp(full.data, d->data, d->len) != 0 || full_changed != *changed)
            tl_die(TL_EXIT_SOFTWARE, "%s: dirty tracking verification failed: the delta from tracking (%lu bytes) "
                   "differs from the full comparison's (%lu bytes)", who, (unsigned long)d->len,
                   (unsigned long)full.len);
        tl_info("%s: dirty tracking verified: the full comparison gives the same delta", who);
        tl_buf_free(&full);
    }
}

/* Builds the delta of the pieces against the base file name and writes it as out_name. */
static int put_delta(const char *base_name, const uint32_t *base_crc, const char *out_name, const tl_piece *pieces,
                     unsigned npieces, int durable, char *path, size_t pathlen, uint64_t *changed, uint64_t *size,
                     char *err, size_t errlen)
{
    tl_mapped base;
    tl_buf d = {0};
    tl_piece one = {NULL, NULL, 0, NULL, NULL, 0};
    int rc, tracked;
    double t_open = tl_now_ms(), t0, t1;
    tracked = !in_child && tl_dirty_stop(complete);
    if (open_base(base_name, tracked, &base, err, errlen) != 0) {
        tl_dirty_disarm();
        return -1;
    }
    t0 = tl_now_ms();
    if (tracked)
        build_tracked("stop after pre-copy", &d, base_name, &base, base_crc, pieces, npieces, changed);
    else
        tl_delta_build(&d, base_name, base.p, base.n, base_crc, pieces, npieces, changed);
    tl_unmap_checkpoint_file(&base);
    t1 = tl_now_ms();
    one.tag = NULL;
    one.p = d.data;
    one.n = d.len;
    *size = d.len;
    rc = put_file(out_name, &one, 1, durable, path, pathlen, NULL, err, errlen);
    tl_buf_free(&d);
    tl_info("delta %s: base mapped in %.1f ms, compared and built in %.1f ms, written in %.1f ms", out_name,
            t0 - t_open, t1 - t0, tl_now_ms() - t1);
    return rc;
}

static void round_name(char *out, size_t n, unsigned r, const char *ext)
{
    snprintf(out, n, "pre-%06u.%s", r, ext);
}

/* The image of a round made from the previous round's image file and the round's delta. */
typedef struct image_of {
    int base_fd;
    const tl_mapped *base;
    const tl_buf *delta;
} image_of;

static int write_image(int fd, const char *tmp, void *ctx, uint32_t *crc, char *err, size_t errlen)
{
    const image_of *w = ctx;
    char why[512];
    (void)tmp;
    if (tl_delta_write_image(fd, w->base_fd, w->base->p, w->base->n, w->delta->data, w->delta->len, crc, why,
                             sizeof why) != 0) {
        snprintf(err, errlen, "cannot make the image from the previous one: %s", why);
        return -1;
    }
    return 0;
}

/* A round after one whose record dirty tracking has (dirty.c): the delta from the previous round's image is built
 * first, reading only the chunks tracking does not vouch for (tl_dirty_round), and the round's image is that image
 * file with the delta applied (its unchanged ranges copied by the kernel), not the whole state encoded and written
 * again. The record of this round is filled as the delta is built. 0 with both files in place and the image's CRC in
 * *crc; 1 when tracking cannot serve this round (nothing written: the caller writes the whole image); any failure
 * after that ends the round (exit 1, nothing of it left behind). */
static int child_write_tracked(const tl_piece *pieces, unsigned npieces, const char *name, const char *prev,
                               const char *dname, uint32_t *crc, uint64_t *changed, uint64_t *dsize)
{
    char path[4096], err[1024];
    tl_mapped base;
    tl_buf d = {0};
    tl_piece one = {NULL, NULL, 0, NULL, NULL, 0};
    image_of w;
    struct stat st;
    char who[48];
    int fd;
    if (!tl_dirty_round(complete))
        return 1;
    if (open_base(prev, 1, &base, err, sizeof err) != 0) {
        tl_dirty_disarm();
        tl_info("pre-copy round %u: %s; the whole image is written", round_no, err);
        return 1;
    }
    snprintf(who, sizeof who, "pre-copy round %u", round_no);
    build_tracked(who, &d, prev, &base, complete_crc_known ? &complete_crc : NULL, pieces, npieces, changed);
    one.p = d.data;
    one.n = d.len;
    *dsize = d.len;
    if (put_file(dname, &one, 1, 0, path, sizeof path, NULL, err, sizeof err) != 0) {
        tl_warn("pre-copy round %u: %s", round_no, err);
        _exit(1);
    }
    snprintf(path, sizeof path, "%s/%s", ckdir, prev);
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    /* the file the mapping was made of, unchanged in length */
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != (uint64_t)base.n) {
        tl_warn("pre-copy round %u: cannot open %s again to make the image from it%s%s", round_no, prev,
                fd < 0 ? ": " : "", fd < 0 ? tl_strerror(errno) : "");
        snprintf(path, sizeof path, "%s/%s", ckdir, dname);
        (void)unlink(path);
        _exit(1);
    }
    w.base_fd = fd;
    w.base = &base;
    w.delta = &d;
    if (put_file_by(name, write_image, &w, 0, path, sizeof path, crc, err, sizeof err) != 0) {
        tl_warn("pre-copy round %u: %s", round_no, err);
        snprintf(path, sizeof path, "%s/%s", ckdir, dname);
        (void)unlink(path);
        _exit(1);
    }
    close(fd);
    tl_unmap_checkpoint_file(&base);
    tl_buf_free(&d);
    return 0;
}

static void child_write(const tl_piece *pieces, unsigned npieces)
{
    char name[64], prev[64], dname[64], path[4096], err[1024];
    double t0 = tl_now_ms();
    uint64_t size = 0, changed = 0, dsize = 0;
    uint32_t crc = 0;
    unsigned k;
    int made = 0;
    for (k = 0; k < npieces; k++)
        size += pieces[k].n;
    round_name(name, sizeof name, round_no, "tck");
    if (complete) {
        round_name(prev, sizeof prev, complete, "tck");
        round_name(dname, sizeof dname, round_no, "tdl");
        made = child_write_tracked(pieces, npieces, name, prev, dname, &crc, &changed, &dsize) == 0;
    }
    if (!made && put_file(name, pieces, npieces, 0, path, sizeof path, &crc, err, sizeof err) != 0) {
        tl_warn("pre-copy round %u: %s", round_no, err);
        _exit(1);
    }
    /* its record (where the large arrays went, its chunks' CRCs) is complete before the round counts as complete */
    tl_dirty_record_done();
    if (crc_pipe >= 0) {
        unsigned char b[4];
        b[0] = (unsigned char)(crc >> 24), b[1] = (unsigned char)(crc >> 16), b[2] = (unsigned char)(crc >> 8);
        b[3] = (unsigned char)crc;
        if (write(crc_pipe, b, 4) != 4)
            tl_info("pre-copy round %u: cannot report the image's CRC; the stop computes it", round_no);
    }
    if (complete) {
        if (!made && put_delta(prev, complete_crc_known ? &complete_crc : NULL, dname, pieces, npieces, 0, path,
                               sizeof path, &changed, &dsize, err, sizeof err) != 0) {
            tl_warn("pre-copy round %u: %s", round_no, err);
            _exit(1);
        }
        tl_event(TL_EVENT_PRECOPY " %u %s %llu %s %llu", round_no, name, (unsigned long long)size, dname,
                 (unsigned long long)dsize);
        /* the round before the previous one is superseded (the previous one stays: the new delta needs it as
         * its base until whoever transfers the rounds has taken both) */
        if (complete > first_round + 1) {
            const char *ext[2] = {"tck", "tdl"};
            int e;
            for (e = 0; e < 2; e++) {
                round_name(prev, sizeof prev, complete - 1, ext[e]);
                snprintf(path, sizeof path, "%s/%s", ckdir, prev);
                (void)unlink(path);
            }
        }
    } else {
        tl_event(TL_EVENT_PRECOPY " %u %s %llu", round_no, name, (unsigned long long)size);
    }
    tl_info("pre-copy round %u: %.1f MiB image%s in %.1f ms (child %ld)", round_no, (double)size / 1048576.0,
            made ? " made from the previous one and the delta" : complete ? ", delta written" : "", tl_now_ms() - t0,
            (long)getpid());
    if (complete)
        tl_info("pre-copy round %u: %llu of %llu bytes changed since round %u", round_no, (unsigned long long)changed,
                (unsigned long long)size, complete);
    _exit(0);
}

int tl_precopy_write(const tl_write_request *req, const tl_piece *pieces, unsigned npieces, int durable, char *path,
                     size_t pathlen, char *err, size_t errlen)
{
    char base[64], name[64];
    uint64_t changed = 0, size = 0, full = 0;
    unsigned k;
    double t0 = tl_now_ms();
    if (in_child)
        child_write(pieces, npieces);
    for (k = 0; k < npieces; k++)
        full += pieces[k].n;
    round_name(base, sizeof base, complete, "tck");
    snprintf(name, sizeof name, "ckpt-%06llu.tdl", (unsigned long long)req->sequence);
    if (put_delta(base, complete_crc_known ? &complete_crc : NULL, name, pieces, npieces, durable, path, pathlen,
                  &changed, &size, err, errlen) != 0)
        return -1;
    tl_info("stop after pre-copy: delta %s against %s, %llu of %llu bytes changed, %llu bytes written, %.1f ms", name,
            base, (unsigned long long)changed, (unsigned long long)full, (unsigned long long)size, tl_now_ms() - t0);
    return 0;
}
