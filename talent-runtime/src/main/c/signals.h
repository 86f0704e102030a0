/* signals.h: checkpoint requests from signals and the timer (signals.c). */
#ifndef TALENT_SIGNALS_H
#define TALENT_SIGNALS_H

#include "base.h"

/* Requests set by the signal handlers (SIGUSR1: migrate, SIGUSR2: checkpoint and continue, the periodic
 * timer); read and cleared by talent_site_slow. */
extern volatile sig_atomic_t tl_req_migrate, tl_req_continue, tl_req_periodic;
extern const char tl_program_marker[];   /* signals.c: what `talent checkpoint` looks for in the binary */
extern volatile int64_t tl_req_time_ns;     /* CLOCK_REALTIME of the first pending request (0: none) */
int tl_request_pending(void);
void tl_signals_init(double every_seconds);
/* 1 when the program replaced talent's checkpoint-request handler of sig (SIGUSR1, SIGUSR2) since tl_signals_init:
 * its own disposition would be lost at a restore, which installs talent's again (sigdisp.c refuses the checkpoint). */
int tl_signals_request_handler_replaced(int sig);
int64_t tl_realtime_ns(void);
/* How many POSIX timers (timer_create) talent created for itself: 1 with every_seconds, else 0 (itimers.c tells
 * the program's own from them). */
int tl_signals_own_timers(void);
/* Set by precopy.c's SIGURG handler; served by talent_site_slow. */
extern volatile sig_atomic_t tl_req_precopy;

#endif /* TALENT_SIGNALS_H */
