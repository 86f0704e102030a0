/* children.h: child processes of the program at a checkpoint (children.c). */
#ifndef TALENT_CHILDREN_H
#define TALENT_CHILDREN_H

#include "base.h"

/* At a checkpoint: refuses it (refusal.h) while the process has a child it has not waited for, running or ended
 * (a zombie), other than own (the runtime's pre-copy round, or -1). A restarted process is no parent of it: its
 * waitpid would fail with ECHILD and the child's exit status would be lost. */
void tl_children_check(long own);

/* At the start of the process (a fresh run or a restart), before the program runs: notes the children it already
 * has, which are not the program's (a launcher's background children left to it by exec), so that the check ignores
 * them. */
void tl_children_snapshot(void);

#endif /* TALENT_CHILDREN_H */
