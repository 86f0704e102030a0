/* strerror.h: the texts of errno values and signals, glibc's on every platform (strerror.c). musl's texts differ from
 * glibc's for 75 of the errno values 0 to 134 and 37 of the signals 0 to 65 (EOVERFLOW is "Value too large for defined
 * data type" in glibc, "Value too large for data type" in musl; ENOTSUP "Operation not supported" and "Not supported";
 * strerror(0) "Success" and "No error information"; SIGCHLD "Child exited" and "Child process status"): a program
 * moved from glibc to musl printed other texts, exit 0. The link wraps strerror, strerror_l, strerror_r,
 * __xpg_strerror_r, strsignal and psignal (RuntimeLibrary.WRAPPED_OTHER); musl's perror, err/warn family and printf's
 * %m call strerror by name, its psiginfo psignal, so they reach these wrappers too. glibc's own perror, err/warn and
 * %m use glibc's texts: the same. */
#ifndef TALENT_STRERROR_H
#define TALENT_STRERROR_H

#include <stddef.h>
#include <string.h> /* on glibc, __GLIBC__ */

#include "contract.h"

/* The text of the last unknown number the program's strerror (or strerror_l) and strsignal wrote ("Unknown error N",
 * "Real-time signal N", "Unknown signal N"; empty before the first), which they return: foreign.c carries them as
 * "<libc>:strerror" and "<libc>:strsignal", so that a pointer the program keeps to one across a stop sees its text
 * after it. A byte apart from each other and from any other object (FORMAT.md "Pointers", BOUNDARY). */
struct tl_unknown_texts {
    char gap0, error[TL_UNKNOWN_TEXT_MAX], gap1, signal[TL_UNKNOWN_TEXT_MAX], gap2;
};
extern struct tl_unknown_texts tl_unknown_texts;

/* glibc's strerror: a constant text, or "Unknown error N" in the runtime's buffer (shared with strerror_l, overwritten
 * by the next call for an unknown number). errno is left as it was. Weak: a program that defines strerror itself
 * keeps its own (ProgramTable's WRAPPED_LIBC_STATE), likewise strsignal and psignal. */
char *__wrap_strerror(int e);
/* The runtime's own strerror, for its messages: __wrap_strerror's texts, not wrapped, so a program that defines
 * strerror itself is not called from the runtime. An unknown number's text is in a buffer of its own (the program's
 * strerror buffer is left as it was). */
char *tl_strerror(int e);
/* The runtime's own strsignal, for its messages: strsignal's texts, an unknown number's in a buffer of its own (the
 * program's strsignal and its kept text are not touched) */
const char *tl_strsignal(int sig);
/* glibc's strerror_l: strerror's texts (the C locale's; the locale is not used) */
char *__wrap_strerror_l(int e, void *locale);
/* strerror_r as the C library's headers declare it: on glibc (the program asked for _GNU_SOURCE) glibc's GNU form,
 * returning the constant text, or "Unknown error N" written (cut to n bytes) into buf and buf returned; on musl the
 * XSI form, as __wrap___xpg_strerror_r. */
#ifdef __GLIBC__
char *__wrap_strerror_r(int e, char *buf, size_t n);
#else
int __wrap_strerror_r(int e, char *buf, size_t n);
#endif
/* glibc's XSI strerror_r (glibc's headers name it __xpg_strerror_r without _GNU_SOURCE): the text copied into buf,
 * cut to n - 1 bytes and terminated when n > 0; 0, ERANGE when it was cut, EINVAL for an unknown number (whose
 * "Unknown error N" is written all the same). */
int __wrap___xpg_strerror_r(int e, char *buf, size_t n);
/* glibc's strsignal: "Real-time signal N" from glibc's SIGRTMIN (34), "Unknown signal N" in the runtime's buffer */
char *__wrap_strsignal(int sig);
/* glibc's psignal on stderr: "s: text\n" ("text\n" when s is NULL or empty), "Unknown signal N" for every signal
 * without a text of its own (the real-time ones too, unlike strsignal) */
void __wrap_psignal(int sig, const char *s);

#endif
