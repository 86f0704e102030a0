/* exit_handlers.h: the program's exit handlers (atexit, on_exit), kept and run by the runtime and carried by a
 * checkpoint as the runtime global "<libc>:exit_handlers" (exit_handlers.c). */
#ifndef TALENT_EXIT_HANDLERS_H
#define TALENT_EXIT_HANDLERS_H

#include "base.h"

/* The handlers a checkpoint carries (POSIX's ATEXIT_MAX is at least 32); more still run, but refuse checkpoints. */
#define TL_EXIT_HANDLERS_MAX 32

/* Registers one of the runtime's own exit handlers with the C library (not one of the program's). */
int tl_atexit_own(void (*fn)(void));

/* Gives the C library the runtime's one handler that runs the program's: once per process, before main runs (after
 * the runtime's own handlers, so that the program's run before them). -1 when the C library refuses it. */
int tl_exit_handlers_init(void);

/* The runtime ends the process itself (a checkpoint's stop, a fatal error): the program's handlers do not run. */
void tl_exit_handlers_off(void);

/* The carried list: its storage and type (libc_state.c lists it among the runtime's globals). */
void tl_exit_handlers_global(void **addr, const talent_type **type);

/* 1 when the program has registered a handler: the list is written to a checkpoint. */
int tl_exit_handlers_used(void);

/* After a restore: NULL when the restored list is valid, else what is wrong with it (hostile input). */
const char *tl_exit_handlers_restored(void);

/* At a checkpoint: refuses it when the program registered more handlers than a checkpoint carries. */
void tl_exit_handlers_check(void);

#endif /* TALENT_EXIT_HANDLERS_H */
