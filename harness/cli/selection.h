/*
 * What a run runs: -w and -s resolved into workloads and strategies (kinds
 * and groups expanded, strategies that cannot run here skipped with a note
 * or refused), the baselines put first, and the workloads' checks before
 * the run.  Each returns 0, or -1 with one line in err.
 */
#ifndef PARBENCH_SELECTION_H
#define PARBENCH_SELECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/options.h"

/* "cpu.sumsq,io", "all": into opts->workloads. */
int pb_select_workloads(struct pb_options *opts, const char *text, char *err, size_t errlen);

/* "pthreads,py-all", "all": into opts->strategies, with opts->settings given already. */
int pb_select_strategies(struct pb_options *opts, const char *text, char *err, size_t errlen);

/* The baseline of the Python strategies (python) or of the C ones. */
const struct pb_strategy *pb_select_baseline(bool python);

/* The baseline first, and with Python strategies theirs next. */
int pb_select_baselines_first(struct pb_options *opts, char *err, size_t errlen);

/* Says which workloads the Python strategies skip: those without a Python version. */
void pb_select_note_python(const struct pb_options *opts);

/*
 * Says which workloads each strategy skips (its skips hook: opencl without a
 * kernel); the last reason stands for all of a strategy's.
 */
void pb_select_note_skips(const struct pb_options *opts);

/* Each workload's and strategy's ready() check with its options (a server that answers). */
int pb_select_check_ready(const struct pb_options *opts, char *err, size_t errlen);

#endif
