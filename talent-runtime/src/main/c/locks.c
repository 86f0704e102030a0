/*
 * File locks across a checkpoint. A program that takes a lock (flock, fcntl F_SETLK/F_SETLKW, an open file
 * description lock, lockf) relies on holding it until it unlocks: other processes, and its own other descriptors of
 * the file for flock and OFD locks, are kept out. The restore opens the program's files again (files.c) and takes no
 * lock, and the stopped process released its locks as it ended: found 2026-12-06 (h/hunt4), a program holding an
 * flock printed `held=0` after every restart (a second descriptor of the file got the lock) for gcc's `held=1`,
 * exit 0, and any other process could have taken the lock while the program believed it held it. Taking the locks
 * again at the restore would not be faithful either (someone may hold them by then, and the gap was unprotected), so
 * a checkpoint is refused, naming the descriptor, while one is held; the program goes on, and a stop after the unlock
 * is taken.
 *
 * The locks are read from /proc/self/fdinfo/FD: the kernel lists there, as "lock:" lines, the locks held through that
 * descriptor's open file description and the process's POSIX locks on its file.
 */
#include "locks.h"
#include "refusal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 1 when /proc/self/fdinfo/NAME has a "lock:" line (read up to a bound: the lines come after a few short ones) */
static int holds_lock(const char *name)
{
    char path[64], buf[4096];
    size_t have = 0;
    ssize_t got;
    int fd;

    snprintf(path, sizeof path, "/proc/self/fdinfo/%s", name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    for (;;) {
        do
            got = read(fd, buf + have, sizeof buf - 1 - have);
        while (got < 0 && errno == EINTR);
        if (got <= 0)
            break;
        have += (size_t)got;
        if (have == sizeof buf - 1)
            break;
    }
    close(fd);
    buf[have] = '\0';
    return strncmp(buf, "lock:", 5) == 0 || strstr(buf, "\nlock:") != NULL;
}

void tl_locks_check(void)
{
    DIR *d = opendir("/proc/self/fdinfo");
    struct dirent *e;
    int self = d ? dirfd(d) : -1;

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long fd;
        errno = 0;
        fd = strtol(e->d_name, &end, 10);
        if (e->d_name[0] < '0' || e->d_name[0] > '9' || *end != '\0' || errno != 0 || fd == self)
            continue;
        if (holds_lock(e->d_name)) {
            char link[64], target[256];
            ssize_t n;
            snprintf(link, sizeof link, "/proc/self/fd/%ld", fd);
            n = readlink(link, target, sizeof target - 1);
            target[n > 0 ? n : 0] = '\0';
            tl_refuse("cannot checkpoint: descriptor %ld (%s) holds a file lock (flock, fcntl F_SETLK or lockf), which "
                      "a checkpoint does not carry: the stopped process releases it as it ends and a restarted one would "
                      "go on without it; unlock before the stop", fd, n > 0 ? target : "?");
            break;
        }
    }
    closedir(d);
}
