#ifndef TALENT_ENV_H
#define TALENT_ENV_H

/* The process's environment and locale as the program changed them: the ENVI section of a checkpoint (env.c). */

#include "encode.h"
#include "checkpoint.h"

/* Remembers the environment and the locale as the program starts (or is restarted, before tl_env_restore), after
 * the runtime has removed its own variables: a checkpoint carries what changed since. */
void tl_env_snapshot(void);

/* At a checkpoint: writes the ENVI payload to b (FORMAT.md "ENVI"): the variables the program set or removed since
 * the snapshot, by name, then the locale categories it set. Returns how many entries it holds (0: the section is not
 * written). What cannot be carried (a name or value over the bounds, an environ entry without '=', a locale name
 * outside the format's characters) refuses the checkpoint by name (refusal.h). */
uint32_t tl_env_collect(tl_buf *b);

/* When p points into one of the process's environment strings as the last tl_env_collect found them (one it started
 * with, or one setenv allocated that environ holds): that string's start, and *len its length; NULL otherwise (a
 * binary search). A pointer kept from getenv() is written as a string constant from it (values.c). */
const char *tl_env_string_find(const void *p, size_t *len);

/* At a restart, after tl_env_snapshot and before the program continues: sets and removes the checkpoint's variables
 * and sets its locale categories. A category or a locale this C library cannot set ends the restore with exit 65
 * naming it (the program would silently run in another locale). */
void tl_env_restore(const tl_checkpoint *ck);

/* Parses and validates an ENVI payload into ck->env and ck->locale (FORMAT.md "ENVI", "Validation"); -1 with r's
 * error when it breaks a rule. */
int tl_env_parse(tl_reader *r, tl_checkpoint *ck);

/* Whether s[0..n) is a locale name ENVI may carry: 1 to TL_LOCALE_MAX_NAME characters, letters and digits and
 * "._@+,-", the first a letter or digit (no path: glibc would load a locale from a name holding '/'). */
int tl_locale_name_valid(const char *s, size_t n);

/* "LC_NUMERIC" for the format's category number 2 (FORMAT.md "ENVI"); "?" for a number out of range. */
const char *tl_locale_category_name(unsigned number);

#endif
