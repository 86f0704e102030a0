/* errtexts.h: the texts of gai_strerror, hstrerror and herror, and regerror, glibc's on every platform (errtexts.c).
 * musl's differ for every code that has a text (EAI_NONAME "Name or service not known" in glibc, "Name does not
 * resolve" in musl; HOST_NOT_FOUND "Unknown host" and "Host not found"; REG_EBRACK "Unmatched [, [^, [:, [., or [=" and
 * "Missing ']'"), and regerror's result with them (the size of the text): a program moved from glibc to musl printed
 * other texts, exit 0. The link wraps gai_strerror, hstrerror, herror and regerror (RuntimeLibrary.WRAPPED_OTHER);
 * a program that defines one of them itself keeps its own (ProgramTable's WRAPPED_LIBC_STATE). */
#ifndef TALENT_ERRTEXTS_H
#define TALENT_ERRTEXTS_H

#include <regex.h>
#include <stddef.h>

/* glibc's gai_strerror: the code's constant text, "Unknown error" for a code without one (EAI_OVERFLOW too) */
const char *__wrap_gai_strerror(int code);
/* glibc's hstrerror: "Resolver internal error" for a negative code, "Unknown resolver error" above NO_DATA */
const char *__wrap_hstrerror(int code);
/* glibc's herror: "s: text\n" ("text\n" when s is NULL or empty) of h_errno, written to descriptor 2 at once */
void __wrap_herror(const char *s);
/* glibc's regerror: the code's text copied into buf, cut to size - 1 bytes and terminated when it does not fit,
 * nothing written when size is 0; returns the text's size with its terminating byte. A code without a text aborts
 * the program, as glibc's regerror does. preg is not used. */
size_t __wrap_regerror(int code, const regex_t *preg, char *buf, size_t size);

#endif
