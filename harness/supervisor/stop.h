/*
 * Why a run stops before its plan is done: a signal (SIGINT, SIGTERM), or a
 * results file that could not be written.  The supervisor's files ask
 * pb_stopping() between visits and while they wait for a cell.
 */
#ifndef PARBENCH_STOP_H
#define PARBENCH_STOP_H

#include <stdbool.h>

/* SIGINT and SIGTERM stop the run instead of killing it: what ran is kept. */
void pb_stop_catch_signals(void);

/* The signal that stops the run, or 0. */
int pb_stop_signal(void);

/* Says which file (in dir, or as given with dir NULL) could not be written and why (-errno). */
void pb_stop_write_failed(const char *dir, const char *file, int rc);

/* Whether a results file could not be written. */
bool pb_write_failed(void);

/* Whether the run is to stop: a signal or a failed write. */
bool pb_stopping(void);

#endif
