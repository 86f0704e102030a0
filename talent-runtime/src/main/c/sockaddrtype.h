/* sockaddrtype.h: struct sockaddr_storage described portably (sockaddrtype.c; talent.h declares the descriptor the
 * generated code names: talent_sockaddr_storage_type). */
#ifndef TALENT_SOCKADDRTYPE_H
#define TALENT_SOCKADDRTYPE_H

#include "base.h"
#include "values.h"

/* Its size on every ISA talent supports (POSIX leaves it to the implementation; Linux's C libraries say 128). */
#define TL_SOCKADDR_STORAGE_SIZE 128

#endif /* TALENT_SOCKADDRTYPE_H */
