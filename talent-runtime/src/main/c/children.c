/*
 * Child processes across a checkpoint. A program that forks (fork, vfork, posix_spawn) and waits for the child later
 * relies on being its parent: waitpid returns its exit status, SIGCHLD reports it. A restarted process is a new
 * process, on another host or ISA, and no parent of anything the stopped one made; the child itself goes on (or has
 * ended) where it was, and nothing in a checkpoint can stand for it. Found 2026-12-06 (h/hunt4): a program that forked
 * a worker before its loop and waited for it after printed `waited=0 exited=0 code=255` after every restart for
 * gcc's `waited=1 exited=1 code=23`, exit 0. So a checkpoint is refused, naming the child, while the process has one
 * it has not waited for; the program goes on, and a stop after the wait is taken.
 *
 * The children are read from /proc/self/task/TID/children (the kernel's list of the thread's children, zombies
 * included; the program is single-threaded and, under qemu-user, forks from its main thread, whose TID is the
 * process's ID). Without that file (a kernel without CONFIG_PROC_CHILDREN) waitid(P_ALL, WNOHANG | WNOWAIT) tells
 * whether any child is left, without collecting it; it cannot tell the runtime's own pre-copy round from the
 * program's, so then a checkpoint during a round is not refused for children.
 */
#include "children.h"
#include "refusal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static void refuse_child(long pid)
{
    tl_refuse("cannot checkpoint: the program has a child process (pid %ld, made by fork, vfork or posix_spawn) that "
              "it has not waited for; a restarted process is not its parent (waitpid would fail with ECHILD and its "
              "exit status be lost), and a checkpoint cannot carry a process: wait for the child before the stop",
              pid);
}

/* The children the process had when it started: not the program's (a shell or launcher that forked before it exec'd
 * the program leaves its own background children to the process: `./talent exec` is one). Bounded; beyond it, or
 * when the list cannot be read, the check cannot tell inherited from made and refuses nothing. */
#define MAX_INHERITED 64
static long inherited[MAX_INHERITED];
static unsigned ninherited;
static int inherited_unknown;

/* Calls each(pid) for every pid of /proc/self/task/PID/children; -1 when the file cannot be opened. */
static int each_child(void (*each)(long pid, void *arg), void *arg)
{
    char path[64], buf[256];
    long pid = 0;
    int fd;
    ssize_t got;

    snprintf(path, sizeof path, "/proc/self/task/%ld/children", (long)getpid());
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    /* "PID PID ... " in decimal (a bounded read: more than fits in buf is read on, only the pids are kept) */
    for (;;) {
        ssize_t i;
        do
            got = read(fd, buf, sizeof buf);
        while (got < 0 && errno == EINTR);
        if (got <= 0)
            break;
        for (i = 0; i < got; i++) {
            if (buf[i] >= '0' && buf[i] <= '9') {
                if (pid < 100000000L)
                    pid = pid * 10 + (buf[i] - '0');
            } else {
                if (pid > 0)
                    each(pid, arg);
                pid = 0;
            }
        }
    }
    if (pid > 0)
        each(pid, arg);
    close(fd);
    return 0;
}

static void note_inherited(long pid, void *arg)
{
    (void)arg;
    if (ninherited < MAX_INHERITED)
        inherited[ninherited++] = pid;
    else
        inherited_unknown = 1;
}

void tl_children_snapshot(void)
{
    ninherited = 0;
    inherited_unknown = 0;
    if (each_child(note_inherited, NULL) != 0) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        /* without the list: any child at all now makes every later one unknown */
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid > 0)
            inherited_unknown = 1;
    }
}

static int was_inherited(long pid)
{
    unsigned i;
    for (i = 0; i < ninherited; i++)
        if (inherited[i] == pid)
            return 1;
    return 0;
}

struct check_state {
    long own;
    int refused;
};

static void check_one(long pid, void *arg)
{
    struct check_state *st = arg;
    if (st->refused || pid == st->own || was_inherited(pid))
        return;
    st->refused = 1;
    refuse_child(pid);
}

void tl_children_check(long own)
{
    struct check_state st;
    if (inherited_unknown)
        return;
    st.own = own;
    st.refused = 0;
    if (each_child(check_one, &st) == 0)
        return;
    if (own < 0 && ninherited == 0) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid > 0)
            refuse_child((long)si.si_pid);
    }
}
