/* codesyms.h: the starts of the functions in the executable's code, from its ELF symbol table (codesyms.c). */
#ifndef TALENT_CODESYMS_H
#define TALENT_CODESYMS_H

#include "base.h"

/* 1 when p is the start of a function of the executable (its symbol's name in name, len bytes at most with the NUL),
 * 0 when it is not, -1 when the executable's symbol table cannot be read (stripped, /proc unavailable). */
int tl_code_function_at(const void *p, char *name, size_t len);

#endif /* TALENT_CODESYMS_H */
