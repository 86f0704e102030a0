/* fdscan.c: the descriptors the process really has (issue 12). The wrappers of files.c and epoll.c record what the
 * program makes where talent sees it; a descriptor made anywhere else (uninstrumented code or the C library, a call
 * through a function pointer or inside a macro expansion, dup3, fcntl F_DUPFD) would be neither carried nor refused.
 * So at every checkpoint, once files.c and epoll.c have collected, /proc/self/fd is read and each descriptor that is
 * not stdin/stdout/stderr, not in files.c's table (carried, or refused by files.c already), not an epoll instance or
 * copy epoll.c carries, and not the runtime's own (this scan's directory, a pre-copy round's pipe, dirty.c's
 * userfaultfd) refuses the checkpoint, named with its number, its link and what it is; the program goes on, as for
 * any refusal.
 *
 * Descriptors open when the program starts (beyond 0-2: inherited from the parent) are entered into files.c's table
 * before main as if the program had been given them: carried when talent can carry them (a regular file, a
 * terminal, /dev/null, a listening socket...), refused naming them otherwise. qemu-user, which runs the foreign
 * ISAs, shows the program no descriptor of its own (qemu 7.2: its view of /proc/self/fd is the process's, and the
 * executable it loads is closed before the program starts); one it had would be treated the same way, never
 * ignored silently.
 *
 * The other descriptors the runtime opens (a checkpoint file being written, the event file, the checkpoint
 * directory, the connection to talent for TCP handoff, an epoll probe) are open only inside runtime calls and never
 * while the scan runs. Cost: one directory read per checkpoint and a readlink per descriptor refused. */
#include "fdscan.h"
#include "epoll.h"
#include "files.h"
#include "precopy.h"
#include "dirty.h"
#include "refusal.h"
#include "strerror.h"
#include "xalloc.h"
#include "sort.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* descriptors named in full in one refusal; the others are counted and listed by number */
#define NAMED 6
#define LISTED 16

static int cmp_int(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    return a < b ? -1 : a > b;
}

/* fd's number from a /proc/self/fd entry name, or -1 */
static int entry_fd(const char *name)
{
    char *end;
    long v;
    if (name[0] < '0' || name[0] > '9')
        return -1;
    errno = 0;
    v = strtol(name, &end, 10);
    if (*end || errno || v < 0 || v > 0x7FFFFFFF)
        return -1;
    return (int)v;
}

void tl_fdscan_start(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;
    int *fds = NULL;
    size_t n = 0, cap = 0, i;
    if (!d)
        return;                 /* no /proc: tl_fdscan_check refuses every checkpoint, naming why */
    while ((de = readdir(d)) != NULL) {
        int fd = entry_fd(de->d_name);
        if (fd < 3 || fd == dirfd(d))
            continue;
        if (n == cap)
            fds = tl_xrealloc(fds, (cap = cap ? 2 * cap : 16) * sizeof *fds);
        fds[n++] = fd;
    }
    closedir(d);
    /* after closedir: its descriptor is not the program's */
    for (i = 0; i < n; i++)
        tl_files_inherited(fds[i]);
    free(fds);
}

/* what fd is, from its kind and link */
static const char *what(int fd, const char *link)
{
    struct stat st;
    if (strncmp(link, "anon_inode:", 11) == 0)
        return strcmp(link, "anon_inode:[eventpoll]") == 0 ? "an epoll instance"
                                                             : "a kernel object (eventfd, timerfd, signalfd, inotify...)";
    if (fstat(fd, &st) != 0)
        return "a descriptor whose kind cannot be read";
    if (S_ISFIFO(st.st_mode))
        return "a pipe or FIFO";
    if (S_ISSOCK(st.st_mode)) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        memset(&ss, 0, sizeof ss);
        if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
            if (ss.ss_family == AF_UNIX)
                return "a Unix-domain socket";
            if (ss.ss_family == AF_INET)
                return "an IPv4 socket";
            if (ss.ss_family == AF_INET6)
                return "an IPv6 socket";
        }
        return "a socket";
    }
    if (S_ISDIR(st.st_mode))
        return "a directory";
    if (S_ISREG(st.st_mode))
        return st.st_nlink == 0 ? "a deleted file" : "a regular file";
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
        return "a device";
    return "a descriptor of another kind";
}

void tl_fdscan_check(void)
{
    size_t nknown, nepoll, len = 0, listed_len = 0;
    int *known = tl_files_descriptors(&nknown), *ep = tl_epoll_descriptors(&nepoll);
    int own = tl_precopy_descriptor(), own_dirty = tl_dirty_descriptor();
    unsigned long count = 0;
    char msg[TL_REFUSAL_MAX], listed[160];
    DIR *d;
    struct dirent *de;
    tl_sort(known, nknown, sizeof *known, cmp_int);
    tl_sort(ep, nepoll, sizeof *ep, cmp_int);
    msg[0] = listed[0] = '\0';
    d = opendir("/proc/self/fd");
    if (!d) {
        tl_refuse("cannot checkpoint: /proc/self/fd cannot be read (%s), so talent cannot check that it carries every "
                  "open descriptor", tl_strerror(errno));
        free(known);
        free(ep);
        return;
    }
    while ((de = readdir(d)) != NULL) {
        char path[64], link[4096];
        ssize_t k;
        int fd = entry_fd(de->d_name);
        if (fd < 3 || fd == dirfd(d) || fd == own || fd == own_dirty ||
            bsearch(&fd, known, nknown, sizeof *known, cmp_int) ||
            bsearch(&fd, ep, nepoll, sizeof *ep, cmp_int))
            continue;
        count++;
        if (count > NAMED) {
            if (count <= NAMED + LISTED) {
                char one[16];
                snprintf(one, sizeof one, "%s%d", listed[0] ? ", " : "", fd);
                if (listed_len + strlen(one) < sizeof listed) {
                    memcpy(listed + listed_len, one, strlen(one) + 1);
                    listed_len += strlen(one);
                }
            }
            continue;
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        k = readlink(path, link, sizeof link - 1);
        if (k < 0) {
            count--;            /* closed meanwhile (not by the program: it is not running) */
            continue;
        }
        link[k] = '\0';
        if (len + 1 < sizeof msg) {
            int w = snprintf(msg + len, sizeof msg - len, "%sdescriptor %d (%.100s) is %s", count == 1 ? "" : "; ", fd,
                             link, what(fd, link));
            if (w > 0)
                len = (size_t)w >= sizeof msg - len ? sizeof msg - 1 : len + (size_t)w;
        }
    }
    closedir(d);
    free(known);
    free(ep);
    if (count == 0)
        return;
    if (count > NAMED)
        tl_refuse("cannot checkpoint: %s; and %lu more (%s%s), made where talent did not see them (uninstrumented code or "
                  "the C library, a call through a function pointer or inside a macro expansion, dup3, fcntl F_DUPFD), "
                  "which talent cannot carry to another process; close them before the checkpoint", msg,
                  count - NAMED, listed, count > NAMED + LISTED ? ", ..." : "");
    else
        tl_refuse("cannot checkpoint: %s, made where talent did not see %s (uninstrumented code or the C library, a call "
                  "through a function pointer or inside a macro expansion, dup3, fcntl F_DUPFD), which talent cannot "
                  "carry to another process; close %s before the checkpoint", msg, count == 1 ? "it" : "them",
                  count == 1 ? "it" : "them");
}
