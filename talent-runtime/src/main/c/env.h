#ifndef TALENT_ENV_H
#define TALENT_ENV_H

/* The process's environment and locale, which a checkpoint does not carry (env.c). */

/* Remembers the environment and the locale as the program starts (or is restored), after the runtime has removed
 * its own variables. */
void tl_env_snapshot(void);

/* At a checkpoint: refuses it (exit 70), naming the variable or the locale, when the program has changed its
 * environment (setenv, putenv, unsetenv, clearenv) or its locale (setlocale) since the snapshot: the restored process
 * would run with the new host's environment and in the "C" locale, and could silently compute something else. */
void tl_env_check(void);

#endif
