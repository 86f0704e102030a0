/* rwlocktype.h: pthread_rwlock_t described portably (rwlocktype.c; talent.h declares the descriptor the generated code
 * names: talent_rwlock_type). */
#ifndef TALENT_RWLOCKTYPE_H
#define TALENT_RWLOCKTYPE_H

#include "base.h"
#include "values.h"

/* The member `held` of a carried read-write lock (16 bits): 0 unlocked, 1 to TL_RWLOCK_READERS_MAX read-locked that
 * many times, TL_RWLOCK_WRITER write-locked. */
#define TL_RWLOCK_WIDTH 16
#define TL_RWLOCK_READERS_MAX 65534u
#define TL_RWLOCK_WRITER 65535u

#endif /* TALENT_RWLOCKTYPE_H */
