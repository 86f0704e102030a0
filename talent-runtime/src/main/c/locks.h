/* locks.h: file locks the program holds at a checkpoint (locks.c). */
#ifndef TALENT_LOCKS_H
#define TALENT_LOCKS_H

#include "base.h"

/* At a checkpoint: refuses it (refusal.h), naming the descriptor and its file, while one of the process's descriptors
 * holds a file lock (flock, fcntl F_SETLK/F_SETLKW or F_OFD_SETLK, lockf). A checkpoint does not carry locks: the
 * stopped process releases them as it ends, and the restarted one would go on without them. */
void tl_locks_check(void);

#endif /* TALENT_LOCKS_H */
