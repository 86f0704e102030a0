/* pending.c: the bytes stdout and stderr hold unwritten at a checkpoint, carried instead of flushed. A checkpoint used
 * to flush every stream (fflush(NULL)): a program that mixes buffered stdout with direct writes to the same file
 * (write(1, ...), or stderr with `> out 2>&1`) then printed in another order than gcc's uninterrupted run, at a stop,
 * a periodic checkpoint, a pre-copy round, even a refused checkpoint. Now the pending bytes of the two streams are
 * taken out of their buffers just before that flush and put back into them when the program resumes: in the
 * restarted process after tl_streammodes_apply (its buffering set again), in this process after the in-process
 * restore or the refusal that lets it continue, in a pre-copy round's parent right after the fork. Other streams of
 * the program are still flushed (and carried with their offsets, files.c).
 *
 * The bytes are read without the C library's internals (glibc and musl alike): __fpending says how many; the stream's
 * descriptor is pointed at a memfd for one fflush (the descriptor's own file is untouched) and the memfd is read.
 * Carried as the global TL_PENDING_KEY (docs/FORMAT.md "GLOB"): a struct of stdout's count and one byte array of
 * stdout's bytes then stderr's, sized to what is pending (the descriptor is made per checkpoint, so nothing pending
 * costs nothing: the global is not written then). Not taken, so flushed as before (said at -v): more than
 * TL_PENDING_MAX bytes in one stream (a buffer the program enlarged with setvbuf), a wide stream (its pending count is
 * in wide characters), a memfd that cannot be made. */
#define _GNU_SOURCE 1       /* memfd_create */
#include "pending.h"
#include "contract.h"
#include "diag.h"
#include "strerror.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wchar.h>

struct tl_pending {
    uint32_t out;                               /* how many of bytes are stdout's; the rest are stderr's */
    uint8_t bytes[2 * TL_PENDING_MAX];
};
static struct tl_pending carried;
static uint32_t total;                          /* bytes used: the array's length in the checkpoint */

static const talent_type t_u8 = TALENT_INT_TYPE(uint8_t, "uint8_t");
static const talent_type t_u32 = TALENT_INT_TYPE(uint32_t, "uint32_t");
/* sized per checkpoint (tl_pending_collect) and per restore (tl_pending_bind) */
static char bytes_name[32] = "uint8_t[1]";
static talent_type t_bytes = {TALENT_K_ARRAY, bytes_name, 1, &t_u8, 1, 0, 0, 0};
static const talent_field pending_fields[] = {
    TALENT_FIELD(struct tl_pending, out, &t_u32),
    TALENT_FIELD(struct tl_pending, bytes, &t_bytes),
};
static talent_type t_pending = TALENT_STRUCT_TYPE(struct tl_pending, "struct talent_pending", pending_fields);

static void size_types(uint32_t n)
{
    snprintf(bytes_name, sizeof bytes_name, "uint8_t[%lu]", (unsigned long)n);
    t_bytes.count = n;
    t_bytes.size = n;
    t_pending.size = offsetof(struct tl_pending, bytes) + n;
}

/* The bytes f holds unwritten, appended to carried.bytes at total; 0, or -1 when they are not taken (then the
 * checkpoint's fflush(NULL) writes them, as before). */
static int take(FILE *f, const char *name)
{
    size_t n = __fpending(f);
    int fd, aside, mem;
    off_t got;
    if (n == 0)
        return 0;
    if (fwide(f, 0) > 0) {
        tl_info("%s is a wide stream: its %lu pending characters are written before the checkpoint", name,
                (unsigned long)n);
        return -1;
    }
    if (n > TL_PENDING_MAX) {
        tl_info("%s holds %lu bytes unwritten, more than the %d a checkpoint carries: they are written before it",
                name, (unsigned long)n, TL_PENDING_MAX);
        return -1;
    }
    fd = fileno(f);
    if (fd < 0)
        return -1;
    mem = memfd_create("talent-pending", MFD_CLOEXEC);
    if (mem < 0) {
        tl_info("%s's pending bytes are written before the checkpoint: memfd_create: %s", name, tl_strerror(errno));
        return -1;
    }
    aside = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (aside < 0 || dup2(mem, fd) < 0) {
        tl_info("%s's pending bytes are written before the checkpoint: dup: %s", name, tl_strerror(errno));
        if (aside >= 0)
            close(aside);
        close(mem);
        return -1;
    }
    fflush(f);
    /* the stream's descriptor is its file again whatever the flush did */
    dup2(aside, fd);
    close(aside);
    got = lseek(mem, 0, SEEK_END);
    if (got == (off_t)n && __fpending(f) == 0 && pread(mem, carried.bytes + total, n, 0) == (ssize_t)n) {
        close(mem);
        total += (uint32_t)n;
        return 0;
    }
    /* the flush did not leave exactly the pending bytes in the memfd (a write error, a seek): what reached it goes to
     * the stream's file, as the flush would have written it */
    if (got > 0) {
        char buf[4096];
        off_t at = 0;
        ssize_t k;
        while (at < got && (k = pread(mem, buf, sizeof buf, at)) > 0) {
            if (write(fd, buf, (size_t)k) != k)
                break;
            at += k;
        }
    }
    close(mem);
    clearerr(f);
    tl_info("%s's pending bytes are written before the checkpoint: they could not be read back", name);
    return -1;
}

void tl_pending_take(void)
{
    total = 0;
    carried.out = 0;
    if (take(stdout, "stdout") == 0)
        carried.out = total;
    if (take(stderr, "stderr") != 0)
        total = carried.out;
}

int tl_pending_collect(void)
{
    if (total == 0)
        return 0;
    size_types(total);
    return 1;
}

void tl_pending_global(void **addr, const talent_type **type)
{
    *addr = &carried;
    *type = &t_pending;
}

void tl_pending_bind(const tl_checkpoint *ck)
{
    uint32_t i;
    for (i = 0; i < ck->nglobals; i++) {
        if (strcmp(ck->globals[i].key, TL_PENDING_KEY) == 0) {
            /* checked at load (libc_check.c): a struct whose second member is an array of 1 to 2 * TL_PENDING_MAX */
            const tl_ck_type *t = &ck->types[ck->globals[i].type];
            uint64_t n = ck->types[t->fields[1].type].count;
            size_types((uint32_t)n);
            total = (uint32_t)n;
            return;
        }
    }
    total = 0;
    carried.out = 0;
}

int tl_pending_holds(int stream)
{
    uint32_t out = carried.out <= total ? carried.out : total;
    return stream == 0 ? out > 0 : total > out;
}

/* n bytes back into f's buffer. The first goes in with putc: a stream whose buffer is not set up yet (a restarted
 * process's, just given its buffer by setvbuf) then sets it up and keeps the byte, where glibc's fwrite writes a
 * piece it cannot copy into the buffer straight to the file when the buffer is smaller than 128 bytes (the
 * program's own buffer of 100 bytes: the bytes would come out before what the program writes with write(2) next) */
static void put(FILE *f, const uint8_t *bytes, uint32_t n)
{
    if (n && putc(bytes[0], f) != EOF && n > 1)
        (void)fwrite(bytes + 1, 1, n - 1, f);
}

void tl_pending_put_back(void)
{
    uint32_t n = total, out = carried.out <= n ? carried.out : n;
    total = 0;
    carried.out = 0;
    /* into the emptied buffers: they stay there while they fit, written when the stream next flushes */
    put(stdout, carried.bytes, out);
    if (n > out)
        put(stderr, carried.bytes + out, n - out);
}
