/* cwd.h: the program's working directory, carried by a checkpoint once the program changed it (cwd.c). */
#ifndef TALENT_CWD_H
#define TALENT_CWD_H

#include "base.h"

/* Remembers the directory the process starts (or is restarted) in. */
void tl_cwd_snapshot(void);

/* That directory, or NULL when it could not be read. */
const char *tl_cwd_start(void);

/* The path REL (relative) under that directory into out (n bytes), without a doubled '/' when it is "/"; snprintf's
 * result. Only when tl_cwd_start() is not NULL. */
int tl_cwd_under_start(char *out, size_t n, const char *rel);

/* At a checkpoint: takes the working directory as the checkpoint carries it when the program changed it (chdir,
 * fchdir): relative to the starting directory when it lies under it, else as an absolute path. One that cannot be
 * read, or is longer than a checkpoint carries, refuses the checkpoint (refusal.h). */
void tl_cwd_check(void);

/* Whether the last tl_cwd_check found the program in another directory than it started in: the global
 * "<libc>:cwd" is then written (libc_state.c). */
int tl_cwd_changed(void);

/* The global's storage and type ("struct talent_cwd", FORMAT.md "GLOB"). */
void tl_cwd_global(void **addr, const talent_type **type);

/* After the globals of a restart are restored: when the checkpoint carried a working directory, validates it and
 * changes into it (under this process's starting directory when it was relative). NULL when done or nothing was
 * carried; otherwise what is wrong (a hostile value, or a directory this host does not have), for the restore's
 * refusal. */
const char *tl_cwd_restored(void);

/* Whether p (NUL-terminated, non-empty) is a path the restore follows: relative, no leading or trailing '/' and no
 * empty, "." or ".." component; absolute, a leading '/' (libc_check.c checks a file's value with it). */
int tl_cwd_path_valid(const char *p, int relative);

#endif /* TALENT_CWD_H */
