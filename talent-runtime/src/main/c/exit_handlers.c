/*
 * The program's exit handlers (exit_handlers.h). The link wraps atexit, on_exit and exit (RuntimeLibrary.LINK_FLAGS:
 * -Wl,--wrap=NAME), so every registration reaches the wrappers below wherever it is written: in the program, in a
 * macro, in uninstrumented code. The C library's own list of handlers is not carried by a checkpoint (the process a
 * checkpoint stops would run them as it exits 75, the restored one never), so the program's handlers never go there:
 * the runtime keeps them in a list of its own, which a checkpoint carries as the runtime global
 * "<libc>:exit_handlers" (each handler a function named as any function pointer is, on_exit's argument a pointer
 * like any other), and runs them itself at exit, last registered first, from one handler of its own it gives the C
 * library before main runs (in a restored process too, so handlers registered before the stop and after the restore
 * keep one order). The runtime's own exits (a checkpoint's stop, a fatal error) run none of them.
 * A list longer than a checkpoint carries (TL_EXIT_HANDLERS_MAX) still runs at exit, in order; a checkpoint is then
 * refused by name, as is one whose handler is no function talent knows (values.c, as any function pointer).
 */
#include "exit_handlers.h"
#include "base.h"
#include "refusal.h"
#include "xalloc.h"
#include <stdlib.h>

#define TL_NORETURN __attribute__((noreturn))

int __real_atexit(void (*fn)(void));
int __real_at_quick_exit(void (*fn)(void));
int __wrap_at_quick_exit(void (*fn)(void));
void __real_exit(int status) TL_NORETURN;
int __wrap_atexit(void (*fn)(void));
/* weak: a program that defines on_exit itself (where its C library lacks it) keeps its own (ProgramTable) */
__attribute__((weak)) int __wrap_on_exit(void (*fn)(int, void *), void *arg);
void __wrap_exit(int status) TL_NORETURN;

enum { KIND_ATEXIT = 1, KIND_ON_EXIT = 2 };

struct tl_exit_handler {
    uint32_t kind;          /* KIND_*: how it is called */
    void (*fn)(void);       /* an on_exit handler is void (*)(int, void *), kept as this type */
    void *arg;              /* on_exit's argument; NULL for atexit */
};

struct tl_exit_handlers {
    uint32_t count;         /* entries 0..count-1 are registered, in registration order */
    struct tl_exit_handler e[TL_EXIT_HANDLERS_MAX];
};

static struct tl_exit_handlers list;
/* registrations beyond TL_EXIT_HANDLERS_MAX: run at exit, never carried (a checkpoint is refused while there are) */
static struct tl_exit_handler *extra;
static unsigned long nextra, extra_cap;
static int dispatcher_registered;
static int off;             /* the runtime ends the process: no handler of the program's runs */
static int exit_status;     /* the status exit() was given: on_exit handlers receive it */
static unsigned long quick_registered;  /* at_quick_exit's handlers: the C library's, not carried */
static void (*first_quick)(void);

static const talent_type t_u32 = TALENT_INT_TYPE(uint32_t, "uint32_t");
static const talent_type t_fn = TALENT_FUNCPTR_TYPE(void (*)(void), "void (*)(void)");
static const talent_type t_arg = TALENT_PTR_TYPE(void *, "void *", "void");
static const talent_field handler_fields[] = {
    TALENT_FIELD(struct tl_exit_handler, kind, &t_u32),
    TALENT_FIELD(struct tl_exit_handler, fn, &t_fn),
    TALENT_FIELD(struct tl_exit_handler, arg, &t_arg),
};
static const talent_type t_handler = TALENT_STRUCT_TYPE(struct tl_exit_handler, "struct talent_exit_handler",
                                                        handler_fields);
static const talent_type t_entries = TALENT_ARRAY_TYPE(struct tl_exit_handler[TL_EXIT_HANDLERS_MAX],
                                                       "struct talent_exit_handler[32]", struct tl_exit_handler,
                                                       &t_handler);
static const talent_field list_fields[] = {
    TALENT_FIELD(struct tl_exit_handlers, count, &t_u32),
    TALENT_FIELD(struct tl_exit_handlers, e, &t_entries),
};
static const talent_type t_list = TALENT_STRUCT_TYPE(struct tl_exit_handlers, "struct talent_exit_handlers",
                                                     list_fields);

static void call(const struct tl_exit_handler *h)
{
    if (h->kind == KIND_ON_EXIT)
        ((void (*)(int, void *))h->fn)(exit_status, h->arg);
    else
        h->fn();
}

/* The one handler the C library knows of: the program's, last registered first. A handler registered while they run
 * runs next (as the C library runs it). No checkpoint is taken while they run: exit is under way, below main. */
static void run_handlers(void)
{
    if (off)
        return;
    talent_suspended++;
    for (;;) {
        struct tl_exit_handler h;
        if (nextra > 0)
            h = extra[--nextra];
        else if (list.count > 0)
            h = list.e[--list.count];
        else
            break;
        call(&h);
    }
    talent_suspended--;
}

int tl_exit_handlers_init(void)
{
    if (dispatcher_registered)
        return 0;
    if (__real_atexit(run_handlers) != 0)
        return -1;
    dispatcher_registered = 1;
    return 0;
}

static int add(uint32_t kind, void (*fn)(void), void *arg)
{
    struct tl_exit_handler *h;
    if (!fn)
        return -1;
    if (list.count < TL_EXIT_HANDLERS_MAX && nextra == 0) {
        h = &list.e[list.count++];
    } else {
        if (nextra == extra_cap) {
            extra_cap = extra_cap ? 2 * extra_cap : 16;
            extra = tl_xrealloc(extra, extra_cap * sizeof *extra);
        }
        h = &extra[nextra++];
    }
    h->kind = kind;
    h->fn = fn;
    h->arg = arg;
    return 0;
}

int __wrap_atexit(void (*fn)(void))
{
    return add(KIND_ATEXIT, fn, NULL);
}

int __wrap_on_exit(void (*fn)(int, void *), void *arg)
{
    return add(KIND_ON_EXIT, (void (*)(void))fn, arg);
}

/* quick_exit's handlers stay the C library's (quick_exit runs no atexit handler, so they cannot share the list):
 * counted, to refuse a checkpoint after one */
int __wrap_at_quick_exit(void (*fn)(void))
{
    int r = __real_at_quick_exit(fn);
    if (r == 0 && quick_registered++ == 0)
        first_quick = fn;
    return r;
}

void __wrap_exit(int status)
{
    exit_status = status;
    __real_exit(status);
}

/* Not through atexit: that name is the program's, wrapped. */
int tl_atexit_own(void (*fn)(void))
{
    return __real_atexit(fn);
}

void tl_exit_handlers_off(void)
{
    off = 1;
}

void tl_exit_handlers_global(void **addr, const talent_type **type)
{
    *addr = &list;
    *type = &t_list;
}

int tl_exit_handlers_used(void)
{
    return list.count > 0;
}

const char *tl_exit_handlers_restored(void)
{
    uint32_t i;
    if (list.count > TL_EXIT_HANDLERS_MAX)
        return "more exit handlers than a checkpoint carries";
    for (i = 0; i < TL_EXIT_HANDLERS_MAX; i++) {
        const struct tl_exit_handler *h = &list.e[i];
        if (i < list.count ? (h->kind != KIND_ATEXIT && h->kind != KIND_ON_EXIT) || !h->fn
                           : h->kind != 0 || h->fn || h->arg)
            return "an exit handler entry that is not one";
        if (h->kind == KIND_ATEXIT && h->arg)
            return "an atexit handler with an argument";
    }
    return NULL;
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
    if (quick_registered > 0) {
        tl_refuse("cannot checkpoint: the program registered %lu handler%s with at_quick_exit (the first: '%s'); a "
                  "checkpoint does not carry the C library's list of them", quick_registered,
                  quick_registered == 1 ? "" : "s", handler_name(first_quick));
        return;
    }
    if (nextra == 0)
        return;
    tl_refuse("cannot checkpoint: the program registered %lu exit handlers with atexit/on_exit, more than the %d a "
              "checkpoint carries (the first beyond them: '%s')", (unsigned long)TL_EXIT_HANDLERS_MAX + nextra,
              TL_EXIT_HANDLERS_MAX, handler_name(extra[0].fn));
}
