/* tmpnam.h: tmpnam wrapped at link time (-Wl,--wrap=tmpnam, RuntimeLibrary.WRAPPED_OTHER): tmpnam(NULL)'s text is kept
 * in the runtime's carried storage ("<libc>:tmpnam", foreign.c); tmpnam(s) writes the program's s as before. */
#ifndef TALENT_TMPNAM_H
#define TALENT_TMPNAM_H

char *__wrap_tmpnam(char *s);

#endif /* TALENT_TMPNAM_H */
