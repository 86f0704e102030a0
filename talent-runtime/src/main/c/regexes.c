/*
 * The program's compiled regular expressions (regexes.h). A regex_t holds the C library's private pointers to the
 * automaton regcomp built: its bytes mean nothing in another process, and its layout differs between C libraries and
 * ISAs. The link wraps regcomp and regfree (RuntimeLibrary.WRAPPED_OTHER), so the runtime knows, for every regex_t
 * the program compiled and has not freed, its address, the pattern and the flags: the table "<libc>:regex", which a
 * checkpoint carries (the address as a pointer, so it names the object portably). The generated code describes a
 * regex_t by talent_regex_type below: one accessor member, "compiled", 1 for a regex_t in this table; none of its
 * bytes is saved. At the restore each object decoded with compiled = 1 is compiled again from its table entry by the
 * restoring C library's regcomp, once every object is in place (tl_regex_resume).
 * A local regex_t (address-taken: regcomp is given its address) is encoded from the copy of its frame made while
 * unwinding: the copy is looked up at the variable's own address (tl_ctx_original), and its bytes are kept until the
 * restore, so that a program going on after the checkpoint in this process (an in-process restore) gets back the
 * automaton it had instead of garbage from the stack (or a second compile that would leak the first).
 * Refused by name at the checkpoint: a regex_t that holds something the table does not know (a copy made with memcpy
 * or an assignment, one compiled where the link did not wrap regcomp), more than TL_REGEX_MAX compiled at once, a
 * pattern longer than TL_REGEX_PATTERN - 1 bytes, flags other than POSIX's four. regfree and a failed regcomp leave the regex_t zero (a
 * program may not use it then), which is carried as not compiled.
 */
#include "regexes.h"
#include "contract.h"
#include "refusal.h"
#include "values.h"
#include "xalloc.h"
#include <regex.h>
#include <stdio.h>
#include <string.h>

int __real_regcomp(regex_t *preg, const char *pattern, int cflags);
void __real_regfree(regex_t *preg);
/* weak: a program that bundles its own regex (gnulib's) keeps its own (ProgramTable) */
__attribute__((weak)) int __wrap_regcomp(regex_t *preg, const char *pattern, int cflags);
__attribute__((weak)) void __wrap_regfree(regex_t *preg);

/* portable flags: bit 0 REG_EXTENDED, 1 REG_ICASE, 2 REG_NEWLINE, 3 REG_NOSUB */
#define PORTABLE_FLAGS 15u

struct tl_regex {
    void *re;                           /* the regex_t */
    uint32_t flags;                     /* portable flags */
    char pattern[TL_REGEX_PATTERN];     /* NUL-terminated, zero after */
};

struct tl_regexes {
    uint32_t count;
    struct tl_regex e[TL_REGEX_MAX];
};

static struct tl_regexes table;
/* compiled and not freed, but not in the table (full, pattern too long, other flags): refuse checkpoints */
struct untracked { void *re; const char *why; };
static struct untracked *untracked;
static size_t nuntracked, untracked_cap;
/* restore: the table as this process had it before (an in-process restore keeps what it compiled), and the
 * objects decoded as compiled */
static struct tl_regexes before;
static void **pending;
static unsigned char *pending_frame;    /* pending[k] is a frame variable's */
static size_t npending, pending_cap;
/* the bytes of each compiled local regex_t the last checkpoint encoded, by the variable's address (above) */
static struct frame_regex {
    void *re;
    regex_t bytes;
} frame_kept[TL_REGEX_MAX];
static unsigned nframe_kept;

static const talent_type t_u32 = TALENT_INT_TYPE(uint32_t, "uint32_t");
static const talent_type t_char = TALENT_INT_TYPE(char, "char");
static const talent_type t_re = TALENT_PTR_TYPE(void *, "void *", "void");
static const talent_type t_pattern = TALENT_ARRAY_TYPE(char[TL_REGEX_PATTERN], "char[512]", char, &t_char);
static const talent_field entry_fields[] = {
    TALENT_FIELD(struct tl_regex, re, &t_re),
    TALENT_FIELD(struct tl_regex, flags, &t_u32),
    TALENT_FIELD(struct tl_regex, pattern, &t_pattern),
};
static const talent_type t_entry = TALENT_STRUCT_TYPE(struct tl_regex, "struct talent_regex", entry_fields);
static const talent_type t_entries = TALENT_ARRAY_TYPE(struct tl_regex[TL_REGEX_MAX], "struct talent_regex[16]",
                                                       struct tl_regex, &t_entry);
static const talent_field table_fields[] = {
    TALENT_FIELD(struct tl_regexes, count, &t_u32),
    TALENT_FIELD(struct tl_regexes, e, &t_entries),
};
static const talent_type t_table = TALENT_STRUCT_TYPE(struct tl_regexes, "struct talent_regexes", table_fields);

static long find(const struct tl_regexes *t, const void *re)
{
    uint32_t i;
    for (i = 0; i < t->count && i < TL_REGEX_MAX; i++)
        if (t->e[i].re == re)
            return (long)i;
    return -1;
}

static void forget(const void *re)
{
    long i = find(&table, re);
    size_t k;
    if (i >= 0) {
        memmove(&table.e[i], &table.e[i + 1], (table.count - (uint32_t)i - 1) * sizeof table.e[0]);
        table.count--;
        memset(&table.e[table.count], 0, sizeof table.e[0]);
    }
    for (k = 0; k < nuntracked; k++)
        if (untracked[k].re == re) {
            untracked[k] = untracked[--nuntracked];
            break;
        }
}

static int portable_flags(int cflags, uint32_t *out)
{
    uint32_t f = 0;
    if (cflags & REG_EXTENDED) f |= 1u, cflags &= ~REG_EXTENDED;
    if (cflags & REG_ICASE) f |= 2u, cflags &= ~REG_ICASE;
    if (cflags & REG_NEWLINE) f |= 4u, cflags &= ~REG_NEWLINE;
    if (cflags & REG_NOSUB) f |= 8u, cflags &= ~REG_NOSUB;
    *out = f;
    return cflags == 0 ? 0 : -1;
}

static int native_flags(uint32_t f)
{
    return (f & 1u ? REG_EXTENDED : 0) | (f & 2u ? REG_ICASE : 0) | (f & 4u ? REG_NEWLINE : 0) |
           (f & 8u ? REG_NOSUB : 0);
}

int __wrap_regcomp(regex_t *preg, const char *pattern, int cflags)
{
    int r;
    uint32_t f;
    size_t len;
    forget(preg);       /* compiled again without regfree: the C library's old automaton is the program's leak */
    r = __real_regcomp(preg, pattern, cflags);
    if (r != 0) {
        memset(preg, 0, sizeof *preg);
        return r;
    }
    len = strlen(pattern);
    if (portable_flags(cflags, &f) == 0 && len < TL_REGEX_PATTERN && table.count < TL_REGEX_MAX) {
        struct tl_regex *e = &table.e[table.count++];
        memset(e, 0, sizeof *e);
        e->re = preg;
        e->flags = f;
        memcpy(e->pattern, pattern, len);
        return 0;
    }
    if (nuntracked == untracked_cap) {
        untracked_cap = untracked_cap ? 2 * untracked_cap : 8;
        untracked = tl_xrealloc(untracked, untracked_cap * sizeof *untracked);
    }
    untracked[nuntracked].re = preg;
    untracked[nuntracked].why = portable_flags(cflags, &f) != 0 ? "with flags other than REG_EXTENDED, REG_ICASE, "
                                "REG_NEWLINE and REG_NOSUB"
                                : len >= TL_REGEX_PATTERN ? "from a pattern longer than the 511 bytes a checkpoint carries"
                                : "while 16 others were compiled, the most a checkpoint carries";
    nuntracked++;
    return 0;
}

void __wrap_regfree(regex_t *preg)
{
    __real_regfree(preg);
    forget(preg);
    memset(preg, 0, sizeof *preg);
}

void tl_regex_global(void **addr, const talent_type **type)
{
    *addr = &table;
    *type = &t_table;
}

int tl_regex_used(void)
{
    return table.count > 0;
}

/* ---------------------------------------------------------------- the descriptor of regex_t */

static void describe(char *buf, size_t len)
{
    if (tl_accessor_ctx)
        tl_ctx_describe(tl_accessor_ctx, buf, len);
    else
        snprintf(buf, len, "a regex_t");
}

static int all_zero(const void *o);

void tl_regex_checkpoint_begin(void)
{
    nframe_kept = 0;
}

static unsigned long long compiled_get(const void *copy)
{
    char what[256];
    size_t k;
    /* a local's copy: the regex_t is the variable itself */
    const void *o = tl_accessor_ctx ? tl_ctx_original(tl_accessor_ctx, copy) : copy;
    if (find(&table, o) >= 0) {
        if (o != copy) {
            unsigned i;
            for (i = 0; i < nframe_kept && frame_kept[i].re != o; i++)
                ;
            if (i < TL_REGEX_MAX) {
                frame_kept[i].re = (void *)o;
                memcpy(&frame_kept[i].bytes, copy, sizeof(regex_t));
                if (i == nframe_kept)
                    nframe_kept++;
            }
        }
        return 1;
    }
    for (k = 0; k < nuntracked; k++)
        if (untracked[k].re == o) {
            describe(what, sizeof what);
            tl_refuse("cannot checkpoint: regex_t '%s' was compiled %s; talent cannot carry it", what, untracked[k].why);
            return 0;
        }
    if (all_zero(copy))
        return 0;
    describe(what, sizeof what);
    tl_refuse("cannot checkpoint: regex_t '%s' holds a compiled expression that regcomp did not compile at its address "
              "(a copy, made with memcpy or an assignment); talent carries a regex_t only where regcomp compiled it",
              what);
    return 0;
}

static void compiled_set(void *o, unsigned long long v)
{
    if (!v)
        return;
    if (npending == pending_cap) {
        pending_cap = pending_cap ? 2 * pending_cap : 8;
        pending = tl_xrealloc(pending, pending_cap * sizeof *pending);
        pending_frame = tl_xrealloc(pending_frame, pending_cap);
    }
    pending_frame[npending] = tl_accessor_ctx && tl_accessor_ctx->frame;
    pending[npending++] = o;
}

static const talent_type t_bit = {TALENT_K_UINT, "uint32_t", 4, 0, 0, 0, 0, 0};
static const talent_field regex_fields[] = {{"compiled", &t_bit, 0, 1, compiled_get, compiled_set, 0}};
const talent_type talent_regex_type = {TALENT_K_STRUCT, "regex_t", sizeof(regex_t), 0, 0, regex_fields, 1, 0};

/* ---------------------------------------------------------------- restore */

void tl_regex_restore_begin(void)
{
    before = table;
    npending = 0;
}

static int all_zero(const void *o)
{
    const unsigned char *b = o;
    size_t k;
    for (k = 0; k < sizeof(regex_t); k++)
        if (b[k])
            return 0;
    return 1;
}

static int valid_entry(const struct tl_regex *e, int used)
{
    size_t n = strnlen(e->pattern, TL_REGEX_PATTERN), k;
    if (!used)
        return !e->re && !e->flags && n == 0;
    if (e->flags & ~PORTABLE_FLAGS || n == TL_REGEX_PATTERN)
        return 0;
    for (k = n; k < TL_REGEX_PATTERN; k++)
        if (e->pattern[k])
            return 0;
    return 1;
}

const char *tl_regex_resume(char *err, size_t errlen)
{
    struct tl_regexes got = table;
    uint32_t i;
    size_t k;
    if (got.count > TL_REGEX_MAX) {
        snprintf(err, errlen, "its table of compiled regular expressions holds %lu, more than %d",
                 (unsigned long)got.count, TL_REGEX_MAX);
        return err;
    }
    for (i = 0; i < TL_REGEX_MAX; i++)
        if (!valid_entry(&got.e[i], i < got.count)) {
            snprintf(err, errlen, "entry %lu of its table of compiled regular expressions is not one", (unsigned long)i);
            return err;
        }
    memset(&table, 0, sizeof table);
    for (k = 0; k < npending; k++) {
        long j = find(&got, pending[k]), b = find(&before, pending[k]);
        struct tl_regex *e;
        int r;
        if (j < 0) {
            snprintf(err, errlen, "a regex_t restored as compiled has no pattern in its table of compiled regular "
                     "expressions");
            return err;
        }
        if (find(&table, pending[k]) >= 0)
            continue;
        e = &table.e[table.count++];
        *e = got.e[j];
        /* an in-process restore: the object is where it was and still holds what this process compiled there; a
           local's memory was the stack's meanwhile: it gets back the bytes its checkpoint kept */
        if (b >= 0 && before.e[b].flags == e->flags && strcmp(before.e[b].pattern, e->pattern) == 0) {
            if (!pending_frame[k] && !all_zero(e->re))
                continue;
            if (pending_frame[k]) {
                unsigned f;
                for (f = 0; f < nframe_kept && frame_kept[f].re != e->re; f++)
                    ;
                if (f < nframe_kept) {
                    memcpy(e->re, &frame_kept[f].bytes, sizeof(regex_t));
                    continue;
                }
            }
        }
        r = __real_regcomp((regex_t *)e->re, e->pattern, native_flags(e->flags));
        if (r != 0) {
            char msg[128];
            regerror(r, (regex_t *)e->re, msg, sizeof msg);
            snprintf(err, errlen, "this C library's regcomp refuses the pattern \"%.200s\" (flags %lu) a regex_t was "
                     "compiled from: %s", e->pattern, (unsigned long)e->flags, msg);
            memset(e->re, 0, sizeof(regex_t));
            return err;
        }
    }
    npending = 0;
    nframe_kept = 0;
    return NULL;
}
