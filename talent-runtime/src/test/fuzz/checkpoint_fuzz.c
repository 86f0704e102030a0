/* checkpoint_fuzz.c: libFuzzer target over the C checkpoint reader (tl_checkpoint_load_buffer), the entry point
 * every checkpoint a restart reads goes through. Linked like corpus_driver (src/test/c): every runtime source,
 * main.c's main renamed away, and corpus_driver.c (its main renamed too) for the program table the shared corpus
 * (talent-format/src/test/resources/corpus) was written for, so that mutations of those seeds reach the checks
 * that depend on the program (fingerprint, globals, functions, points).
 *
 * Each input is read twice: as it is, and with its CRCs recomputed (see reseal), so that mutations get past the
 * framing checks into the sections.
 *
 * Any input must end in "accepted" or "refused with a message": a sanitizer report, an exit (the reader must
 * never die on a file; libFuzzer reports exit() as a finding), a timeout or an allocation over the -rss_limit_mb
 * or -malloc_limit_mb bound is a finding. build.sh builds it; `talent bench fuzz` and FuzzIT run it.
 */
#include "talent_internal.h"
#include "fuzz_release.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    tl_platform = tl_default_platform();
    return 0;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Recomputes the header's and every section's CRC32C (docs/FORMAT.md "Framing"), as far as the lengths lead
 * within the buffer: a random change almost always breaks a CRC, and a forger recomputes them anyway. Returns
 * whether anything changed. */
static int reseal(unsigned char *f, size_t size)
{
    unsigned char before[4];
    size_t off = 24;
    int changed = 0;
    if (size < 24)
        return 0;
    memcpy(before, f + 20, 4);
    put_be32(f + 20, tl_crc32c(0, f, 20));
    changed |= memcmp(before, f + 20, 4) != 0;
    while (size - off >= 16) {
        uint64_t len = 0;
        int k;
        for (k = 4; k < 12; k++)
            len = len << 8 | f[off + (size_t)k];
        if (len > size - off - 16)
            break;
        memcpy(before, f + off + 12 + len, 4);
        put_be32(f + off + 12 + len, tl_crc32c(0, f + off, 12 + (size_t)len));
        changed |= memcmp(before, f + off + 12 + len, 4) != 0;
        off += 16 + (size_t)len;
    }
    return changed;
}

/* One call of the reader on a copy of data; the reader owns the copy from then on (it frees it in
 * tl_checkpoint_release). An exact-size copy lets ASan see every read past the end. */
static void load(const uint8_t *data, size_t size, int resealed)
{
    tl_checkpoint ck;
    char err[512];
    int mismatch, rc;
    unsigned char *copy = malloc(size ? size : 1);
    if (!copy)
        return;
    if (size)
        memcpy(copy, data, size);
    if (resealed && !reseal(copy, size)) {
        free(copy);
        return;    /* the same bytes as the plain call */
    }
    err[0] = '\0';
    rc = tl_checkpoint_load_buffer("fuzz.tck", copy, size, &ck, err, sizeof err, &mismatch);
    /* a refusal always says why, in a terminated message; a fingerprint mismatch is never an acceptance */
    if ((rc != 0 && (err[0] == '\0' || memchr(err, '\0', sizeof err) == NULL)) || (rc == 0 && mismatch))
        abort();
    tl_checkpoint_release(&ck);
    release_kept(&ck);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load(data, size, 0);
    load(data, size, 1);
    return 0;
}
