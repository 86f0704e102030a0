/* base.h: what every runtime header needs first: the feature macros (before any system header), the standard
 * types, the contract with generated code (talent.h) and the names shared with Java (contract.h). */
#ifndef TALENT_BASE_H
#define TALENT_BASE_H


/* 64-bit file offsets and inode numbers on i686 too: without it readdir() fails with EOVERFLOW on file
 * systems with 64-bit inode numbers, and the checkpoint directory looks empty. */
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include "talent.h"

/* exit statuses, TALENT_* keys, event words, checkpoint names, pointer tags, object kinds */
#include "contract.h"

/* 1 on a big-endian ISA (s390x), 0 on a little-endian one */
static inline int tl_host_big_endian(void)
{
    const union { uint16_t u; unsigned char c[2]; } one = { 1 };
    return one.c[0] == 0;
}

#endif /* TALENT_BASE_H */
