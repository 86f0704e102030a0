/* state.h: what follows the checkpoint being taken (state.c; talent_pending & co. are declared by talent.h). */
#ifndef TALENT_STATE_H
#define TALENT_STATE_H

#include "base.h"

#define TL_AFTER_EXIT 1             /* the checkpoint ends the process (exit 75) */
#define TL_AFTER_CONTINUE 2         /* the process restores it in-process and keeps running */
/* TL_AFTER_* of the checkpoint being taken (set by site.c when it takes one) */
int tl_site_after(void);
void tl_site_set_after(int then);

#endif /* TALENT_STATE_H */
