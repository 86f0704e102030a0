/* sigtypes.c: the C library's signal types described portably (docs/CODEGEN.md "Types of the C library", FORMAT.md
 * "Signal sets and sigaction"), so that a server's `struct sigaction sa;` and `sigset_t` locals migrate. Their
 * members are private and laid out differently on every C library and ISA (glibc's sigset_t holds 1024 bits, musl's
 * 128 bytes; s390x's glibc puts sa_mask after sa_flags), so they are described by what a program can observe through
 * the C library's own functions, as members read and written by accessors (the bit-field mechanism of talent.h):
 *
 *   sigset_t          { standard: uint32_t:31  bit n-1 = signal n (1..31, Linux's generic numbers: sigdisp.c)
 *                       realtime: uint32_t:32  bit k = SIGRTMIN+k
 *                       all_realtime: _Bool:1  every real-time signal SIGRTMIN..SIGRTMAX (as sigfillset sets) }
 *   struct sigaction  { sa_handler: FUNCPTR    the handler by name (sa_handler and sa_sigaction share the place;
 *                                              SA_SIGINFO says which), SIG_DFL as NULL, SIG_IGN and SIG_ERR by tag
 *                       sa_mask: sigset_t
 *                       sa_flags: uint32_t:7   talent's bits for the POSIX flags }
 *
 * Real-time signals are carried relative to SIGRTMIN because glibc reserves 32 and 33 for itself and musl 32..34: a
 * program names them SIGRTMIN+k, never by number. Reading uses sigismember; writing sigemptyset + sigaddset on the
 * restoring platform's C library (members are restored in declaration order: `standard` first empties the set).
 * Never guessed: a signal the C library reserves found in a set, a flag outside POSIX's, an sa_restorer the program
 * set refuse the checkpoint naming the variable; SIGRTMIN+k beyond this platform's SIGRTMAX refuses the restore. */
#define _DEFAULT_SOURCE 1
#include "sigtypes.h"
#include "contract.h"
#include "diag.h"
#include "refusal.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000      /* what sigaction() reports back when the C library set its own return trampoline */
#endif
#ifndef SA_INTERRUPT
#define SA_INTERRUPT 0x20000000     /* set by glibc's System V signal(); the Linux kernel ignores and drops it */
#endif

static const char *what(char *buf, size_t n)
{
    if (tl_accessor_ctx) {
        tl_ctx_describe(tl_accessor_ctx, buf, n);
        return buf;
    }
    snprintf(buf, n, "a signal set");
    return buf;
}

static const char *declared(void)
{
    return tl_accessor_ctx && tl_accessor_ctx->decl_pos ? tl_accessor_ctx->decl_pos : "?";
}

static int all_realtime(const sigset_t *s)
{
    int sig;
    for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
        if (sigismember(s, sig) != 1)
            return 0;
    return 1;
}

uint64_t tl_sigset_portable(const sigset_t *s, int *reserved)
{
    uint64_t v = 0;
    int sig;
    *reserved = 0;
    for (sig = 1; sig <= 31; sig++)
        if (sigismember(s, sig) == 1)
            v |= (uint64_t)1 << (sig - 1);
    for (sig = 32; sig < SIGRTMIN && !*reserved; sig++)
        if (sigismember(s, sig) == 1)
            *reserved = sig;
    if (all_realtime(s))
        return v | ((uint64_t)1 << TL_SIGSET_ALL_REALTIME_BIT);
    for (sig = SIGRTMIN; sig <= SIGRTMAX && sig - SIGRTMIN < 32; sig++)
        if (sigismember(s, sig) == 1)
            v |= (uint64_t)1 << (32 + sig - SIGRTMIN);
    return v;
}

int tl_sigset_from_portable(sigset_t *s, uint64_t v)
{
    int sig, k;
    sigemptyset(s);
    for (sig = 1; sig <= 31; sig++)
        if (v & ((uint64_t)1 << (sig - 1)))
            sigaddset(s, sig);
    if (v & ((uint64_t)1 << TL_SIGSET_ALL_REALTIME_BIT))
        for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
            sigaddset(s, sig);
    for (k = 0; k < 32; k++) {
        if (!(v & ((uint64_t)1 << (32 + k))))
            continue;
        if (SIGRTMIN + k > SIGRTMAX)
            return k;
        sigaddset(s, SIGRTMIN + k);
    }
    return -1;
}

/* The members' accessors: slices of the portable word (the set is rebuilt member by member, `standard` first). */
static unsigned long long standard_get(const void *o)
{
    int reserved;
    uint64_t v = tl_sigset_portable(o, &reserved);
    if (reserved) {
        char buf[256];
        tl_info("'%s' (declared at %s) holds signal %d, which the C library reserves for itself (sigaddset refuses "
                "it, sigprocmask ignores it): not carried", what(buf, sizeof buf), declared(), reserved);
    }
    return v & 0x7FFFFFFFu;
}

static void standard_set(void *o, unsigned long long v)
{
    tl_sigset_from_portable(o, v & 0x7FFFFFFFu);
}

static unsigned long long realtime_get(const void *o)
{
    int reserved;
    return tl_sigset_portable(o, &reserved) >> 32;
}

static void realtime_set(void *o, unsigned long long v)
{
    sigset_t add;
    int k = tl_sigset_from_portable(&add, (uint64_t)v << 32), sig;
    if (k >= 0) {
        char buf[256];
        tl_die(TL_EXIT_DATAERR, "cannot restore '%s' (declared at %s): it holds SIGRTMIN+%d, which this platform's C "
               "library does not have (its SIGRTMAX is SIGRTMIN+%d)", what(buf, sizeof buf), declared(), k,
               SIGRTMAX - SIGRTMIN);
    }
    for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
        if (sigismember(&add, sig) == 1)
            sigaddset(o, sig);
}

static unsigned long long all_realtime_get(const void *o)
{
    return (unsigned long long)all_realtime(o);
}

static void all_realtime_set(void *o, unsigned long long v)
{
    int sig;
    if (v)
        for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
            sigaddset((sigset_t *)o, sig);
}

static const talent_type u32_type = { TALENT_K_UINT, "uint32_t", 4, 0, 0, 0, 0, 0 };
static const talent_type bool_type = { TALENT_K_BOOL, "_Bool", 1, 0, 0, 0, 0, 0 };
static const talent_type handler_type = { TALENT_K_FUNCPTR, "void (*)(int)", sizeof(void (*)(int)), 0, 0, 0, 0, 0 };

static const talent_field sigset_fields[] = {
    { "standard", &u32_type, 0, 31, standard_get, standard_set, 0 },
    { "realtime", &u32_type, 0, 32, realtime_get, realtime_set, 0 },
    { "all_realtime", &bool_type, 0, 1, all_realtime_get, all_realtime_set, 0 },
};

const talent_type talent_sigset_type = { TALENT_K_STRUCT, "sigset_t", sizeof(sigset_t), 0, 0, sigset_fields,
                                         sizeof sigset_fields / sizeof sigset_fields[0], 0 };

/* talent's bits for the POSIX flags (the values of SA_* differ between C libraries and kernels' ABIs) */
static const struct { unsigned sa; unsigned bit; } flag_map[] = {
    { SA_NOCLDSTOP, TL_SA_NOCLDSTOP },
    { SA_NOCLDWAIT, TL_SA_NOCLDWAIT },
    { SA_SIGINFO, TL_SA_SIGINFO },
    { SA_ONSTACK, TL_SA_ONSTACK },
    { SA_RESTART, TL_SA_RESTART },
    { SA_NODEFER, TL_SA_NODEFER },
    { SA_RESETHAND, TL_SA_RESETHAND },
};
#define NFLAGS (sizeof flag_map / sizeof flag_map[0])

static unsigned long long flags_get(const void *o)
{
    const struct sigaction *a = o;
    unsigned left = (unsigned)a->sa_flags, v = 0, i;
    char buf[256];
    if (left & SA_RESTORER)
        /* the C library's trampoline, as sigaction(sig, NULL, &old) reports it: the restoring C library sets its own */
        left &= ~(unsigned)SA_RESTORER;
    else if (a->sa_restorer)
        tl_refuse("cannot checkpoint: '%s' (declared at %s) is a struct sigaction whose sa_restorer the program set: "
                  "talent does not carry it (a return trampoline is the C library's, different on every platform)",
                  what(buf, sizeof buf), declared());
    left &= ~(unsigned)SA_INTERRUPT;      /* glibc's System V signal() sets it, the kernel ignores it (sigdisp.c) */
    for (i = 0; i < NFLAGS; i++)
        if (left & flag_map[i].sa) {
            v |= flag_map[i].bit;
            left &= ~flag_map[i].sa;
        }
    if (left)
        tl_refuse("cannot checkpoint: '%s' (declared at %s) is a struct sigaction with sa_flags %#x that are not POSIX's "
                  "(SA_NOCLDSTOP, SA_NOCLDWAIT, SA_SIGINFO, SA_ONSTACK, SA_RESTART, SA_NODEFER, SA_RESETHAND): talent "
                  "cannot carry them", what(buf, sizeof buf), declared(), left);
    return v;
}

static void flags_set(void *o, unsigned long long v)
{
    struct sigaction *a = o;
    unsigned i;
    a->sa_flags = 0;
    for (i = 0; i < NFLAGS; i++)
        if (v & flag_map[i].bit)
            a->sa_flags |= (int)flag_map[i].sa;
    a->sa_restorer = NULL;
}

static const talent_field sigaction_fields[] = {
    { "sa_handler", &handler_type, offsetof(struct sigaction, sa_handler), 0, 0, 0, 0 },
    { "sa_mask", &talent_sigset_type, offsetof(struct sigaction, sa_mask), 0, 0, 0, 0 },
    { "sa_flags", &u32_type, 0, 7, flags_get, flags_set, 0 },
};

const talent_type talent_sigaction_type = { TALENT_K_STRUCT, "struct sigaction", sizeof(struct sigaction), 0, 0,
                                            sigaction_fields, sizeof sigaction_fields / sizeof sigaction_fields[0], 0 };
