/* streammodes.c: the buffering mode and the orientation of the program's streams (issue 11). A restarted process
 * opens its streams anew, with the C library's default buffering (full for a file, line for a terminal) and no
 * orientation: a program that made stdout unbuffered (setvbuf(stdout, NULL, _IONBF, 0)) with stdout and stderr into
 * one file wrote its lines in another order after a restart, and one that oriented stdout wide (fwide, wprintf) had
 * its printf work again where gcc's run gets -1. The setvbuf family is wrapped (the compiler renames the calls,
 * LibraryCalls.FILE_CALLS): each call's mode and size are kept per stream until the stream is closed or reopened
 * (freopen resets both, as the C library does). The orientation is read with fwide(f, 0) at the checkpoint. Both
 * are carried as the global TL_STREAMS_KEY (docs/FORMAT.md "GLOB") by stream number (0-2 the standard streams, 3 + i
 * the FILE section's entry i) and set again with setvbuf and fwide as one of a restart's last steps (nothing is
 * buffered then: output was flushed at the checkpoint, a reopened stream was just sought).
 *
 * A buffer the program supplied (setvbuf(f, buf, ...), setbuf, setbuffer) is carried as a pointer (the member buf), set
 * again with setvbuf(f, buf, mode, size) at the restored address once the call chain is rebuilt (a local array of main
 * is bound only then); its bytes are the program's memory, carried as data, and what the C library held unwritten in
 * them is no longer there for it: stdout's and stderr's pending bytes are carried apart and put back by pending.c
 * after the setvbuf, other streams were flushed at the checkpoint. The buffer must lie in one object talent carries
 * (a global, a static, a saved local of a function on the call chain, a heap block), whole, and be bytes (an array of
 * char, a heap block of them or untyped): a buffer in a type whose size differs across ISAs (long buf[512]) would not
 * hold the size on another. A restart checks [buf, buf + size) against the object again (a forged size must not make
 * setvbuf write past it).
 *
 * Refused at the checkpoint, by name: a buffer of the program's that is not such; more than TL_STREAMS_MAX streams
 * with a mode; a wide stream open for reading (its conversion state and read-ahead are the C library's private
 * state), or any wide stream while the locale's encoding has shift states (an mbstate that may not be initial). */
#define _GNU_SOURCE 1       /* setbuffer, setlinebuf */
#include "streammodes.h"
#include "contract.h"
#include "refusal.h"
#include "files.h"
#include "diag.h"
#include "heap_track.h"
#include "objects.h"
#include "types.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

typedef struct {
    FILE *f;
    uint32_t mode;          /* TL_STREAMS_FULL, _LINE, _NONE */
    uint64_t size;
    void *buf;              /* the program's own buffer, or NULL */
    const char *call;
} setting;

static setting settings[TL_STREAMS_MAX];
static unsigned nsettings;
static const char *overflow;    /* the call that found the table full, or NULL */

struct tl_streams {
    uint32_t count;
    uint32_t stream[TL_STREAMS_MAX];
    uint32_t mode[TL_STREAMS_MAX];
    uint64_t size[TL_STREAMS_MAX];
    int32_t wide[TL_STREAMS_MAX];
    char *buf[TL_STREAMS_MAX];     /* the program's own buffer of a mode 1 or 2, or NULL */
};
static struct tl_streams carried;
static int restored_any;

static const talent_type t_u32 = TALENT_INT_TYPE(uint32_t, "uint32_t");
static const talent_type t_u64 = TALENT_INT_TYPE(uint64_t, "uint64_t");
static const talent_type t_i32 = TALENT_INT_TYPE(int32_t, "int32_t");
static const talent_type t_streams_a = TALENT_ARRAY_TYPE(uint32_t[TL_STREAMS_MAX], "uint32_t[16]", uint32_t, &t_u32);
static const talent_type t_modes_a = TALENT_ARRAY_TYPE(uint32_t[TL_STREAMS_MAX], "uint32_t[16]", uint32_t, &t_u32);
static const talent_type t_sizes_a = TALENT_ARRAY_TYPE(uint64_t[TL_STREAMS_MAX], "uint64_t[16]", uint64_t, &t_u64);
static const talent_type t_wide_a = TALENT_ARRAY_TYPE(int32_t[TL_STREAMS_MAX], "int32_t[16]", int32_t, &t_i32);
static const talent_type t_charp = TALENT_PTR_TYPE(char *, "char *", "char");
static const talent_type t_bufs_a = TALENT_ARRAY_TYPE(char *[TL_STREAMS_MAX], "char *[16]", char *, &t_charp);
static const talent_field streams_fields[] = {
    TALENT_FIELD(struct tl_streams, count, &t_u32),
    TALENT_FIELD(struct tl_streams, stream, &t_streams_a),
    TALENT_FIELD(struct tl_streams, mode, &t_modes_a),
    TALENT_FIELD(struct tl_streams, size, &t_sizes_a),
    TALENT_FIELD(struct tl_streams, wide, &t_wide_a),
    TALENT_FIELD(struct tl_streams, buf, &t_bufs_a),
};
static const talent_type t_streams = TALENT_STRUCT_TYPE(struct tl_streams, "struct talent_streams", streams_fields);

void tl_streammodes_forget(void *stream)
{
    unsigned i;
    for (i = 0; i < nsettings; i++)
        if (settings[i].f == stream) {
            settings[i] = settings[--nsettings];
            return;
        }
}

static void note(FILE *f, uint32_t mode, uint64_t size, void *buf, const char *call)
{
    unsigned i;
    tl_files_stream_closed_hook = tl_streammodes_forget;
    for (i = 0; i < nsettings && settings[i].f != f; i++)
        ;
    if (i == nsettings) {
        if (nsettings == TL_STREAMS_MAX) {
            overflow = call;
            return;
        }
        nsettings++;
    }
    settings[i].f = f;
    settings[i].mode = mode;
    settings[i].size = mode == TL_STREAMS_NONE ? 0 : size;
    settings[i].buf = mode == TL_STREAMS_NONE ? NULL : buf;
    settings[i].call = call;
}

static uint32_t of_c(int mode)
{
    return mode == _IOFBF ? TL_STREAMS_FULL : mode == _IOLBF ? TL_STREAMS_LINE : TL_STREAMS_NONE;
}

int talent_setvbuf(void *stream, char *buf, int mode, size_t size)
{
    int r = setvbuf((FILE *)stream, buf, mode, size);
    if (r == 0 && (mode == _IOFBF || mode == _IOLBF || mode == _IONBF))
        note((FILE *)stream, of_c(mode), size, buf, "setvbuf");
    return r;
}

void talent_setbuf(void *stream, char *buf)
{
    setbuf((FILE *)stream, buf);
    note((FILE *)stream, buf ? TL_STREAMS_FULL : TL_STREAMS_NONE, BUFSIZ, buf, "setbuf");
}

void talent_setbuffer(void *stream, char *buf, size_t size)
{
    setbuffer((FILE *)stream, buf, size);
    note((FILE *)stream, buf ? TL_STREAMS_FULL : TL_STREAMS_NONE, size, buf, "setbuffer");
}

void talent_setlinebuf(void *stream)
{
    setlinebuf((FILE *)stream);
    note((FILE *)stream, TL_STREAMS_LINE, 0, NULL, "setlinebuf");
}

/* The stream's number in the checkpoint (0-2 standard, 3 + its FILE entry), or -1 when it is not carried. */
static long number_of(const FILE *f)
{
    long i;
    if (f == stdin)
        return 0;
    if (f == stdout)
        return 1;
    if (f == stderr)
        return 2;
    i = tl_files_stream_index(f);
    return i < 0 || i > TL_STREAMS_MAX_NUMBER - 3 ? -1 : 3 + i;
}

static const char *name_of(uint32_t n)
{
    static char buf[32];
    if (n < 3)
        return n == 0 ? "stdin" : n == 1 ? "stdout" : "stderr";
    snprintf(buf, sizeof buf, "open stream %lu", (unsigned long)(n - 3));
    return buf;
}

static int readable(FILE *f)
{
    int fl = fcntl(fileno(f), F_GETFL);
    return f == stdin || (fl >= 0 && (fl & O_ACCMODE) != O_WRONLY);
}

/* Adds the entry of stream number n (kept in ascending order); 0, or -1 when the table is full. */
static int put(uint32_t n, uint32_t mode, uint64_t size, char *buf, int32_t wide)
{
    uint32_t i, j;
    for (i = 0; i < carried.count && carried.stream[i] < n; i++)
        ;
    if (i < carried.count && carried.stream[i] == n) {
        if (mode) {
            carried.mode[i] = mode;
            carried.size[i] = size;
            carried.buf[i] = buf;
        }
        if (wide)
            carried.wide[i] = wide;
        return 0;
    }
    if (carried.count == TL_STREAMS_MAX)
        return -1;
    for (j = carried.count; j > i; j--) {
        carried.stream[j] = carried.stream[j - 1];
        carried.mode[j] = carried.mode[j - 1];
        carried.size[j] = carried.size[j - 1];
        carried.wide[j] = carried.wide[j - 1];
        carried.buf[j] = carried.buf[j - 1];
    }
    carried.stream[i] = n;
    carried.mode[i] = mode;
    carried.size[i] = size;
    carried.wide[i] = wide;
    carried.buf[i] = buf;
    carried.count++;
    return 0;
}

static void orientation(FILE *f)
{
    long n = number_of(f);
    int w = fwide(f, 0);
    if (n < 0 || w == 0)
        return;
    if (w > 0) {
        if (readable(f)) {
            tl_refuse("cannot checkpoint: %s is a wide stream open for reading: its conversion state (mbstate) and what "
                      "it read ahead are the C library's, which talent does not carry", name_of((uint32_t)n));
            return;
        }
        if (mbtowc(NULL, NULL, 0) != 0) {
            tl_refuse("cannot checkpoint: %s is a wide stream and the locale's encoding has shift states: its "
                      "conversion state (mbstate) may not be initial, and talent does not carry it", name_of((uint32_t)n));
            return;
        }
    }
    if (put((uint32_t)n, 0, 0, NULL, w > 0 ? 1 : -1) != 0)
        tl_refuse("cannot checkpoint: more than %d streams have a buffering mode or an orientation; talent carries %d",
                  TL_STREAMS_MAX, TL_STREAMS_MAX);
}

int tl_streammodes_collect(void)
{
    unsigned i;
    size_t k, nstreams;
    memset(&carried, 0, sizeof carried);
    if (overflow)
        tl_refuse("cannot checkpoint: %s set the buffering of more than %d streams; talent carries %d", overflow,
                  TL_STREAMS_MAX, TL_STREAMS_MAX);
    for (i = 0; i < nsettings; i++) {
        const setting *s = &settings[i];
        long n = number_of(s->f);
        if (n < 0)
            continue;       /* a stream the checkpoint does not carry (refused there if the program still uses it) */
        if (s->size > TL_STREAMS_MAX_SIZE) {
            tl_refuse("cannot checkpoint: %s set a buffer size of %llu bytes for %s; talent carries up to %d", s->call,
                      (unsigned long long)s->size, name_of((uint32_t)n), TL_STREAMS_MAX_SIZE);
            continue;
        }
        if (put((uint32_t)n, s->mode, s->size, s->buf, 0) != 0)
            tl_refuse("cannot checkpoint: more than %d streams have a buffering mode or an orientation; talent carries "
                      "%d", TL_STREAMS_MAX, TL_STREAMS_MAX);
    }
    orientation(stdin);
    orientation(stdout);
    orientation(stderr);
    nstreams = tl_files_stream_count();
    for (k = 0; k < nstreams; k++) {
        FILE *f = tl_files_out_stream(k);
        if (f && f != stdin && f != stdout && f != stderr)
            orientation(f);
    }
    return carried.count > 0;
}

/* The heap block holding p: its start, size and element type (NULL: not typed where it was allocated); 0 if none. */
static int heap_block(uintptr_t p, uintptr_t *base, size_t *size, const talent_type **type)
{
    tl_hdr *h = tl_heap_holding((const void *)p);
    if (!h)
        return 0;
    *base = tl_hdr_addr(h);
    *size = tl_hdr_size(h);
    *type = tl_heap_site_elem(h->site);
    return 1;
}

/* 1 when the n bytes at offset off of an object of type t lie in one array of one-byte integers: t itself, or such an
 * array as an element or a struct's member at any depth (`struct out { int n; char buf[256]; } g;` with g.buf): the
 * pointer is carried by its path to the member, whose count of chars is the same on every ISA wherever the struct
 * puts it. Not through a union: which member it carries is chosen at the checkpoint (values.c), the bytes of a char
 * member may be carried as another's numbers. */
static int in_byte_array(const talent_type *t, size_t off, uint64_t n, int depth)
{
    unsigned f;
    if (!t || depth > 16 || off >= t->size || n > t->size - off)
        return 0;
    if (tl_is_byte_type(tl_innermost_elem(t)))
        return 1;
    if (t->kind == TALENT_K_ARRAY)
        return t->elem && t->elem->size && in_byte_array(t->elem, off % t->elem->size, n, depth + 1);
    if (t->kind != TALENT_K_STRUCT)
        return 0;
    for (f = 0; f < t->nfields; f++)
        if (!t->fields[f].bit_width && off >= t->fields[f].offset
            && in_byte_array(t->fields[f].type, off - t->fields[f].offset, n, depth + 1))
            return 1;
    return 0;
}

/* Why n bytes at buf cannot be a carried buffer in the object [base, base + size) of this type (NULL: a heap block
 * untyped where it was allocated; a heap block's type is its element's, the block an array of them), or NULL when
 * they can. */
static const char *unsuitable(uintptr_t buf, uint64_t n, uintptr_t base, size_t size, const talent_type *type)
{
    size_t off = buf - base;
    if (n == 0)
        return "its size is 0";
    if (buf < base || off >= size || n > size - off)
        return "it runs past the end of the object it is in";
    if (type && tl_is_byte_type(tl_innermost_elem(type)))
        return NULL;        /* bytes throughout: a char array, a heap block of chars */
    if (type && type->size && type->size < size)
        off %= type->size;
    if (type && !in_byte_array(type, off, n, 0))
        return "it is not inside an array of char in the object it is in (its size may differ on another ISA)";
    return NULL;
}

void tl_streammodes_check_buffers(void)
{
    unsigned i;
    for (i = 0; i < nsettings; i++) {
        const setting *s = &settings[i];
        long n = number_of(s->f);
        uintptr_t p = (uintptr_t)s->buf, base;
        size_t size;
        const talent_type *type;
        const tl_object *o;
        const char *why;
        if (!s->buf || n < 0)
            continue;
        o = tl_objects_find(p);
        if (o && o->kind != TL_OBJ_ARGV && o->kind != TL_OBJ_ARGSTR && !o->literal) {
            base = o->base;
            size = o->size;
            type = o->type;
        } else if (!heap_block(p, &base, &size, &type)) {
            tl_refuse("cannot checkpoint: the buffer the program gave %s with %s is in no object talent carries (a "
                      "global, a static, a heap block or a saved local array of a function on the call chain)",
                      name_of((uint32_t)n), s->call);
            continue;
        }
        why = unsuitable(p, s->size, base, size, type);
        if (why)
            tl_refuse("cannot checkpoint: the buffer of %llu bytes the program gave %s with %s cannot be carried: %s",
                      (unsigned long long)s->size, name_of((uint32_t)n), s->call, why);
    }
}

void tl_streammodes_global(void **addr, const talent_type **type)
{
    *addr = &carried;
    *type = &t_streams;
}

const char *tl_streammodes_restored(void)
{
    uint32_t i;
    restored_any = 0;
    if (carried.count > TL_STREAMS_MAX)
        return "stream modes (" TL_STREAMS_KEY ") that are not valid";
    for (i = 0; i < TL_STREAMS_MAX; i++) {
        int used = i < carried.count;
        if (!used ? (carried.stream[i] || carried.mode[i] || carried.size[i] || carried.wide[i] || carried.buf[i])
                  : ((i > 0 && carried.stream[i] <= carried.stream[i - 1]) || carried.stream[i] > TL_STREAMS_MAX_NUMBER ||
                     carried.mode[i] > TL_STREAMS_NONE || carried.size[i] > TL_STREAMS_MAX_SIZE ||
                     (carried.mode[i] != TL_STREAMS_FULL && carried.mode[i] != TL_STREAMS_LINE && carried.size[i]) ||
                     carried.wide[i] < -1 || carried.wide[i] > 1 || (!carried.mode[i] && !carried.wide[i])))
            return "stream modes (" TL_STREAMS_KEY ") that are not valid";
    }
    restored_any = carried.count > 0;
    return NULL;
}

void tl_streammodes_settle(void *stream)
{
    FILE *f = stream;
    long n = number_of(f);
    uint32_t i;
    for (i = 0; restored_any && i < carried.count; i++)
        if ((long)carried.stream[i] == n && carried.mode[i])
            return;     /* the program's own mode, set again */
    /* musl decides at a stream's first write that it is not a terminal (until then it is line-buffered), glibc when it
     * makes the buffer: bytes put back before that would be written up to their last newline at once */
    if (!isatty(fileno(f)))
        setvbuf(f, NULL, _IOFBF, 0);
}

const char *tl_streammodes_buffers_restored(tl_object_extent extent)
{
    static char why[256];
    uint32_t i;
    if (!restored_any)
        return NULL;
    for (i = 0; i < TL_STREAMS_MAX; i++) {
        uintptr_t p = (uintptr_t)carried.buf[i], base;
        size_t size;
        const talent_type *type;
        const char *bad;
        if (!p)
            continue;
        if (i >= carried.count || (carried.mode[i] != TL_STREAMS_FULL && carried.mode[i] != TL_STREAMS_LINE))
            return "stream modes (" TL_STREAMS_KEY ") that are not valid: a buffer without a buffered mode";
        if (!extent(carried.buf[i], &base, &size, &type)) {
            snprintf(why, sizeof why, "the buffer of %s (" TL_STREAMS_KEY ") is in no object of the program",
                     name_of(carried.stream[i]));
            return why;
        }
        bad = unsuitable(p, carried.size[i], base, size, type);
        if (bad) {
            snprintf(why, sizeof why, "the buffer of %llu bytes of %s (" TL_STREAMS_KEY ") cannot be used: %s",
                     (unsigned long long)carried.size[i], name_of(carried.stream[i]), bad);
            return why;
        }
    }
    return NULL;
}

const char *tl_streammodes_apply(void)
{
    static char why[160];
    uint32_t i;
    if (!restored_any)
        return NULL;
    for (i = 0; i < carried.count; i++) {
        uint32_t n = carried.stream[i];
        FILE *f = n == 0 ? stdin : n == 1 ? stdout : n == 2 ? stderr : (FILE *)tl_files_stream(n - 3);
        if (carried.mode[i]) {
            int m = carried.mode[i] == TL_STREAMS_FULL ? _IOFBF : carried.mode[i] == TL_STREAMS_LINE ? _IOLBF : _IONBF;
            /* the program's own buffer at its restored address: empty for the C library (its old contents are stale
             * bytes of the program's memory; what was pending in stdout's and stderr's is put back by pending.c) */
            if (setvbuf(f, carried.buf[i], m, (size_t)carried.size[i]) != 0) {
                snprintf(why, sizeof why, "cannot set the buffering of %s again (setvbuf)", name_of(n));
                return why;
            }
            note(f, carried.mode[i], carried.size[i], carried.buf[i], "setvbuf");
        }
        if (carried.wide[i] && fwide(f, carried.wide[i]) * carried.wide[i] <= 0) {
            snprintf(why, sizeof why, "cannot orient %s again (fwide)", name_of(n));
            return why;
        }
    }
    return NULL;
}
