/* barriertype.h: pthread_barrier_t described portably (barriertype.c; talent.h declares the descriptor the generated
 * code names: talent_barrier_type). */
#ifndef TALENT_BARRIERTYPE_H
#define TALENT_BARRIERTYPE_H

#include "base.h"
#include "values.h"

/* The member `limit` of a carried barrier: its count less one, in 31 bits (both C libraries take counts below 2^31). */
#define TL_BARRIER_WIDTH 31

#endif /* TALENT_BARRIERTYPE_H */
