/* checkpoint_read.c: finds the newest checkpoint of a directory that validates completely (header, every
 * section's length and CRC32C, every structure and value, the program fingerprint) and parses it into the
 * in-memory model used to restore; damaged newer files are reported with the section tag and file offset
 * of the problem, and the next older one is tried. Also loads exactly one given file (restore_file: no
 * fallback), or a checkpoint image held in memory (one that could not be written). */
#include "talent_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- directory listing */

static int parse_name(const char *name, uint64_t *seq)
{
    const char *p;
    uint64_t v = 0;
    size_t digits = 0;
    if (strncmp(name, "ckpt-", 5) != 0)
        return 0;
    for (p = name + 5; *p >= '0' && *p <= '9'; p++, digits++) {
        if (v > (UINT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (digits < 6 || strcmp(p, ".tck") != 0)
        return 0;
    *seq = v;
    return 1;
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
                tl_warn("cannot list checkpoint directory %s: %s", dir, strerror(errno));
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
    /* newest first (insertion sort: few files) */
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && seqs[j] > seqs[j - 1]; j--) {
            uint64_t s = seqs[j];
            char *p = paths[j];
            seqs[j] = seqs[j - 1];
            paths[j] = paths[j - 1];
            seqs[j - 1] = s;
            paths[j - 1] = p;
        }
    *paths_out = paths;
    *seqs_out = seqs;
    return n;
}

/* ---------------------------------------------------------------- parsing */

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static unsigned char *read_file(const char *path, size_t *size, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t n = 0, cap = 0, got;
    if (!f) {
        set_err(err, errlen, "cannot open: %s", strerror(errno));
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            data = tl_xrealloc(data, cap);
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        set_err(err, errlen, "cannot read: %s", strerror(errno));
        fclose(f);
        free(data);
        return NULL;
    }
    fclose(f);
    *size = n;
    return data;
}

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
static uint64_t sat_mul(uint64_t a, uint64_t b) { return (b && a > UINT64_MAX / b) ? UINT64_MAX : a * b; }

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
    ck->fingerprint = tl_rd_str(r);
    ck->program = tl_rd_str(r);
    ck->platform = tl_rd_str(r);
    ck->pointer_bits = tl_rd_u8(r);
    ck->big_endian = tl_rd_u8(r);
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
        ck->argv[i] = tl_rd_str(r);
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
            if (!r->failed && t->bits != 8 && t->bits != 16 && t->bits != 32 && t->bits != 64)
                tl_reader_fail(r, "at offset %lu: type %lu '%s' has %u bits (8, 16, 32 or 64 supported)",
                               (unsigned long)(r->base + at), (unsigned long)i, t->name, t->bits);
            t->min_encoded = t->bits / 8u;
            break;
        case TALENT_K_FLOAT:
            t->bits = tl_rd_u8(r);
            if (!r->failed && t->bits != 32 && t->bits != 64)
                tl_reader_fail(r, "at offset %lu: floating type %lu '%s' has %u bits (32 or 64 expected)",
                               (unsigned long)(r->base + at), (unsigned long)i, t->name, t->bits);
            t->min_encoded = t->bits / 8u;
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
            if (!r->failed)
                t->min_encoded = sat_mul(t->count, ck->types[t->elem].min_encoded);
            break;
        case TALENT_K_STRUCT:
        case TALENT_K_UNION:
            t->nfields = rd_count(r, "member");
            t->fields = tl_xcalloc(t->nfields, sizeof *t->fields);
            for (f = 0; f < t->nfields && !r->failed; f++) {
                t->fields[f].name = tl_rd_str(r);
                t->fields[f].type = tl_rd_u32(r);
                t->fields[f].bit_width = tl_rd_u8(r);
                if (!r->failed && t->fields[f].type >= i)
                    tl_reader_fail(r, "at offset %lu: member '%s' of type %lu refers to type %lu (must be smaller)",
                                   (unsigned long)(r->base + at), t->fields[f].name, (unsigned long)i,
                                   (unsigned long)t->fields[f].type);
                if (!r->failed && t->fields[f].bit_width) {
                    uint8_t k = ck->types[t->fields[f].type].kind;
                    if (k != TALENT_K_SINT && k != TALENT_K_UINT && k != TALENT_K_BOOL)
                        tl_reader_fail(r, "at offset %lu: bit-field '%s' does not have an integer type",
                                       (unsigned long)(r->base + at), t->fields[f].name);
                }
                if (!r->failed && (t->kind == TALENT_K_STRUCT || f == 0))
                    t->min_encoded = sat_add(t->min_encoded, ck->types[t->fields[f].type].min_encoded);
            }
            break;
        default:
            tl_reader_fail(r, "at offset %lu: type %lu has unknown kind %u", (unsigned long)(r->base + at),
                           (unsigned long)i, t->kind);
        }
    }
    return r->failed ? -1 : 0;
}

static int parse_strs(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t i, n;
    ck->nstrs = rd_count(r, "string");
    ck->strs = tl_xcalloc(ck->nstrs, sizeof *ck->strs);
    ck->str_lens = tl_xcalloc(ck->nstrs, sizeof *ck->str_lens);
    for (i = 0; i < ck->nstrs && !r->failed; i++) {
        const unsigned char *p = tl_rd_str_ref(r, &n);
        ck->strs[i] = p ? tl_xstrndup((const char *)p, n) : tl_xstrdup("");
        ck->str_lens[i] = n;
    }
    return r->failed ? -1 : 0;
}

static int check_type_id(tl_reader *r, const tl_checkpoint *ck, uint32_t id, size_t at)
{
    if (!r->failed && id >= ck->ntypes)
        tl_reader_fail(r, "at offset %lu: type %lu does not exist", (unsigned long)(r->base + at), (unsigned long)id);
    return r->failed ? -1 : 0;
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
        if (check_type_id(r, ck, g->type, at) == 0) {
            g->value_off = r->pos;
            tl_skip_value(r, ck, g->type, 0);
        }
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
            if (check_type_id(r, ck, var->type, at) == 0) {
                var->value_off = r->pos;
                tl_skip_value(r, ck, var->type, 0);
            }
        }
    }
    return r->failed ? -1 : 0;
}

static int parse_heap(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t i, dup;
    ck->nheap = rd_count(r, "heap block");
    ck->heap = tl_xcalloc(ck->nheap ? ck->nheap : 1, sizeof *ck->heap);
    for (i = 0; i < ck->nheap && !r->failed; i++) {
        tl_ck_block *b = &ck->heap[i];
        size_t at = r->pos;
        const tl_ck_type *et;
        b->id = tl_rd_u32(r);
        b->pos_off = r->pos + 4;
        tl_rd_str_ref(r, &b->pos_len);
        b->flags = tl_rd_u8(r);
        at = r->pos;
        b->elem = tl_rd_u32(r);
        b->count = tl_rd_u64(r);
        if (r->failed || check_type_id(r, ck, b->elem, at) != 0)
            break;
        et = &ck->types[b->elem];
        if (b->flags & ~TL_HEAP_UNTYPED) {
            tl_reader_fail(r, "at offset %lu: heap block %lu has unknown flags 0x%02x", (unsigned long)(r->base + at),
                           (unsigned long)b->id, b->flags);
            break;
        }
        if ((b->flags & TL_HEAP_UNTYPED) && !((et->kind == TALENT_K_SINT || et->kind == TALENT_K_UINT) && et->bits == 8)) {
            tl_reader_fail(r, "at offset %lu: untyped heap block %lu has element type '%s' (bytes expected)",
                           (unsigned long)(r->base + at), (unsigned long)b->id, et->name);
            break;
        }
        b->value_off = r->pos;
        if (et->min_encoded && b->count > (r->len - r->pos) / et->min_encoded) {
            tl_reader_fail(r, "at offset %lu: heap block %lu of %llu elements does not fit in the section",
                           (unsigned long)(r->base + at), (unsigned long)b->id, (unsigned long long)b->count);
            break;
        }
        if ((et->kind == TALENT_K_SINT || et->kind == TALENT_K_UINT) && et->bits == 8) {
            r->pos += (size_t)b->count;   /* bytes: checked to fit just above */
        } else {
            uint64_t k;
            for (k = 0; k < b->count && !r->failed; k++)
                tl_skip_value(r, ck, b->elem, 1);
        }
        b->tail_off = r->pos + 4;
        tl_rd_str_ref(r, &b->tail_len);
    }
    if (!r->failed && tl_heap_index_ids(ck, &dup) != 0)
        tl_reader_fail(r, "at offset %lu: heap block id %lu appears twice", (unsigned long)r->base, (unsigned long)dup);
    return r->failed ? -1 : 0;
}

static const char *const section_tags[6] = {"META", "TYPE", "STRS", "GLOB", "FRAM", "HEAP"};
typedef int (*section_parser)(tl_reader *, tl_checkpoint *);
static const section_parser parsers[6] = {parse_meta, parse_types, parse_strs, parse_glob, parse_fram, parse_heap};

int tl_checkpoint_load(const char *path, tl_checkpoint *ck, char *err, size_t errlen, int *fingerprint_mismatch)
{
    size_t size;
    unsigned char *f;
    memset(ck, 0, sizeof *ck);
    *fingerprint_mismatch = 0;
    f = read_file(path, &size, err, errlen);
    if (!f)
        return -1;
    return tl_checkpoint_load_buffer(path, f, size, ck, err, errlen, fingerprint_mismatch);
}

int tl_checkpoint_load_buffer(const char *name, unsigned char *f, size_t size, tl_checkpoint *ck, char *err,
                              size_t errlen, int *fingerprint_mismatch)
{
    size_t off, payload_off[6] = {0}, payload_len[6] = {0}, file_off = 0, file_len = 0, wait_off = 0, wait_len = 0;
    int seen_file = 0, seen_wait = 0;
    int seen[6] = {0}, last = -1, k;
    uint32_t nsections, s, crc, stored;
    uint16_t major, minor;
    tl_reader r;

    memset(ck, 0, sizeof *ck);
    *fingerprint_mismatch = 0;
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
    if (major != 1) {
        set_err(err, errlen, "header at offset 8: format version %u.%u (this runtime reads version 1.x)", major, minor);
        return -1;
    }

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
        r.pos = off + 4;
        len = tl_rd_u64(&r);
        if (len > size - off - 16) {
            set_err(err, errlen, "section %s at offset %lu: payload length %llu runs past the end of the file "
                    "(%lu bytes)", tag, (unsigned long)off, (unsigned long long)len, (unsigned long)size);
            return -1;
        }
        r.pos = off + 12 + (size_t)len;
        stored = tl_rd_u32(&r);
        crc = tl_crc32c(0, f + off, 12 + (size_t)len);
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

    /* payloads */
    tl_max_stream_ref = -1;
    for (k = 0; k < 6; k++) {
        tl_reader_init(&r, f + payload_off[k], payload_len[k], payload_off[k]);
        if (parsers[k](&r, ck) != 0 || (minor == 0 && r.pos != r.len && !r.failed)) {
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
    if (tl_max_stream_ref >= 0 &&
        ((uint64_t)tl_max_stream_ref >= ck->nfiles || ck->files[tl_max_stream_ref].kind != TL_FILE_STREAM)) {
        set_err(err, errlen, "a FILE * value refers to open stream %ld, which the FILE section does not list",
                tl_max_stream_ref);
        return -1;
    }
    if (seen_wait) {
        uint8_t has;
        tl_reader_init(&r, f + wait_off, wait_len, wait_off);
        has = tl_rd_u8(&r);
        ck->wait_ns = tl_rd_u64(&r);
        if (!r.failed && has > 1)
            tl_reader_fail(&r, "at offset %lu: flag %u is neither 0 nor 1", (unsigned long)wait_off, has);
        if (r.failed || r.pos != r.len) {
            set_err(err, errlen, "section WAIT at offset %lu: %s", (unsigned long)(wait_off - 12),
                    r.failed ? r.err : "bytes left over after its last field");
            return -1;
        }
        ck->has_wait = has;
    }
    return 0;
}

void tl_checkpoint_release(tl_checkpoint *ck)
{
    uint32_t i, j;
    /* types, STRS, argv and META stay: restored descriptors and strings may still refer to them */
    free(ck->file);
    ck->file = NULL;
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
        free(ck->frames[i].function);
        free(ck->frames[i].point_pos);
    }
    free(ck->frames);
    free(ck->heap);
    free(ck->heap_by_id);
    for (i = 0; i < ck->nfiles; i++) {
        free(ck->files[i].path);
        free(ck->files[i].mode);
        free(ck->files[i].site);
    }
    free(ck->files);
    ck->globals = NULL;
    ck->frames = NULL;
    ck->heap = NULL;
    ck->heap_by_id = NULL;
    ck->files = NULL;
    ck->nglobals = ck->nframes = ck->nheap = ck->nfiles = 0;
}

void tl_checkpoint_load_newest(const char *dir, tl_checkpoint *ck)
{
    char **paths;
    uint64_t *seqs;
    size_t n = tl_checkpoint_list(dir, &paths, &seqs), i;
    char err[512], first_mismatch[600] = "";
    int mismatch;
    if (n == 0)
        tl_die(TL_EXIT_NOINPUT, "no checkpoint (ckpt-NNNNNN.tck) in directory %s", dir);
    for (i = 0; i < n; i++) {
        if (tl_checkpoint_load(paths[i], ck, err, sizeof err, &mismatch) == 0) {
            tl_info("restoring from %s (sequence %llu, written on %s)", paths[i], (unsigned long long)ck->sequence,
                    ck->platform);
            return;
        }
        if (mismatch && !first_mismatch[0])
            snprintf(first_mismatch, sizeof first_mismatch, "%s: %s", paths[i], err);
        tl_warn("checkpoint %s cannot be used: %s; %s", paths[i], err,
                i + 1 < n ? "falling back to the previous checkpoint" : "no older checkpoint left");
    }
    if (first_mismatch[0])
        tl_die(TL_EXIT_DATAERR, "no checkpoint in %s can be restored by this program (%s)", dir, first_mismatch);
    tl_die(TL_EXIT_NOINPUT, "no valid checkpoint in directory %s", dir);
}

void tl_checkpoint_load_exact(const char *path, tl_checkpoint *ck)
{
    char err[512];
    int mismatch;
    if (tl_checkpoint_load(path, ck, err, sizeof err, &mismatch) != 0)
        tl_die(mismatch ? TL_EXIT_DATAERR : TL_EXIT_NOINPUT, "checkpoint %s (restore_file) cannot be used: %s; it is "
               "not replaced by another checkpoint", path, err);
    tl_info("restoring from %s (sequence %llu, written on %s)", path, (unsigned long long)ck->sequence, ck->platform);
}
