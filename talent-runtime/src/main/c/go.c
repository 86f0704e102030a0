/* go.c: a restart started ahead of the stop (talent run's pre-started destination, TALENT_AWAIT_GO). The process
 * (and qemu-user, for a foreign ISA) is started while the source program still runs; it opens the FIFO the
 * orchestrator mounted and blocks there, before it looks at its checkpoint directory. The orchestrator opens
 * the FIFO for writing before it stops the source (its open succeeds only while this process waits in open or
 * read, which tells it the destination is ready) and writes the go message once the checkpoint is in place:
 * the restart then goes on as any other. The go carries no data: which checkpoint is restored is decided as
 * without it (the newest valid one of the checkpoint directory). The FIFO closed before any byte of the message
 * cancels the restart: it exits 66 without a word on stderr (tl_info under TALENT_VERBOSE). */
#include "diag.h"
#include "go.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void tl_go_await(const char *fifo)
{
    static const char want[] = TL_GO_MESSAGE "\n";
    char got[sizeof want];
    size_t have = 0;
    struct stat st;
    int fd;

    do
        fd = open(fifo, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        tl_die(TL_EXIT_USAGE, "cannot open the go FIFO %s: %s", fifo, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))
        tl_die(TL_EXIT_USAGE, "the go file %s is not a FIFO", fifo);
    /* read until the message is complete: a byte more or less is refused, never waited for */
    while (have < sizeof want - 1) {
        ssize_t n = read(fd, got + have, sizeof want - 1 - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            tl_die(TL_EXIT_USAGE, "cannot read the go FIFO %s: %s", fifo, strerror(errno));
        if (n == 0 && have == 0) {
            /* closed with nothing written: talent discarded this destination (the program it was prepared for
             * ended, or its migration was given up). Not an error of anyone's: no message on stderr, which is
             * the program's; nothing was read, so the exit says "no checkpoint" */
            tl_info("the go FIFO %s was closed without a go: this restart is cancelled", fifo);
            if (tl_die_exit_hook)
                tl_die_exit_hook(); /* the runtime's own exit, as tl_die's: no `exiting` event */
            exit(TL_EXIT_NOINPUT);
        }
        if (n == 0)
            tl_die(TL_EXIT_USAGE, "the go FIFO %s was closed before the go message (%zu of %zu bytes)", fifo, have,
                   sizeof want - 1);
        if (memcmp(got + have, want + have, (size_t)n) != 0)
            tl_die(TL_EXIT_USAGE, "the go FIFO %s carried something else than the go message", fifo);
        have += (size_t)n;
    }
    close(fd);
}
