/* ptsname.h: ptsname wrapped at link time (-Wl,--wrap, RuntimeLibrary.WRAPPED_OTHER), ptsname.c. */
#ifndef TALENT_PTSNAME_H
#define TALENT_PTSNAME_H

char *__wrap_ptsname(int fd);

#endif /* TALENT_PTSNAME_H */
