/* checkpoint_write.c: assembles a checkpoint file (header, META, TYPE, STRS, GLOB, FRAM, HEAP, each
 * section with its CRC32C) from the globals and the frames saved while unwinding, writes it atomically
 * (temporary file, fsync, rename, fsync of the directory) and keeps only the newest K checkpoints. An I/O
 * error does not end the program: the temporary file is removed and the encoded checkpoint is handed to
 * main as one image in memory, from which the program goes on as if no checkpoint had been asked for. */
/* O_DIRECT (Linux, FreeBSD; glibc declares it under _GNU_SOURCE): a large checkpoint bypasses the page cache
 * where the system offers it (write_atomically); without it every file is written through the page cache */
#define _GNU_SOURCE 1
#include "env.h"
#include "exit_handlers.h"
#include "libc_state.h"
#include "cwd.h"
#include "itimers.h"
#include "signals.h"
#include "pointer_bytes.h"
#include "diag.h"
#include "strerror.h"
#include "xalloc.h"
#include "crc32c.h"
#include "bulk.h"
#include "checkpoint_write.h"
#include "frames.h"
#include "streammodes.h"
#include "site.h"
#include "blocking.h"
#include "files.h"
#include "fdscan.h"
#include "events.h"
#include "checkpoint_file.h"
#include "heap_write.h"
#include "precopy.h"
#include "children.h"
#include "locks.h"
#include "epoll.h"
#include "sigdisp.h"
#include "refusal.h"
#include "errnos.h"
#include "regexes.h"
#include <dirent.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* One section: its payload, and the 12-byte frame head (tag, length) and CRC computed from it. */
/* META TYPE STRS GLOB FRAM HEAP FILE WAIT, then the optional EPOL EDUP SIGS ENVI ERRN SOPT HORD TMPF */
#define MAX_SECTIONS 16

typedef struct section {
    const char *tag;
    tl_buf *payload;
    unsigned char head[12], crc[4];
} section;

static void be(unsigned char *p, uint64_t v, unsigned n)
{
    unsigned i;
    for (i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

/* The frame head, and the CRC where the payload is all in its buffer (else the writer computes it as it
 * encodes the arrays the payload refers to, or tl_buf_materialize brings them in first). */
static void frame_section(section *sec)
{
    uint32_t crc;
    memcpy(sec->head, sec->tag, 4);
    be(sec->head + 4, tl_buf_size(sec->payload), 8);
    if (sec->payload->nrefs)
        return;
    crc = tl_crc32c(0, sec->head, 12);
    crc = tl_crc32c(crc, sec->payload->data, sec->payload->len);
    be(sec->crc, crc, 4);
}

/* For the writers that need every section's bytes in its buffer (a pre-copy round's pieces, the image of
 * a checkpoint that could not be written). */
static void materialize_sections(section *secs, unsigned nsecs)
{
    unsigned k;
    for (k = 0; k < nsecs; k++)
        if (secs[k].payload->nrefs) {
            tl_buf_materialize(secs[k].payload);
            frame_section(&secs[k]);
        }
}

/* tl_strerror(errno), marked when the error was injected (TALENT_FAULT=checkpoint-write). */
static const char *reason(int err)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s%s", tl_strerror(err),
             tl_fault == TL_FAULT_CHECKPOINT_WRITE ? " (fault injected by TALENT_FAULT=checkpoint-write)" : "");
    return buf;
}

/* Writes the iovecs completely with as few writev calls as the kernel allows (a checkpoint is a handful of
 * buffers: the header and each section's frame head, payload and CRC), resuming after a short write. */
static int write_all(int fd, struct iovec *iov, int niov, const char *path, char *err, size_t errlen)
{
    while (niov > 0) {
        ssize_t w;
        size_t left;
        if (iov->iov_len == 0) {
            iov++, niov--;
            continue;
        }
        if (tl_fault == TL_FAULT_CHECKPOINT_WRITE) {
            w = -1;
            errno = EIO;
        } else {
            w = writev(fd, iov, niov > 16 ? 16 : niov);   /* 16: the least IOV_MAX POSIX allows */
        }
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            snprintf(err, errlen, "cannot write %s: %s", path, w < 0 ? reason(errno) : "write() wrote nothing");
            return -1;
        }
        left = (size_t)w;
        while (niov > 0 && left >= iov->iov_len) {
            left -= iov->iov_len;
            iov++, niov--;
        }
        if (left) {
            iov->iov_base = (char *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
    return 0;
}

/* The file is written through one buffer of STREAM_BUF bytes: small pieces are gathered in it, the arrays a
 * section refers to (tl_buf_ref) are encoded into it a chunk at a time straight from the program's memory,
 * their CRC computed while the chunk is in the cache, and pieces at least as large are written as they are.
 *
 * A durable file of at least DIRECT_MIN bytes is written with O_DIRECT where the system has it: from the buffer
 * straight to the device, without a copy into the page cache (on a virtual machine whose fresh page-cache
 * pages are expensive, that copy is most of a buffered write). Every direct write is then a multiple of
 * DIRECT_ALIGN bytes from an aligned address at an aligned offset (what Linux asks of O_DIRECT on any common
 * device); what is left of the buffer after such a write moves to its start, the last write is padded with
 * zeros and the file cut back to its size (ftruncate). A file system that refuses O_DIRECT at open, or a
 * direct write with EINVAL, makes the rest of the file a buffered write: the bytes are the same. */
#define STREAM_BUF ((size_t)1 << 20)
#define DIRECT_ALIGN ((size_t)4096)
#define DIRECT_MIN ((uint64_t)16 << 20)

typedef struct stream {
    int fd;
    unsigned char *buf;
    size_t fill;
    uint64_t offset;    /* the file's bytes written so far (direct: without the padding of the last write) */
    int direct;
    const char *path;
    char *err;
    size_t errlen;
    int failed;
} stream;

static int stream_write(stream *s, const void *p, size_t n)
{
    struct iovec iov;
    iov.iov_base = (void *)p;
    iov.iov_len = n;
    if (!s->failed && n && write_all(s->fd, &iov, 1, s->path, s->err, s->errlen) != 0)
        s->failed = 1;
    if (!s->failed)
        s->offset += n;
    return s->failed ? -1 : 0;
}

#ifdef O_DIRECT
/* The rest of the file through the page cache (the file system refused an aligned direct write). */
static void stream_undirect(stream *s)
{
    int fl = fcntl(s->fd, F_GETFL);
    s->direct = 0;
    if (fl == -1 || fcntl(s->fd, F_SETFL, fl & ~O_DIRECT) == -1)
        tl_warn("cannot turn off O_DIRECT on %s: %s", s->path, tl_strerror(errno));
}

/* Writes the buffer's first n bytes (a multiple of DIRECT_ALIGN) directly and moves the rest to its start.
 * Returns 0 when written, 1 when the file went back to buffered writes (the buffer then holds what is not
 * written yet, from its start: the caller writes it so), -1 on an error (s->failed, message in s->err). */
static int stream_write_direct(stream *s, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w;
        if (tl_fault == TL_FAULT_CHECKPOINT_WRITE) {
            w = -1;
            errno = EIO;
        } else {
            w = write(s->fd, s->buf + done, n - done);
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w == 0 || (w < 0 && errno != EINVAL)) {
            snprintf(s->err, s->errlen, "cannot write %s: %s", s->path, w < 0 ? reason(errno) : "write() wrote nothing");
            s->failed = 1;
            return -1;
        }
        if (w > 0) {
            done += (size_t)w;
            s->offset += (uint64_t)w;
        }
        if (w < 0 || (size_t)w % DIRECT_ALIGN != 0) {
            /* the file system refused the aligned write (EINVAL), or wrote part of a block: what is not written
             * yet goes through the page cache, after what is */
            stream_undirect(s);
            memmove(s->buf, s->buf + done, s->fill - done);
            s->fill -= done;
            return 1;
        }
    }
    memmove(s->buf, s->buf + n, s->fill - n);
    s->fill -= n;
    return 0;
}
#endif

/* Writes the buffer: all of it, or in direct mode its whole blocks (unless last, when the padded rest too). */
static int stream_flush_as(stream *s, int last)
{
    size_t n = s->fill;
#ifdef O_DIRECT
    if (s->direct && !s->failed) {
        size_t whole = n - n % DIRECT_ALIGN;
        int r = 0;
        if (whole)
            r = stream_write_direct(s, whole);
        if (r == 0 && last && s->fill) {
            /* the last partial block, padded (the buffer has room: fill < DIRECT_ALIGN), then cut off */
            size_t tail = s->fill;
            uint64_t size = s->offset + tail;
            memset(s->buf + tail, 0, DIRECT_ALIGN - tail);
            s->fill = DIRECT_ALIGN;
            r = stream_write_direct(s, DIRECT_ALIGN);
            if (r >= 0 && s->offset >= size) {
                /* all of the tail is in the file (and some padding after it) */
                s->fill = 0;
                s->offset = size;
                if (ftruncate(s->fd, (off_t)size) != 0) {
                    snprintf(s->err, s->errlen, "cannot truncate %s: %s", s->path, tl_strerror(errno));
                    s->failed = 1;
                }
                return s->failed ? -1 : 0;
            }
            if (r > 0)
                s->fill = (size_t)(size - s->offset);   /* buffered now: the rest of the tail, without padding */
        }
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        n = s->fill;    /* the file went back to buffered writes: what is left goes so */
    }
#endif
    (void)last;
    s->fill = 0;
    return stream_write(s, s->buf, n);
}

static int stream_flush(stream *s)
{
    return stream_flush_as(s, 0);
}

static void stream_put(stream *s, const void *p, size_t n)
{
    if (s->failed || n == 0)
        return;
    if (n >= STREAM_BUF && !s->direct) {
        if (stream_flush(s) == 0)
            stream_write(s, p, n);
        return;
    }
    while (n > 0 && !s->failed) {
        size_t m = STREAM_BUF - s->fill;
        if (m == 0) {
            stream_flush(s);
            continue;
        }
        if (m > n)
            m = n;
        memcpy(s->buf + s->fill, p, m);
        s->fill += m;
        p = (const unsigned char *)p + m;
        n -= m;
    }
}

/* A section: frame head, payload (the arrays it refers to encoded on the way), CRC. */
static void stream_section(stream *s, section *sec)
{
    const tl_buf *b = sec->payload;
    size_t k, from = 0;
    uint32_t crc = tl_crc32c(0, sec->head, 12);
    stream_put(s, sec->head, 12);
    for (k = 0; k <= b->nrefs && !s->failed; k++) {
        size_t to = k < b->nrefs ? b->refs[k].at : b->len;
        if (to > from) {
            if (b->nrefs)
                crc = tl_crc32c(crc, b->data + from, to - from);
            stream_put(s, b->data + from, to - from);
        }
        from = to;
        if (k < b->nrefs) {
            const tl_buf_ref *r = &b->refs[k];
            size_t done = 0;
            while (done < r->n && !s->failed) {
                size_t m = r->n - done, room = (STREAM_BUF - s->fill) / r->size;
                if (room == 0) {
                    stream_flush(s);
                    continue;
                }
                if (m > room)
                    m = room;
                tl_bulk_swap_copy(s->buf + s->fill, r->src + done * r->size, r->size, m);
                crc = tl_crc32c(crc, s->buf + s->fill, m * r->size);
                s->fill += m * r->size;
                done += m;
            }
        }
    }
    if (b->nrefs)
        be(sec->crc, crc, 4);
    stream_put(s, sec->crc, 4);
}

/* Temporary files (.ckpt-<digits>.tck.tmp) left in dir by a writer that was killed: removed once per process,
 * before its first checkpoint, by name only (unlink removes a link itself, never what it points to). A
 * directory holds the checkpoints of one program, so no other writer's file is in progress there. */
static void remove_stale_temporaries(const char *dir)
{
    static int done;
    DIR *d;
    struct dirent *e;
    if (done)
        return;
    done = 1;
    d = opendir(dir);
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        const char *p = e->d_name;
        size_t digits = 0;
        char path[4200];
        if (p[0] != '.' || strncmp(p + 1, TL_CKPT_PREFIX, strlen(TL_CKPT_PREFIX)) != 0)
            continue;
        for (p += 1 + strlen(TL_CKPT_PREFIX); *p >= '0' && *p <= '9'; p++)
            digits++;
        if (digits == 0 || strcmp(p, TL_CKPT_SUFFIX TL_CKPT_TEMP_SUFFIX) != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) == 0)
            tl_info("removed the stale temporary file %s", path);
        else
            tl_warn("cannot remove the stale temporary file %s: %s", path, tl_strerror(errno));
    }
    closedir(d);
}

/* Writes the header and the sections straight from their buffers (no copy of the whole file in memory).
 * durable: fsync the file before the rename and the directory after it (tl_fsync_policy). Returns 0, or -1
 * with a message in err; nothing of a failed attempt is left in dir. */
static int write_atomically(const char *dir, uint64_t seq, const unsigned char *header, section *secs,
                            unsigned nsecs, uint64_t file_size, int durable, char *final_path, size_t final_len,
                            char *err, size_t errlen)
{
    static unsigned char *stream_mem, *stream_buf;
    int direct = 0;
    stream st;
    unsigned k;
    size_t n = strlen(dir) + 64;
    char *tmp = tl_xmalloc(n);
    int fd, failed = 0;
    snprintf(tmp, n, "%s/." TL_CKPT_PREFIX "%0*llu" TL_CKPT_SUFFIX TL_CKPT_TEMP_SUFFIX, dir, TL_CKPT_MIN_DIGITS,
             (unsigned long long)seq);
    snprintf(final_path, final_len, "%s/" TL_CKPT_PREFIX "%0*llu" TL_CKPT_SUFFIX, dir, TL_CKPT_MIN_DIGITS,
             (unsigned long long)seq);
    /* 0700: a restart trusts only a directory nobody else can write (main.c) */
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create checkpoint directory %s: %s", dir, tl_strerror(errno));
        free(tmp);
        return -1;
    }
    remove_stale_temporaries(dir);
    /* a new file of our own, never through a link someone planted, readable by this user only; a stale one
     * of the same name (left by a killed writer) is removed and the creation tried once more */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
#ifdef O_DIRECT
    /* a large durable file bypasses the page cache where the file system allows it (a refusal leaves it
     * buffered): it must reach the disk before the write returns anyway. One that is not fsynced (a stop for a
     * migration under fsync=recovery, read by the destination at once) stays in the page cache for its reader. */
    if (fd >= 0 && durable && file_size >= DIRECT_MIN) {
        int fl = fcntl(fd, F_GETFL);
        direct = fl != -1 && fcntl(fd, F_SETFL, fl | O_DIRECT) == 0;
    }
#else
    (void)file_size;
#endif
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, tl_strerror(errno));
        free(tmp);
        return -1;
    }
    if (!stream_buf) {
        /* kept for the process's next checkpoints; aligned for O_DIRECT, with room for the padded last block */
        stream_mem = tl_xmalloc(STREAM_BUF + 2 * DIRECT_ALIGN);
        stream_buf = stream_mem + (DIRECT_ALIGN - (uintptr_t)stream_mem % DIRECT_ALIGN);
    }
    st.fd = fd;
    st.buf = stream_buf;
    st.fill = 0;
    st.offset = 0;
    st.direct = direct;
    st.path = tmp;
    st.err = err;
    st.errlen = errlen;
    st.failed = 0;
    stream_put(&st, header, 24);
    for (k = 0; k < nsecs && k < MAX_SECTIONS; k++)
        stream_section(&st, &secs[k]);
    stream_flush_as(&st, 1);
    failed = st.failed;
    if (!failed && durable && fsync(fd) != 0)
        failed = 1, snprintf(err, errlen, "cannot fsync %s: %s", tmp, tl_strerror(errno));
    if (close(fd) != 0 && !failed)
        failed = 1, snprintf(err, errlen, "cannot close %s: %s", tmp, tl_strerror(errno));
    if (!failed && rename(tmp, final_path) != 0)
        failed = 1, snprintf(err, errlen, "cannot rename %s to " TL_CKPT_PREFIX "%0*llu" TL_CKPT_SUFFIX ": %s", tmp,
                             TL_CKPT_MIN_DIGITS, (unsigned long long)seq, tl_strerror(errno));
    if (failed) {
        if (unlink(tmp) != 0 && errno != ENOENT)
            tl_warn("cannot delete the temporary file %s: %s", tmp, tl_strerror(errno));
        free(tmp);
        return -1;
    }
    free(tmp);
    if (!durable)
        return 0;
    fd = open(dir, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        /* the file is in place but not durable: a checkpoint reported as not written must not stay */
        snprintf(err, errlen, "cannot fsync directory %s: %s", dir, tl_strerror(errno));
        if (fd >= 0)
            close(fd);
        if (unlink(final_path) != 0)
            tl_warn("cannot delete %s: %s", final_path, tl_strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

/* The checkpoint as one image (what the file would have held), built only when it could not be written;
 * each section's buffer is freed once copied, so memory grows by a section at most. */
static unsigned char *assemble_image(tl_buf *header, section *secs, unsigned nsecs, uint64_t size)
{
    unsigned char *image = tl_xmalloc((size_t)size), *p = image;
    unsigned k;
    memcpy(p, header->data, 24);
    p += 24;
    for (k = 0; k < nsecs; k++) {
        memcpy(p, secs[k].head, 12);
        p += 12;
        if (secs[k].payload->len)
            memcpy(p, secs[k].payload->data, secs[k].payload->len);
        p += secs[k].payload->len;
        memcpy(p, secs[k].crc, 4);
        p += 4;
        tl_buf_free(secs[k].payload);
    }
    return image;
}

/* Keeps the newest `keep` checkpoints up to seq; checkpoints numbered after seq belong to an older history
 * (a fresh run numbers from 1 again) and would be mistaken for newer ones on restart: they go too. */
static void prune(const char *dir, uint64_t seq, unsigned keep)
{
    char **paths;
    uint64_t *seqs;
    size_t n = tl_checkpoint_list(dir, &paths, &seqs), i;
    unsigned kept = 0;
    for (i = 0; i < n; i++) {
        int drop;
        if (seqs[i] > seq)
            drop = 1;
        else
            drop = ++kept > keep;
        if (drop) {
            if (unlink(paths[i]) != 0)
                tl_warn("cannot delete old checkpoint %s: %s", paths[i], tl_strerror(errno));
            else
                tl_info("deleted old checkpoint %s", paths[i]);
        }
        free(paths[i]);
    }
    free(paths);
    free(seqs);
}

static void describe_frame(char *out, size_t n, const tl_saved_frame *sf)
{
    snprintf(out, n, "frame %s() at %s", talent_the_program.functions[sf->function].name,
             talent_the_program.points[sf->point].pos);
}

int tl_checkpoint_write(const tl_write_request *req, tl_write_result *res)
{
    const talent_program *pg = &talent_the_program;
    tl_typeset types = {0};
    tl_strtab strs = {0};
    tl_buf meta = {0}, type = {0}, strsec = {0}, glob = {0}, fram = {0}, heap = {0}, file = {0}, wait = {0},
           epol = {0}, edup = {0}, sigs = {0}, envi = {0}, errn = {0}, sopt = {0}, hord = {0}, tmpf = {0}, header = {0};
    section secs[MAX_SECTIONS] = {{"META", &meta, {0}, {0}}, {"TYPE", &type, {0}, {0}}, {"STRS", &strsec, {0}, {0}},
                       {"GLOB", &glob, {0}, {0}}, {"FRAM", &fram, {0}, {0}}, {"HEAP", &heap, {0}, {0}},
                       {"FILE", &file, {0}, {0}}, {"WAIT", &wait, {0}, {0}}, {"EPOL", &epol, {0}, {0}},
                        {"EDUP", &edup, {0}, {0}}, {"SIGS", &sigs, {0}, {0}}, {"ENVI", &envi, {0}, {0}},
                        {"ERRN", &errn, {0}, {0}}, {"SOPT", &sopt, {0}, {0}},
                        {"HORD", &hord, {0}, {0}}, {"TMPF", &tmpf, {0}, {0}}};
    unsigned nsecs;
    uint64_t wait_ns;
    double t0 = tl_now_ms(), t_collected, t_encoded, t_written;
    tl_heap_stats hs;
    uint64_t file_size = 24;
    uint32_t nglobals = 0, gi;
    unsigned u, g, nlibc;
    const talent_global *const *libc;
    size_t fi, vi, nf = tl_nsaved_frames;
    struct timespec now;
    char where[512];
    int i, written, durable, refused_collecting, has_envi, has_epol, has_edup, has_sopt, has_hord, has_tmpf;
    long errno_code;

    /* what encoded pointers name besides the registry: open streams (files.c), heap blocks (heap_write.c) */
    tl_value_hooks.stream_index = tl_files_stream_index;
    tl_value_hooks.heap_object = tl_heap_object;
    tl_value_hooks.heap_start_after = tl_heap_start_after;
    /* large arrays of globals, frames and heap blocks are encoded as the file is written (stream_section); the
     * program does not run between encoding and writing */
    glob.refer = 1;
    fram.refer = 1;
    heap.refer = 1;
    res->refused = 0;
    tl_refusal_clear();
    tl_regex_checkpoint_begin();
    if (nf == 0)
        tl_die(TL_EXIT_SOFTWARE, "internal error: checkpoint requested but no frame was saved");
    /* the environment and locale the program changed: ENVI only when it changed something (env.c) */
    has_envi = tl_env_collect(&envi) > 0;
    tl_exit_handlers_check();
    /* the C library's state of the program's: what is not carried refuses (libc_state.c); the working directory
     * the program changed into is carried with it (cwd.c) */
    tl_cwd_check();
    /* the signals the program blocked, and pending ones, are not carried: refused (sigdisp.c) */
    tl_sigdisp_check_mask();
    /* the interval timers, read once their signals are blocked (released by main.c when the program goes on here):
     * carried while one is armed (itimers.c) */
    tl_itimers_check(tl_signals_own_timers());
    tl_libc_state_check();
    /* a child process the program has not waited for cannot be carried: refused (children.c) */
    tl_children_check(tl_precopy_round_child());
    /* nor a file lock it holds (locks.c) */
    tl_locks_check();
    /* pointers the program copied into memory of a non-pointer type: refused by the copy's position (pointer_bytes.c) */
    tl_pointer_bytes_check();
    /* open files first: output is flushed; a descriptor that cannot be carried refuses the checkpoint (it is
     * encoded, not written, and the program goes on from the image: tl_files_refusal) */
    tl_files_collect();
    /* epoll instances: EPOL only when the program has one (a file without it has none) */
    has_epol = tl_epoll_collect() > 0;
    /* and their other descriptors: EDUP only when an instance has one */
    has_edup = has_epol && tl_epoll_copies() > 0;
    /* every other descriptor the process has: one talent does not carry refuses the checkpoint (fdscan.c) */
    tl_fdscan_check();
    /* the program's errno when the site took the checkpoint: ERRN only when it is not 0 (a file without the section
     * restores 0); a value the format has no name for is refused, never dropped (errnos.c) */
    errno_code = tl_errno_code(tl_site_errno());
    if (errno_code < 0)
        tl_refuse("cannot checkpoint: the program's errno is %d, which is none of the errno values a checkpoint carries "
                  "(E-constants of Linux's generic table, FORMAT.md \"ERRN\")", tl_site_errno());
    else if (errno_code > 0)
        tl_buf_u16(&errn, (uint16_t)errno_code);

    /* pointer targets */
    tl_objects_clear();
    for (u = 0; u < pg->nunits; u++)
        for (g = 0; g < pg->units[u]->nglobals; g++) {
            const talent_global *gl = &pg->units[u]->globals[g];
            tl_objects_add((uintptr_t)gl->addr, gl->type, TL_OBJ_GLOBAL, nglobals++, 0)->literal = gl->is_const == 2;
            tl_types_add(&types, gl->type);
        }
    /* then the C library's state the program has used, as globals of the runtime (libc_state.h) */
    tl_libc_globals(&libc, &nlibc);
    for (g = 0; g < nlibc; g++) {
        tl_objects_add((uintptr_t)libc[g]->addr, libc[g]->type, TL_OBJ_GLOBAL, nglobals++, 0);
        tl_types_add(&types, libc[g]->type);
    }
    for (fi = 0; fi < nf; fi++) {
        const tl_saved_frame *sf = &tl_saved_frames[nf - 1 - fi];
        for (vi = 0; vi < sf->nvars; vi++) {
            if (sf->vars[vi].orig)
                tl_objects_add((uintptr_t)sf->vars[vi].orig, sf->vars[vi].type, TL_OBJ_FRAME, (uint32_t)fi,
                               sf->vars[vi].id)->open_end = sf->vars[vi].open_end;
            tl_types_add(&types, sf->vars[vi].type);
        }
    }
    tl_argv_register();
    tl_objects_seal();
    /* a buffer the program gave a stream: wholly in one object of bytes the checkpoint carries (streammodes.c) */
    tl_streammodes_check_buffers();
    /* a refusal met while collecting (a descriptor's offset) stays; one met while encoding is met again */
    refused_collecting = tl_refusal() != NULL;
encode:
    tl_heap_checkpoint_begin();
    t_collected = tl_now_ms();

    /* GLOB: every global, const ones included (their index is how pointers into them are written; their
     * value is informative and never restored) */
    tl_buf_u32(&glob, nglobals);
    gi = 0;
    for (u = 0; u <= pg->nunits; u++)
        for (g = 0; g < (u < pg->nunits ? pg->units[u]->nglobals : nlibc); g++, gi++) {
            const talent_global *gl = u < pg->nunits ? &pg->units[u]->globals[g] : libc[g];
            tl_value_ctx ctx;
            memset(&ctx, 0, sizeof ctx);
            ctx.var_name = gl->name;
            ctx.decl_pos = gl->decl_pos;
            ctx.where = "global";
            tl_heap_root(gl->name, gl->decl_pos, "global", gl->addr, gl->type);
            tl_buf_str(&glob, gl->key);
            tl_buf_str(&glob, gl->name);
            tl_buf_str(&glob, gl->decl_pos);
            tl_buf_u32(&glob, tl_types_id(&types, gl->type));
            tl_encode_value(&glob, gl->type, gl->addr, &ctx, &strs);
        }

    /* HEAP, first part: the blocks the globals reach, before any frame's pointer marks one, so that their ids do not
     * follow where a frame's cursor points (the same blocks get the same ids from one checkpoint to the next, which
     * a pre-copy's delta needs) */
    tl_heap_write_reached(&heap, &types, &strs);

    /* FRAM: outermost first */
    tl_buf_u32(&fram, (uint32_t)nf);
    for (fi = 0; fi < nf; fi++) {
        const tl_saved_frame *sf = &tl_saved_frames[nf - 1 - fi];
        describe_frame(where, sizeof where, sf);
        tl_buf_str(&fram, pg->functions[sf->function].name);
        tl_buf_u32(&fram, sf->function);
        tl_buf_u32(&fram, sf->point);
        tl_buf_str(&fram, pg->points[sf->point].pos);
        tl_buf_u32(&fram, (uint32_t)sf->nvars);
        for (vi = 0; vi < sf->nvars; vi++) {
            const tl_saved_var *v = &sf->vars[vi];
            tl_value_ctx ctx;
            memset(&ctx, 0, sizeof ctx);
            ctx.var_name = v->name;
            ctx.decl_pos = v->pos;
            ctx.where = where;
            ctx.frame = 1;
            if (v->orig) {
                ctx.copy = v->copy;
                ctx.orig = v->orig;
                ctx.copy_size = v->type->size;
            }
            tl_heap_root(v->name, v->pos, where, v->copy, v->type);
            tl_buf_u32(&fram, v->id);
            tl_buf_str(&fram, v->name);
            tl_buf_str(&fram, v->pos);
            tl_buf_u32(&fram, tl_types_id(&types, v->type));
            tl_encode_value(&fram, v->type, v->copy, &ctx, &strs);
        }
    }

    /* EPOL before HEAP: an epoll registration's data.ptr may be the only way to a heap block */
    if (has_epol)
        tl_epoll_write(&epol, &strs);
    /* SIGS: the program's signal dispositions (a handler talent does not know refuses the checkpoint) */
    tl_sigdisp_write(&sigs);

    /* HEAP, the rest: the blocks reached only from frames and epoll registrations, and from them */
    tl_heap_write(&heap, &types, &strs);
    hs = tl_heap_checkpoint_end();
    if (hs.retyped) {
        /* a heap block got its element type from a pointer met after the block had been seen as bytes: the
         * type stays with the block, and GLOB, FRAM and HEAP are encoded again with it */
        tl_buf_free(&glob);
        tl_buf_free(&fram);
        tl_buf_free(&heap);
        tl_buf_free(&epol);
        tl_buf_free(&sigs);
        tl_strtab_free(&strs);
        if (!refused_collecting)
            tl_refusal_clear();
        goto encode;
    }
    if (tl_refusal()) {
        /* the program's state cannot be carried: nothing more is encoded, nothing written (no temporary file, no
         * fsync, no connection handed over), the heap headers get back what the passes changed, and the program
         * goes on from its state as it is (main.c); its reason is the first one met (descriptors are checked
         * first) */
        const char *why = tl_files_refusal() ? tl_files_refusal() : tl_epoll_refusal() ? tl_epoll_refusal()
                                                                                         : tl_refusal();
        tl_heap_checkpoint_finish(1);
        snprintf(res->err, sizeof res->err, "%s", why);
        tl_refusal_clear();
        res->refused = 1;
        res->path[0] = '\0';
        res->image = NULL;
        res->image_len = 0;
        tl_buf_free(&glob);
        tl_buf_free(&fram);
        tl_buf_free(&heap);
        tl_buf_free(&epol);
        tl_buf_free(&sigs);
        tl_buf_free(&envi);
        tl_buf_free(&errn);
        tl_types_free(&types);
        tl_strtab_free(&strs);
        return -1;
    }
    tl_heap_checkpoint_finish(0);
    /* HORD: the blocks' address order, when it is not HEAP's (a restore allocates them in it) */
    has_hord = tl_heap_write_order(&hord);

    /* FILE, WAIT; SOPT: the backlog and options of its sockets, when one has any (sockopts.c) */
    tl_files_write(&file);
    has_sopt = tl_files_write_options(&sopt) > 0;
    /* TMPF: the contents of the files without a name (tmpfile), when one is open */
    has_tmpf = tl_files_write_contents(&tmpf) > 0;
    tl_buf_u8(&wait, (uint8_t)tl_wait_saved(&wait_ns));
    tl_buf_u64(&wait, wait_ns);
    if (has_edup)
        tl_epoll_write_copies(&edup);

    /* STRS */
    tl_buf_u32(&strsec, strs.n);
    for (gi = 0; gi < strs.n; gi++)
        tl_buf_strn(&strsec, strs.s[gi], strs.len[gi]);

    /* TYPE */
    tl_types_write(&type, &types);

    /* META */
    clock_gettime(CLOCK_REALTIME, &now);
    tl_buf_str(&meta, pg->fingerprint);
    tl_buf_str(&meta, pg->name);
    tl_buf_str(&meta, tl_platform);
    tl_buf_u8(&meta, (uint8_t)(8 * sizeof(void *)));
    tl_buf_u8(&meta, (uint8_t)tl_host_big_endian());
    tl_buf_i64(&meta, (int64_t)now.tv_sec * 1000000000 + now.tv_nsec);
    tl_buf_u64(&meta, req->sequence);
    tl_buf_str(&meta, req->reason);
    tl_buf_u64(&meta, req->visits);
    tl_buf_u32(&meta, req->point);
    tl_buf_str(&meta, pg->points[req->point].pos);
    tl_buf_str(&meta, pg->functions[pg->points[req->point].function].name);
    tl_buf_u32(&meta, (uint32_t)tl_argc);
    for (i = 0; i < tl_argc; i++)
        tl_buf_str(&meta, tl_argv_string(i));

    /* header + sections */
    tl_buf_put(&header, "TALENTCK", 8);
    /* the lowest major that describes the file: 3 when it holds a union, whose values name their member (values.c
     * encodes every union so); else 2 with ERRN, which a 1.x reader would skip (FORMAT.md "Header") */
    {
        int has_union = 0;
        uint32_t ti;
        for (ti = 0; ti < types.n && !has_union; ti++)
            has_union = types.v[ti]->kind == TALENT_K_UNION;
        /* 5 once it has written a pointer below an array's start, 4 once this process has written a boundary pointer (values.c): sticky, since a pre-copied heap block's
         * bytes may hold one from an earlier pass */
        tl_buf_u16(&header, tl_wrote_number ? TL_FORMAT_MAJOR_NUMBERS : tl_wrote_below ? TL_FORMAT_MAJOR_BELOW : tl_wrote_boundary ? TL_FORMAT_MAJOR_BOUNDARY : has_union ? TL_FORMAT_MAJOR_UNIONS
                   : errn.len ? TL_FORMAT_MAJOR_ERRNO : TL_FORMAT_MAJOR);
    }
    tl_buf_u16(&header, 0);
    /* the six sections every file has, then the optional ones the program needs, in secs[]'s order */
    nsecs = 8;
    if (has_epol)
        secs[nsecs++] = secs[8];
    if (has_edup)
        secs[nsecs++] = secs[9];
    if (sigs.len)
        secs[nsecs++] = secs[10];
    if (has_envi)
        secs[nsecs++] = secs[11];
    if (errn.len)
        secs[nsecs++] = secs[12];
    if (has_sopt)
        secs[nsecs++] = secs[13];
    if (has_hord)
        secs[nsecs++] = secs[14];
    if (has_tmpf)
        secs[nsecs++] = secs[15];
    tl_buf_u32(&header, nsecs);
    tl_buf_u32(&header, 0);
    tl_buf_u32(&header, tl_crc32c(0, header.data, 20));
    for (u = 0; u < nsecs; u++) {
        frame_section(&secs[u]);
        file_size += 16 + tl_buf_size(secs[u].payload);
    }
    t_encoded = tl_now_ms();

    res->image = NULL;
    res->image_len = 0;
    res->err[0] = '\0';
    durable = tl_fsync_policy == TL_FSYNC_ALWAYS || tl_site_after() != TL_AFTER_EXIT;
    if (tl_files_refusal()) {
        /* a descriptor that cannot be carried: nothing is written, the program goes on from the image */
        snprintf(res->err, sizeof res->err, "%s", tl_files_refusal());
        written = 0;
    } else if (tl_epoll_refusal()) {
        /* a second descriptor of an epoll instance: the same */
        snprintf(res->err, sizeof res->err, "%s", tl_epoll_refusal());
        written = 0;
    } else if (!tl_precopy_in_child() && tl_files_handoff(res->err, sizeof res->err) != 0) {
        /* talent did not take the connections: they are as they were, the program goes on (never tried in a
         * pre-copy round's child: only a stop hands connections over) */
        written = 0;
    } else if (tl_precopy_diverts()) {
        /* a pre-copy round (in its child), or a stop after one: only what changed (precopy.c) */
        tl_piece pieces[1 + 3 * MAX_SECTIONS];
        unsigned np = 0;
        /* the referred arrays are encoded through a small buffer as the round's image is written and as they are
         * compared with the base (delta.c), never as a whole payload in memory */
        memset(pieces, 0, sizeof pieces);
        pieces[np].tag = NULL, pieces[np].p = header.data, pieces[np++].n = 24;
        for (u = 0; u < nsecs; u++) {
            pieces[np].tag = NULL, pieces[np].p = secs[u].head, pieces[np++].n = 12;
            pieces[np].tag = secs[u].tag, pieces[np].p = secs[u].payload->data, pieces[np].n = secs[u].payload->len;
            if (secs[u].payload->nrefs) {
                pieces[np].buf = secs[u].payload;
                pieces[np].n = tl_buf_size(secs[u].payload);
                pieces[np].crc_out = secs[u].crc;
                pieces[np].crc_seed = tl_crc32c(0, secs[u].head, 12);
            }
            np++;
            pieces[np].tag = NULL, pieces[np].p = secs[u].crc, pieces[np++].n = 4;
        }
        written = tl_precopy_write(req, pieces, np, durable, res->path, sizeof res->path, res->err,
                                   sizeof res->err) == 0;
    } else
        written = write_atomically(req->dir, req->sequence, header.data, secs, nsecs, file_size, durable, res->path,
                                   sizeof res->path, res->err, sizeof res->err) == 0;
    if (written) {
        const char *name = strrchr(res->path, '/');
        t_written = tl_now_ms();
        tl_info("wrote checkpoint %s (%llu bytes, %lu frames, %lu globals, %lu types)", res->path,
                (unsigned long long)file_size, (unsigned long)nf, (unsigned long)nglobals, (unsigned long)types.n);
        /* one line per checkpoint, parsed by the benchmark tooling (format in README.md); the sorted index for
         * interior heap pointers is built while encoding but counted as collecting */
        tl_info("checkpoint %llu written: %.1f MiB, %lu heap blocks, %.1f ms (collect %.1f, encode %.1f, write+fsync "
                "%.1f)", (unsigned long long)req->sequence, (double)file_size / 1048576.0,
                (unsigned long)hs.blocks_written, t_written - t0, t_collected - t0 + hs.index_ms,
                t_encoded - t_collected - hs.index_ms, t_written - t_encoded);
        tl_event(TL_EVENT_CHECKPOINT " %llu %s", (unsigned long long)req->sequence, name ? name + 1 : res->path);
        /* a checkpoint that is not durable never displaces one that is: the next durable one prunes */
        if (durable)
            prune(req->dir, req->sequence, req->keep);
        else
            tl_info("checkpoint %llu was not fsynced (fsync=recovery, the process ends): older checkpoints are kept",
                    (unsigned long long)req->sequence);
    } else {
        res->path[0] = '\0';
        materialize_sections(secs, nsecs);
        res->image = assemble_image(&header, secs, nsecs, file_size);
        res->image_len = (size_t)file_size;
    }

    tl_buf_free(&meta);
    tl_buf_free(&type);
    tl_buf_free(&strsec);
    tl_buf_free(&glob);
    tl_buf_free(&fram);
    tl_buf_free(&heap);
    tl_buf_free(&file);
    tl_buf_free(&wait);
    tl_buf_free(&epol);
    tl_buf_free(&edup);
    tl_buf_free(&sigs);
    tl_buf_free(&envi);
    tl_buf_free(&errn);
    tl_buf_free(&sopt);
    tl_buf_free(&hord);
    tl_buf_free(&tmpf);
    tl_buf_free(&header);
    tl_types_free(&types);
    tl_strtab_free(&strs);
    return written ? 0 : -1;
}
