/*
 * talent-init: pid 1 of every talent container; runs PROGRAM [ARGS...] as its only child.
 *
 * Why not run the program as pid 1 itself: the kernel drops every signal sent to a pid namespace's init for
 * which init has no handler (SIGTERM would be ignored by a plain C program), and qemu-user as pid 1 hangs when
 * it re-raises a fatal guest signal to itself. So this init forwards every signal it can catch to the
 * program, reaps whatever gets orphaned inside the container, and exits with the program's status: its exit
 * status, or 128 + n when signal n killed it (as a shell reports it).
 *
 * talent-init --exit-dir DIR PROGRAM [ARGS...]: before it exits, it also writes how the program ended to DIR/status,
 * atomically (DIR/.status.tmp renamed over it), as one line: "exited N" (0-255) or "killed N" (the signal). DIR is
 * a directory of the container's bundle bound read-write, so the status is kept when nobody is this process's
 * parent (the agent that started the container died or restarted: it reads the file once the container stopped).
 * The program can write there too: the reader treats the file as hostile input (ContainerExit.java).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* NSIG */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t program_pid;

static void forward(int signal_number) {
    if (program_pid > 0) kill(program_pid, signal_number);
}

/* Writes "exited N\n" or "killed N\n" to DIR/status through DIR/.status.tmp; a failure is reported, not fatal. */
static void record_exit(int dir, const char *how, int number) {
    if (dir < 0) return;
    char line[32];
    int n = snprintf(line, sizeof line, "%s %d\n", how, number);
    if (n <= 0 || (size_t) n >= sizeof line) return;
    (void) unlinkat(dir, ".status.tmp", 0);
    int fd = openat(dir, ".status.tmp", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        perror("talent-init: cannot record the exit status");
        return;
    }
    ssize_t written = write(fd, line, (size_t) n);
    if (close(fd) != 0 || written != n || renameat(dir, ".status.tmp", dir, "status") != 0)
        perror("talent-init: cannot record the exit status");
}

int main(int argc, char **argv) {
    int exit_dir = -1;
    if (argc >= 3 && strcmp(argv[1], "--exit-dir") == 0) {
        /* opened once, before the program runs; close-on-exec: the program does not inherit it */
        exit_dir = open(argv[2], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (exit_dir < 0) fprintf(stderr, "talent-init: cannot open %s: %s\n", argv[2], strerror(errno));
        argv += 2;
        argc -= 2;
    }
    if (argc < 2) {
        fputs("talent-init: usage: talent-init [--exit-dir DIR] PROGRAM [ARGS...]\n", stderr);
        return 127;
    }
    /* Signals stay blocked until program_pid is set, so none arriving around fork() is lost. */
    sigset_t all, original;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &original);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = forward;
    sigfillset(&action.sa_mask);
    for (int s = 1; s < NSIG; s++) {
        if (s == SIGKILL || s == SIGSTOP || s == SIGCHLD) continue;
        sigaction(s, &action, NULL); /* fails harmlessly for the C library's reserved real-time signals */
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("talent-init: fork");
        return 126;
    }
    if (pid == 0) {
        /* Handlers revert to the default at exec; the mask must be restored by hand. */
        sigprocmask(SIG_SETMASK, &original, NULL);
        execv(argv[1], argv + 1);
        fprintf(stderr, "talent-init: cannot execute %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    program_pid = pid;
    sigprocmask(SIG_SETMASK, &original, NULL);
    for (;;) {
        int status;
        pid_t exited = waitpid(-1, &status, 0);
        if (exited < 0) {
            if (errno == EINTR) continue;
            perror("talent-init: waitpid");
            return 126;
        }
        if (exited != pid) continue; /* an orphan of the program, reaped so no zombie is left */
        if (WIFEXITED(status)) {
            record_exit(exit_dir, "exited", WEXITSTATUS(status));
            return WEXITSTATUS(status);
        }
        if (WIFSIGNALED(status)) {
            record_exit(exit_dir, "killed", WTERMSIG(status));
            return 128 + WTERMSIG(status);
        }
    }
}
