/*
 * The program's exit handlers. The link wraps atexit (RuntimeLibrary.LINK_FLAGS: -Wl,--wrap=atexit), so every
 * registration reaches __wrap_atexit wherever it is written: in the program, in a macro, in uninstrumented code.
 * The C library keeps the handlers in a list of its own that a checkpoint does not carry: the process stopped by a
 * checkpoint would run them as it exits 75 (a "bye" printed in the middle of the output, byacc's temporary files
 * removed under the restored process) and the restored process would never run them. Such a checkpoint is refused,
 * naming the handler; the program goes on.
 */
#include "exit_handlers.h"
#include "base.h"
#include "refusal.h"

int __real_atexit(void (*fn)(void));
int __wrap_atexit(void (*fn)(void));

static unsigned long registered;     /* the program's handlers, the runtime's own not counted */
static void (*first_handler)(void);

int __wrap_atexit(void (*fn)(void))
{
    int r = __real_atexit(fn);
    if (r == 0 && registered++ == 0)
        first_handler = fn;
    return r;
}

/* Not through atexit: that name is the program's, wrapped. */
int tl_atexit_own(void (*fn)(void))
{
    return __real_atexit(fn);
}

static const char *handler_name(void (*fn)(void))
{
    unsigned i;
    for (i = 0; i < talent_the_program.nfunctions; i++) {
        if (talent_the_program.functions[i].addr == fn)
            return talent_the_program.functions[i].name;
    }
    return "(a function talent did not compile)";
}

void tl_exit_handlers_check(void)
{
    if (registered == 0)
        return;
    tl_refuse("cannot checkpoint: the program registered %lu exit handler%s with atexit (the first: '%s'); a checkpoint "
              "does not carry the C library's list of them: the stopped process would run them as it exits and the "
              "restored one never", registered, registered == 1 ? "" : "s", handler_name(first_handler));
}
