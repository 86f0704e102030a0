/*
 * talent-init: pid 1 of every talent container; runs PROGRAM [ARGS...] as its only child.
 *
 * Why not run the program as pid 1 itself: the kernel drops every signal sent to a pid namespace's init for
 * which init has no handler (SIGTERM would be ignored by a plain C program), and qemu-user as pid 1 hangs when
 * it re-raises a fatal guest signal to itself. So this init forwards every signal it can catch to the
 * program, reaps whatever gets orphaned inside the container, and exits with the program's status: its exit
 * status, or 128 + n when signal n killed it (as a shell reports it).
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* NSIG */
#include <errno.h>
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

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs("talent-init: usage: talent-init PROGRAM [ARGS...]\n", stderr);
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
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    }
}
