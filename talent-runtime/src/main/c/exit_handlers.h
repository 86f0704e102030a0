/* exit_handlers.h: the program's exit handlers (atexit), which a checkpoint does not carry (exit_handlers.c). */
#ifndef TALENT_EXIT_HANDLERS_H
#define TALENT_EXIT_HANDLERS_H

/* Registers one of the runtime's own exit handlers (not counted as the program's). */
int tl_atexit_own(void (*fn)(void));

/* At a checkpoint: refuses it, naming the first handler, when the program has registered an exit handler with
 * atexit. The C library keeps the list; a checkpoint does not carry it, so the handlers would run when the stopped
 * process exits (their output in the middle of the program's) and never after the restore. */
void tl_exit_handlers_check(void);

#endif /* TALENT_EXIT_HANDLERS_H */
