/* fdsettype.h: fd_set described portably (fdsettype.c; talent.h declares the descriptor the generated code names:
 * talent_fdset_type). */
#ifndef TALENT_FDSETTYPE_H
#define TALENT_FDSETTYPE_H

#include "base.h"
#include "values.h"

/* How many descriptors a carried set holds: 1024, FD_SETSIZE of glibc and musl on every ISA talent supports. */
#define TL_FDSET_BITS 1024

#endif /* TALENT_FDSETTYPE_H */
