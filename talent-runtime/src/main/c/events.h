/* events.h: the event lines of event_file (events.c). */
#ifndef TALENT_EVENTS_H
#define TALENT_EVENTS_H

#include "base.h"

/* path: the event file (NULL: events off). Registers the atexit handler that reports `exiting`. */
void tl_events_init(const char *path);
int tl_events_on(void);
/* Appends one line (formatted, made printable ASCII, '\n' added); never blocks for long, never fails. */
void tl_event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* `exiting <status>` once, when main returned. */
void tl_events_exiting(int status);
/* The runtime ends the process itself (exit 75, a fatal error): no `exiting` event from atexit. */
void tl_events_exit_owned(void);

#endif /* TALENT_EVENTS_H */
