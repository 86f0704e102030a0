/* events.c: event lines for an orchestrator (config key event_file / TALENT_EVENT_FILE). Each event opens
 * the file, appends one ASCII line with a single write() and closes it again, so the file may be a regular
 * file or a FIFO whose reader the orchestrator keeps open. Nothing here may stop the program: the FIFO is
 * opened with O_NONBLOCK (no reader: ENXIO instead of waiting forever), a full pipe is waited for at most a
 * second (and not again until a line got through), SIGPIPE is held back while writing, and the first failure is reported once on stderr. Events are
 * rare (start, checkpoints, restores, exit); with no event file configured each one costs one test. */
#include "diag.h"
#include "events.h"
#include "exit_handlers.h"
#include "strerror.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Lines stay within Linux's PIPE_BUF so that a write to a FIFO is atomic: lines of concurrent writers
 * (the source and the destination of a migration share no FIFO, but a restarted process may follow a
 * failed one quickly) never interleave. */
#define LINE_MAX_BYTES 4096
/* The orchestrator drops a line longer than this (256 bytes, newline excluded: RuntimeEvent; "checkpoint-failed" lines 254); a message
 * (a failed checkpoint's reason, with paths) is cut to fit rather than lost. */
#define LINE_MAX_TEXT (TL_EVENT_MAX_LINE - 2)
#define FULL_PIPE_WAIT_MS 1000

static const char *event_path;      /* NULL: events are off */
static int reported;                /* a failure was reported on stderr already */
static pid_t owner;                 /* the process that started the program (not a child it forked) */
static int exit_reported;           /* `exiting` written, or the runtime itself ends the process */
static int stalled;                 /* the last line found the pipe full for a whole wait: do not wait again */

static void report_once(const char *what, int err)
{
    if (reported)
        return;
    reported = 1;
    tl_warn("cannot %s event file %s: %s; the program goes on without this event (further event failures are "
            "not reported)", what, event_path, tl_strerror(err));
}

/* Writes the whole line; SIGPIPE (reader gone) is blocked meanwhile and discarded if the write raised it. */
static int write_line(int fd, const char *line, size_t n)
{
    sigset_t pipe_set, old, pending;
    int was_pending, waited = 0, err = 0;
    ssize_t w;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_set, &old);
    sigpending(&pending);
    was_pending = sigismember(&pending, SIGPIPE);
    for (;;) {
        w = write(fd, line, n);
        if (w >= 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN && !stalled && waited < FULL_PIPE_WAIT_MS) {
            /* the reader is slow: wait for room, a bounded time */
            struct pollfd p;
            p.fd = fd;
            p.events = POLLOUT;
            p.revents = 0;
            if (poll(&p, 1, 100) < 0 && errno != EINTR)
                break;
            waited += 100;
            continue;
        }
        break;
    }
    if (w < 0)
        err = errno;
    else if ((size_t)w != n)
        err = EIO;
    stalled = err == EAGAIN;
    if (err == EPIPE && !was_pending) {
        struct timespec zero = {0, 0};
        sigtimedwait(&pipe_set, NULL, &zero);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    errno = err;
    return err ? -1 : 0;
}

static void at_exit(void)
{
    /* the program called exit() itself: atexit handlers do not learn the status */
    if (!exit_reported && getpid() == owner)
        tl_event(TL_EVENT_EXITING " unknown");
}

void tl_events_init(const char *path)
{
    event_path = path;
    owner = getpid();
    tl_die_exit_hook = tl_events_exit_owned;
    if (path)
        tl_atexit_own(at_exit);
}

int tl_events_on(void)
{
    return event_path != NULL;
}

void tl_events_exit_owned(void)
{
    exit_reported = 1;
    /* nor do the program's exit handlers run: the restored process runs them (exit_handlers.c) */
    tl_exit_handlers_off();
}

void tl_events_exiting(int status)
{
    if (!event_path || exit_reported)
        return;
    exit_reported = 1;
    tl_event(TL_EVENT_EXITING " %d", status & 0xFF);
}

void tl_event(const char *fmt, ...)
{
    char line[LINE_MAX_BYTES];
    va_list ap;
    size_t n, i;
    int fd;
    if (!event_path)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    n = strlen(line);
    if (n > LINE_MAX_TEXT) {
        memcpy(line + LINE_MAX_TEXT - 3, "...", 3);
        n = LINE_MAX_TEXT;
        line[n] = '\0';
    }
    /* one ASCII line whatever a message or path contains */
    for (i = 0; i < n; i++)
        if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7E)
            line[i] = '?';
    line[n++] = '\n';
    do
        fd = open(event_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0600);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        report_once("open", errno);
        return;
    }
    if (write_line(fd, line, n) != 0)
        report_once("write to", errno);
    close(fd);
}
