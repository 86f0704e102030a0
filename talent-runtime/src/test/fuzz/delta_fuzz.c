/* delta_fuzz.c: libFuzzer target over the C delta reader (delta.c: tl_delta_base_name, tl_delta_apply,
 * tl_delta_apply_over), the path a restart from ckpt-<seq>.tdl takes (tl_delta_load), and then over the checkpoint reader on the image it rebuilds
 * (tl_checkpoint_load_buffer), as the restart does. Linked like checkpoint_fuzz.c (build.sh).
 *
 * The input is a delta. Its base is the file named by TALENT_DELTA_FUZZ_BASE (talent bench fuzz passes the delta
 * corpus's base.tck, which the seeds (the .tdl files of talent-format/src/test/resources/corpus/delta) were made from), else a
 * fixed synthetic buffer. Each input is applied twice: as it is, and resealed (base length and CRC set to the
 * base's, the image CRC recomputed when the operations are in bounds, the trailing CRC recomputed), so that
 * mutations get past the identity and CRC checks into the operations and the rebuilt image.
 *
 * Any input must end in "rebuilt" (an image of exactly the length the header says) or "refused with a message":
 * a sanitizer report, an exit, a timeout or an allocation over the -malloc_limit_mb bound is a finding.
 */
#include "checkpoint_file.h"
#include "delta.h"
#include "fuzz_release.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char *base;
static size_t base_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *file = getenv("TALENT_DELTA_FUZZ_BASE");
    char err[512];
    (void)argc;
    (void)argv;
    tl_platform = tl_default_platform();
    if (file && *file) {
        base = tl_checkpoint_read_file(file, &base_len, err, sizeof err);
        if (!base) {
            fprintf(stderr, "delta_fuzz: TALENT_DELTA_FUZZ_BASE: %s\n", err);
            abort();
        }
    } else {
        size_t i;
        base_len = 8192;
        base = malloc(base_len);
        if (!base)
            abort();
        for (i = 0; i < base_len; i++)
            base[i] = (unsigned char)(i * 131u + 7u);
    }
    return 0;
}

static uint64_t get_be(const unsigned char *p, unsigned n)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static void put_be(unsigned char *p, uint64_t v, unsigned n)
{
    while (n--) {
        p[n] = (unsigned char)v;
        v >>= 8;
    }
}

/* Sets the base identity, the image CRC (when the operations stay within the input and the base) and the trailing
 * CRC of the delta in f (docs/FORMAT.md "Delta"). Returns whether anything changed. */
static int reseal(unsigned char *f, size_t size)
{
    unsigned char *before;
    size_t name_len, at, ops, i, data_off;
    uint64_t image_len, nops, data_len, filled = 0;
    uint32_t crc = 0;
    int changed;
    if (size < 24 + 4)
        return 0;
    before = malloc(size);
    if (!before)
        return 0;
    memcpy(before, f, size);
    name_len = (size_t)get_be(f + 16, 4);
    if (name_len > size || 20 + name_len + 28 > size - 4)
        goto trailer;
    at = 20 + name_len;
    put_be(f + at, base_len, 8);
    put_be(f + at + 8, tl_crc32c(0, base, base_len), 4);
    image_len = get_be(f + at + 12, 8);
    nops = get_be(f + at + 24, 4);
    ops = at + 28;
    if (nops > (size - 4 - ops) / 17 || ops + nops * 17 + 8 > size - 4)
        goto trailer;
    data_len = get_be(f + ops + nops * 17, 8);
    data_off = ops + (size_t)nops * 17 + 8;
    if (data_len > size - 4 - data_off)
        goto trailer;
    for (i = 0; i < nops; i++) {
        const unsigned char *o = f + ops + i * 17;
        uint64_t a = get_be(o + 1, 8), len = get_be(o + 9, 8);
        if (o[0] == 1 && a <= base_len && len <= base_len - a)
            crc = tl_crc32c(crc, base + a, (size_t)len);
        else if (o[0] == 2 && a <= data_len && len <= data_len - a)
            crc = tl_crc32c(crc, f + data_off + a, (size_t)len);
        else
            goto trailer;
        filled += len;
    }
    if (filled == image_len)
        put_be(f + at + 20, crc, 4);
trailer:
    put_be(f + size - 4, tl_crc32c(0, f, size - 4), 4);
    changed = memcmp(before, f, size) != 0;
    free(before);
    return changed;
}

/* An image the delta reader rebuilt goes to the checkpoint reader, which owns (and frees) it from then on. */
static void load_image(unsigned char *img, size_t n)
{
    tl_checkpoint ck;
    char err[512];
    int mismatch, rc;
    err[0] = '\0';
    rc = tl_checkpoint_load_buffer("fuzz.tdl", img, n, &ck, err, sizeof err, &mismatch);
    if ((rc != 0 && (err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL)) || (rc == 0 && mismatch))
        abort();
    tl_checkpoint_release(&ck);
    release_kept(&ck);
}

static void apply(const uint8_t *data, size_t size, int resealed)
{
    char err[512], name[TL_DELTA_MAX_NAME + 1];
    unsigned char *copy = malloc(size ? size : 1), *img;
    size_t n = 0;
    int named;
    if (!copy)
        return;
    if (size)
        memcpy(copy, data, size);
    if (resealed && !reseal(copy, size)) {
        free(copy);
        return;     /* the same bytes as the plain call */
    }
    err[0] = '\0';
    named = tl_delta_base_name(copy, size, name, sizeof name, err, sizeof err) == 0;
    if (!named && (err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL))
        abort();
    /* a base name is a plain .tck name of the same directory */
    if (named && (strchr(name, '/') || name[0] == '.' || strlen(name) < 5 || strcmp(name + strlen(name) - 4, ".tck")))
        abort();
    err[0] = '\0';
    img = tl_delta_apply(copy, size, base, base_len, &n, err, sizeof err);
    {
        /* the restart's path over a mapping of the base (tl_delta_load): the base put at the shift of the longest
         * COPY, the rest written over it; it judges every delta as the rebuilding one does and rebuilds the same
         * bytes */
        uint64_t ilen = 0;
        int64_t shift = 0;
        char why[512];
        why[0] = '\0';
        if (tl_delta_shift(copy, size, base_len, &ilen, &shift, why, sizeof why) != 0) {
            if (img || why[0] == '\0' || memchr(why, '\0', sizeof why) == NULL)
                abort();
        } else if (ilen <= ((uint64_t)1 << 26)) {
            unsigned char *over = malloc(ilen ? (size_t)ilen : 1);
            uint64_t i;
            int rc;
            if (!over)
                abort();
            for (i = 0; i < ilen; i++) {
                int64_t j = (int64_t)i - shift;
                over[i] = j >= 0 && (uint64_t)j < base_len ? base[j] : 0xA5;
            }
            rc = tl_delta_apply_over(copy, size, base, base_len, over, shift, why, sizeof why);
            if ((rc == 0) != (img != NULL) || (rc == 0 && (n != ilen || memcmp(over, img, n) != 0)))
                abort();
            free(over);
        }
    }
    if (!img) {
        if (err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL)
            abort();
    } else {
        /* rebuilt: the header named this image's length, and the framing was valid for the name reader too */
        if (!named || n != (size_t)get_be(copy + 20 + get_be(copy + 16, 4) + 12, 8))
            abort();
        load_image(img, n);
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apply(data, size, 0);
    apply(data, size, 1);
    return 0;
}
