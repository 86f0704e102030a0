/* utf8.h: well-formed UTF-8 (utf8.c). */
#ifndef TALENT_UTF8_H
#define TALENT_UTF8_H

#include <stddef.h>

/* Well-formed UTF-8 without U+0000 (FORMAT.md str); 1 or 0. */
int tl_utf8_valid(const unsigned char *p, size_t n);

#endif /* TALENT_UTF8_H */
