/* xalloc.h: the runtime's own checked memory (heap_track.c; never tracked as the program's heap). */
#ifndef TALENT_XALLOC_H
#define TALENT_XALLOC_H

#include "base.h"

/* Never NULL (exit 70 when out of memory), never tracked as the program's heap. */
void *tl_xmalloc(size_t n);
void *tl_xcalloc(size_t n, size_t size);
void *tl_xrealloc(void *p, size_t n);
char *tl_xstrdup(const char *s);
char *tl_xstrndup(const char *s, size_t n);

#endif /* TALENT_XALLOC_H */
