/*
 * Memory the program may point into that talent does not carry (foreign.h).
 *
 * A pointer into the C library's static storage is NOT refused: it cannot be told from stack garbage that happens to
 * point there (a local array of
 * pointers not yet all written, which a correct program never reads: LibcStateIT's strdup program left such a
 * `keep[85]` and had its every checkpoint refused when the executable's image was checked here). Such a pointer
 * stays indeterminate, and a program that reads through it after a restart still crashes (docs/COVERAGE.md).
 *
 * mmap, munmap, mremap and mprotect are wrapped at link time (RuntimeLibrary.WRAPPED_OTHER, heap_mapping.c): an
 * anonymous private read-write mapping is carried as a heap block; every other mapping the process made is kept in
 * the list here, and a pointer into one refuses a checkpoint by name (its contents are not carried). The list is
 * bounded; mappings beyond it are not known (pointers into them stay indeterminate, as before).
 *
 * inet_ntoa formats into the runtime's buffer, carried as "<libc>:inet_ntoa", so a pointer the program keeps to its
 * result points to the same text after a restore, on any ISA. l64a, ether_ntoa, ecvt and fcvt return their text in a
 * buffer of the runtime's likewise (below), as do ether_aton and tmpnam (tmpnam.c). localeconv and the getpwnam/getgrnam
 * family (pwgr.c), the netdb.h lookups (netproto.c ...) and ptsname (ptsname.c) return a copy in the runtime's memory
 * that is not carried: a pointer kept into it refuses a
 * checkpoint by name (a copy of the runtime's own, which garbage of a program that never called them cannot hit).
 */
/* mmap's own off_t: 32 bits in glibc's i686 "mmap", 64 in its "mmap64" and everywhere in musl */
#define _FILE_OFFSET_BITS 32
/* MAP_ANONYMOUS (glibc and musl declare it under _DEFAULT_SOURCE) */
#define _DEFAULT_SOURCE 1
#include "foreign.h"
#include "contract.h"
#include "strerror.h"
#include <locale.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>
#include <sys/mman.h>

#define TL_WEAK __attribute__((weak))


/* The executable's read-only part (GNU ld's symbols of every target): where the C library's constant texts lie. The
 * same range as objects.c's tl_is_readonly_data, a layer above this file. */
extern const char __executable_start[];
extern const char __init_array_start[];

static int readonly_text(const char *s)
{
    return (uintptr_t)s >= (uintptr_t)__executable_start && (uintptr_t)s < (uintptr_t)__init_array_start;
}

/* ---------------------------------------------------------------- the mappings */

#define MAX_MAPPINGS 1024

struct mapping {
    uintptr_t base;
    size_t len;
    int kind;
};
static struct mapping maps[MAX_MAPPINGS];
static unsigned nmaps;

void tl_foreign_map_add(uintptr_t base, size_t len, int kind)
{
    if (len == 0 || nmaps == MAX_MAPPINGS)
        return;
    maps[nmaps].base = base;
    maps[nmaps].len = len;
    maps[nmaps].kind = kind;
    nmaps++;
}

/* forgets [base, base+len): whole entries, their ends, or splits one around it */
void tl_foreign_map_remove(uintptr_t base, size_t len)
{
    uintptr_t end = base + len;
    unsigned i = 0;
    while (i < nmaps) {
        struct mapping *m = &maps[i];
        uintptr_t mend = m->base + m->len;
        if (end <= m->base || base >= mend) {
            i++;
            continue;
        }
        if (base > m->base && end < mend) {
            /* a hole in the middle: the upper part becomes an entry of its own */
            struct mapping upper = {end, mend - end, m->kind};
            m->len = base - m->base;
            tl_foreign_map_add(upper.base, upper.len, upper.kind);
            i++;
        } else if (base > m->base) {
            m->len = base - m->base;
            i++;
        } else if (end < mend) {
            m->len = mend - end;
            m->base = end;
            i++;
        } else {
            *m = maps[--nmaps];
        }
    }
}

int tl_foreign_map_kind(uintptr_t a)
{
    unsigned i;
    for (i = 0; i < nmaps; i++)
        if (a >= maps[i].base && a - maps[i].base < maps[i].len)
            return maps[i].kind;
    return 0;
}

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);
void *__real_mremap(void *old, size_t old_len, size_t new_len, int flags, ...);

void *tl_runtime_mmap(void *addr, size_t len, int prot, int flags, int fd)
{
    return __real_mmap(addr, len, prot, flags, fd, 0);
}

int tl_runtime_munmap(void *addr, size_t len)
{
    return __real_munmap(addr, len);
}

void *tl_runtime_mremap(void *old, size_t old_len, size_t new_len)
{
    return __real_mremap(old, old_len, new_len, 1); /* MREMAP_MAYMOVE (glibc declares it under _GNU_SOURCE) */
}

/* ---------------------------------------------------------------- results copied, not carried */

/* localeconv's, and pwgr.c's getpwnam's and getgrnam's kinds, results: a struct with pointers to strings (and
 * gr_mem's array) in the C library's static storage. Not carried (their layouts differ between C libraries and ISAs):
 * each wrapper copies the result, strings and all, into a buffer of the runtime's and returns the copy, so that a
 * pointer the program keeps into it, to the struct or to one of its strings, is known and refuses a checkpoint by name
 * (values.c) instead of being saved indeterminate and crashing the restarted program. A buffer that grows is never
 * freed (a pointer into the earlier one is still refused, not left dangling); every one is in `uncarried`. */
#define MAX_UNCARRIED 64
static const char *const uncarried_what[TL_UNCARRIED_COUNT] = {
    "the result of localeconv (a struct lconv and its strings, the C library's static storage), which a checkpoint "
    "does not carry: copy the fields the program needs (or call localeconv again after the loop) instead of keeping "
    "the pointer across a stop",
    "the result of getpwnam, getpwuid or getpwent (a struct passwd and its strings, the C library's static storage), "
    "which a checkpoint does not carry: copy the fields the program needs, or use getpwnam_r/getpwuid_r with storage "
    "of the program's, instead of keeping the pointer across a stop",
    "the result of getgrnam, getgrgid or getgrent (a struct group, its strings and its gr_mem array, the C library's "
    "static storage), which a checkpoint does not carry: copy the fields the program needs, or use "
    "getgrnam_r/getgrgid_r with storage of the program's, instead of keeping the pointer across a stop",
    "the result of getprotobyname, getprotobynumber or getprotoent (a struct protoent, its strings and its p_aliases "
    "array, the C library's static storage), which a checkpoint does not carry: copy the fields the program needs "
    "instead of keeping the pointer across a stop",
    "the result of getservbyname, getservbyport or getservent (a struct servent, its strings and its s_aliases array, "
    "the C library's static storage), which a checkpoint does not carry: copy the fields the program needs instead of "
    "keeping the pointer across a stop",
    "the result of gethostbyname, gethostbyaddr or gethostent (a struct hostent, its strings and its h_aliases and "
    "h_addr_list arrays, the C library's static storage), which a checkpoint does not carry: copy the fields the "
    "program needs, or use getaddrinfo, whose result the program owns, instead of keeping the pointer across a stop",
    "the result of getnetbyname, getnetbyaddr or getnetent (a struct netent, its strings and its n_aliases array, the "
    "C library's static storage), which a checkpoint does not carry: copy the fields the program needs instead of "
    "keeping the pointer across a stop",
    ("the result of ptsname (a path in the C library's static buffer), which a checkpoint does not carry: copy the "
     "path, or use ptsname_r with storage of the program's, instead of keeping the pointer across a stop"),
};
static struct uncarried {
    uintptr_t base;
    size_t len;
    int which;
} uncarried[MAX_UNCARRIED];
static unsigned nuncarried;
static struct {
    char *buf;
    size_t cap;
} uncarried_cur[TL_SLOT_COUNT];

void *tl_uncarried_buffer(int which, int slot, size_t need)
{
    size_t cap;
    char *b;
    if (which < 0 || which >= TL_UNCARRIED_COUNT || slot < 0 || slot >= TL_SLOT_COUNT)
        return NULL;
    if (uncarried_cur[slot].cap >= need)
        return uncarried_cur[slot].buf;
    if (nuncarried == MAX_UNCARRIED)
        return NULL;
    cap = uncarried_cur[slot].cap ? uncarried_cur[slot].cap * 2 : 4096;
    while (cap < need)
        cap *= 2;
    /* the C library's mmap, not the wrapped one: the runtime's memory is never one of the program's mappings */
    b = __real_mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (b == MAP_FAILED)
        return NULL;
    uncarried[nuncarried].base = (uintptr_t)b;
    uncarried[nuncarried].len = cap;
    uncarried[nuncarried].which = which;
    nuncarried++;
    uncarried_cur[slot].buf = b;
    uncarried_cur[slot].cap = cap;
    return b;
}

char *tl_uncarried_string(char **at, const char *s)
{
    size_t n;
    char *r = *at;
    if (!s)
        return NULL;
    n = strlen(s) + 1;
    memcpy(r, s, n);
    *at += n;
    return r;
}

size_t tl_uncarried_strings_size(char *const *v)
{
    size_t n = 0, k;
    if (!v)
        return 0;
    for (k = 0; v[k]; k++)
        n += strlen(v[k]) + 1;
    return n + (k + 1) * sizeof(char *);
}

size_t tl_uncarried_array_size(char *const *v)
{
    size_t n = 0;
    if (!v)
        return 0;
    while (v[n])
        n++;
    return (n + 1) * sizeof(char *);
}

char **tl_uncarried_strings(char **ptrs, char **at, char *const *v)
{
    char **r = (char **)(void *)*ptrs;
    size_t k, n = 0;
    if (!v)
        return NULL;
    while (v[n])
        n++;
    *ptrs += (n + 1) * sizeof(char *);
    for (k = 0; k < n; k++)
        r[k] = tl_uncarried_string(at, v[k]);
    r[n] = NULL;
    return r;
}

static const char *member_string(const void *p, size_t at)
{
    const char *s;
    memcpy(&s, (const char *)p + at, sizeof s);
    return s;
}

/* Copied, that is: neither NULL nor a constant text in the executable's read-only part */
static int copied(const char *s)
{
    return s && !readonly_text(s);
}

void *tl_uncarried_copy(int which, int slot, void *p, const struct tl_uncarried_shape *shape)
{
    char *const *v = NULL;
    char *c, *ptrs, *at;
    size_t need = shape->size, k;
    if (!p)
        return p;
    if (shape->array != TL_NO_ARRAY) {
        memcpy(&v, (const char *)p + shape->array, sizeof v);
        need += tl_uncarried_strings_size(v);
    }
    for (k = 0; k < shape->nstrings; k++) {
        const char *s = member_string(p, shape->strings[k]);
        if (copied(s))
            need += strlen(s) + 1;
    }
    c = tl_uncarried_buffer(which, slot, need);
    if (!c)
        return p;
    memcpy(c, p, shape->size);
    /* the array right after the struct (a struct of pointers: aligned for them), its strings and the members' after */
    ptrs = c + shape->size;
    at = ptrs + tl_uncarried_array_size(v);
    if (shape->array != TL_NO_ARRAY) {
        char **r = tl_uncarried_strings(&ptrs, &at, v);
        memcpy(c + shape->array, &r, sizeof r);
    }
    for (k = 0; k < shape->nstrings; k++) {
        const char *s = member_string(p, shape->strings[k]);
        if (copied(s)) {
            char *r = tl_uncarried_string(&at, s);
            memcpy(c + shape->strings[k], &r, sizeof r);
        }
    }
    return c;
}

/* struct lconv's strings, by their offsets: the C99 members of glibc's and musl's (musl's "." of the C locale is a
 * constant text: it stays) */
static const size_t lconv_strings[] = {
    offsetof(struct lconv, decimal_point),   offsetof(struct lconv, thousands_sep),
    offsetof(struct lconv, grouping),        offsetof(struct lconv, int_curr_symbol),
    offsetof(struct lconv, currency_symbol), offsetof(struct lconv, mon_decimal_point),
    offsetof(struct lconv, mon_thousands_sep), offsetof(struct lconv, mon_grouping),
    offsetof(struct lconv, positive_sign),   offsetof(struct lconv, negative_sign),
};
static const struct tl_uncarried_shape lconv_shape = {sizeof(struct lconv), lconv_strings,
                                                      sizeof lconv_strings / sizeof lconv_strings[0], TL_NO_ARRAY};

struct lconv *__real_localeconv(void);
TL_WEAK struct lconv *__wrap_localeconv(void);

struct lconv *__wrap_localeconv(void)
{
    return tl_uncarried_copy(TL_UNCARRIED_LCONV, TL_SLOT_LCONV, __real_localeconv(), &lconv_shape);
}

/* ---------------------------------------------------------------- what a pointer points into */

const char *tl_foreign_memory(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    unsigned i;
    for (i = 0; i < nuncarried; i++)
        if (a >= uncarried[i].base && a - uncarried[i].base < uncarried[i].len)
            return uncarried_what[uncarried[i].which];
    return tl_foreign_map_what(tl_foreign_map_kind(a));
}

const char *tl_foreign_map_what(int kind)
{
    if (kind & TL_MAP_SHARED)
        return "a shared memory mapping (mmap with MAP_SHARED), whose contents a checkpoint does not carry";
    if (kind & TL_MAP_FILE)
        return "a memory mapping of a file (mmap), whose contents a checkpoint does not carry";
    if (kind & TL_MAP_FIXED)
        return "an anonymous memory mapping at an address the program chose (mmap with MAP_FIXED or an address hint), "
               "which a restore cannot give back: a checkpoint carries a whole read-write mapping that mmap placed";
    if (kind & TL_MAP_PROT)
        return "an anonymous memory mapping that is not readable and writable as a whole (PROT_NONE or read-only "
               "pages, a guard page: mmap or mprotect), which a checkpoint does not carry";
    if (kind & TL_MAP_CUT)
        return "an anonymous memory mapping that was partly unmapped or remapped (munmap or mremap of a part of it), "
               "which a checkpoint does not carry";
    if (kind)
        return "an anonymous memory mapping (mmap with MAP_ANONYMOUS and flags other than MAP_PRIVATE, MAP_NORESERVE "
               "and MAP_POPULATE, or beyond the 1024 carried), whose contents a checkpoint does not carry";
    return NULL;
}

/* ---------------------------------------------------------------- inet_ntoa */

#define INET_MAX 16     /* "255.255.255.255" and its NUL */
static char inet_buf[INET_MAX];
static int inet_used;
static const talent_type t_ichar = TALENT_INT_TYPE(char, "char");
static const talent_type t_inet = TALENT_ARRAY_TYPE(char[INET_MAX], "char[16]", char, &t_ichar);

struct tl_in_addr { uint32_t s_addr; };     /* struct in_addr: one in_addr_t, network byte order */
TL_WEAK char *__wrap_inet_ntoa(struct tl_in_addr in);

char *__wrap_inet_ntoa(struct tl_in_addr in)
{
    /* the address's bytes in memory order are its dotted parts, on every ISA */
    const unsigned char *b = (const unsigned char *)&in.s_addr;
    inet_used = 1;
    /* NULs after the text, as both readers require (no rest of a longer earlier result) */
    memset(inet_buf, 0, sizeof inet_buf);
    snprintf(inet_buf, sizeof inet_buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return inet_buf;
}

int tl_inet_ntoa_used(void)
{
    return inet_used;
}

void tl_inet_ntoa_global(void **addr, const talent_type **type)
{
    *addr = inet_buf;
    *type = &t_inet;
}

const char *tl_inet_ntoa_restored(void)
{
    size_t n = strnlen(inet_buf, INET_MAX), k;
    if (n == 0)
        return NULL;
    if (n == INET_MAX)
        return "a result of inet_ntoa (<libc>:inet_ntoa) that is not valid";
    for (k = 0; k < n; k++)
        if (!((inet_buf[k] >= '0' && inet_buf[k] <= '9') || inet_buf[k] == '.'))
            return "a result of inet_ntoa (<libc>:inet_ntoa) that is not valid";
    for (k = n; k < INET_MAX; k++)
        if (inet_buf[k])
            return "a result of inet_ntoa (<libc>:inet_ntoa) that is not valid";
    inet_used = 1;
    return NULL;
}

/* ---------------------------------------------------------------- l64a, ether_ntoa, ecvt, fcvt */

/* Each returns the C library's one static buffer, overwritten by the next call: the wrapper calls the C library's
 * function and copies its text into one buffer of the runtime's, which it returns, carried ("<libc>:l64a",
 * "<libc>:ether_ntoa") once the program has called the function. So a pointer kept across a stop points to the same
 * text after it, on any ISA or C library, and a later call overwrites what an earlier one returned, as the C library
 * does (its text is the C library's of the platform where the call ran: glibc writes ether_ntoa's digits in lower case
 * without leading zeros, musl in upper case with them). */
enum { TEXT_L64A, TEXT_ETHER_NTOA, TEXT_ECVT, TEXT_FCVT, TEXT_TMPNAM, TEXT_STRERROR, TEXT_STRSIGNAL, TEXT_COUNT };
/* A byte apart from each other and from any other object: a pointer to the start of one is never also one past the
 * end of another, which a reader with another layout could not tell apart (FORMAT.md "Pointers", BOUNDARY) */
static struct {
    char gap0, l64a[TL_L64A_MAX], gap1, ether[TL_ETHER_NTOA_MAX], gap2, ecvt[TL_ECVT_MAX], gap3, fcvt[TL_FCVT_MAX], gap4;
    char tmpnam[TL_TMPNAM_MAX], gap5;
    struct tl_ether_addr {
        unsigned char ether_addr_octet[TL_ETHER_ATON_SIZE];
    } aton;
    char gap6;
} bufs;
static const talent_type t_l64a = TALENT_ARRAY_TYPE(char[TL_L64A_MAX], "char[8]", char, &t_ichar);
static const talent_type t_ether = TALENT_ARRAY_TYPE(char[TL_ETHER_NTOA_MAX], "char[24]", char, &t_ichar);
static const talent_type t_ecvt = TALENT_ARRAY_TYPE(char[TL_ECVT_MAX], "char[32]", char, &t_ichar);
static const talent_type t_fcvt = TALENT_ARRAY_TYPE(char[TL_FCVT_MAX], "char[1408]", char, &t_ichar);
static const talent_type t_tmpnam = TALENT_ARRAY_TYPE(char[TL_TMPNAM_MAX], "char[24]", char, &t_ichar);
static const talent_type t_unknown = TALENT_ARRAY_TYPE(char[TL_UNKNOWN_TEXT_MAX], "char[48]", char, &t_ichar);
static const struct text_result {
    char *buf;
    size_t size;
    const talent_type *type;
    const char *allowed;
    const char *bad;
} texts[TEXT_COUNT] = {
    {bufs.l64a, TL_L64A_MAX, &t_l64a, TL_L64A_DIGITS, "a result of l64a (<libc>:l64a) that is not valid"},
    {bufs.ether, TL_ETHER_NTOA_MAX, &t_ether, TL_ETHER_NTOA_DIGITS,
     "a result of ether_ntoa (<libc>:ether_ntoa) that is not valid"},
    {bufs.ecvt, TL_ECVT_MAX, &t_ecvt, TL_CVT_DIGITS, "a result of ecvt (<libc>:ecvt) that is not valid"},
    {bufs.fcvt, TL_FCVT_MAX, &t_fcvt, TL_CVT_DIGITS, "a result of fcvt (<libc>:fcvt) that is not valid"},
    {bufs.tmpnam, TL_TMPNAM_MAX, &t_tmpnam, TL_TMPNAM_CHARS, "a result of tmpnam (<libc>:tmpnam) that is not valid"},
    /* strerror.c's, written there: used once not empty */
    {tl_unknown_texts.error, TL_UNKNOWN_TEXT_MAX, &t_unknown, TL_UNKNOWN_TEXT_CHARS,
     "a result of strerror (<libc>:strerror) that is not valid"},
    {tl_unknown_texts.signal, TL_UNKNOWN_TEXT_MAX, &t_unknown, TL_UNKNOWN_TEXT_CHARS,
     "a result of strsignal (<libc>:strsignal) that is not valid"},
};
static int text_used[TEXT_COUNT];


/* The C library's text into the carried buffer, NULs after it as both readers require; a text longer than the buffer
 * (none that these functions write) is cut. A result that is not its buffer stays what it is: NULL, or a constant
 * text (glibc's l64a(0) returns a literal "" and leaves its buffer as it was, musl's writes "" into its buffer): a
 * pointer to such a text is carried as a string constant (values.c), and the buffer keeps the earlier result. */
static char *text_kept(int which, char *text)
{
    const struct text_result *t = &texts[which];
    if (!text || readonly_text(text))
        return text;
    text_used[which] = 1;
    memset(t->buf, 0, t->size);
    memcpy(t->buf, text, strnlen(text, t->size - 1));
    return t->buf;
}

struct ether_addr;
char *__real_l64a(long v);
char *__real_ether_ntoa(const struct ether_addr *a);
TL_WEAK char *__wrap_l64a(long v);
TL_WEAK char *__wrap_ether_ntoa(const struct ether_addr *a);

char *__wrap_l64a(long v)
{
    return text_kept(TEXT_L64A, __real_l64a(v));
}

char *__wrap_ether_ntoa(const struct ether_addr *a)
{
    return text_kept(TEXT_ETHER_NTOA, __real_ether_ntoa(a));
}

/* ether_aton's result, a struct ether_addr in the C library's static storage: its six octets copied into the
 * runtime's, carried ("<libc>:ether_aton") once the program has called it. Every octet is valid; NULL (a text that is no
 * address) is returned as it is and leaves the earlier result, as the C library does. */
static const talent_type t_octet = TALENT_INT_TYPE(unsigned char, "unsigned char");
static const talent_type t_octets = TALENT_ARRAY_TYPE(unsigned char[TL_ETHER_ATON_SIZE], "unsigned char[6]",
                                                      unsigned char, &t_octet);
static const talent_field aton_fields[] = {TALENT_FIELD(struct tl_ether_addr, ether_addr_octet, &t_octets)};
/* the C library's spelling: a program's struct ether_addr * points to this global, of its own type (values.c refuses a
 * struct pointer into storage of another type) */
static const talent_type t_aton = TALENT_STRUCT_TYPE(struct tl_ether_addr, "struct ether_addr", aton_fields);
static int aton_used;
struct ether_addr *__real_ether_aton(const char *text);
TL_WEAK struct ether_addr *__wrap_ether_aton(const char *text);

struct ether_addr *__wrap_ether_aton(const char *text)
{
    struct ether_addr *a = __real_ether_aton(text);
    if (!a)
        return a;
    aton_used = 1;
    memcpy(bufs.aton.ether_addr_octet, a, TL_ETHER_ATON_SIZE);
    return (struct ether_addr *)(void *)&bufs.aton;
}

int tl_ether_aton_used(void)
{
    return aton_used;
}

void tl_ether_aton_global(void **addr, const talent_type **type)
{
    *addr = &bufs.aton;
    *type = &t_aton;
}

/* glibc's ecvt has a static buffer and its fcvt one it allocates once; musl's both static, ecvt's 16 bytes, fcvt's
 * 1400: every text either writes fits the carried buffer */
char *__real_ecvt(double x, int n, int *decpt, int *sign);
char *__real_fcvt(double x, int n, int *decpt, int *sign);
TL_WEAK char *__wrap_ecvt(double x, int n, int *decpt, int *sign);
TL_WEAK char *__wrap_fcvt(double x, int n, int *decpt, int *sign);

char *__wrap_ecvt(double x, int n, int *decpt, int *sign)
{
    return text_kept(TEXT_ECVT, __real_ecvt(x, n, decpt, sign));
}

char *__wrap_fcvt(double x, int n, int *decpt, int *sign)
{
    return text_kept(TEXT_FCVT, __real_fcvt(x, n, decpt, sign));
}

/* tmpnam's wrapper is tmpnam.c's, an archive member of its own: only a program that calls tmpnam links it, and with it
 * the C library's tmpnam and the linker's warning that goes with it ("the use of `tmpnam' is dangerous") */
char *tl_libc_text_keep(int which, char *text)
{
    /* not strerror's and strsignal's: written in place by strerror.c */
    return which >= 0 && which < TEXT_STRERROR ? text_kept(which, text) : text;
}

int tl_libc_text_used(int which)
{
    if (which == TEXT_STRERROR || which == TEXT_STRSIGNAL)
        return texts[which].buf[0] != '\0';
    return which >= 0 && which < TEXT_COUNT && text_used[which];
}

void tl_libc_text_global(int which, void **addr, const talent_type **type)
{
    *addr = texts[which].buf;
    *type = texts[which].type;
}

const char *tl_libc_texts_restored(void)
{
    int w;
    for (w = 0; w < TEXT_COUNT; w++) {
        const struct text_result *t = &texts[w];
        size_t n = strnlen(t->buf, t->size), k;
        if (n == t->size)
            return t->bad;
        for (k = 0; k < t->size; k++)
            if (k < n ? !strchr(t->allowed, t->buf[k]) : t->buf[k] != 0)
                return t->bad;
    }
    return NULL;
}

void tl_libc_text_restored_global(const void *addr)
{
    int w;
    /* restored from a checkpoint (the text of an earlier call the program may point to, "" too): carried again */
    for (w = 0; w < TEXT_COUNT; w++)
        if (addr == texts[w].buf)
            text_used[w] = 1;
    if (addr == &bufs.aton)
        aton_used = 1;
}
