/* sigdisp.c: the program's signal dispositions carried across a checkpoint (issues 11/12: a server that ignores
 * SIGPIPE or counts SIGTERM keeps doing so after a migration). Nothing is wrapped: at a checkpoint each standard
 * signal's disposition is read with sigaction(sig, NULL, &old); the ones talent owns (SIGUSR1, SIGUSR2: checkpoint
 * requests, signals.c; SIGURG: pre-copy, precopy.c) and SIGKILL/SIGSTOP are never read nor written. A non-default
 * one is written to the SIGS section (docs/FORMAT.md "SIGS"): SIG_IGN, or a handler of the program by its name
 * (the identity function pointers are carried by, values.c; never an address), its flags as talent's portable
 * bits and its mask as talent's portable signal set (sigtypes.h). At a restore each is installed again with this
 * platform's sigaction before the program resumes. */
#define _DEFAULT_SOURCE 1
#include "sigdisp.h"
#include "contract.h"
#include "refusal.h"
#include "diag.h"
#include "strerror.h"
#include "values.h"
#include "sigtypes.h"
#include "signals.h"
#include "precopy.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* The numbers the format uses are Linux's generic ones; talent is built only where they are the platform's. */
typedef char tl_signal_numbers_are_generic[(SIGHUP == 1 && SIGINT == 2 && SIGQUIT == 3 && SIGILL == 4 &&
                                            SIGTRAP == 5 && SIGABRT == 6 && SIGBUS == 7 && SIGFPE == 8 &&
                                            SIGKILL == 9 && SIGUSR1 == 10 && SIGSEGV == 11 && SIGUSR2 == 12 &&
                                            SIGPIPE == 13 && SIGALRM == 14 && SIGTERM == 15 && SIGCHLD == 17 &&
                                            SIGCONT == 18 && SIGSTOP == 19 && SIGTSTP == 20 && SIGTTIN == 21 &&
                                            SIGTTOU == 22 && SIGURG == 23 && SIGXCPU == 24 && SIGXFSZ == 25 &&
                                            SIGVTALRM == 26 && SIGPROF == 27 && SIGWINCH == 28 && SIGIO == 29 &&
                                            SIGSYS == 31) ? 1 : -1];

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000      /* set by the C library for its own return trampoline: not the program's */
#endif
#ifndef SA_INTERRUPT
#define SA_INTERRUPT 0x20000000     /* set by glibc's System V signal(); the Linux kernel ignores and drops it */
#endif

static const struct { int sa; uint8_t bit; } flag_map[] = {
    {SA_RESTART, TL_SIGS_FLAG_RESTART},
    {SA_SIGINFO, TL_SIGS_FLAG_SIGINFO},
    {SA_NODEFER, TL_SIGS_FLAG_NODEFER},
    {SA_RESETHAND, TL_SIGS_FLAG_RESETHAND},
};
#define NFLAGS (sizeof flag_map / sizeof flag_map[0])

static int carried(int sig)
{
    return sig >= 1 && sig <= TL_SIGS_MAX_SIGNAL && !(TL_SIGS_OWN_MASK & (1u << (sig - 1)));
}

/* The dispositions the process had when the runtime started (set up by the C library or a sanitizer before main,
 * and set up again by the restoring binary's own start): only what the program changed since is carried. */
static struct sigaction start_disp[TL_SIGS_MAX_SIGNAL + 1];
static unsigned char start_known[TL_SIGS_MAX_SIGNAL + 1];
static void *start_rt[64];
static int start_rt_known;
/* The signals blocked when the runtime started (inherited from the parent): a signal the program blocked since is
 * not carried (tl_sigdisp_check_mask) */
static sigset_t start_mask;
static int start_mask_known;

static void *handler_of(const struct sigaction *a)
{
    return (a->sa_flags & SA_SIGINFO) ? (void *)a->sa_sigaction : (void *)a->sa_handler;
}

void tl_sigdisp_snapshot(void)
{
    int sig, rt;
    for (sig = 1; sig <= TL_SIGS_MAX_SIGNAL; sig++)
        start_known[sig] = sigaction(sig, NULL, &start_disp[sig]) == 0;
    for (rt = SIGRTMIN; rt <= SIGRTMAX && rt - SIGRTMIN < 64; rt++) {
        struct sigaction a;
        start_rt[rt - SIGRTMIN] = sigaction(rt, NULL, &a) == 0 ? handler_of(&a) : NULL;
    }
    start_rt_known = 1;
    start_mask_known = sigprocmask(SIG_BLOCK, NULL, &start_mask) == 0;
}

static int as_at_start(int sig, const struct sigaction *now)
{
    return start_known[sig] && handler_of(now) == handler_of(&start_disp[sig]) &&
           now->sa_flags == start_disp[sig].sa_flags;
}

/* SIGURG's disposition is not the one the process started with (nor the default) */
static int urg_changed(void)
{
    struct sigaction now;
    if (sigaction(SIGURG, NULL, &now) != 0)
        return 0;
    if (!(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_DFL)
        return 0;
    return !as_at_start(SIGURG, &now);
}

static const char *sig_name(int sig)
{
    return tl_strsignal(sig);
}

/* The signals the program blocked (the global TL_SIGMASK_KEY): talent's portable set (sigtypes.h) in a struct of one
 * member. SIGMASK_NONE (every bit, talent's own signals too, which no reader accepts) means that no checkpoint
 * carried one into this process. */
#define SIGMASK_NONE UINT64_MAX
struct tl_sigmask {
    uint64_t blocked;
};
static struct tl_sigmask carried_mask = { SIGMASK_NONE };
static int mask_changed;
static const talent_type t_u64 = TALENT_INT_TYPE(uint64_t, "uint64_t");
static const talent_field sigmask_fields[] = { TALENT_FIELD(struct tl_sigmask, blocked, &t_u64) };
static const talent_type t_sigmask = TALENT_STRUCT_TYPE(struct tl_sigmask, "struct talent_sigmask", sigmask_fields);

/* The signals talent itself raises, dropped from the pending set: a checkpoint request (SIGUSR1, SIGUSR2) that waits
 * while the program blocks it is served when the program unblocks it, as before the checkpoint (the restored process
 * has no request pending: the request was for the process that got it); SIGURG and SIGRTMIN+2 only while pre-copy and
 * the periodic timer are talent's (otherwise they are the program's own signals, and a pending one refuses). */
static void drop_requests(sigset_t *set)
{
    sigdelset(set, SIGUSR1);
    sigdelset(set, SIGUSR2);
    if (tl_precopy_enabled())
        sigdelset(set, SIGURG);
    if (tl_signals_own_timers())
        sigdelset(set, SIGRTMIN + 2);
}

/* What no process can block (the kernel drops them from any mask): never in a carried set. talent's own signals are
 * carried like any other: a program that blocked SIGUSR1 reads its mask back with it after a restart (before
 * 2026-12-06 they were left out, so the restored program found it unblocked, exit 0 and other output), and a
 * checkpoint request waits until the program unblocks it, in the restored process as in the first. */
static void drop_never(sigset_t *set)
{
    sigdelset(set, SIGKILL);
    sigdelset(set, SIGSTOP);
}

void tl_sigdisp_check_mask(void)
{
    sigset_t now, start, pending;
    int sig, reserved;
    uint64_t v;
    mask_changed = 0;
    if (sigpending(&pending) == 0) {
        drop_requests(&pending);
        for (sig = 1; sig <= SIGRTMAX && sig <= 64; sig++)
            if (sigismember(&pending, sig) == 1) {
                tl_refuse("cannot checkpoint: signal %d (%s) is pending (raised while blocked): talent does not carry "
                          "pending signals, and the restored program would never receive it; let it be delivered "
                          "(unblock it) before the checkpoint", sig, sig_name(sig));
                return;
            }
    }
    if (!start_mask_known || sigprocmask(SIG_BLOCK, NULL, &now) != 0) {
        tl_refuse("cannot checkpoint: the set of blocked signals cannot be read (sigprocmask)");
        return;
    }
    start = start_mask;
    drop_never(&now);
    drop_never(&start);
    v = tl_sigset_portable(&now, &reserved);
    if (reserved) {
        tl_refuse("cannot checkpoint: the program blocks signal %d, which the C library reserves for itself: talent "
                  "cannot carry it", reserved);
        return;
    }
    if (v == tl_sigset_portable(&start, &reserved))
        return;         /* as every process starts: nothing to carry (no global, as before) */
    carried_mask.blocked = v;
    mask_changed = 1;
}

int tl_sigdisp_mask_changed(void)
{
    return mask_changed;
}

void tl_sigdisp_mask_global(void **addr, const talent_type **type)
{
    *addr = &carried_mask;
    *type = &t_sigmask;
}

int tl_sigdisp_mask_valid(uint64_t v)
{
    if (v & TL_SIGMASK_NEVER)
        return 0;
    return !((v & ((uint64_t)1 << TL_SIGSET_ALL_REALTIME_BIT)) && (v >> 32));
}

const char *tl_sigdisp_mask_restored(void)
{
    static char why[200];
    sigset_t set;
    int k;
    if (carried_mask.blocked == SIGMASK_NONE)
        return NULL;
    if (!tl_sigdisp_mask_valid(carried_mask.blocked)) {
        snprintf(why, sizeof why, "a set of blocked signals (%s) that is not valid: it names SIGKILL or SIGSTOP, or "
                 "every real-time signal and some of them again", TL_SIGMASK_KEY);
        return why;
    }
    k = tl_sigset_from_portable(&set, carried_mask.blocked);
    if (k >= 0) {
        snprintf(why, sizeof why, "a set of blocked signals (%s) with real-time signal SIGRTMIN+%d, which this "
                 "platform does not have", TL_SIGMASK_KEY, k);
        return why;
    }
    return NULL;
}

const char *tl_sigdisp_mask_apply(void)
{
    static char why[160];
    sigset_t set;
    if (carried_mask.blocked == SIGMASK_NONE)
        return NULL;
    tl_sigset_from_portable(&set, carried_mask.blocked);    /* checked by tl_sigdisp_mask_restored */
    if (sigprocmask(SIG_SETMASK, &set, NULL) != 0) {
        snprintf(why, sizeof why, "cannot block the program's signals again: %s", tl_strerror(errno));
        return why;
    }
    return NULL;
}

uint32_t tl_sigdisp_write(tl_buf *b)
{
    tl_buf body = {0};
    uint32_t n = 0;
    int sig, rt;
    for (sig = 1; sig <= TL_SIGS_MAX_SIGNAL; sig++) {
        struct sigaction old;
        unsigned flags = 0, i;
        uint64_t mask = 0;
        int s;
        if (!carried(sig) || sigaction(sig, NULL, &old) != 0)
            continue;
        if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL)
            continue;
        if (as_at_start(sig, &old))
            continue;
        if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_IGN) {
            tl_buf_u8(&body, (uint8_t)sig);
            tl_buf_u8(&body, TL_SIGS_IGNORE);
            tl_buf_u8(&body, 0);
            tl_buf_u64(&body, 0);
            n++;
            continue;
        }
        {
            void (*fn)(void) = (old.sa_flags & SA_SIGINFO) ? (void (*)(void))old.sa_sigaction
                                                             : (void (*)(void))old.sa_handler;
            const char *name = tl_function_name_at(fn);
            /* SA_INTERRUPT: glibc's System V signal() (the signal() of strict ISO C and POSIX programs) sets it; the
             * kernel drops it, qemu-user keeps and reports it: it means nothing and is not carried */
            unsigned left = (unsigned)old.sa_flags & ~(unsigned)(SA_RESTORER | SA_INTERRUPT);
            if (!name) {
                tl_refuse("cannot checkpoint: the handler of signal %d (%s) is a function talent does not know "
                          "(neither an instrumented function nor a library function in the program's function table)",
                          sig, sig_name(sig));
                continue;
            }
            for (i = 0; i < NFLAGS; i++)
                if (left & (unsigned)flag_map[i].sa) {
                    flags |= flag_map[i].bit;
                    left &= ~(unsigned)flag_map[i].sa;
                }
            if (left) {
                tl_refuse("cannot checkpoint: the handler %s() of signal %d (%s) has sigaction flags %#x talent does "
                          "not carry (only SA_RESTART, SA_SIGINFO, SA_NODEFER and SA_RESETHAND are)", name, sig,
                          sig_name(sig), left);
                continue;
            }
            mask = tl_sigset_portable(&old.sa_mask, &s);
            if (s) {
                tl_refuse("cannot checkpoint: the handler %s() of signal %d (%s) blocks signal %d, which the C library "
                          "reserves for itself: talent cannot carry it", name, sig, sig_name(sig), s);
                continue;
            }
            tl_buf_u8(&body, (uint8_t)sig);
            tl_buf_u8(&body, TL_SIGS_HANDLER);
            tl_buf_u8(&body, (uint8_t)flags);
            tl_buf_u64(&body, mask);
            tl_buf_str(&body, name);
            n++;
        }
    }
    /* SIGUSR1/SIGUSR2 are talent's checkpoint requests: a disposition the program gave them would be replaced by
     * talent's at the restore, silently; refused instead */
    for (sig = SIGUSR1; sig <= SIGUSR2; sig += SIGUSR2 - SIGUSR1)
        if (tl_signals_request_handler_replaced(sig))
            tl_refuse("cannot checkpoint: the program changed the disposition of signal %d (%s), which talent uses for "
                      "checkpoint requests: a restore would not keep it", sig, sig_name(sig));
    /* SIGURG is pre-copy's request while pre-copy is on (precopy.c): a disposition the program gave it then would be
     * replaced at the restore; otherwise it is the program's (out-of-band data), but the SIGS format does not carry
     * it: a disposition the program changed is refused, never dropped (before 2026-12-06 it was lost silently) */
    if (tl_precopy_enabled() ? tl_precopy_urg_replaced() : urg_changed())
        tl_refuse("cannot checkpoint: the program changed the disposition of signal %d (%s), which talent %s: a "
                  "restore would not keep it", SIGURG, sig_name(SIGURG),
                  tl_precopy_enabled() ? "uses for pre-copy requests" : "does not carry");
    /* real-time signals are not carried: a program's handler of one refuses the checkpoint rather than being
     * dropped (SIGRTMIN+2 is talent's periodic checkpoint timer, signals.c) */
    for (rt = SIGRTMIN; rt <= SIGRTMAX; rt++) {
        struct sigaction old;
        if (rt == SIGRTMIN + 2 || sigaction(rt, NULL, &old) != 0)
            continue;
        if (start_rt_known && rt - SIGRTMIN < 64 && handler_of(&old) == start_rt[rt - SIGRTMIN])
            continue;
        if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)
            tl_refuse("cannot checkpoint: real-time signal %d has a handler or is ignored; talent carries the "
                      "dispositions of the standard signals only", rt);
    }
    if (n) {
        tl_buf_u32(b, n);
        tl_buf_put(b, body.data, body.len);
    }
    tl_buf_free(&body);
    return n;
}

int tl_sigdisp_parse(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t n, i;
    int last = 0;
    size_t at = r->pos;
    n = tl_rd_u32(r);
    if (r->failed)
        return -1;
    if (n == 0 || n > TL_SIGS_MAX_SIGNAL) {
        tl_reader_fail(r, "at offset %lu: %lu signal dispositions (1 to %d)", (unsigned long)(r->base + at),
                       (unsigned long)n, TL_SIGS_MAX_SIGNAL);
        return -1;
    }
    for (i = 0; i < n && !r->failed; i++) {
        tl_ck_sig *e = &ck->sigs[i];
        size_t eat = r->pos;
        e->sig = tl_rd_u8(r);
        e->kind = tl_rd_u8(r);
        e->flags = tl_rd_u8(r);
        e->mask = tl_rd_u64(r);
        e->handler = NULL;
        if (r->failed)
            break;
        if (!carried(e->sig) || e->sig <= last) {
            tl_reader_fail(r, "at offset %lu: signal %u is not one talent carries, or not in ascending order",
                           (unsigned long)(r->base + eat), e->sig);
            break;
        }
        last = e->sig;
        if ((e->mask & ((uint64_t)1 << TL_SIGSET_ALL_REALTIME_BIT)) && (e->mask >> 32)) {
            tl_reader_fail(r, "at offset %lu: signal %u: mask has every real-time signal and some of them again",
                           (unsigned long)(r->base + eat), e->sig);
            break;
        }
        if (e->kind == TL_SIGS_IGNORE) {
            if (e->flags || e->mask)
                tl_reader_fail(r, "at offset %lu: ignored signal %u with flags %u or a mask",
                               (unsigned long)(r->base + eat), e->sig, e->flags);
        } else if (e->kind == TL_SIGS_HANDLER) {
            uint32_t len;
            const unsigned char *name;
            if (e->flags & ~TL_SIGS_FLAGS)
                tl_reader_fail(r, "at offset %lu: signal %u: unknown flag bits %#x", (unsigned long)(r->base + eat),
                               e->sig, e->flags & ~TL_SIGS_FLAGS);
            name = tl_rd_str_ref(r, &len);
            if (!r->failed && (!name || len == 0))
                tl_reader_fail(r, "at offset %lu: signal %u: empty handler name", (unsigned long)(r->base + eat), e->sig);
            if (!r->failed) {
                e->handler = tl_function_addr_named(name, len);
                if (!e->handler)
                    tl_reader_fail(r, "at offset %lu: signal %u: handler '%.*s' is not a function of this program",
                                   (unsigned long)(r->base + eat), e->sig, (int)len, (const char *)name);
            }
        } else
            tl_reader_fail(r, "at offset %lu: signal %u: unknown disposition kind %u", (unsigned long)(r->base + eat),
                           e->sig, e->kind);
    }
    if (r->failed)
        return -1;
    ck->nsigs = n;
    return 0;
}

void tl_sigdisp_restore(const tl_checkpoint *ck)
{
    uint32_t i;
    for (i = 0; i < ck->nsigs; i++) {
        const tl_ck_sig *e = &ck->sigs[i];
        struct sigaction sa;
        unsigned k;
        int s;
        memset(&sa, 0, sizeof sa);
        sigemptyset(&sa.sa_mask);
        if (e->kind == TL_SIGS_IGNORE)
            sa.sa_handler = SIG_IGN;
        else {
            for (k = 0; k < NFLAGS; k++)
                if (e->flags & flag_map[k].bit)
                    sa.sa_flags |= flag_map[k].sa;
            if (e->flags & TL_SIGS_FLAG_SIGINFO)
                sa.sa_sigaction = (void (*)(int, siginfo_t *, void *))e->handler;
            else
                sa.sa_handler = (void (*)(int))e->handler;
            s = tl_sigset_from_portable(&sa.sa_mask, e->mask);
            if (s >= 0)
                tl_die(TL_EXIT_DATAERR, "cannot restore the disposition of signal %u (%s): its handler blocks SIGRTMIN+%d, "
                       "which this platform's C library does not have (its SIGRTMAX is SIGRTMIN+%d)", e->sig,
                       sig_name(e->sig), s, SIGRTMAX - SIGRTMIN);
        }
        if (sigaction(e->sig, &sa, NULL) != 0)
            tl_die(TL_EXIT_SOFTWARE, "cannot restore the disposition of signal %u (%s): %s", e->sig, sig_name(e->sig),
                   tl_strerror(errno));
    }
}
