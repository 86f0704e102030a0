/* go.c: a restart started ahead of the stop (talent run's pre-started destination, TALENT_AWAIT_GO). The process
 * (and qemu-user, for a foreign ISA) is started while the source program still runs; it opens the FIFO the
 * orchestrator mounted and blocks there, before it looks at its checkpoint directory. The orchestrator opens
 * the FIFO for writing before it stops the source (its open succeeds only while this process waits in open or
 * read, which tells it the destination is ready) and writes the go message once the checkpoint is in place:
 * the restart then goes on as any other. Before the go it may name, by `base <file>` lines, the pre-copy image it
 * put in the checkpoint directory, which the restart restores ahead (ahead.c) while it waits. The go carries no
 * data: which checkpoint is restored is decided as without it (the newest valid one of the checkpoint directory).
 * The FIFO closed at a line's boundary before the go cancels the restart: it exits 66 without a word on stderr
 * (tl_info under TALENT_VERBOSE). */
#include "diag.h"
#include "go.h"
#include "delta.h"
#include "strerror.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BASE_PREFIX TL_GO_BASE_WORD " "

void tl_go_await(const char *fifo, void (*on_base)(const char *name))
{
    char line[TL_GO_MAX_LINE + 1];
    size_t have = 0;
    struct stat st;
    int fd;

    do
        fd = open(fifo, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        tl_die(TL_EXIT_USAGE, "cannot open the go FIFO %s: %s", fifo, tl_strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))
        tl_die(TL_EXIT_USAGE, "the go FIFO %s is not a FIFO", fifo);
    /* a byte at a time: a line more or less is refused, never waited for, and nothing after the go is consumed */
    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            tl_die(TL_EXIT_USAGE, "cannot read the go FIFO %s: %s", fifo, tl_strerror(errno));
        if (n == 0 && have == 0) {
            /* closed with no line begun: talent discarded this destination (the program it was prepared for
             * ended, or its migration was given up). Not an error of anyone's: no message on stderr, which is
             * the program's; no checkpoint was read, so the exit says "no checkpoint" */
            tl_info("the go FIFO %s was closed without a go: this restart is cancelled", fifo);
            if (tl_die_exit_hook)
                tl_die_exit_hook(); /* the runtime's own exit, as tl_die's: no `exiting` event */
            exit(TL_EXIT_NOINPUT);
        }
        if (n == 0)
            tl_die(TL_EXIT_USAGE, "the go FIFO %s was closed inside a line (%zu bytes of it read)", fifo, have);
        if (c != '\n') {
            if (have == TL_GO_MAX_LINE)
                tl_die(TL_EXIT_USAGE, "the go FIFO %s carried a line of more than %d bytes", fifo, TL_GO_MAX_LINE);
            line[have++] = c;
            continue;
        }
        line[have] = '\0';
        if (have == strlen(line) && strcmp(line, TL_GO_MESSAGE) == 0)
            break;
        if (have == strlen(line) && have > strlen(BASE_PREFIX) && memcmp(line, BASE_PREFIX, strlen(BASE_PREFIX)) == 0 &&
            tl_delta_plain_base_name(line + strlen(BASE_PREFIX), have - strlen(BASE_PREFIX))) {
            if (on_base)
                on_base(line + strlen(BASE_PREFIX));
            have = 0;
            continue;
        }
        tl_die(TL_EXIT_USAGE, "the go FIFO %s carried something else than the go message or a base line (`"
               TL_GO_BASE_WORD " <file>.tck`)", fifo);
    }
    close(fd);
}
