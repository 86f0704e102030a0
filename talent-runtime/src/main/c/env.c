/*
 * The program's environment and locale, carried by a checkpoint as what the program changed since it started (the
 * ENVI section, FORMAT.md): the variables it set (setenv, putenv) with their values, the ones it removed (unsetenv,
 * clearenv), and the locale categories it set (setlocale). A restart applies them on top of the environment it is
 * given, before the program continues. GNU units sets UNITS_SYSTEM with setenv as it starts and reads it back while
 * it parses its definitions; a restart that lost it silently printed other answers.
 *
 * Why the changes and not the whole environment: what the program did not change is the host's (PATH, HOME, TMPDIR,
 * a proxy, credentials in SSH_AUTH_SOCK or a token variable), and a restored program must see the new host's, as a
 * program started there would, and the checkpoint file, which travels between hosts, must not copy them. A variable
 * the program set is told from an inherited one by its string: setenv and putenv put another string in environ, so a
 * variable whose environ pointer is not the one it started with is carried even when its value happens to equal the
 * start value (the destination's may differ).
 *
 * A pointer the program kept from getenv() points into an environ string, which is no heap block (the strings the
 * process started with lie above its initial stack): the checkpoint writes it as a string constant (its whole
 * "NAME=value" string in STRS, values.c), so the restored pointer reads the same characters at the same distance from
 * the string's start, as it would have in the process that took the checkpoint.
 */
#include "env.h"
#include "refusal.h"
#include "diag.h"
#include "xalloc.h"
#include "contract.h"
#include "heap_track.h"
#include "objects.h"
#include "sort.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* One variable: the environ string it is in, the length of its name. */
typedef struct {
    const char *s;          /* "NAME=value" */
    size_t name_len;
    size_t index;           /* position in environ: of two equal names the first is the one getenv sees */
} env_entry;

/* The locale categories the format names (FORMAT.md "ENVI"), in category-number order; the six of C99 and POSIX,
 * then glibc's (musl has none of these: a checkpoint that carries one cannot be restored there, exit 65). */
static const struct {
    int number;
    int lc;
} categories[] = {
    {TL_LOCALE_CTYPE, LC_CTYPE},
    {TL_LOCALE_NUMERIC, LC_NUMERIC},
    {TL_LOCALE_TIME, LC_TIME},
    {TL_LOCALE_COLLATE, LC_COLLATE},
    {TL_LOCALE_MONETARY, LC_MONETARY},
    {TL_LOCALE_MESSAGES, LC_MESSAGES},
#ifdef LC_PAPER
    {TL_LOCALE_PAPER, LC_PAPER},
#endif
#ifdef LC_NAME
    {TL_LOCALE_NAME, LC_NAME},
#endif
#ifdef LC_ADDRESS
    {TL_LOCALE_ADDRESS, LC_ADDRESS},
#endif
#ifdef LC_TELEPHONE
    {TL_LOCALE_TELEPHONE, LC_TELEPHONE},
#endif
#ifdef LC_MEASUREMENT
    {TL_LOCALE_MEASUREMENT, LC_MEASUREMENT},
#endif
#ifdef LC_IDENTIFICATION
    {TL_LOCALE_IDENTIFICATION, LC_IDENTIFICATION},
#endif
};
#define NCATEGORIES (sizeof categories / sizeof categories[0])

static const char *const category_names[TL_LOCALE_MAX_CATEGORY + 1] = {
    "?", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE", "LC_MONETARY", "LC_MESSAGES", "LC_PAPER", "LC_NAME",
    "LC_ADDRESS", "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION"};

static env_entry *start_env;            /* sorted by name, first occurrences only */
static char **start_copy;               /* start_env[i].s's bytes as they were (the program may write a putenv
                                         * string in place) */
static size_t start_n;
static char *start_locale[NCATEGORIES];

const char *tl_locale_category_name(unsigned number)
{
    return number >= 1 && number <= TL_LOCALE_MAX_CATEGORY ? category_names[number] : "?";
}

static int cmp_entry(const void *a, const void *b)
{
    const env_entry *x = a, *y = b;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(x->s, y->s, n);
    if (c != 0)
        return c;
    if (x->name_len != y->name_len)
        return x->name_len < y->name_len ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int same_name(const env_entry *x, const env_entry *y)
{
    return x->name_len == y->name_len && memcmp(x->s, y->s, x->name_len) == 0;
}

/* The current environment's variables sorted by name, the first of equal names only (pointers into environ);
 * *n their number. An entry without '=' (possible only by writing environ directly) is kept as a name whose
 * length is its whole length, and *bad points to it. */
static env_entry *sorted_environ(size_t *n, const char **bad)
{
    size_t k = 0, i, m = 0;
    env_entry *v;
    *bad = NULL;
    while (environ && environ[k])
        k++;
    v = tl_xmalloc((k + 1) * sizeof *v);
    for (i = 0; i < k; i++) {
        const char *eq = strchr(environ[i], '=');
        if (!eq && !*bad)
            *bad = environ[i];
        v[i].s = environ[i];
        v[i].name_len = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        v[i].index = i;
    }
    tl_sort(v, k, sizeof *v, cmp_entry);
    for (i = 0; i < k; i++)
        if (m == 0 || !same_name(&v[m - 1], &v[i]))
            v[m++] = v[i];
    *n = m;
    return v;
}

void tl_env_snapshot(void)
{
    size_t i;
    const char *bad;
    for (i = 0; i < start_n; i++)
        free(start_copy[i]);
    free(start_copy);
    free(start_env);
    start_env = sorted_environ(&start_n, &bad);
    start_copy = tl_xmalloc((start_n + 1) * sizeof *start_copy);
    for (i = 0; i < start_n; i++)
        start_copy[i] = tl_xstrdup(start_env[i].s);
    for (i = 0; i < NCATEGORIES; i++) {
        const char *loc = setlocale(categories[i].lc, NULL);
        free(start_locale[i]);
        start_locale[i] = tl_xstrdup(loc ? loc : "C");
    }
}

int tl_locale_name_valid(const char *s, size_t n)
{
    size_t i;
    if (n == 0 || n > TL_LOCALE_MAX_NAME)
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || !strchr("._@+,-", c) || c == '\0'))
            return 0;
    }
    return 1;
}

static void put_var(tl_buf *b, uint8_t op, const char *name, size_t name_len, const char *value, size_t value_len)
{
    tl_buf_u8(b, op);
    tl_buf_strn(b, name, name_len);
    tl_buf_strn(b, value, value_len);
}

/* Whether the environ string s is a heap block of the C library's own (setenv's: tracked, from no site of the
 * program), not a buffer of the program's. */
static int allocated_by_libc(const char *s)
{
    tl_hdr *h = (uintptr_t)s % 8 == 0 ? tl_heap_header(s) : NULL;
    return h && h->site == 0;
}

/* Whether the environ string s, which the program put there, may be carried as its value: one setenv allocated (a
 * heap block from no site of the program) or a string literal given to putenv. A buffer of the program's own given
 * to putenv (a global, a local, a block from its malloc) is not: environ holds the buffer itself, the program may
 * write into it later and getenv would see the change, which a value set again at the restart would not. */
static int carried_by_value(const char *s)
{
    return tl_is_readonly_data(s) || allocated_by_libc(s);
}

static void refuse_putenv_buffer(const char *s, size_t name_len)
{
    tl_refuse("cannot checkpoint: environment variable '%.*s' is a buffer of the program's own that it gave putenv; "
              "environ holds the buffer itself, so a later write to it changes the variable, and a checkpoint "
              "carries the value only (set it with setenv, or putenv a string literal)",
              (int)(name_len > 128 ? 128 : name_len), s);
}

/* Refuses the checkpoint for variable s (a "NAME=value" string or a name) when it cannot be carried; 0 if it can. */
static int var_bounded(const char *s, size_t name_len, size_t value_len, size_t *total)
{
    if (name_len == 0 || name_len > TL_ENV_MAX_NAME || value_len > TL_ENV_MAX_VALUE) {
        tl_refuse("cannot checkpoint: the program changed its environment variable '%.*s' (%lu bytes of name, %lu of "
                  "value): a checkpoint carries names of 1 to %d bytes and values of at most %d bytes",
                  (int)(name_len > 128 ? 128 : name_len), s, (unsigned long)name_len, (unsigned long)value_len,
                  TL_ENV_MAX_NAME, TL_ENV_MAX_VALUE);
        return -1;
    }
    *total += name_len + value_len;
    if (*total > TL_ENV_MAX_TOTAL) {
        tl_refuse("cannot checkpoint: the program changed its environment by more than %d bytes (names and values, at "
                  "variable '%.*s'): more than a checkpoint carries", TL_ENV_MAX_TOTAL,
                  (int)(name_len > 128 ? 128 : name_len), s);
        return -1;
    }
    return 0;
}

/* Writes variable e as set to its value; refuses the checkpoint (-1) when it cannot be carried: over the bounds, or,
 * when new_string, a putenv buffer of the program's own. */
static int put_set(tl_buf *vars, const env_entry *e, int new_string, size_t *total)
{
    const char *value = e->s + e->name_len + 1;
    size_t vlen = strlen(value);
    if (new_string && !carried_by_value(e->s)) {
        refuse_putenv_buffer(e->s, e->name_len);
        return -1;
    }
    if (var_bounded(e->s, e->name_len, vlen, total) != 0)
        return -1;
    put_var(vars, TL_ENV_SET, e->s, e->name_len, value, vlen);
    return 0;
}

/* The environment strings a pointer may be carried into, by address (built at each checkpoint: ranges_build), so
 * that the test every pointer that is no known object goes through is a binary search, not a scan of environ. */
typedef struct {
    const char *s;
    size_t len;
} env_range;
static env_range *ranges;
static size_t nranges, ranges_cap;

static int cmp_range(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const env_range *)a)->s, y = (uintptr_t)((const env_range *)b)->s;
    return x < y ? -1 : x > y;
}

static void range_add(const char *s, size_t len)
{
    if (nranges == ranges_cap) {
        ranges_cap = ranges_cap ? 2 * ranges_cap : 64;
        ranges = tl_xrealloc(ranges, ranges_cap * sizeof *ranges);
    }
    ranges[nranges].s = s;
    ranges[nranges++].len = len;
}

/* The strings the process started with (unsetenv leaves them where they are; one the program wrote into is left
 * out), and the current ones setenv allocated: a block of its own from no site of the program, not a buffer the
 * program gave putenv, which it may still write or free (that one is its object like any other). */
static void ranges_build(void)
{
    size_t i;
    nranges = 0;
    for (i = 0; i < start_n; i++)
        if (strcmp(start_env[i].s, start_copy[i]) == 0)
            range_add(start_env[i].s, strlen(start_copy[i]));
    for (i = 0; environ && environ[i]; i++)
        if (allocated_by_libc(environ[i]))
            range_add(environ[i], strlen(environ[i]));
    tl_sort(ranges, nranges, sizeof *ranges, cmp_range);
}

const char *tl_env_string_find(const void *p, size_t *len)
{
    uintptr_t a = (uintptr_t)p;
    size_t lo = 0, hi = nranges;
    /* the last range starting at or before p */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)ranges[mid].s <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || a > (uintptr_t)ranges[lo - 1].s + ranges[lo - 1].len)
        return NULL;
    *len = ranges[lo - 1].len;
    return ranges[lo - 1].s;
}

uint32_t tl_env_collect(tl_buf *b)
{
    size_t n, i = 0, j = 0, total = 0, k;
    uint32_t nvars = 0, nloc = 0;
    env_entry *now;
    const char *bad;
    tl_buf vars = {0};
    ranges_build();
    now = sorted_environ(&n, &bad);
    if (bad) {
        tl_refuse("cannot checkpoint: the program's environment holds an entry without '=' ('%.128s'), which no "
                  "setenv can recreate", bad);
        free(now);
        return 0;
    }
    while (i < start_n || j < n) {
        int c = i == start_n ? 1 : j == n ? -1 : cmp_entry(&start_env[i], &now[j]);
        if (i < start_n && j < n && same_name(&start_env[i], &now[j]))
            c = 0;
        if (c == 0) {
            /* the same name: carried when the program put another string there, or wrote into its own */
            const char *s = now[j].s;
            if (s != start_env[i].s || strcmp(s, start_copy[i]) != 0) {
                if (put_set(&vars, &now[j], s != start_env[i].s, &total) != 0)
                    break;
                nvars++;
            }
            i++;
            j++;
        } else if (c < 0) {
            /* removed (unsetenv, clearenv) */
            if (var_bounded(start_env[i].s, start_env[i].name_len, 0, &total) != 0)
                break;
            put_var(&vars, TL_ENV_UNSET, start_env[i].s, start_env[i].name_len, "", 0);
            nvars++;
            i++;
        } else {
            /* added (setenv, putenv) */
            if (put_set(&vars, &now[j], 1, &total) != 0)
                break;
            nvars++;
            j++;
        }
        if (nvars > TL_ENV_MAX_VARS) {
            tl_refuse("cannot checkpoint: the program changed more than %d environment variables (at '%.*s'): more "
                      "than a checkpoint carries", TL_ENV_MAX_VARS, (int)(j > 0 ? now[j - 1].name_len : 0),
                      j > 0 ? now[j - 1].s : "");
            break;
        }
    }
    free(now);
    tl_buf_u32(b, nvars);
    tl_buf_put(b, vars.data, vars.len);
    tl_buf_free(&vars);
    /* the locale categories the program set since it started, by increasing number */
    {
        unsigned char which[NCATEGORIES];
        for (k = 0; k < NCATEGORIES; k++) {
            const char *loc = setlocale(categories[k].lc, NULL);
            which[k] = loc && strcmp(loc, start_locale[k]) != 0;
            if (!which[k])
                continue;
            if (!tl_locale_name_valid(loc, strlen(loc))) {
                tl_refuse("cannot checkpoint: the program set its locale category %s to '%.80s' (setlocale): a "
                          "checkpoint carries locale names of 1 to %d letters, digits and '._@+,-' only",
                          tl_locale_category_name((unsigned)categories[k].number), loc, TL_LOCALE_MAX_NAME);
                which[k] = 0;
                continue;
            }
            nloc++;
        }
        tl_buf_u8(b, (uint8_t)nloc);
        for (k = 0; k < NCATEGORIES; k++)
            if (which[k]) {
                tl_buf_u8(b, (uint8_t)categories[k].number);
                tl_buf_str(b, setlocale(categories[k].lc, NULL));
            }
    }
    return nvars + nloc;
}

void tl_env_restore(const tl_checkpoint *ck)
{
    uint32_t i;
    size_t k;
    for (i = 0; i < ck->nenv; i++) {
        const tl_ck_env *e = &ck->env[i];
        if (e->op == TL_ENV_SET ? setenv(e->name, e->value, 1) != 0 : unsetenv(e->name) != 0)
            tl_die(TL_EXIT_DATAERR, "cannot restore environment variable '%.128s' (%s): the C library refused it",
                   e->name, e->op == TL_ENV_SET ? "setenv" : "unsetenv");
    }
    for (i = 0; i < ck->nlocale; i++) {
        const tl_ck_locale *l = &ck->locale[i];
        int lc = -1;
        for (k = 0; k < NCATEGORIES; k++)
            if (categories[k].number == l->category)
                lc = categories[k].lc;
        if (lc < 0)
            tl_die(TL_EXIT_DATAERR, "cannot restore the locale: the program had set %s to '%s' (setlocale), and this "
                   "platform's C library has no category %s", tl_locale_category_name(l->category), l->name,
                   tl_locale_category_name(l->category));
        if (!setlocale(lc, l->name))
            tl_die(TL_EXIT_DATAERR, "cannot restore the locale: the program had set %s to '%s' (setlocale), and this "
                   "platform's C library cannot set that locale (it is not installed or not known here); the "
                   "program would run in another locale", tl_locale_category_name(l->category), l->name);
    }
}

/* Orders two names as ENVI lists them: unsigned bytes, a prefix first. */
static int cmp_name(const unsigned char *a, uint32_t an, const unsigned char *b, uint32_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c != 0 ? c : an < bn ? -1 : an > bn;
}

int tl_env_parse(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t n, i;
    uint8_t nloc, prev_cat = 0;
    const unsigned char *prev = NULL;
    uint32_t prev_len = 0;
    uint64_t total = 0;
    size_t at = r->pos;
    n = tl_rd_u32(r);
    if (r->failed)
        return -1;
    /* each variable takes at least 9 bytes (op, two lengths): checked before anything is allocated */
    if (n > TL_ENV_MAX_VARS || n > (r->len - r->pos) / 9) {
        tl_reader_fail(r, "at offset %lu: %lu environment variables (at most %d, and each takes 9 bytes or more)",
                       (unsigned long)(r->base + at), (unsigned long)n, TL_ENV_MAX_VARS);
        return -1;
    }
    ck->env = tl_xcalloc(n + 1, sizeof *ck->env);
    for (i = 0; i < n; i++) {
        tl_ck_env *e = &ck->env[i];
        const unsigned char *name, *value;
        uint32_t name_len, value_len;
        size_t vat = r->pos;
        e->op = tl_rd_u8(r);
        name = tl_rd_bytes_ref(r, &name_len);
        value = tl_rd_bytes_ref(r, &value_len);
        if (r->failed)
            return -1;
        if (e->op != TL_ENV_SET && e->op != TL_ENV_UNSET) {
            tl_reader_fail(r, "at offset %lu: variable %lu: operation %u is neither 1 (set) nor 2 (unset)",
                           (unsigned long)(r->base + vat), (unsigned long)i, e->op);
            return -1;
        }
        if (name_len == 0 || name_len > TL_ENV_MAX_NAME || memchr(name, '\0', name_len) || memchr(name, '=', name_len)) {
            tl_reader_fail(r, "at offset %lu: variable %lu: a name of %lu bytes that is empty, longer than %d, or holds "
                           "'=' or a NUL", (unsigned long)(r->base + vat), (unsigned long)i, (unsigned long)name_len,
                           TL_ENV_MAX_NAME);
            return -1;
        }
        if (value_len > (e->op == TL_ENV_SET ? TL_ENV_MAX_VALUE : 0) || memchr(value, '\0', value_len)) {
            tl_reader_fail(r, "at offset %lu: variable %lu: a value of %lu bytes (at most %d for a set, none for an "
                           "unset) or one that holds a NUL", (unsigned long)(r->base + vat), (unsigned long)i,
                           (unsigned long)value_len, e->op == TL_ENV_SET ? TL_ENV_MAX_VALUE : 0);
            return -1;
        }
        if (prev && cmp_name(prev, prev_len, name, name_len) >= 0) {
            tl_reader_fail(r, "at offset %lu: variable %lu: names are not in strictly increasing byte order",
                           (unsigned long)(r->base + vat), (unsigned long)i);
            return -1;
        }
        total += (uint64_t)name_len + value_len;
        if (total > TL_ENV_MAX_TOTAL) {
            tl_reader_fail(r, "at offset %lu: variable %lu: names and values exceed %d bytes in all",
                           (unsigned long)(r->base + vat), (unsigned long)i, TL_ENV_MAX_TOTAL);
            return -1;
        }
        prev = name, prev_len = name_len;
        e->name = tl_xstrndup((const char *)name, name_len);
        e->value = tl_xstrndup((const char *)value, value_len);
        ck->nenv = i + 1;
    }
    at = r->pos;
    nloc = tl_rd_u8(r);
    if (r->failed)
        return -1;
    if (nloc > TL_LOCALE_MAX_CATEGORY) {
        tl_reader_fail(r, "at offset %lu: %u locale categories (at most %d)", (unsigned long)(r->base + at), nloc,
                       TL_LOCALE_MAX_CATEGORY);
        return -1;
    }
    ck->locale = tl_xcalloc((size_t)nloc + 1, sizeof *ck->locale);
    for (i = 0; i < nloc; i++) {
        tl_ck_locale *l = &ck->locale[i];
        const unsigned char *name;
        uint32_t name_len;
        size_t lat = r->pos;
        l->category = tl_rd_u8(r);
        name = tl_rd_str_ref(r, &name_len);
        if (r->failed)
            return -1;
        if (l->category < 1 || l->category > TL_LOCALE_MAX_CATEGORY || l->category <= prev_cat) {
            tl_reader_fail(r, "at offset %lu: locale category %u out of range 1..%d or not after the previous one (%u)",
                           (unsigned long)(r->base + lat), l->category, TL_LOCALE_MAX_CATEGORY, prev_cat);
            return -1;
        }
        if (!tl_locale_name_valid((const char *)name, name_len)) {
            tl_reader_fail(r, "at offset %lu: locale of %s: a name of %lu bytes that is not 1 to %d letters, digits and "
                           "'._@+,-' starting with a letter or digit", (unsigned long)(r->base + lat),
                           tl_locale_category_name(l->category), (unsigned long)name_len, TL_LOCALE_MAX_NAME);
            return -1;
        }
        prev_cat = l->category;
        l->name = tl_xstrndup((const char *)name, name_len);
        ck->nlocale = i + 1;
    }
    return 0;
}
