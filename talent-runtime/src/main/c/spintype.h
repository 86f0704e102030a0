/* spintype.h: pthread_spinlock_t described portably (spintype.c; talent.h declares the descriptor the generated code
 * names: talent_spinlock_type). */
#ifndef TALENT_SPINTYPE_H
#define TALENT_SPINTYPE_H

#include "base.h"
#include "values.h"

/* The member `locked` of a carried spin lock (one bit). */
#define TL_SPIN_UNLOCKED 0
#define TL_SPIN_LOCKED 1

#endif /* TALENT_SPINTYPE_H */
