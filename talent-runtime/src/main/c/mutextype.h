/* mutextype.h: pthread_mutex_t described portably (mutextype.c; talent.h declares the descriptor the generated code
 * names: talent_mutex_type). */
#ifndef TALENT_MUTEXTYPE_H
#define TALENT_MUTEXTYPE_H

#include "base.h"
#include "values.h"

/* The portable kinds of a carried mutex (the member `kind`, at most TL_MUTEX_KIND_MAX of contract.h). */
#define TL_MUTEX_DEFAULT 0
#define TL_MUTEX_RECURSIVE 1
#define TL_MUTEX_ERRORCHECK 2

#endif /* TALENT_MUTEXTYPE_H */
