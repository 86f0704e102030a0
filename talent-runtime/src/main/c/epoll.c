/* epoll.c: epoll instances carried across a checkpoint (issue 12). The talent_epoll_* wrappers behave like libc's
 * and keep a bounded table of the program's instances (descriptor number, close-on-exec) and of each instance's
 * registrations (descriptor, events, and the epoll_data the program gave, as the member the compiler saw it write:
 * data.fd/u32, data.u64 or data.ptr). The kernel is given the registered descriptor as its data, and
 * talent_epoll_wait puts the program's own data back into each event it returns, so that after a restore the
 * table (whose data.ptr values were decoded like any pointer, for this ISA's addresses) is the only truth.
 *
 * epoll_wait and epoll_pwait are blocking sites like poll: a checkpoint request interrupts them, the site takes the
 * checkpoint, and the call is issued again after it (with the time that was left). The checkpoint's EPOL section
 * holds the table; a restart recreates each instance at its descriptor number once every descriptor is back (the
 * TCP connections talent hands over included) and adds each registration again. What a restored registration
 * reports (docs/FORMAT.md "EPOL"): the readiness at that moment: a level-triggered one as before; an edge-triggered
 * one (EPOLLET) reports a descriptor that is ready at the restore once, even if its edge was already reported
 * before the checkpoint (a spurious wakeup at most, never a lost one: data that arrived before the checkpoint and
 * was not read is reported); an EPOLLONESHOT registration that fired and was not re-armed stays disarmed (it is
 * added again by the program's next EPOLL_CTL_MOD). */
#define _GNU_SOURCE 1
#include "epoll.h"
#include "blocking.h"
#include "diag.h"
#include "files.h"
#include "site.h"
#include "strerror.h"
#include "xalloc.h"
#include "sort.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

/* The event bits of the format are Linux's (include/uapi/linux/eventpoll.h), the same on every ISA and C
 * library: checked here at compile time, so a platform where they differ does not build. */
typedef char tl_epoll_bits_are_linux[(EPOLLIN == 0x1 && EPOLLPRI == 0x2 && EPOLLOUT == 0x4 && EPOLLERR == 0x8 &&
                                      EPOLLHUP == 0x10 && EPOLLRDNORM == 0x40 && EPOLLRDBAND == 0x80 &&
                                      EPOLLWRNORM == 0x100 && EPOLLWRBAND == 0x200 && EPOLLMSG == 0x400 &&
                                      EPOLLRDHUP == 0x2000 && (unsigned)EPOLLEXCLUSIVE == 1u << 28 &&
                                      (unsigned)EPOLLWAKEUP == 1u << 29 && (unsigned)EPOLLONESHOT == 1u << 30 &&
                                      (unsigned)EPOLLET == 1u << 31) ? 1 : -1];
#define KNOWN_EVENTS 0xF00027DFu   /* the bits above: FORMAT.md "EPOL" */

typedef struct reg {
    int fd;
    uint32_t events;
    uint8_t kind;                   /* TL_EPOLL_DATA_* */
    uint8_t disarmed;               /* EPOLLONESHOT fired, not re-armed */
    uint8_t in_kernel;              /* added to the kernel's instance (a disarmed one after a restart is not) */
    uint8_t reported;               /* while translating: the kernel returned an event for it */
    uint64_t value;                 /* INT32, U64 */
    void *ptr;                      /* POINTER */
} reg;

typedef struct inst {
    int fd;
    int cloexec;
    reg *regs;                      /* sorted by fd */
    size_t nregs, cap;
    struct alias {
        int fd;
        int cloexec;                /* its own close-on-exec, as collected for a checkpoint */
    } *aliases;                     /* other descriptors of this instance (dup, dup2, dup3, fcntl F_DUPFD) */
    size_t naliases;
} inst;

static inst *insts;
static size_t ninsts, capinsts, nwatches;
static int hooked;

static void on_close(int fd);
static void on_closing(int fd);

static int holding(void);

static void hook(void)
{
    if (!hooked) {
        tl_files_close_hook = on_close;
        tl_files_closing_hook = on_closing;
        tl_site_defer_hook = holding;
        hooked = 1;
    }
}

static long alias_index(const inst *in, int fd);

static inst *find_inst(int fd)
{
    size_t i;
    for (i = 0; i < ninsts; i++)
        if (insts[i].fd == fd || alias_index(&insts[i], fd) >= 0)
            return &insts[i];
    return NULL;
}

/* index of fd in in->regs, or -(insertion point) - 1 */
static long find_reg(const inst *in, int fd)
{
    size_t lo = 0, hi = in->nregs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (in->regs[mid].fd < fd)
            lo = mid + 1;
        else if (in->regs[mid].fd > fd)
            hi = mid;
        else
            return (long)mid;
    }
    return -(long)lo - 1;
}

static void remove_reg(inst *in, size_t k)
{
    memmove(&in->regs[k], &in->regs[k + 1], (in->nregs - k - 1) * sizeof *in->regs);
    in->nregs--;
    nwatches--;
}

static reg *insert_reg(inst *in, size_t at)
{
    if (in->nregs == in->cap) {
        in->cap = in->cap ? 2 * in->cap : 8;
        in->regs = tl_xrealloc(in->regs, in->cap * sizeof *in->regs);
    }
    memmove(&in->regs[at + 1], &in->regs[at], (in->nregs - at) * sizeof *in->regs);
    in->nregs++;
    nwatches++;
    memset(&in->regs[at], 0, sizeof in->regs[at]);
    return &in->regs[at];
}

static void remove_inst(size_t i)
{
    nwatches -= insts[i].nregs;
    free(insts[i].regs);
    free(insts[i].aliases);
    memmove(&insts[i], &insts[i + 1], (ninsts - i - 1) * sizeof *insts);
    ninsts--;
}

static void drop_descriptor(size_t i, int fd);

static inst *add_inst(int fd, int cloexec)
{
    inst *in;
    size_t i;
    /* a number the table still holds was closed behind talent's back */
    for (i = 0; i < ninsts; i++)
        if (insts[i].fd == fd || alias_index(&insts[i], fd) >= 0) {
            drop_descriptor(i, fd);
            break;
        }
    if (ninsts == capinsts) {
        capinsts = capinsts ? 2 * capinsts : 4;
        insts = tl_xrealloc(insts, capinsts * sizeof *insts);
    }
    in = &insts[ninsts++];
    memset(in, 0, sizeof *in);
    in->fd = fd;
    in->cloexec = cloexec;
    return in;
}

/* the index of fd among in's other descriptors, or -1 */
static long alias_index(const inst *in, int fd)
{
    size_t j;
    for (j = 0; j < in->naliases; j++)
        if (in->aliases[j].fd == fd)
            return (long)j;
    return -1;
}

/* descriptor fd of instance i is gone: an alias is forgotten; the instance's own number is replaced by its last
 * alias (the kernel's instance lives on while a descriptor of it does), or the instance goes with its last one */
static void drop_descriptor(size_t i, int fd)
{
    inst *in = &insts[i];
    long j = alias_index(in, fd);
    if (j >= 0)
        in->aliases[j] = in->aliases[--in->naliases];
    else if (in->naliases > 0) {
        in->naliases--;
        in->fd = in->aliases[in->naliases].fd;
        in->cloexec = in->aliases[in->naliases].cloexec;
    }
    else
        remove_inst(i);
}

/* Whether descriptor fd refers to the same kernel instance as in's own descriptor (a copy made with dup, dup2,
 * dup3 or fcntl F_DUPFD, which talent does not see made): a probe descriptor registered through in->fd is
 * already there when fd is asked to add it (EEXIST). Nothing of the probe is left behind. */
static int same_instance(int fd, const inst *in)
{
    struct epoll_event ev;
    int probe, same = 0, saved = errno;
    if (fd < 0 || fd == in->fd)
        return fd == in->fd;
    probe = eventfd(0, EFD_CLOEXEC);
    if (probe < 0) {
        errno = saved;
        return 0;
    }
    memset(&ev, 0, sizeof ev);
    if (epoll_ctl(in->fd, EPOLL_CTL_ADD, probe, &ev) == 0) {
        if (epoll_ctl(fd, EPOLL_CTL_ADD, probe, &ev) == 0)
            epoll_ctl(fd, EPOLL_CTL_DEL, probe, &ev);
        else
            same = errno == EEXIST;
        epoll_ctl(in->fd, EPOLL_CTL_DEL, probe, &ev);
    }
    close(probe);
    errno = saved;
    return same;
}

static void add_alias(inst *in, int fd, int cloexec)
{
    in->aliases = tl_xrealloc(in->aliases, (in->naliases + 1) * sizeof *in->aliases);
    in->aliases[in->naliases].fd = fd;
    in->aliases[in->naliases++].cloexec = cloexec;
    tl_files_forget(fd);            /* carried in EDUP, never as a FILE entry */
}

/* the instance epfd refers to: by its number, or as a copy of an instance talent knows (recorded then) */
static inst *lookup(int epfd)
{
    size_t i;
    inst *in = find_inst(epfd);
    if (in || epfd < 0)
        return in;
    for (i = 0; i < ninsts; i++)
        if (same_instance(epfd, &insts[i])) {
            add_alias(&insts[i], epfd, 0);
            return &insts[i];
        }
    return NULL;
}

/* the program closed fd: an instance it was goes; so do its registrations (the kernel drops them when the last
 * descriptor of the file goes: a copy made with dup keeps the kernel's, which talent then no longer reports with
 * the program's data; FORMAT.md "EPOL") */
static void on_close(int fd)
{
    size_t i;
    for (i = 0; i < ninsts; i++)
        if (insts[i].fd == fd || alias_index(&insts[i], fd) >= 0) {
            drop_descriptor(i, fd);
            break;
        }
    for (i = 0; i < ninsts; i++) {
        long k = find_reg(&insts[i], fd);
        if (k >= 0)
            remove_reg(&insts[i], (size_t)k);
    }
}

/* ---------------------------------------------------------------- the wrappers */

static int created(int fd, int flags)
{
    if (fd < 0)
        return fd;
    hook();
    if (ninsts >= TL_EPOLL_MAX_INSTANCES) {
        close(fd);
        errno = EMFILE;
        return -1;
    }
    add_inst(fd, (flags & EPOLL_CLOEXEC) != 0);
    tl_files_forget(fd);            /* a number noticed before, now an instance: carried in EPOL, not FILE */
    return fd;
}

int talent_epoll_create(int size)
{
    return created(epoll_create(size), 0);
}

int talent_epoll_create1(int flags)
{
    return created(epoll_create1(flags), flags);
}

static void keep_data(reg *g, const struct epoll_event *ev, int kind)
{
    g->kind = (uint8_t)kind;
    g->value = 0;
    g->ptr = NULL;
    if (kind == TL_EPOLL_DATA_INT32)
        g->value = ev->data.u32;
    else if (kind == TL_EPOLL_DATA_U64)
        g->value = ev->data.u64;
    else
        g->ptr = ev->data.ptr;
}

int talent_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev, int kind)
{
    inst *in = lookup(epfd);
    struct epoll_event kev;
    long k;
    int r;
    if (!in) {
        /* an instance talent did not see created: a checkpoint refuses it, naming the descriptor (files.c) */
        tl_files_notice(epfd, "epoll_ctl on an epoll instance created where talent did not see it");
        return epoll_ctl(epfd, op, fd, ev);
    }
    if (fd >= 0 && fd != epfd && !find_inst(fd))
        tl_files_notice(fd, "epoll_ctl");
    k = find_reg(in, fd);
    if (op == EPOLL_CTL_DEL) {
        if (k >= 0 && !in->regs[k].in_kernel) {
            /* disarmed after a restart: not in the kernel's instance */
            if (fcntl(fd, F_GETFD) < 0)
                return -1;
            remove_reg(in, (size_t)k);
            return 0;
        }
        r = epoll_ctl(epfd, op, fd, ev);
        if (r == 0 && k >= 0)
            remove_reg(in, (size_t)k);
        return r;
    }
    if ((op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD) || !ev || kind < TL_EPOLL_DATA_INT32 || kind > TL_EPOLL_DATA_POINTER)
        return epoll_ctl(epfd, op, fd, ev);
    if (op == EPOLL_CTL_ADD && k < 0 && nwatches >= TL_EPOLL_MAX_WATCHES) {
        errno = ENOSPC;             /* what the kernel says beyond max_user_watches */
        return -1;
    }
    kev.events = ev->events;
    kev.data.u64 = (uint64_t)(uint32_t)fd;
    if (op == EPOLL_CTL_MOD && k >= 0 && !in->regs[k].in_kernel)
        r = epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &kev);
    else
        r = epoll_ctl(epfd, op, fd, &kev);
    if (r != 0)
        return r;
    if (k < 0) {
        k = -k - 1;
        insert_reg(in, (size_t)k)->fd = fd;
    }
    {
        /* the bytes of ev->data outside the member written hold unspecified values (C11 6.2.6.1): zeroed, so that
         * a checkpoint of the program's ev (a union migrates through its first member, data.ptr, and refuses bytes
         * that member does not cover: on i686 data.ptr has 4 of the union's 8) meets no garbage */
        size_t used = kind == TL_EPOLL_DATA_INT32 ? sizeof ev->data.u32 : kind == TL_EPOLL_DATA_POINTER ? sizeof ev->data.ptr
                                                                                              : sizeof ev->data;
        if (used < sizeof ev->data)
            memset((unsigned char *)&ev->data + used, 0, sizeof ev->data - used);
    }
    in->regs[k].events = ev->events;
    in->regs[k].disarmed = 0;
    in->regs[k].in_kernel = 1;
    keep_data(&in->regs[k], ev, kind);
    return 0;
}

/* the events the kernel returned, with the program's data; a disarmed registration's are dropped; listeners
 * holding connections carried from their backlog are readable (as in talent_poll). Returns the new count. */
static int put_numbers;             /* translate put a data.fd/u32/u64 into a result */

static void put_data(struct epoll_event *ev, const reg *x)
{
    put_numbers |= x->kind != TL_EPOLL_DATA_POINTER;
    if (x->kind == TL_EPOLL_DATA_INT32) {
        ev->data.u64 = 0;
        ev->data.u32 = (uint32_t)x->value;
    } else if (x->kind == TL_EPOLL_DATA_U64)
        ev->data.u64 = x->value;
    else
        ev->data.ptr = x->ptr;
}

static int translate(inst *in, struct epoll_event *events, int maxevents, int r, int pending)
{
    int i, n = 0;
    size_t k;
    put_numbers = 0;
    for (i = 0; i < r; i++) {
        int fd = (int)(uint32_t)events[i].data.u64;
        long g = find_reg(in, fd);
        reg *x;
        if (g < 0)
            continue;                   /* removed meanwhile: nothing the program registered */
        x = &in->regs[g];
        if (x->disarmed)
            continue;
        if (x->events & EPOLLONESHOT)
            x->disarmed = 1;
        x->reported = (uint8_t)pending;
        events[n].events = events[i].events;
        put_data(&events[n], x);
        n++;
    }
    for (k = 0; pending && k < in->nregs; k++) {
        reg *x = &in->regs[k];
        if (n < maxevents && !x->reported && !x->disarmed && (x->events & EPOLLIN) && tl_files_pending(x->fd)) {
            if (x->events & EPOLLONESHOT)
                x->disarmed = 1;
            events[n].events = EPOLLIN;
            put_data(&events[n], x);
            n++;
        }
        x->reported = 0;
    }
    return n;
}

static int carried_pending(const inst *in)
{
    size_t k;
    for (k = 0; k < in->nregs; k++)
        if (!in->regs[k].disarmed && (in->regs[k].events & EPOLLIN) && tl_files_pending(in->regs[k].fd))
            return 1;
    return 0;
}

/* ---------------------------------------------------------------- results the program still holds
 *
 * A checkpoint encodes an epoll_data union through its first member, data.ptr (FORMAT.md "Values"), so an event
 * epoll_wait returned with data.fd/u32/u64 would come back wrong if the program still held it in its buffer across
 * a checkpoint. The runtime remembers such results (a copy, per buffer) until the program calls epoll_wait on that
 * buffer again (which overwrites it) or overwrites them itself, and while it holds one, a requested checkpoint
 * waits for a later site (tl_site_defer_hook): typically the program's next epoll_wait, a site where the buffer's
 * old contents no longer matter. Pointer results need nothing: data.ptr is carried as a pointer. */

#define MAX_HELD 16

typedef struct held {
    const struct epoll_event *buf;
    int n;
    struct epoll_event *copy;
} held;

static held helds[MAX_HELD];
static int nhelds;

static void held_drop(int i)
{
    free(helds[i].copy);
    helds[i] = helds[--nhelds];
}

static void held_forget(const struct epoll_event *buf)
{
    int i;
    for (i = nhelds - 1; i >= 0; i--)
        if (helds[i].buf == buf)
            held_drop(i);
}

static void held_add(const struct epoll_event *buf, int n)
{
    if (nhelds == MAX_HELD)
        held_drop(0);               /* the oldest: by now overwritten or gone (it is checked below anyway) */
    helds[nhelds].buf = buf;
    helds[nhelds].n = n;
    helds[nhelds].copy = tl_xmalloc((size_t)n * sizeof *buf);
    memcpy(helds[nhelds].copy, buf, (size_t)n * sizeof *buf);
    nhelds++;
}

/* the memory of [p, p + n) is mapped (a freed buffer may be unmapped) */
static int mapped(const void *p, size_t n)
{
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)p & ~(uintptr_t)(page - 1), end = (uintptr_t)p + n;
    unsigned char vec[64];
    size_t pages = (size_t)((end - start + (uintptr_t)page - 1) / (uintptr_t)page);
    if (page <= 0 || pages > sizeof vec)
        return 0;
    return mincore((void *)start, end - start, vec) == 0;
}

static int holding(void)
{
    int i;
    for (i = nhelds - 1; i >= 0; i--) {
        size_t len = (size_t)helds[i].n * sizeof *helds[i].buf;
        if (mapped(helds[i].buf, len) && memcmp(helds[i].buf, helds[i].copy, len) == 0)
            return 1;
        held_drop(i);               /* overwritten (or freed): nothing of it is left to carry */
    }
    return 0;
}

int talent_epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms, const void *sigmask)
{
    uint64_t deadline = 0, ns;
    int r, pending;
    if (timeout_ms >= 0 && tl_blocking_take_resume(&ns))
        timeout_ms = (int)((ns + 999999) / 1000000);
    if (timeout_ms > 0)
        deadline = tl_blocking_mono_ns() + (uint64_t)timeout_ms * 1000000u;
    held_forget(events);            /* overwritten by this call (also when it is re-issued after a checkpoint) */
    for (;;) {
        inst *in;
        if (tl_blocking_checkpoint_now()) {
            if (timeout_ms >= 0) {
                uint64_t now = tl_blocking_mono_ns();
                tl_blocking_save_wait(deadline > now ? deadline - now : 0);
            }
#if UINTPTR_MAX < UINT64_MAX
            /* the buffer is overwritten when the call is issued again; its old results (whose data.ptr, the
             * union's first member, does not cover all 8 bytes here) must not refuse the checkpoint */
            if (events && maxevents > 0)
                memset(events, 0, (size_t)maxevents * sizeof *events);
#endif
            return -1;
        }
        in = lookup(epfd);
        pending = in && carried_pending(in);
        r = epoll_pwait(epfd, events, maxevents, pending ? 0 : timeout_ms, (const sigset_t *)sigmask);
        if (r >= 0) {
            if (!in)
                return r;
            r = translate(in, events, maxevents, r, pending);
            if (r > 0 && put_numbers)
                held_add(events, r);
#if UINTPTR_MAX < UINT64_MAX
            /* what the call did not fill is unspecified: zeroed (the buffer is saved with the program's frame, and
             * stack garbage beyond data.ptr's 4 bytes would refuse the checkpoint) */
            if (r >= 0 && r < maxevents)
                memset(events + r, 0, (size_t)(maxevents - r) * sizeof *events);
#endif
            if (r > 0 || timeout_ms == 0)
                return r;
            /* only events of registrations that are no more (or disarmed): wait on for the time left */
            if (timeout_ms > 0 && tl_blocking_mono_ns() >= deadline)
                return 0;
        } else if (!(errno == EINTR && tl_blocking_ours()))
            return r;
        if (timeout_ms > 0) {
            uint64_t now = tl_blocking_mono_ns();
            timeout_ms = deadline > now ? (int)((deadline - now + 999999) / 1000000) : 0;
        }
    }
}

int talent_epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms)
{
    return talent_epoll_pwait(epfd, events, maxevents, timeout_ms, NULL);
}

/* ---------------------------------------------------------------- checkpoint */

static int cmp_int(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    return a < b ? -1 : a > b;
}

/* the descriptors the kernel's instance fd holds (/proc/self/fdinfo), into *out (in the kernel's order); -1 when
 * not readable */
static long kernel_watches(int fd, int **out)
{
    char path[64], line[256];
    FILE *f;
    size_t n = 0, cap = 16;
    int *v;
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    f = fopen(path, "re");
    if (!f)
        return -1;
    v = tl_xmalloc(cap * sizeof *v);
    while (fgets(line, sizeof line, f)) {
        int t;
        if (sscanf(line, "tfd: %d", &t) == 1) {
            if (n == cap)
                v = tl_xrealloc(v, (cap *= 2) * sizeof *v);
            v[n++] = t;
        }
    }
    fclose(f);
    *out = v;
    return (long)n;
}

/* Why the checkpoint being collected is refused (an instance talent did not see created); "" when none. */
static char refusal[512];
/* the other descriptors of the instances the last collect found (EDUP entries) */
static size_t ncopies;

const char *tl_epoll_refusal(void)
{
    return refusal[0] ? refusal : NULL;
}

static int scan_descriptors(inst *only);

/* Every descriptor of the process that is an epoll instance talent knows under another number (made with dup,
 * dup2, dup3 or fcntl F_DUPFD, also in uninstrumented code) is recorded as an alias of it; aliases that are no
 * more (closed or reused behind talent's back) are forgotten first. Returns what scan_descriptors does. */
static int find_aliases(void)
{
    size_t i, j;
    for (i = 0; i < ninsts; i++)
        for (j = 0; j < insts[i].naliases;) {
            if (same_instance(insts[i].aliases[j].fd, &insts[i]))
                j++;
            else
                insts[i].aliases[j] = insts[i].aliases[--insts[i].naliases];
        }
    return scan_descriptors(NULL);
}

/* fd is about to be closed: when it is an instance's own number and talent knows no other descriptor of it, a copy
 * talent has not seen used yet is looked for while fd still reaches the instance (the instance lives on in it) */
static void on_closing(int fd)
{
    size_t i;
    for (i = 0; i < ninsts; i++)
        if (insts[i].fd == fd && insts[i].naliases == 0) {
            scan_descriptors(&insts[i]);
            return;
        }
}

/* Each epoll descriptor of the process (/proc/self/fd) that the table does not hold is recorded as an alias of
 * the instance it is a copy of (only of `only` when not NULL); one that is no copy of any is an instance talent
 * did not see created: the first such number (or -1). */
static int scan_descriptors(inst *only)
{
    size_t i;
    int unknown = -1;
    DIR *d;
    struct dirent *de;
    d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    while ((de = readdir(d)) != NULL) {
        char link[64], target[64];
        ssize_t n;
        char *end;
        long fd = strtol(de->d_name, &end, 10);
        if (*end || end == de->d_name || fd < 0 || fd > 0x7FFFFFFF || fd == dirfd(d) || find_inst((int)fd))
            continue;
        snprintf(link, sizeof link, "/proc/self/fd/%ld", fd);
        n = readlink(link, target, sizeof target - 1);
        if (n < 0)
            continue;
        target[n] = '\0';
        if (strcmp(target, "anon_inode:[eventpoll]") != 0)
            continue;
        for (i = 0; i < ninsts; i++)
            if ((!only || only == &insts[i]) && same_instance((int)fd, &insts[i])) {
                add_alias(&insts[i], (int)fd, 0);
                break;
            }
        if (i == ninsts && unknown < 0 && !only)
            unknown = (int)fd;
    }
    closedir(d);
    return unknown;
}

uint32_t tl_epoll_collect(void)
{
    size_t i = 0;
    refusal[0] = '\0';
    while (i < ninsts) {
        inst *in = &insts[i];
        int *w = NULL;
        long nw;
        size_t k;
        int fdfl = fcntl(in->fd, F_GETFD);
        if (fdfl < 0) {
            /* closed behind talent's back (uninstrumented code): the instance lives on in a copy (looked at
             * again), or goes */
            drop_descriptor(i, in->fd);
            continue;
        }
        /* close-on-exec as it is now: the program may have changed it (fcntl F_SETFD), or the number is a copy's
         * that took over when the first descriptor was closed */
        in->cloexec = (fdfl & FD_CLOEXEC) != 0;
        nw = kernel_watches(in->fd, &w);
        if (nw > 0)
            tl_sort(w, (size_t)nw, sizeof *w, cmp_int);
        for (k = 0; nw >= 0 && k < in->nregs;) {
            int fd = in->regs[k].fd;
            if (in->regs[k].in_kernel && !(nw > 0 && bsearch(&fd, w, (size_t)nw, sizeof *w, cmp_int)))
                remove_reg(in, k);  /* its file was closed: the kernel dropped it */
            else
                k++;
        }
        /* A registration the kernel holds and the table does not: the program closed the registered descriptor
         * while a copy of it (dup) keeps its file open, so the kernel kept the registration under the closed number
         * (talent forgot it at the close), or it was made where talent did not see it. It cannot be carried
         * (nothing of it is known, and the number may be another file's by now): refused, naming it. */
        for (k = 0; nw > 0 && k < (size_t)nw && !refusal[0]; k++)
            if ((k > 0 && w[k] == w[k - 1]) || find_reg(in, w[k]) < 0)
                snprintf(refusal, sizeof refusal, "cannot checkpoint: epoll instance %d still holds a registration of "
                         "descriptor %d that talent does not carry (the descriptor was closed while a copy of it made "
                         "with dup stays open, so the kernel kept the registration, or it was registered where talent "
                         "did not see it); remove it with EPOLL_CTL_DEL before closing the descriptor", in->fd, w[k]);
        free(w);
        i++;
    }
    if (ninsts) {
        int unknown = find_aliases();
        if (unknown >= 0)
            snprintf(refusal, sizeof refusal, "cannot checkpoint: descriptor %d is an epoll instance talent did not see "
                     "created (or whose descriptor talent knew was closed where talent did not see it), which talent "
                     "cannot carry; close it before the checkpoint", unknown);
    }
    /* the other descriptors of each instance (EDUP), each with its own close-on-exec as it is now */
    ncopies = 0;
    for (i = 0; i < ninsts; i++) {
        size_t j;
        for (j = 0; j < insts[i].naliases; j++) {
            int fdfl = fcntl(insts[i].aliases[j].fd, F_GETFD);
            insts[i].aliases[j].cloexec = fdfl >= 0 && (fdfl & FD_CLOEXEC) != 0;
        }
        ncopies += insts[i].naliases;
    }
    if (ncopies > TL_EPOLL_MAX_COPIES && !refusal[0])
        snprintf(refusal, sizeof refusal, "cannot checkpoint: the epoll instances have %lu more descriptors (made with "
                 "dup, dup2, dup3 or fcntl F_DUPFD), more than the %d talent carries; close some before the checkpoint",
                 (unsigned long)ncopies, TL_EPOLL_MAX_COPIES);
    return (uint32_t)ninsts;
}

uint32_t tl_epoll_copies(void)
{
    return (uint32_t)ncopies;
}

int *tl_epoll_descriptors(size_t *n)
{
    size_t i, j, k = 0, total = 0;
    int *v;
    for (i = 0; i < ninsts; i++)
        total += 1 + insts[i].naliases;
    v = tl_xmalloc((total ? total : 1) * sizeof *v);
    for (i = 0; i < ninsts; i++) {
        v[k++] = insts[i].fd;
        for (j = 0; j < insts[i].naliases; j++)
            v[k++] = insts[i].aliases[j].fd;
    }
    *n = k;
    return v;
}

static int cmp_copy(const void *x, const void *y)
{
    const tl_ck_epoll_copy *a = x, *b = y;
    return a->fd < b->fd ? -1 : a->fd > b->fd;
}

void tl_epoll_write_copies(tl_buf *b)
{
    tl_ck_epoll_copy *v = tl_xmalloc((ncopies ? ncopies : 1) * sizeof *v);
    size_t i, j, n = 0;
    for (i = 0; i < ninsts; i++)
        for (j = 0; j < insts[i].naliases && n < ncopies; j++) {
            v[n].fd = (uint32_t)insts[i].aliases[j].fd;
            v[n].instance = (uint32_t)insts[i].fd;
            v[n++].flags = insts[i].aliases[j].cloexec ? TL_EPOLL_FLAG_CLOEXEC : 0;
        }
    tl_sort(v, n, sizeof *v, cmp_copy);
    tl_buf_u32(b, (uint32_t)n);
    for (i = 0; i < n; i++) {
        tl_buf_u32(b, v[i].fd);
        tl_buf_u32(b, v[i].instance);
        tl_buf_u8(b, v[i].flags);
    }
    free(v);
}

void tl_epoll_write(tl_buf *b, tl_strtab *strs)
{
    size_t i, k;
    tl_buf_u32(b, (uint32_t)ninsts);
    for (i = 0; i < ninsts; i++) {
        const inst *in = &insts[i];
        tl_buf_u32(b, (uint32_t)in->fd);
        tl_buf_u8(b, in->cloexec ? TL_EPOLL_FLAG_CLOEXEC : 0);
        tl_buf_u32(b, (uint32_t)in->nregs);
        for (k = 0; k < in->nregs; k++) {
            const reg *g = &in->regs[k];
            tl_buf_u32(b, (uint32_t)g->fd);
            tl_buf_u32(b, g->events);
            tl_buf_u8(b, g->disarmed ? TL_EPOLL_REG_DISARMED : 0);
            tl_buf_u8(b, g->kind);
            if (g->kind == TL_EPOLL_DATA_INT32)
                tl_buf_u32(b, (uint32_t)g->value);
            else if (g->kind == TL_EPOLL_DATA_U64)
                tl_buf_u64(b, g->value);
            else {
                char name[64];
                tl_value_ctx ctx;
                memset(&ctx, 0, sizeof ctx);
                snprintf(name, sizeof name, "data.ptr of descriptor %d", g->fd);
                ctx.var_name = name;
                ctx.decl_pos = "epoll_ctl";
                ctx.where = "an epoll registration";
                tl_encode_pointer(b, g->ptr, &ctx, strs);
            }
        }
    }
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* the EDUP entry of descriptor fd (ck->epoll_copies is sorted by fd), or NULL */
static const tl_ck_epoll_copy *copy_of(const tl_checkpoint *ck, uint32_t fd)
{
    tl_ck_epoll_copy key;
    key.fd = fd;
    return ck->nepoll_copies ? bsearch(&key, ck->epoll_copies, ck->nepoll_copies, sizeof key, cmp_copy) : NULL;
}

/* whether fd is a descriptor the checkpoint carries: 0..2, a FILE entry (not the stdin position), an instance or
 * another descriptor of one (EDUP) */
static int carried_fd(const tl_checkpoint *ck, const uint32_t *inst_fds, uint32_t fd)
{
    uint32_t i;
    if (fd <= 2)
        return 1;
    for (i = 0; i < ck->nfiles; i++)
        if (ck->files[i].fd == fd && ck->files[i].kind != TL_FILE_STDIN)
            return 1;
    return bsearch(&fd, inst_fds, ck->nepoll, sizeof *inst_fds, cmp_u32) != NULL || copy_of(ck, fd) != NULL;
}

int tl_epoll_parse_copies(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t n = tl_rd_u32(r), i;
    if (r->failed)
        return -1;
    /* each entry takes 9 bytes */
    if (n > TL_EPOLL_MAX_COPIES || n > (r->len - r->pos) / 9) {
        tl_reader_fail(r, "at offset %lu: %lu descriptors of epoll instances (at most %d, and each takes 9 bytes)",
                       (unsigned long)r->base, (unsigned long)n, TL_EPOLL_MAX_COPIES);
        return -1;
    }
    ck->epoll_copies = tl_xcalloc(n ? n : 1, sizeof *ck->epoll_copies);
    ck->nepoll_copies = n;
    for (i = 0; i < n; i++) {
        tl_ck_epoll_copy *c = &ck->epoll_copies[i];
        size_t at = r->pos;
        c->fd = tl_rd_u32(r);
        c->instance = tl_rd_u32(r);
        c->flags = tl_rd_u8(r);
        if (r->failed)
            return -1;
        if (c->fd > 0x7FFFFFFF || c->instance > 0x7FFFFFFF || c->fd == c->instance) {
            tl_reader_fail(r, "at offset %lu: descriptor %lu of epoll instance %lu out of range or the instance itself",
                           (unsigned long)(r->base + at), (unsigned long)c->fd, (unsigned long)c->instance);
            return -1;
        }
        if (i > 0 && c->fd <= ck->epoll_copies[i - 1].fd) {
            tl_reader_fail(r, "at offset %lu: descriptors not in increasing order (%lu after %lu)",
                           (unsigned long)(r->base + at), (unsigned long)c->fd,
                           (unsigned long)ck->epoll_copies[i - 1].fd);
            return -1;
        }
        if (c->flags & ~TL_EPOLL_FLAG_CLOEXEC) {
            tl_reader_fail(r, "at offset %lu: flags %u of descriptor %lu out of range", (unsigned long)(r->base + at),
                           c->flags, (unsigned long)c->fd);
            return -1;
        }
    }
    return 0;
}

int tl_epoll_check_copies(tl_reader *r, const tl_checkpoint *ck)
{
    uint32_t i, *inst_fds;
    const tl_ck_epoll_copy *c;
    /* each copy's instance is one of EPOL (sorted numbers, bsearch: linear-logarithmic in the counts) */
    inst_fds = tl_xmalloc((ck->nepoll ? ck->nepoll : 1) * sizeof *inst_fds);
    for (i = 0; i < ck->nepoll; i++)
        inst_fds[i] = ck->epoll[i].fd;
    tl_sort(inst_fds, ck->nepoll, sizeof *inst_fds, cmp_u32);
    for (i = 0; i < ck->nepoll_copies && !r->failed; i++) {
        c = &ck->epoll_copies[i];
        if (!ck->nepoll || !bsearch(&c->instance, inst_fds, ck->nepoll, sizeof *inst_fds, cmp_u32))
            tl_reader_fail(r, "at offset %lu: descriptor %lu is a copy of %lu, which is no epoll instance of EPOL",
                           (unsigned long)r->base, (unsigned long)c->fd, (unsigned long)c->instance);
    }
    free(inst_fds);
    /* no copy's number is an instance's or a FILE entry's */
    for (i = 0; i < ck->nepoll && !r->failed; i++)
        if ((c = copy_of(ck, ck->epoll[i].fd)) != NULL)
            tl_reader_fail(r, "at offset %lu: descriptor %lu is both an epoll instance and a copy of %lu",
                           (unsigned long)r->base, (unsigned long)c->fd, (unsigned long)c->instance);
    for (i = 0; i < ck->nfiles && !r->failed; i++)
        if (ck->files[i].kind != TL_FILE_STDIN && (c = copy_of(ck, ck->files[i].fd)) != NULL)
            tl_reader_fail(r, "at offset %lu: descriptor %lu is both a copy of epoll instance %lu and a FILE entry",
                           (unsigned long)r->base, (unsigned long)c->fd, (unsigned long)c->instance);
    return r->failed ? -1 : 0;
}

int tl_epoll_parse(tl_reader *r, tl_checkpoint *ck)
{
    uint32_t n = tl_rd_u32(r), i, j, total = 0;
    uint32_t *inst_fds;
#define BAD(...) do { tl_reader_fail(r, __VA_ARGS__); return -1; } while (0)
    if (r->failed)
        return -1;
    /* each instance takes at least 9 bytes */
    if (n > TL_EPOLL_MAX_INSTANCES || n > (r->len - r->pos) / 9)
        BAD("at offset %lu: %lu epoll instances (at most %d, and each takes 9 bytes or more)", (unsigned long)r->base,
            (unsigned long)n, TL_EPOLL_MAX_INSTANCES);
    ck->epoll = tl_xcalloc(n ? n : 1, sizeof *ck->epoll);
    ck->nepoll = n;
    ck->epol_payload = r->data;
    ck->epol_len = r->len;
    ck->epol_base = r->base;
    for (i = 0; i < n; i++) {
        tl_ck_epoll *e = &ck->epoll[i];
        size_t at = r->pos;
        e->fd = tl_rd_u32(r);
        e->flags = tl_rd_u8(r);
        e->nregs = tl_rd_u32(r);
        if (r->failed)
            return -1;
        if (e->fd > 0x7FFFFFFF)
            BAD("at offset %lu: descriptor %lu out of range", (unsigned long)(r->base + at), (unsigned long)e->fd);
        if (e->flags & ~TL_EPOLL_FLAG_CLOEXEC)
            BAD("at offset %lu: instance flags %u out of range", (unsigned long)(r->base + at), e->flags);
        /* each registration takes at least 14 bytes */
        if (e->nregs > TL_EPOLL_MAX_WATCHES - total || e->nregs > (r->len - r->pos) / 14)
            BAD("at offset %lu: %lu registrations (at most %d in all, and each takes 14 bytes or more)",
                (unsigned long)(r->base + at), (unsigned long)e->nregs, TL_EPOLL_MAX_WATCHES);
        total += e->nregs;
        e->regs = tl_xcalloc(e->nregs ? e->nregs : 1, sizeof *e->regs);
        for (j = 0; j < e->nregs; j++) {
            tl_ck_epoll_reg *g = &e->regs[j];
            size_t gat = r->pos;
            g->fd = tl_rd_u32(r);
            g->events = tl_rd_u32(r);
            g->flags = tl_rd_u8(r);
            g->kind = tl_rd_u8(r);
            if (r->failed)
                return -1;
            if (g->fd > 0x7FFFFFFF || g->fd == e->fd || (copy_of(ck, g->fd) && copy_of(ck, g->fd)->instance == e->fd))
                BAD("at offset %lu: registered descriptor %lu out of range or the instance itself (or a copy of it)",
                    (unsigned long)(r->base + gat), (unsigned long)g->fd);
            if (j > 0 && g->fd <= e->regs[j - 1].fd)
                BAD("at offset %lu: registered descriptors not in increasing order (%lu after %lu)",
                    (unsigned long)(r->base + gat), (unsigned long)g->fd, (unsigned long)e->regs[j - 1].fd);
            if (g->events & ~KNOWN_EVENTS)
                BAD("at offset %lu: unknown event bits %08lx", (unsigned long)(r->base + gat),
                    (unsigned long)(g->events & ~KNOWN_EVENTS));
            if ((g->flags & ~TL_EPOLL_REG_DISARMED) ||
                ((g->flags & TL_EPOLL_REG_DISARMED) && !(g->events & EPOLLONESHOT)))
                BAD("at offset %lu: registration flags %u out of range (disarmed needs EPOLLONESHOT)",
                    (unsigned long)(r->base + gat), g->flags);
            if (g->kind == TL_EPOLL_DATA_INT32)
                g->value = tl_rd_u32(r);
            else if (g->kind == TL_EPOLL_DATA_U64)
                g->value = tl_rd_u64(r);
            else if (g->kind == TL_EPOLL_DATA_POINTER) {
                g->value_off = r->pos;
                if (tl_skip_pointer(r, ck) != 0)
                    return -1;
            } else
                BAD("at offset %lu: unknown data kind %u", (unsigned long)(r->base + gat), g->kind);
        }
    }
    if (r->failed)
        return -1;
    /* instance numbers unique, none a FILE descriptor; every registered descriptor one the checkpoint carries */
    inst_fds = tl_xmalloc((n ? n : 1) * sizeof *inst_fds);
    for (i = 0; i < n; i++)
        inst_fds[i] = ck->epoll[i].fd;
    tl_sort(inst_fds, n, sizeof *inst_fds, cmp_u32);
    for (i = 1; i < n && !r->failed; i++)
        if (inst_fds[i] == inst_fds[i - 1])
            tl_reader_fail(r, "at offset %lu: epoll instance %lu listed twice", (unsigned long)r->base,
                           (unsigned long)inst_fds[i]);
    for (i = 0; i < ck->nfiles && !r->failed; i++)
        if (ck->files[i].kind != TL_FILE_STDIN && bsearch(&ck->files[i].fd, inst_fds, n, sizeof *inst_fds, cmp_u32))
            tl_reader_fail(r, "at offset %lu: descriptor %lu is both an epoll instance and a FILE entry",
                           (unsigned long)r->base, (unsigned long)ck->files[i].fd);
    for (i = 0; i < n && !r->failed; i++)
        for (j = 0; j < ck->epoll[i].nregs && !r->failed; j++)
            if (!carried_fd(ck, inst_fds, ck->epoll[i].regs[j].fd))
                tl_reader_fail(r, "at offset %lu: epoll instance %lu watches descriptor %lu, which the checkpoint does "
                               "not carry", (unsigned long)r->base, (unsigned long)ck->epoll[i].fd,
                               (unsigned long)ck->epoll[i].regs[j].fd);
    free(inst_fds);
#undef BAD
    return r->failed ? -1 : 0;
}

/* ---------------------------------------------------------------- restore */

static void decode_data(const tl_checkpoint *ck, const tl_ck_epoll_reg *cg, reg *g)
{
    g->kind = cg->kind;
    g->value = cg->value;
    g->ptr = NULL;
    if (cg->kind == TL_EPOLL_DATA_POINTER) {
        tl_reader r;
        tl_value_ctx ctx;
        char name[64];
        memset(&ctx, 0, sizeof ctx);
        snprintf(name, sizeof name, "data.ptr of descriptor %lu", (unsigned long)cg->fd);
        ctx.var_name = name;
        ctx.decl_pos = "epoll_ctl";
        ctx.where = "an epoll registration";
        ctx.allow_fixups = 1;
        tl_reader_init(&r, ck->epol_payload, ck->epol_len, ck->epol_base);
        r.pos = cg->value_off;
        g->ptr = tl_decode_pointer(&r, ck, &g->ptr, &ctx);
        if (r.failed)
            tl_die(TL_EXIT_DATAERR, "cannot restore the data.ptr of epoll registration %lu: %s", (unsigned long)cg->fd,
                   r.err);
    }
}

void tl_epoll_restore(const tl_checkpoint *ck, int in_process)
{
    uint32_t i, j;
    hook();
    if (in_process) {
        /* the same process, the table just written: only the pointers are decoded again (the heap may move) */
        if (ck->nepoll != ninsts)
            tl_die(TL_EXIT_SOFTWARE, "internal error: %lu epoll instances written, %lu in the table",
                   (unsigned long)ck->nepoll, (unsigned long)ninsts);
        for (i = 0; i < ck->nepoll; i++) {
            if (ck->epoll[i].nregs != insts[i].nregs)
                tl_die(TL_EXIT_SOFTWARE, "internal error: epoll instance %d changed while it was written", insts[i].fd);
            for (j = 0; j < ck->epoll[i].nregs; j++)
                if (ck->epoll[i].regs[j].kind == TL_EPOLL_DATA_POINTER)
                    decode_data(ck, &ck->epoll[i].regs[j], &insts[i].regs[j]);
        }
        return;
    }
    while (ninsts)
        remove_inst(ninsts - 1);
    for (i = 0; i < ck->nepoll; i++) {
        const tl_ck_epoll *e = &ck->epoll[i];
        inst *in = add_inst((int)e->fd, (e->flags & TL_EPOLL_FLAG_CLOEXEC) != 0);
        in->regs = tl_xcalloc(e->nregs ? e->nregs : 1, sizeof *in->regs);
        in->cap = e->nregs ? e->nregs : 1;
        for (j = 0; j < e->nregs; j++) {
            reg *g = &in->regs[j];
            g->fd = (int)e->regs[j].fd;
            g->events = e->regs[j].events;
            g->disarmed = (e->regs[j].flags & TL_EPOLL_REG_DISARMED) != 0;
            g->in_kernel = 0;
            in->nregs++;
            nwatches++;
        }
    }
    /* the instances' other descriptors (EDUP), each with its own close-on-exec */
    for (i = 0; i < ck->nepoll_copies; i++) {
        const tl_ck_epoll_copy *c = &ck->epoll_copies[i];
        inst *in = find_inst((int)c->instance);
        if (!in)
            tl_die(TL_EXIT_SOFTWARE, "internal error: descriptor %lu copies no epoll instance", (unsigned long)c->fd);
        add_alias(in, (int)c->fd, (c->flags & TL_EPOLL_FLAG_CLOEXEC) != 0);
    }
    /* the pointers after the table stops moving: a fixup patches &g->ptr once its frame is rebuilt */
    for (i = 0; i < ck->nepoll; i++)
        for (j = 0; j < ck->epoll[i].nregs; j++)
            decode_data(ck, &ck->epoll[i].regs[j], &insts[i].regs[j]);
}

void tl_epoll_rebuild(void)
{
    size_t i, k;
    /* every instance first: one may watch another */
    for (i = 0; i < ninsts; i++) {
        int fd = epoll_create1(insts[i].cloexec ? EPOLL_CLOEXEC : 0);
        if (fd < 0)
            tl_die(TL_EXIT_DATAERR, "cannot recreate epoll instance %d: %s", insts[i].fd, tl_strerror(errno));
        if (fd != insts[i].fd) {
            if (fcntl(insts[i].fd, F_GETFD) >= 0)
                tl_die(TL_EXIT_DATAERR, "cannot recreate epoll instance %d: the descriptor is in use", insts[i].fd);
            if (dup3(fd, insts[i].fd, insts[i].cloexec ? O_CLOEXEC : 0) < 0)
                tl_die(TL_EXIT_DATAERR, "cannot recreate epoll instance %d: dup3: %s", insts[i].fd, tl_strerror(errno));
            close(fd);
        }
        /* its other descriptors (dup, dup2, dup3, fcntl F_DUPFD): the same instance at each number */
        for (k = 0; k < insts[i].naliases; k++) {
            const struct alias *a = &insts[i].aliases[k];
            if (fcntl(a->fd, F_GETFD) >= 0)
                tl_die(TL_EXIT_DATAERR, "cannot recreate descriptor %d of epoll instance %d: the descriptor is in use",
                       a->fd, insts[i].fd);
            if (dup3(insts[i].fd, a->fd, a->cloexec ? O_CLOEXEC : 0) < 0)
                tl_die(TL_EXIT_DATAERR, "cannot recreate descriptor %d of epoll instance %d: dup3: %s", a->fd,
                       insts[i].fd, tl_strerror(errno));
        }
    }
    /* then every registration (one instance may watch another, through any of its descriptors) */
    for (i = 0; i < ninsts; i++)
        for (k = 0; k < insts[i].nregs; k++) {
            reg *g = &insts[i].regs[k];
            struct epoll_event kev;
            if (g->disarmed)
                continue;           /* added again by the program's EPOLL_CTL_MOD */
            kev.events = g->events;
            kev.data.u64 = (uint64_t)(uint32_t)g->fd;
            if (epoll_ctl(insts[i].fd, EPOLL_CTL_ADD, g->fd, &kev) != 0)
                tl_die(TL_EXIT_DATAERR, "cannot register descriptor %d with epoll instance %d again: %s", g->fd,
                       insts[i].fd, tl_strerror(errno));
            g->in_kernel = 1;
        }
    if (ninsts) {
        size_t copies = 0;
        for (i = 0; i < ninsts; i++)
            copies += insts[i].naliases;
        tl_info("recreated %lu epoll instances (%lu more descriptors, %lu registrations)", (unsigned long)ninsts,
                (unsigned long)copies, (unsigned long)nwatches);
    }
}
