/* libc_check.h: the values of the C library's state a checkpoint carries, checked at load (libc_check.c). */
#ifndef TALENT_LIBC_CHECK_H
#define TALENT_LIBC_CHECK_H

#include "base.h"
#include "checkpoint.h"
#include "encode.h"

/* Reads an integer value of the file's type `type` (SINT or UINT of at most 64 bits, or BOOL) as the runtime's
 * decoder reads it: 0 with *out when it lies in [lo, hi], -1 when it does not or the type is no such integer. */
int tl_ck_int_in(tl_reader *r, const tl_checkpoint *ck, uint32_t type, int64_t lo, int64_t hi, int64_t *out);

/* Whether the value of a checkpoint's "<libc>:cwd" global (the file's type `type`, r at the value) is one a restore
 * accepts: NULL, or what is wrong. */
const char *tl_libc_check_cwd(tl_reader *r, const tl_checkpoint *ck, uint32_t type);

/* The same for "<libc>:itimers": three structs of four integers, seconds 0 to TL_ITIMERS_MAX_SEC, microseconds
 * below TL_ITIMERS_USEC_LIMIT (contract.h). */
const char *tl_libc_check_itimers(tl_reader *r, const tl_checkpoint *ck, uint32_t type);

/* The same for "<libc>:sigmask": a struct of one integer of at most 64 bits, a valid set (tl_sigdisp_mask_valid). */
const char *tl_libc_check_sigmask(tl_reader *r, const tl_checkpoint *ck, uint32_t type);

/* Whether key is one of the globals tl_libc_check_attribute checks. */
int tl_libc_check_is_attribute(const char *key);

/* The same for "<libc>:umask", "<libc>:rlimits", "<libc>:fenv", "<libc>:nice", "<libc>:comm" (libc_state.c) and
 * "<libc>:inet_ntoa" (foreign.c), with the bounds of contract.h (TL_UMASK_MAX ...), as their restores check them. */
const char *tl_libc_check_attribute(tl_reader *r, const tl_checkpoint *ck, const char *key, uint32_t type);

/* "<libc>:streams" (streammodes.c): a struct of a count 0..16, four arrays of 16 integers (stream 0..65538 ascending,
 * mode 0..3, size 0..2^30 only with mode 1 or 2, wide -1..1) and an array of 16 pointers (buf: null, or to an object
 * with mode 1 or 2 and a size), zero and null past count; NULL or why not. */
const char *tl_libc_check_streams(tl_reader *r, const tl_checkpoint *ck, uint32_t type);

/* "<libc>:pending" (pending.c): a struct of stdout's count and an array of 1 to 2 * TL_PENDING_MAX bytes (unsigned 8-bit
 * integers), the count at most the array's length, at most TL_PENDING_MAX bytes of each stream; NULL or why not. */
const char *tl_libc_check_pending(tl_reader *r, const tl_checkpoint *ck, uint32_t type);

#endif /* TALENT_LIBC_CHECK_H */
