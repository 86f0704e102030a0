/* regexes.h: the program's compiled regular expressions (regcomp's regex_t), carried by a checkpoint as the pattern
 * and flags each was compiled from and compiled again at the restore (regexes.c; talent.h declares the descriptor
 * the generated code names for a regex_t: talent_regex_type). */
#ifndef TALENT_REGEXES_H
#define TALENT_REGEXES_H

#include "base.h"

/* Carried at once (more refuse a checkpoint by name), and the longest pattern carried, its NUL included. */
#define TL_REGEX_MAX 16
#define TL_REGEX_PATTERN 512

/* The carried table: its storage and type (libc_state.c lists it among the runtime's globals). */
void tl_regex_global(void **addr, const talent_type **type);

/* 1 when the program holds a compiled regex_t: the table is written to a checkpoint. */
int tl_regex_used(void);

/* Before a checkpoint encodes anything: forgets the bytes of the local regex_t the last one met (tl_regex_resume). */
void tl_regex_checkpoint_begin(void);

/* Before a restore decodes anything: remembers which regex_t this process has compiled (an in-process restore
 * keeps them). */
void tl_regex_restore_begin(void);

/* Once every object is restored (frames included): compiles each regex_t the checkpoint marked compiled from the
 * table's pattern, on this C library. NULL, or what is wrong (the restore then fails: exit 65). */
const char *tl_regex_resume(char *err, size_t errlen);

#endif /* TALENT_REGEXES_H */
