/* refusal.h: why the checkpoint being encoded is refused (refusal.c). */
#ifndef TALENT_REFUSAL_H
#define TALENT_REFUSAL_H

#include "base.h"

/* Bound of a refusal's message, terminating NUL included (longer ones are cut). */
#define TL_REFUSAL_MAX 1024

/* Records why the checkpoint being encoded cannot be carried: state of the program that is fine in this process but
 * has no portable encoding (a pointer into a struct's padding, a union beyond its first member, a heap block of a
 * guessed or conflicting type, a heap address inside an untyped block, a descriptor whose offset cannot be read).
 * The first reason of a checkpoint is kept; the encoding goes on (its output is dropped) and nothing is written. */
void tl_refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The first reason recorded since tl_refusal_clear, or NULL. */
const char *tl_refusal(void);
void tl_refusal_clear(void);

#endif /* TALENT_REFUSAL_H */
