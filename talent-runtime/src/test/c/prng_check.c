/* libc_state.c's generators and strtok against the C library it is linked with (no --wrap here: rand() is the C
 * library's, __wrap_rand the runtime's). Every draw of both must be equal, unseeded and after every kind of
 * seeding, on glibc and musl, 64- and 32-bit. Prints "0" and exits 0, or one line per difference and exits 1.
 * Run by LibcStateIT. */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int __wrap_rand(void);
void __wrap_srand(unsigned seed);
long __wrap_random(void);
void __wrap_srandom(unsigned seed);
int __wrap_rand_r(unsigned *seed);
double __wrap_drand48(void);
double __wrap_erand48(unsigned short xsubi[3]);
long __wrap_lrand48(void);
long __wrap_nrand48(unsigned short xsubi[3]);
long __wrap_mrand48(void);
long __wrap_jrand48(unsigned short xsubi[3]);
void __wrap_srand48(long seed);
unsigned short *__wrap_seed48(unsigned short seed16v[3]);
void __wrap_lcong48(unsigned short param[7]);
char *__wrap_strtok(char *s, const char *delim);

/* objects.c's argv, which libc_state.c carries when the program changed it: none in this harness */
struct talent_type;
char **tl_argv;
int tl_argv_changed(void);
const struct talent_type *tl_argv_array_type(void);
int tl_argv_changed(void) { return 0; }
const struct talent_type *tl_argv_array_type(void) { return 0; }

/* exit_handlers.c's and regexes.c's lists, which libc_state.c carries as globals: none in this harness */
void tl_exit_handlers_global(void **addr, const struct talent_type **type);
int tl_exit_handlers_used(void);
void tl_regex_global(void **addr, const struct talent_type **type);
int tl_regex_used(void);
void tl_exit_handlers_global(void **addr, const struct talent_type **type) { *addr = 0; *type = 0; }
int tl_exit_handlers_used(void) { return 0; }
void tl_regex_global(void **addr, const struct talent_type **type) { *addr = 0; *type = 0; }
int tl_regex_used(void) { return 0; }

/* sigdisp.c's set of blocked signals, which libc_state.c carries as a global: never changed in this harness */
int tl_sigdisp_mask_changed(void);
void tl_sigdisp_mask_global(void **addr, const struct talent_type **type);
const char *tl_sigdisp_mask_restored(void);
int tl_sigdisp_mask_changed(void) { return 0; }
void tl_sigdisp_mask_global(void **addr, const struct talent_type **type) { *addr = 0; *type = 0; }
const char *tl_sigdisp_mask_restored(void) { return 0; }

/* streammodes.c's buffering modes and orientations, which libc_state.c carries as a global: none in this harness */
int tl_streammodes_collect(void);
void tl_streammodes_global(void **addr, const struct talent_type **type);
const char *tl_streammodes_restored(void);
int tl_streammodes_collect(void) { return 0; }
void tl_streammodes_global(void **addr, const struct talent_type **type) { *addr = 0; *type = 0; }
const char *tl_streammodes_restored(void) { return 0; }

/* pending.c's unwritten bytes of stdout and stderr, which libc_state.c carries as a global: none in this harness */
int tl_pending_collect(void);
void tl_pending_global(void **addr, const struct talent_type **type);
int tl_pending_collect(void) { return 0; }
void tl_pending_global(void **addr, const struct talent_type **type) { *addr = 0; *type = 0; }

static int bad;

static void differs(const char *what, long seed, int k, double libc, double ours)
{
    if (bad++ < 40)
        printf("%s seed %ld draw %d: C library %.17g, runtime %.17g\n", what, seed, k, libc, ours);
}

static void draws(long seed, int n)
{
    int k;
    for (k = 0; k < n; k++) {
        int a = rand(), b = __wrap_rand();
        if (a != b) differs("rand", seed, k, a, b);
    }
    for (k = 0; k < n; k++) {
        long a = random(), b = __wrap_random();
        if (a != b) differs("random", seed, k, (double)a, (double)b);
    }
}

static void draws48(long seed, int n)
{
    int k;
    for (k = 0; k < n; k++) {
        double a = drand48(), b = __wrap_drand48();
        long la, lb, ma, mb;
        if (memcmp(&a, &b, sizeof a) != 0) differs("drand48", seed, k, a, b);
        la = lrand48(); lb = __wrap_lrand48();
        if (la != lb) differs("lrand48", seed, k, (double)la, (double)lb);
        ma = mrand48(); mb = __wrap_mrand48();
        if (ma != mb) differs("mrand48", seed, k, (double)ma, (double)mb);
    }
}

static void buffers48(long seed, int n)
{
    unsigned short a[3] = {(unsigned short)seed, 0x1234, 0xabcd}, b[3];
    int k;
    memcpy(b, a, sizeof a);
    for (k = 0; k < n; k++) {
        double da = erand48(a), db = __wrap_erand48(b);
        long na, nb, ja, jb;
        if (memcmp(&da, &db, sizeof da) != 0 || memcmp(a, b, sizeof a) != 0) differs("erand48", seed, k, da, db);
        na = nrand48(a); nb = __wrap_nrand48(b);
        if (na != nb) differs("nrand48", seed, k, (double)na, (double)nb);
        ja = jrand48(a); jb = __wrap_jrand48(b);
        if (ja != jb) differs("jrand48", seed, k, (double)ja, (double)jb);
    }
}

static void tokens(const char *text, const char *delim)
{
    char a[128], b[128];
    char *ta, *tb;
    int k = 0;
    snprintf(a, sizeof a, "%s", text);
    snprintf(b, sizeof b, "%s", text);
    ta = strtok(a, delim);
    tb = __wrap_strtok(b, delim);
    for (;;) {
        if ((ta == NULL) != (tb == NULL) || (ta && (ta - a != tb - b || strcmp(ta, tb) != 0))) {
            if (bad++ < 40)
                printf("strtok \"%s\" token %d: C library %s, runtime %s\n", text, k, ta ? ta : "(null)",
                       tb ? tb : "(null)");
            return;
        }
        if (!ta)
            break;
        ta = strtok(NULL, delim);
        tb = __wrap_strtok(NULL, delim);
        k++;
    }
    /* past the end: both keep answering NULL */
    if (strtok(NULL, delim) != NULL || __wrap_strtok(NULL, delim) != NULL) {
        if (bad++ < 40)
            printf("strtok \"%s\": a token after the end\n", text);
    }
}

int main(void)
{
    static const unsigned seeds[] = {0, 1, 2, 42, 12345, 2147483647u, 2147483648u, 3000000000u, 4294967295u};
    static const long seeds48[] = {0, 1, -1, 42, -5, 2147483647L, 123456789L};
    unsigned k;

    /* unseeded: the state every C library starts from */
    draws(-1, 1000);
    draws48(-1, 300);
    for (k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
        unsigned a = seeds[k], b = seeds[k];
        int d;
        srand(seeds[k]);
        __wrap_srand(seeds[k]);
        draws((long)seeds[k], 400);
        srandom(seeds[k]);
        __wrap_srandom(seeds[k]);
        draws((long)seeds[k], 400);
        for (d = 0; d < 300; d++) {
            int ra = rand_r(&a), rb = __wrap_rand_r(&b);
            if (ra != rb || a != b) differs("rand_r", (long)seeds[k], d, ra, rb);
        }
    }
    for (k = 0; k < sizeof seeds48 / sizeof seeds48[0]; k++) {
        unsigned short s[3] = {(unsigned short)(k * 7919u), 0x5555, (unsigned short)k};
        unsigned short p[7] = {1, 2, 3, 0x1234, 0x5678, 0x9, (unsigned short)(k + 11)};
        unsigned short *oa, *ob;
        srand48(seeds48[k]);
        __wrap_srand48(seeds48[k]);
        draws48(seeds48[k], 200);
        buffers48(seeds48[k], 100);
        oa = seed48(s);
        ob = __wrap_seed48(s);
        if (memcmp(oa, ob, 3 * sizeof *oa) != 0) differs("seed48's previous seed", seeds48[k], 0, oa[0], ob[0]);
        draws48(seeds48[k], 100);
        lcong48(p);
        __wrap_lcong48(p);
        draws48(seeds48[k], 100);
        buffers48(seeds48[k], 50);
        /* after lcong48, srand48 restores the multiplier (glibc) or keeps it (musl): both as their C library */
        srand48(seeds48[k]);
        __wrap_srand48(seeds48[k]);
        draws48(seeds48[k], 100);
    }
    tokens("a,b,,c", ",");
    tokens(",,leading and trailing,,", ",");
    tokens("  several   delimiters\there\n", " \t\n");
    tokens("", ",");
    tokens(",,,", ",");
    tokens("single", ",");
    printf("%d\n", bad);
    return bad != 0;
}
