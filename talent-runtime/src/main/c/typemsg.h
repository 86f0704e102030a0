/* typemsg.h: messages of the accessors of the runtime's own descriptors of C library types (typemsg.c), naming the
 * value being encoded or decoded; one helper for every such type (mutextype.c, condtype.c, rwlocktype.c, spintype.c,
 * barriertype.c). */
#ifndef TALENT_TYPEMSG_H
#define TALENT_TYPEMSG_H

#include "base.h"

/* At a checkpoint, from a member's get_bits: refuses it (refusal.h) as "cannot checkpoint: TYPE 'NAME' REASON", NAME
 * the variable and element path being encoded (tl_accessor_ctx), or "a TYPE" outside one. Returns 0, the value the
 * accessor then gives (the encoding goes on and its output is dropped). */
unsigned long long tl_type_refuse(const char *type, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* At a restore, from a member's set_bits: ends it (exit 65, TL_EXIT_DATAERR) as "cannot restore 'NAME': TEXT". */
void tl_type_die(const char *type, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

#endif /* TALENT_TYPEMSG_H */
