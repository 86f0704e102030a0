/* diag.h: messages, fatal exits, the platform name and the fault setting (diag.c). */
#ifndef TALENT_DIAG_H
#define TALENT_DIAG_H

#include "base.h"

extern int tl_verbose;
void tl_die(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void tl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tl_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes s into out (outlen bytes, NUL-terminated, cut short if need be) with control characters and DEL
 * escaped as \xNN and a backslash as \\; returns the length written. Every message goes through it. */
size_t tl_escape(const char *s, char *out, size_t outlen);
/* Called by tl_die (once) before the message is printed, while set: a restore in progress uses it to fall
 * back to an older checkpoint (main.c). */
extern void (*tl_die_hook)(int code, const char *message);
/* Always printed, without the "warning: " prefix. */
void tl_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Called by tl_die just before exit, while set: events.c marks the exit as the runtime's own (no `exiting`). */
extern void (*tl_die_exit_hook)(void);
/* Name of the platform this binary runs as (TALENT_PLATFORM or compile-time default). */
extern const char *tl_platform;
const char *tl_default_platform(void);
/* Fault injection for the orchestrator's tests (config key fault / TALENT_FAULT, README.md). */
#define TL_FAULT_NONE 0
#define TL_FAULT_CHECKPOINT_WRITE 1 /* every checkpoint write fails as if write() returned EIO */
#define TL_FAULT_RESTORE 2          /* a restart fails with exit 65 before the program resumes */
extern int tl_fault;
/* Monotonic clock in milliseconds (for the TALENT_VERBOSE timing lines). */
double tl_now_ms(void);

#endif /* TALENT_DIAG_H */
