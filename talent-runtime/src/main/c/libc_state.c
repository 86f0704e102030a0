/*
 * The C library's state kept on the program's behalf (libc_state.h). The link wraps the functions that own it
 * (RuntimeLibrary.WRAPPED_OTHER), so every call reaches the wrappers below wherever it is written.
 *
 * Generators: rand, srand, random, srandom, rand_r and the rand48 family run here, on a state the runtime owns and a
 * checkpoint carries (the global "<libc>:prng"). The C library's own state would be lost at a restart (the restored
 * process would draw the sequence again from its start) and its algorithm differs between C libraries (glibc and
 * musl): the state remembers which C library's algorithm the run uses, the one of the platform where the program
 * first used a generator, and every platform it moves to goes on with that algorithm. So an uninterrupted run draws
 * exactly what the C library of its platform draws, and a migrated run draws the same numbers. The rand48 family is
 * POSIX's and the same everywhere.
 *
 * strtok keeps its position in "<libc>:strtok" (a pointer into the program's string, carried like any pointer).
 * getopt's optind, optarg, opterr and optopt are the C library's globals, carried as they are; its position inside
 * an argument ("-abc") and the arguments it has skipped to permute them later are private to the C library, so a
 * checkpoint due from the first getopt call until one returns -1 waits for a later site (site.c asks
 * tl_libc_state_defer), and one met there all the same is refused.
 * initstate/setstate hand the generator a state buffer of the program's, whose layout the C library defines: after
 * them random() is the C library's again and every checkpoint is refused, naming the call. So is every checkpoint while
 * hcreate's table exists.
 *
 * Attributes of the process that a restarted process would take from whoever starts it: the file mode creation mask
 * ("<libc>:umask"), the resource limits ("<libc>:rlimits") and the floating-point environment ("<libc>:fenv"),
 * carried while the program has others than a process starts with.
 */
#include "libc_state.h"
#include "cwd.h"
#include "itimers.h"
#include "sigdisp.h"
#include "streammodes.h"
#include "pending.h"
#include "contract.h"
#include "exit_handlers.h"
#include "regexes.h"
#include "foreign.h"
#include "objects.h"
#include "refusal.h"
#include <stdlib.h>
#include <string.h>
#include <fenv.h>
#include <errno.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The wrappers are weak: a program that defines one of these functions itself keeps its own (talent_program.c then
 * defines the wrapper as a call of the program's function: ProgramTable, RuntimeLibrary.WRAPPED_LIBC_STATE). */
#define TL_WEAK __attribute__((weak))

/* ---------------------------------------------------------------- the carried state */

enum { ALGO_NONE = 0, ALGO_GLIBC = 1, ALGO_MUSL = 2 };
#define DEG 31 /* both C libraries' default generator: x[i] += x[i-31+3], 31 words */

struct tl_prng {
    uint32_t algo;          /* ALGO_*: none until a generator is used */
    uint32_t x[DEG];        /* random()'s table (glibc: also rand()'s) */
    uint32_t i, j;          /* glibc: front and rear index; musl: i and j */
    uint64_t lcg;           /* musl's rand() */
    uint16_t r48[7];        /* rand48: X (low word first), a, c */
};

static struct tl_prng prng;
static char *strtok_pos;
static int getopt_called;       /* getopt has been called: its globals are carried */
static int getopt_parsing;      /* its last call did not return -1 */
static int foreign_state;       /* initstate/setstate were called */
static int hash_table;          /* hcreate made the C library's table and hdestroy has not freed it */
static const char *foreign_call;

static const talent_type t_u16 = TALENT_INT_TYPE(uint16_t, "uint16_t");
static const talent_type t_u32 = TALENT_INT_TYPE(uint32_t, "uint32_t");
static const talent_type t_u64 = TALENT_INT_TYPE(uint64_t, "uint64_t");
static const talent_type t_x = TALENT_ARRAY_TYPE(uint32_t[DEG], "uint32_t[31]", uint32_t, &t_u32);
static const talent_type t_r48 = TALENT_ARRAY_TYPE(uint16_t[7], "uint16_t[7]", uint16_t, &t_u16);
static const talent_field prng_fields[] = {
    TALENT_FIELD(struct tl_prng, algo, &t_u32), TALENT_FIELD(struct tl_prng, x, &t_x),
    TALENT_FIELD(struct tl_prng, i, &t_u32), TALENT_FIELD(struct tl_prng, j, &t_u32),
    TALENT_FIELD(struct tl_prng, lcg, &t_u64), TALENT_FIELD(struct tl_prng, r48, &t_r48),
};
static const talent_type t_prng = TALENT_STRUCT_TYPE(struct tl_prng, "struct talent_prng", prng_fields);
static const talent_type t_int = TALENT_INT_TYPE(int, "int");
static const talent_type t_charp = TALENT_PTR_TYPE(char *, "char *", "char");

/* The static results of gmtime, localtime, asctime and ctime: the runtime's own storage, carried, so that a pointer the
 * program keeps across a stop points to them after the restore too (into the C library's static storage it pointed
 * nowhere a checkpoint knows, and the restored program crashed reading it). glibc's gmtime and localtime share one
 * struct tm, musl's have one each: the run keeps the C library's of the platform where it first called one. */
#define ASC_MAX 128
#define ZONE_MAX 32
struct tl_timebufs {
    uint32_t algo;          /* ALGO_GLIBC: gmtime and localtime share gm; ALGO_MUSL: each its own */
    struct tm gm, local;    /* carried without tm_zone, which points into the C library's storage: */
    uint32_t gm_zone_set, local_zone_set;   /* 1: tm_zone is the string below (restored pointing to it); 0: NULL */
    char gm_zone[ZONE_MAX], local_zone[ZONE_MAX];
    char asc[ASC_MAX];
};
static struct tl_timebufs timebufs;
static const talent_type t_long = TALENT_INT_TYPE(long, "long");
static const talent_field tm_fields[] = {
    TALENT_FIELD(struct tm, tm_sec, &t_int), TALENT_FIELD(struct tm, tm_min, &t_int),
    TALENT_FIELD(struct tm, tm_hour, &t_int), TALENT_FIELD(struct tm, tm_mday, &t_int),
    TALENT_FIELD(struct tm, tm_mon, &t_int), TALENT_FIELD(struct tm, tm_year, &t_int),
    TALENT_FIELD(struct tm, tm_wday, &t_int), TALENT_FIELD(struct tm, tm_yday, &t_int),
    TALENT_FIELD(struct tm, tm_isdst, &t_int), TALENT_FIELD(struct tm, __tm_gmtoff, &t_long),
};
static const talent_type t_tm = TALENT_STRUCT_TYPE(struct tm, "struct talent_tm", tm_fields);
static const talent_type t_char = TALENT_INT_TYPE(char, "char");
static const talent_type t_asc = TALENT_ARRAY_TYPE(char[ASC_MAX], "char[128]", char, &t_char);
static const talent_type t_zone = TALENT_ARRAY_TYPE(char[ZONE_MAX], "char[32]", char, &t_char);
static const talent_field timebufs_fields[] = {
    TALENT_FIELD(struct tl_timebufs, algo, &t_u32), TALENT_FIELD(struct tl_timebufs, gm, &t_tm),
    TALENT_FIELD(struct tl_timebufs, local, &t_tm), TALENT_FIELD(struct tl_timebufs, gm_zone_set, &t_u32),
    TALENT_FIELD(struct tl_timebufs, local_zone_set, &t_u32), TALENT_FIELD(struct tl_timebufs, gm_zone, &t_zone),
    TALENT_FIELD(struct tl_timebufs, local_zone, &t_zone), TALENT_FIELD(struct tl_timebufs, asc, &t_asc),
};
static const talent_type t_timebufs = TALENT_STRUCT_TYPE(struct tl_timebufs, "struct talent_timebufs", timebufs_fields);

/* The file mode creation mask: the process's, which a restarted process does not inherit from the stopped one. The
 * one the process started (or was restarted) with, and the one a checkpoint carries ("<libc>:umask") while the
 * program has another: UMASK_NONE when none was restored. */
#define UMASK_NONE 0xffffffffu
static uint32_t umask_start = UMASK_NONE;
static uint32_t umask_carried = UMASK_NONE;

/* The resource limits (setrlimit): the process's too, which a restarted process takes from whoever starts it. Those the
 * process started (or was restarted) with, and those a checkpoint carries ("<libc>:rlimits") while the program has
 * changed one: `changed` has bit k for rlimit_res[k]; RLIM_INFINITY is carried as UINT64_MAX on every platform. */
static const int rlimit_res[] = {RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_NOFILE,
                                 RLIMIT_AS, RLIMIT_NPROC, RLIMIT_MEMLOCK};
static const char *const rlimit_names[] = {"RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE",
                                           "RLIMIT_NOFILE", "RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_MEMLOCK"};
#define NRLIMITS 9
struct tl_rlimits {
    uint32_t changed;
    uint64_t cur[NRLIMITS], max[NRLIMITS];
};
static struct tl_rlimits rlimits_start, rlimits_carried;
static int rlimits_snapped;
static const talent_type t_rl = TALENT_ARRAY_TYPE(uint64_t[NRLIMITS], "uint64_t[9]", uint64_t, &t_u64);
static const talent_field rlimits_fields[] = {
    TALENT_FIELD(struct tl_rlimits, changed, &t_u32), TALENT_FIELD(struct tl_rlimits, cur, &t_rl),
    TALENT_FIELD(struct tl_rlimits, max, &t_rl),
};
static const talent_type t_rlimits = TALENT_STRUCT_TYPE(struct tl_rlimits, "struct talent_rlimits", rlimits_fields);

static uint64_t rlim_carried(rlim_t v)
{
    return v == RLIM_INFINITY ? UINT64_MAX : (uint64_t)v;
}

/* every limit of rlimit_res now (one that cannot be read: as unlimited, and then the same at every reading) */
static void rlimits_read(struct tl_rlimits *out)
{
    memset(out, 0, sizeof *out);
    for (unsigned r = 0; r < NRLIMITS; r++) {
        struct rlimit l;
        if (getrlimit(rlimit_res[r], &l) != 0)
            l.rlim_cur = l.rlim_max = RLIM_INFINITY;
        out->cur[r] = rlim_carried(l.rlim_cur);
        out->max[r] = rlim_carried(l.rlim_max);
    }
}


/* The floating-point environment (fenv.h): the rounding mode and the raised exception flags are the thread's, and a
 * restarted process starts to nearest with none raised. Carried ("<libc>:fenv") while the rounding mode is not
 * to-nearest or a flag other than FE_INEXACT is raised (the runtime's own arithmetic raises FE_INEXACT), portably:
 * round 0 to nearest, 1 upward, 2 downward, 3 toward zero; flags bit 0 invalid, 1 divide-by-zero, 2 overflow,
 * 3 underflow, 4 inexact. */
struct tl_fenv {
    uint32_t round, flags;
};
static struct tl_fenv fenv_carried;
static const talent_field fenv_fields[] = {
    TALENT_FIELD(struct tl_fenv, round, &t_u32), TALENT_FIELD(struct tl_fenv, flags, &t_u32),
};
static const talent_type t_fenv = TALENT_STRUCT_TYPE(struct tl_fenv, "struct talent_fenv", fenv_fields);
#ifndef FE_UPWARD
#define FE_UPWARD (-1)
#endif
#ifndef FE_DOWNWARD
#define FE_DOWNWARD (-1)
#endif
#ifndef FE_TOWARDZERO
#define FE_TOWARDZERO (-1)
#endif
#ifndef FE_INVALID
#define FE_INVALID 0
#endif
#ifndef FE_DIVBYZERO
#define FE_DIVBYZERO 0
#endif
#ifndef FE_OVERFLOW
#define FE_OVERFLOW 0
#endif
#ifndef FE_UNDERFLOW
#define FE_UNDERFLOW 0
#endif
#ifndef FE_INEXACT
#define FE_INEXACT 0
#endif
static const int fe_rounds[4] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
static const int fe_flags[5] = {FE_INVALID, FE_DIVBYZERO, FE_OVERFLOW, FE_UNDERFLOW, FE_INEXACT};

/* 1 when the environment is one a checkpoint must carry (then *out holds it) */
static int fenv_read(struct tl_fenv *out)
{
    int mode = fegetround(), raised = fetestexcept(FE_ALL_EXCEPT);
    out->round = 0;
    out->flags = 0;
    for (uint32_t k = 1; k < 4; k++)
        if (fe_rounds[k] != -1 && mode == fe_rounds[k])
            out->round = k;
    for (uint32_t k = 0; k < 5; k++)
        if (fe_flags[k] && (raised & fe_flags[k]))
            out->flags |= 1u << k;
    return out->round != 0 || (out->flags & 0xf) != 0;
}

/* The nice value (nice, setpriority) and the name of the process (prctl PR_SET_NAME, the `comm` ps shows): those the
 * process started with, and those a checkpoint carries ("<libc>:nice", "<libc>:comm") while the program has others.
 * NICE_NONE: none carried. */
#define NICE_NONE INT32_MIN
#define COMM_MAX 16
static int32_t nice_start = NICE_NONE, nice_carried = NICE_NONE;
static char comm_start[COMM_MAX], comm_carried[COMM_MAX];
static const talent_type t_i32 = TALENT_INT_TYPE(int32_t, "int32_t");
static const talent_type t_commc = TALENT_INT_TYPE(char, "char");
static const talent_type t_comm = TALENT_ARRAY_TYPE(char[COMM_MAX], "char[16]", char, &t_commc);

static int32_t nice_read(void)
{
    int v;
    errno = 0;
    v = getpriority(PRIO_PROCESS, 0);
    return errno ? NICE_NONE : (int32_t)v;
}

static void comm_read(char *out)
{
    char name[COMM_MAX + 1];
    memset(name, 0, sizeof name);
    if (prctl(PR_GET_NAME, name, 0, 0, 0) != 0)
        name[0] = '\0';
    memset(out, 0, COMM_MAX);
    memcpy(out, name, strnlen(name, COMM_MAX - 1));
}

enum { G_PRNG, G_STRTOK, G_OPTIND, G_OPTARG, G_OPTERR, G_OPTOPT, G_ARGV, G_EXIT, G_REGEX, G_TIME, G_CWD, G_ITIMERS, G_SIGMASK,
       G_UMASK, G_RLIMITS, G_FENV, G_NICE, G_COMM, G_INET, G_STREAMS, G_L64A, G_ETHER, G_ECVT, G_FCVT, G_TMPNAM, G_STRERROR, G_STRSIGNAL, G_ATON, G_PENDING,
       G_COUNT };
static talent_global libc_globals[G_COUNT] = {
    {"<libc>:prng", "rand/random/rand48 state", "<C library>", &prng, &t_prng, 0},
    {"<libc>:strtok", "strtok position", "<C library>", &strtok_pos, &t_charp, 0},
    {"<libc>:optind", "optind", "<C library>", &optind, &t_int, 0},
    {"<libc>:optarg", "optarg", "<C library>", &optarg, &t_charp, 0},
    {"<libc>:opterr", "opterr", "<C library>", &opterr, &t_int, 0},
    {"<libc>:optopt", "optopt", "<C library>", &optopt, &t_int, 0},
    {"<libc>:argv", "argv", "<main>", 0, 0, 0},     /* this process's argv array: set by unit() */
    {"<libc>:exit_handlers", "atexit/on_exit handlers", "<C library>", 0, 0, 0},  /* exit_handlers.c's: by unit() */
    {"<libc>:regex", "compiled regular expressions", "<C library>", 0, 0, 0},     /* regexes.c's: by unit() */
    {"<libc>:time", "gmtime/localtime/asctime/ctime results", "<C library>", &timebufs, &t_timebufs, 0},
    {TL_CWD_KEY, "working directory", "<C library>", 0, 0, 0},    /* cwd.c's: by unit() */
    {TL_ITIMERS_KEY, "interval timers (alarm, setitimer)", "<C library>", 0, 0, 0},    /* itimers.c's: by unit() */
    {TL_SIGMASK_KEY, "blocked signals (sigprocmask)", "<C library>", 0, 0, 0},    /* sigdisp.c's: by unit() */
    {"<libc>:umask", "file mode creation mask (umask)", "<C library>", &umask_carried, &t_u32, 0},
    {"<libc>:rlimits", "resource limits (setrlimit)", "<C library>", &rlimits_carried, &t_rlimits, 0},
    {"<libc>:fenv", "floating-point rounding mode and exception flags (fenv.h)", "<C library>", &fenv_carried, &t_fenv,
     0},
    {"<libc>:nice", "nice value (nice, setpriority)", "<C library>", &nice_carried, &t_i32, 0},
    {"<libc>:comm", "process name (prctl PR_SET_NAME)", "<C library>", comm_carried, &t_comm, 0},
    {"<libc>:inet_ntoa", "inet_ntoa result", "<C library>", 0, 0, 0},    /* foreign.c's: by unit() */
    {TL_STREAMS_KEY, "buffering modes and orientations of streams (setvbuf, fwide)", "<C library>", 0, 0, 0},
    /* streammodes.c's: by unit() */
    {TL_L64A_KEY, "l64a result", "<C library>", 0, 0, 0},                  /* foreign.c's: by unit() */
    {TL_ETHER_NTOA_KEY, "ether_ntoa result", "<C library>", 0, 0, 0},      /* foreign.c's: by unit() */
    {TL_ECVT_KEY, "ecvt result", "<C library>", 0, 0, 0},                  /* foreign.c's: by unit() */
    {TL_FCVT_KEY, "fcvt result", "<C library>", 0, 0, 0},                  /* foreign.c's: by unit() */
    {TL_TMPNAM_KEY, "tmpnam result", "<C library>", 0, 0, 0},              /* foreign.c's: by unit() */
    {TL_STRERROR_KEY, "strerror result", "<C library>", 0, 0, 0},          /* foreign.c's: by unit() */
    {TL_STRSIGNAL_KEY, "strsignal result", "<C library>", 0, 0, 0},        /* foreign.c's: by unit() */
    {TL_ETHER_ATON_KEY, "ether_aton result", "<C library>", 0, 0, 0},      /* foreign.c's: by unit() */
    {TL_PENDING_KEY, "bytes stdout and stderr held unwritten", "<C library>", 0, 0, 0},  /* pending.c's: by unit() */
};
static const talent_unit libc_unit = {"<C library>", libc_globals, G_COUNT, 0, 0, 0, 0};

/* The C library's carried globals each subsystem describes (its address and type), by their index */
static const struct {
    int g;
    void (*describe)(void **addr, const talent_type **type);
} described[] = {
    {G_EXIT, tl_exit_handlers_global},   {G_REGEX, tl_regex_global},     {G_CWD, tl_cwd_global},
    {G_ITIMERS, tl_itimers_global},      {G_SIGMASK, tl_sigdisp_mask_global}, {G_INET, tl_inet_ntoa_global},
    {G_STREAMS, tl_streammodes_global},  {G_PENDING, tl_pending_global}, {G_ATON, tl_ether_aton_global},
};

/* argv's array: the original one, or the one the restore rebuilt from the checkpoint (objects.c) */
static const talent_unit *unit(void)
{
    libc_globals[G_ARGV].addr = tl_argv;
    libc_globals[G_ARGV].type = tl_argv_array_type();
    if (!libc_globals[G_EXIT].addr) {
        void *addr;
        const talent_type *type;
        size_t k;
        for (k = 0; k < sizeof described / sizeof described[0]; k++) {
            described[k].describe(&addr, &type);
            libc_globals[described[k].g].addr = addr;
            libc_globals[described[k].g].type = type;
        }
        /* l64a's, ether_ntoa's, ecvt's, fcvt's, tmpnam's, strerror's and strsignal's texts: G_L64A + TL_TEXT_* */
        for (int w = TL_TEXT_L64A; w <= TL_TEXT_STRSIGNAL; w++) {
            tl_libc_text_global(w, &addr, &type);
            libc_globals[G_L64A + w].addr = addr;
            libc_globals[G_L64A + w].type = type;
        }
    }
    return &libc_unit;
}

const talent_unit *tl_libc_unit(void)
{
    return unit();
}

void tl_libc_globals(const talent_global *const **out, unsigned *n)
{
    static const talent_global *active[G_COUNT];
    unsigned k = 0;
    unit();
    if (prng.algo != ALGO_NONE)
        active[k++] = &libc_globals[G_PRNG];
    if (strtok_pos)
        active[k++] = &libc_globals[G_STRTOK];
    if (getopt_called) {
        active[k++] = &libc_globals[G_OPTIND];
        active[k++] = &libc_globals[G_OPTARG];
        active[k++] = &libc_globals[G_OPTERR];
        active[k++] = &libc_globals[G_OPTOPT];
    }
    if (tl_argv_changed())
        active[k++] = &libc_globals[G_ARGV];
    if (tl_exit_handlers_used())
        active[k++] = &libc_globals[G_EXIT];
    if (tl_regex_used())
        active[k++] = &libc_globals[G_REGEX];
    if (timebufs.algo != ALGO_NONE)
        active[k++] = &libc_globals[G_TIME];
    if (tl_cwd_changed())
        active[k++] = &libc_globals[G_CWD];
    if (tl_itimers_armed())
        active[k++] = &libc_globals[G_ITIMERS];
    if (tl_sigdisp_mask_changed())
        active[k++] = &libc_globals[G_SIGMASK];
    if (tl_inet_ntoa_used())
        active[k++] = &libc_globals[G_INET];
    /* after tl_files_collect (checkpoint_write.c): the streams are numbered by their FILE entries */
    if (tl_streammodes_collect())
        active[k++] = &libc_globals[G_STREAMS];
    /* after tl_files_collect (which took them): stdout's and stderr's unwritten bytes, when there are any */
    if (tl_pending_collect())
        active[k++] = &libc_globals[G_PENDING];
    for (int w = TL_TEXT_L64A; w <= TL_TEXT_STRSIGNAL; w++)
        if (tl_libc_text_used(w))
            active[k++] = &libc_globals[G_L64A + w];
    if (tl_ether_aton_used())
        active[k++] = &libc_globals[G_ATON];
    if (umask_start != UMASK_NONE) {
        /* umask has no reading without a writing: set it back at once (the program runs no other thread here) */
        mode_t now = umask(0);
        umask(now);
        /* what is not written is none: an in-process restore of this image must not set an older value */
        umask_carried = UMASK_NONE;
        if ((uint32_t)now != umask_start) {
            umask_carried = (uint32_t)now;
            active[k++] = &libc_globals[G_UMASK];
        }
    }
    if (rlimits_snapped) {
        struct tl_rlimits now;
        rlimits_read(&now);
        now.changed = 0;
        for (unsigned r = 0; r < NRLIMITS; r++)
            if (now.cur[r] != rlimits_start.cur[r] || now.max[r] != rlimits_start.max[r])
                now.changed |= 1u << r;
        rlimits_carried = now;
        if (now.changed)
            active[k++] = &libc_globals[G_RLIMITS];
    }
    {
        struct tl_fenv now;
        memset(&fenv_carried, 0, sizeof fenv_carried);
        if (fenv_read(&now)) {
            fenv_carried = now;
            active[k++] = &libc_globals[G_FENV];
        }
    }
    if (rlimits_snapped) {
        int32_t nv = nice_read();
        char name[COMM_MAX];
        nice_carried = NICE_NONE;
        if (nv != NICE_NONE && nice_start != NICE_NONE && nv != nice_start) {
            nice_carried = nv;
            active[k++] = &libc_globals[G_NICE];
        }
        comm_read(name);
        memset(comm_carried, 0, sizeof comm_carried);
        if (memcmp(name, comm_start, COMM_MAX) != 0) {
            memcpy(comm_carried, name, COMM_MAX);
            active[k++] = &libc_globals[G_COMM];
        }
    }
    *out = active;
    *n = k;
}

void tl_libc_process_snapshot(void)
{
    rlimits_read(&rlimits_start);
    rlimits_snapped = 1;
    nice_start = nice_read();
    comm_read(comm_start);

    mode_t m = umask(0);
    umask(m);
    umask_start = (uint32_t)m;
}

int tl_libc_state_defer(void)
{
    return getopt_parsing;
}

/* tm_zone as the carried string: 0, or -1 when it is longer than the storage (refused) */
static int zone_capture(const struct tm *tm, uint32_t *set, char *zone)
{
    char copy[ZONE_MAX];
    memset(copy, 0, sizeof copy);
    *set = tm->__tm_zone != NULL;
    /* after a restore, tm_zone points to zone itself */
    if (tm->__tm_zone) {
        if (strlen(tm->__tm_zone) >= ZONE_MAX)
            return -1;
        strcpy(copy, tm->__tm_zone);
    }
    memcpy(zone, copy, ZONE_MAX);
    return 0;
}

void tl_libc_state_check(void)
{
    if (timebufs.algo != ALGO_NONE && (zone_capture(&timebufs.gm, &timebufs.gm_zone_set, timebufs.gm_zone) != 0 ||
                                       zone_capture(&timebufs.local, &timebufs.local_zone_set, timebufs.local_zone) != 0))
        tl_refuse("cannot checkpoint: the time-zone name in the struct tm that gmtime/localtime returned is longer than "
                  "the %d bytes a checkpoint carries", ZONE_MAX - 1);
    else if (foreign_state)
        tl_refuse("cannot checkpoint: the program called %s, which gives the C library's random() a state buffer whose "
                  "layout is the C library's own; talent cannot carry it (srandom keeps random() carried)",
                  foreign_call);
    else if (hash_table)
        tl_refuse("cannot checkpoint: the program holds the hash table of hcreate/hsearch, which the C library keeps "
                  "in its own storage and a checkpoint does not carry; call hdestroy before the stop, or keep the "
                  "entries in a table of the program's");
    else if (getopt_parsing)
        tl_refuse("cannot checkpoint now: getopt is in the middle of the arguments (its position in them is the C "
                  "library's, which a checkpoint does not carry); a later site takes the checkpoint once getopt has "
                  "returned -1");
}

/* ---------------------------------------------------------------- random, rand */

static void glibc_srandom(unsigned seed)
{
    /* glibc's srandom_r for its default table: the Park-Miller sequence of the seed taken as a 32-bit signed
     * number (a seed of 2^31 or more is negative there, as here), then 310 draws discarded */
    int32_t word;
    int k;
    if (seed == 0)
        seed = 1;
    word = (int32_t)seed;
    prng.x[0] = (uint32_t)seed;
    for (k = 1; k < DEG; k++) {
        long hi = word / 127773, lo = word % 127773;
        word = (int32_t)(16807 * lo - 2836 * hi);
        if (word < 0)
            word += 2147483647;
        prng.x[k] = (uint32_t)word;
    }
    prng.i = 3;
    prng.j = 0;
    for (k = 0; k < 10 * DEG; k++) {
        prng.x[prng.i] += prng.x[prng.j];
        if (++prng.i == DEG) prng.i = 0;
        if (++prng.j == DEG) prng.j = 0;
    }
}

static void musl_srandom(unsigned seed)
{
    uint64_t s = seed;
    int k;
    prng.i = 3;
    prng.j = 0;
    for (k = 0; k < DEG; k++) {
        s = 6364136223846793005ULL * s + 1;
        prng.x[k] = (uint32_t)(s >> 32);
    }
    prng.x[0] |= 1;
}

static void prng_init(void)
{
    if (prng.algo != ALGO_NONE)
        return;
#ifdef __GLIBC__
    prng.algo = ALGO_GLIBC;
    glibc_srandom(1);
#else
    prng.algo = ALGO_MUSL;
    musl_srandom(1);
#endif
    prng.lcg = 0;
    prng.r48[0] = prng.r48[1] = prng.r48[2] = 0;
    prng.r48[3] = 0xe66d;
    prng.r48[4] = 0xdeec;
    prng.r48[5] = 0x5;
    prng.r48[6] = 0xb;
}

/* The state comes from a checkpoint: a restored algorithm or index out of range is not this file's (a hostile file
 * that passed validation); it is refused rather than indexed with. */
static void prng_checked(void)
{
    prng_init();
    if ((prng.algo != ALGO_GLIBC && prng.algo != ALGO_MUSL) || prng.i >= DEG || prng.j >= DEG) {
        fprintf(stderr, "talent: the restored state of rand/random is not valid (algorithm %lu, indexes %lu, %lu)\n",
                (unsigned long)prng.algo, (unsigned long)prng.i, (unsigned long)prng.j);
        abort();
    }
}

long __real_random(void);
void __real_srandom(unsigned seed);
char *__real_initstate(unsigned seed, char *state, size_t size);
char *__real_setstate(char *state);
TL_WEAK long __wrap_random(void);
TL_WEAK void __wrap_srandom(unsigned seed);
TL_WEAK int __wrap_rand(void);
TL_WEAK void __wrap_srand(unsigned seed);
TL_WEAK int __wrap_rand_r(unsigned *seed);
TL_WEAK char *__wrap_initstate(unsigned seed, char *state, size_t size);
TL_WEAK char *__wrap_setstate(char *state);

/* random() of the state (rand of glibc draws here too, never through a program's own random) */
static long own_random(void)
{
    uint32_t v;
    if (foreign_state)
        return __real_random();
    prng_checked();
    prng.x[prng.i] += prng.x[prng.j];
    v = prng.x[prng.i] >> 1;
    if (++prng.i == DEG) prng.i = 0;
    if (++prng.j == DEG) prng.j = 0;
    return (long)v;
}

long __wrap_random(void)
{
    return own_random();
}

static void own_srandom(unsigned seed)
{
    if (foreign_state) {
        __real_srandom(seed);
        return;
    }
    prng_checked();
    if (prng.algo == ALGO_GLIBC)
        glibc_srandom(seed);
    else
        musl_srandom(seed);
}

void __wrap_srandom(unsigned seed)
{
    own_srandom(seed);
}

int __wrap_rand(void)
{
    prng_checked();
    if (prng.algo == ALGO_GLIBC)
        return (int)own_random();       /* glibc's rand is random, after initstate too */
    prng.lcg = 6364136223846793005ULL * prng.lcg + 1;
    return (int)(prng.lcg >> 33);
}

void __wrap_srand(unsigned seed)
{
    prng_checked();
    if (prng.algo == ALGO_GLIBC)
        own_srandom(seed);              /* glibc's srand is srandom */
    else
        prng.lcg = seed - 1u;           /* in unsigned arithmetic: srand(0) starts from 2^32 - 1 */
}

int __wrap_rand_r(unsigned *seed)
{
    unsigned next = *seed;
    prng_checked();
    if (prng.algo == ALGO_GLIBC) {
        unsigned result;
        next = next * 1103515245u + 12345u;
        result = (next / 65536u) % 2048u;
        next = next * 1103515245u + 12345u;
        result = (result << 10) ^ ((next / 65536u) % 1024u);
        next = next * 1103515245u + 12345u;
        result = (result << 10) ^ ((next / 65536u) % 1024u);
        *seed = next;
        return (int)result;
    }
    next = next * 1103515245u + 12345u;
    *seed = next;
    next ^= next >> 11;
    next ^= next << 7 & 0x9d2c5680u;
    next ^= next << 15 & 0xefc60000u;
    next ^= next >> 18;
    return (int)(next / 2);
}

char *__wrap_initstate(unsigned seed, char *state, size_t size)
{
    foreign_state = 1;
    foreign_call = "initstate";
    return __real_initstate(seed, state, size);
}

char *__wrap_setstate(char *state)
{
    if (!foreign_state)
        foreign_call = "setstate";
    foreign_state = 1;
    return __real_setstate(state);
}

/* ---------------------------------------------------------------- rand48 (POSIX: the same in every C library) */

static uint64_t r48_step(unsigned short *xsubi)
{
    uint64_t x = (uint64_t)xsubi[0] | (uint64_t)xsubi[1] << 16 | (uint64_t)xsubi[2] << 32;
    uint64_t a = (uint64_t)prng.r48[3] | (uint64_t)prng.r48[4] << 16 | (uint64_t)prng.r48[5] << 32;
    x = (a * x + prng.r48[6]) & 0xffffffffffffULL;
    xsubi[0] = (unsigned short)x;
    xsubi[1] = (unsigned short)(x >> 16);
    xsubi[2] = (unsigned short)(x >> 32);
    return x;
}

static uint64_t r48_own(void)
{
    unsigned short x[3];
    uint64_t v;
    x[0] = prng.r48[0];
    x[1] = prng.r48[1];
    x[2] = prng.r48[2];
    v = r48_step(x);
    prng.r48[0] = x[0];
    prng.r48[1] = x[1];
    prng.r48[2] = x[2];
    return v;
}

static void r48_default_multiplier(void)
{
    prng.r48[3] = 0xe66d;
    prng.r48[4] = 0xdeec;
    prng.r48[5] = 0x5;
    prng.r48[6] = 0xb;
}

TL_WEAK double __wrap_drand48(void);
TL_WEAK double __wrap_erand48(unsigned short xsubi[3]);
TL_WEAK long __wrap_lrand48(void);
TL_WEAK long __wrap_nrand48(unsigned short xsubi[3]);
TL_WEAK long __wrap_mrand48(void);
TL_WEAK long __wrap_jrand48(unsigned short xsubi[3]);
TL_WEAK void __wrap_srand48(long seed);
TL_WEAK unsigned short *__wrap_seed48(unsigned short seed16v[3]);
TL_WEAK void __wrap_lcong48(unsigned short param[7]);

double __wrap_drand48(void)
{
    prng_checked();
    return (double)r48_own() / 281474976710656.0;
}

double __wrap_erand48(unsigned short xsubi[3])
{
    prng_checked();
    return (double)r48_step(xsubi) / 281474976710656.0;
}

long __wrap_lrand48(void)
{
    prng_checked();
    return (long)(r48_own() >> 17);
}

long __wrap_nrand48(unsigned short xsubi[3])
{
    prng_checked();
    return (long)(r48_step(xsubi) >> 17);
}

long __wrap_mrand48(void)
{
    prng_checked();
    return (long)(int32_t)(uint32_t)(r48_own() >> 16);
}

long __wrap_jrand48(unsigned short xsubi[3])
{
    prng_checked();
    return (long)(int32_t)(uint32_t)(r48_step(xsubi) >> 16);
}

void __wrap_srand48(long seed)
{
    unsigned long s = (unsigned long)seed;
    prng_checked();
    prng.r48[0] = 0x330e;
    prng.r48[1] = (uint16_t)(s & 0xffff);
    prng.r48[2] = (uint16_t)((s >> 16) & 0xffff);
    if (prng.algo == ALGO_GLIBC)
        r48_default_multiplier();
}

unsigned short *__wrap_seed48(unsigned short seed16v[3])
{
    /* the previous X, in storage of the runtime's (as the C library returns its own); not carried */
    static unsigned short previous[3];
    prng_checked();
    previous[0] = prng.r48[0];
    previous[1] = prng.r48[1];
    previous[2] = prng.r48[2];
    prng.r48[0] = seed16v[0];
    prng.r48[1] = seed16v[1];
    prng.r48[2] = seed16v[2];
    if (prng.algo == ALGO_GLIBC)
        r48_default_multiplier();
    return previous;
}

void __wrap_lcong48(unsigned short param[7])
{
    int k;
    prng_checked();
    for (k = 0; k < 7; k++)
        prng.r48[k] = param[k];
}

/* ---------------------------------------------------------------- strtok */

TL_WEAK char *__wrap_strtok(char *s, const char *delim);

char *__wrap_strtok(char *s, const char *delim)
{
    char *tok;
    if (!s) {
        s = strtok_pos;
        if (!s)
            return NULL;
    }
    s += strspn(s, delim);
    if (!*s) {
        strtok_pos = NULL;
        return NULL;
    }
    tok = s;
    s += strcspn(s, delim);
    if (*s) {
        *s = '\0';
        strtok_pos = s + 1;
    } else {
        strtok_pos = NULL;
    }
    return tok;
}

/* ---------------------------------------------------------------- getopt */

struct option;
int __real_getopt(int argc, char *const argv[], const char *optstring);
int __real_getopt_long(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                       int *longindex);
int __real_getopt_long_only(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                            int *longindex);
TL_WEAK int __wrap_getopt(int argc, char *const argv[], const char *optstring);
TL_WEAK int __wrap_getopt_long(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                               int *longindex);
TL_WEAK int __wrap_getopt_long_only(int argc, char *const argv[], const char *optstring,
                                    const struct option *longopts, int *longindex);

static int getopt_returned(int r)
{
    getopt_called = 1;
    getopt_parsing = r != -1;
    return r;
}

int __wrap_getopt(int argc, char *const argv[], const char *optstring)
{
    return getopt_returned(__real_getopt(argc, argv, optstring));
}

int __wrap_getopt_long(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                       int *longindex)
{
    return getopt_returned(__real_getopt_long(argc, argv, optstring, longopts, longindex));
}

int __wrap_getopt_long_only(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                            int *longindex)
{
    return getopt_returned(__real_getopt_long_only(argc, argv, optstring, longopts, longindex));
}

/* ---------------------------------------------------------------- gmtime, localtime, asctime, ctime */

TL_WEAK struct tm *__wrap_gmtime(const time_t *t);
TL_WEAK struct tm *__wrap_localtime(const time_t *t);
TL_WEAK char *__wrap_asctime(const struct tm *tm);
TL_WEAK char *__wrap_ctime(const time_t *t);

/* A restored algorithm not this file's is refused (hostile input), as prng_checked does. */
static void timebufs_checked(void)
{
    if (timebufs.algo == ALGO_NONE) {
#ifdef __GLIBC__
        timebufs.algo = ALGO_GLIBC;
#else
        timebufs.algo = ALGO_MUSL;
#endif
    }
    if (timebufs.algo != ALGO_GLIBC && timebufs.algo != ALGO_MUSL) {
        fprintf(stderr, "talent: the restored state of gmtime/localtime is not valid (C library %lu)\n",
                (unsigned long)timebufs.algo);
        abort();
    }
}

struct tm *__wrap_gmtime(const time_t *t)
{
    struct tm *r;
    timebufs_checked();
    r = gmtime_r(t, &timebufs.gm);
    /* the zone name of the C library whose gmtime the run began with: glibc's "GMT", musl's "UTC" */
    if (r)
        r->__tm_zone = timebufs.algo == ALGO_GLIBC ? "GMT" : "UTC";
    return r;
}

struct tm *__wrap_localtime(const time_t *t)
{
    timebufs_checked();
    tzset();    /* localtime acts as if it called tzset; localtime_r need not */
    return localtime_r(t, timebufs.algo == ALGO_GLIBC ? &timebufs.gm : &timebufs.local);
}

/* asctime's format (C99 7.23.3.1), as glibc writes it for any value: "???" for a month or weekday out of range, the
 * year in full */
char *__wrap_asctime(const struct tm *tm)
{
    static const char wday[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char mon[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    timebufs_checked();
    snprintf(timebufs.asc, sizeof timebufs.asc, "%.3s %.3s%3d %.2d:%.2d:%.2d %ld\n",
             tm->tm_wday >= 0 && tm->tm_wday < 7 ? wday[tm->tm_wday] : "???",
             tm->tm_mon >= 0 && tm->tm_mon < 12 ? mon[tm->tm_mon] : "???", tm->tm_mday, tm->tm_hour, tm->tm_min,
             tm->tm_sec, 1900L + tm->tm_year);
    return timebufs.asc;
}

char *__wrap_ctime(const time_t *t)
{
    struct tm *tm = __wrap_localtime(t);
    return tm ? __wrap_asctime(tm) : NULL;
}

static int zone_restore(struct tm *tm, uint32_t set, char *zone)
{
    size_t n = strnlen(zone, ZONE_MAX), k;
    if (set > 1 || n == ZONE_MAX)
        return -1;
    for (k = n; k < ZONE_MAX; k++)
        if (zone[k])
            return -1;
    if (!set && n)
        return -1;
    tm->__tm_zone = set ? zone : NULL;
    return 0;
}

const char *tl_libc_state_restored(void)
{
    /* the working directory first: the program resolves relative paths from it as soon as it goes on */
    const char *bad = tl_cwd_restored();
    if (bad)
        return bad;
    /* the interval timers' values (armed again as the restore's last step, main.c) */
    bad = tl_itimers_restored();
    if (bad)
        return bad;
    /* the blocked signals (blocked again as one of the restore's last steps, main.c) */
    bad = tl_sigdisp_mask_restored();
    if (bad)
        return bad;
    /* the streams' buffering modes and orientations (set again as one of the restore's last steps, main.c) */
    bad = tl_streammodes_restored();
    if (bad)
        return bad;
    /* the file mode creation mask the program set: files it creates from here on get the modes they got before */
    if (umask_carried != UMASK_NONE) {
        if (umask_carried > 0777)
            return "a file mode creation mask (<libc>:umask) that is not valid";
        umask((mode_t)umask_carried);
    }
    /* the resource limits the program changed (an unprivileged process cannot raise a hard limit above the one it
     * started with here: such a restore fails, naming the limit) */
    if (rlimits_carried.changed) {
        if (rlimits_carried.changed >> NRLIMITS)
            return "resource limits (<libc>:rlimits) that are not valid";
        for (unsigned r = 0; r < NRLIMITS; r++) {
            struct rlimit l;
            if (!(rlimits_carried.changed & (1u << r)))
                continue;
            if (rlimits_carried.cur[r] > rlimits_carried.max[r])
                return "resource limits (<libc>:rlimits) that are not valid";
            l.rlim_cur = rlimits_carried.cur[r] == UINT64_MAX ? RLIM_INFINITY : (rlim_t)rlimits_carried.cur[r];
            l.rlim_max = rlimits_carried.max[r] == UINT64_MAX ? RLIM_INFINITY : (rlim_t)rlimits_carried.max[r];
            if ((rlimits_carried.cur[r] != UINT64_MAX && l.rlim_cur != rlimits_carried.cur[r]) ||
                (rlimits_carried.max[r] != UINT64_MAX && l.rlim_max != rlimits_carried.max[r]) ||
                setrlimit(rlimit_res[r], &l) != 0) {
                static char msg[160];
                snprintf(msg, sizeof msg, "resource limit %s the program set (<libc>:rlimits), which this process "
                         "cannot set (an unprivileged process cannot raise a hard limit)", rlimit_names[r]);
                return msg;
            }
        }
    }
    /* the nice value (an unprivileged process cannot lower it below the one it started with here) and the name */
    if (nice_carried != NICE_NONE) {
        if (nice_carried < -20 || nice_carried > 19)
            return "a nice value (<libc>:nice) that is not valid";
        if (setpriority(PRIO_PROCESS, 0, nice_carried) != 0)
            return "a nice value (<libc>:nice) the program set, which this process cannot set (an unprivileged "
                   "process cannot lower its nice value)";
    }
    if (comm_carried[0]) {
        if (strnlen(comm_carried, COMM_MAX) == COMM_MAX)
            return "a process name (<libc>:comm) that is not valid";
        prctl(PR_SET_NAME, comm_carried, 0, 0, 0);
    }
    /* the rounding mode and the exception flags (a restore from a file without them leaves this process's) */
    if (fenv_carried.round || fenv_carried.flags) {
        int raise = 0;
        if (fenv_carried.round > 3 || fenv_carried.flags > 0x1f || fe_rounds[fenv_carried.round] == -1)
            return "a floating-point environment (<libc>:fenv) that is not valid or not supported here";
        for (uint32_t k = 0; k < 5; k++)
            if (fenv_carried.flags & (1u << k)) {
                if (!fe_flags[k])
                    return "a floating-point exception flag (<libc>:fenv) this platform does not have";
                raise |= fe_flags[k];
            }
        if (fesetround(fe_rounds[fenv_carried.round]) != 0)
            return "a floating-point rounding mode (<libc>:fenv) this platform cannot set";
        feclearexcept(FE_ALL_EXCEPT);
        if (raise)
            feraiseexcept(raise);
    }
    bad = tl_inet_ntoa_restored();
    if (bad)
        return bad;
    bad = tl_libc_texts_restored();
    if (bad)
        return bad;
    if (timebufs.algo == ALGO_NONE)
        return NULL;
    if ((timebufs.algo != ALGO_GLIBC && timebufs.algo != ALGO_MUSL) ||
        zone_restore(&timebufs.gm, timebufs.gm_zone_set, timebufs.gm_zone) != 0 ||
        zone_restore(&timebufs.local, timebufs.local_zone_set, timebufs.local_zone) != 0 ||
        strnlen(timebufs.asc, ASC_MAX) == ASC_MAX)
        return "results of gmtime/localtime/asctime (<libc>:time) that are not valid";
    return NULL;
}

/* ---------------------------------------------------------------- hcreate, hdestroy */

/* The table of hcreate/hsearch is the C library's static storage (its entries point into the program's memory), which
 * a restarted process does not have: its hsearch crashed (a table of size 0). A checkpoint is refused, naming it,
 * while the table exists (hcreate_r, whose table the program's own struct holds, is not wrapped). */
int __real_hcreate(size_t n);
void __real_hdestroy(void);
TL_WEAK int __wrap_hcreate(size_t n);
TL_WEAK void __wrap_hdestroy(void);

int __wrap_hcreate(size_t n)
{
    int r = __real_hcreate(n);
    if (r)
        hash_table = 1;
    return r;
}

void __wrap_hdestroy(void)
{
    __real_hdestroy();
    hash_table = 0;
}
