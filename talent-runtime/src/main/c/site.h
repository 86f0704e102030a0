/* site.h: the checkpoint site's slow path (site.c). */
#ifndef TALENT_SITE_H
#define TALENT_SITE_H

#include "base.h"
#include "config.h"
#include "state.h"

void tl_site_init(const tl_config *c);
uint64_t tl_site_visits(void);
unsigned tl_site_checkpoint_point(void);
const char *tl_site_reason(void);
/* The program's errno when the site took the checkpoint: set back when the program resumes. */
int tl_site_errno(void);
/* A restore: the program's errno as the checkpoint carried it (ERRN; 0 without the section). */
void tl_site_set_errno(int value);
extern int64_t tl_site_taken_ns;
/* After a checkpoint that keeps running: counting starts again for every_visits. */
void tl_site_checkpoint_done(void);
/* Installed by epoll.c: 1 while a checkpoint must wait (the program holds epoll results a checkpoint would not carry
 * faithfully); the request is then served at a later site. */
extern int (*tl_site_defer_hook)(void);
/* After a checkpoint that could not be written: the request is served (stop_after is not retried). */
void tl_site_checkpoint_failed(void);

#endif /* TALENT_SITE_H */
