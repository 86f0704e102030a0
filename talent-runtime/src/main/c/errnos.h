/* errnos.h: the program's errno in a checkpoint (FORMAT.md "ERRN"): this C library's value <-> the format's code. */
#ifndef TALENT_ERRNOS_H
#define TALENT_ERRNOS_H

#include "base.h"

/* The format code of errno value `value` of this C library (0 for 0), or -1 when the format has no code for it (a
 * value no E-constant of errno_codes.h has here: the checkpoint is refused, never written without it). */
long tl_errno_code(int value);
/* This C library's value of format code `code` (1..TL_ERRNO_MAX_CODE) into *value; -1 when the format has no such code
 * (every E-constant of the list is defined by every C library the runtime builds with). */
int tl_errno_value(unsigned long code, int *value);
/* The E-constant's name of format code `code` ("ERANGE"), or NULL when the format has no such code. */
const char *tl_errno_name(unsigned long code);

#endif /* TALENT_ERRNOS_H */
