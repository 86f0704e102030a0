/* condtype.h: pthread_cond_t described portably (condtype.c; talent.h declares the descriptor the generated code
 * names: talent_cond_type). */
#ifndef TALENT_CONDTYPE_H
#define TALENT_CONDTYPE_H

#include "base.h"
#include "values.h"

/* The portable clocks of a carried condition variable (the member `clock`, one bit). */
#define TL_COND_REALTIME 0
#define TL_COND_MONOTONIC 1

#endif /* TALENT_CONDTYPE_H */
