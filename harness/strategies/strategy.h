/*
 * The strategy interface: how the tasks of a job get done.
 *
 * run() does every task of run->job exactly once with run->workers workers
 * and returns 0, or -1 after pb_fail() said why.  The caller times it, so
 * everything a user of the strategy pays (creating workers, binding them,
 * handing out tasks, waiting for them) happens inside run().  Every worker
 * calls pb_worker_begin() before its first task and pb_worker_end() after
 * its last; tasks are done with pb_do_task().
 *
 * Adding a strategy is one file in harness/strategies/ that defines a
 * `struct pb_strategy` as its last thing, plus one line in PB_STRATEGIES
 * (harness/strategies/registry.c).
 *
 * A Python strategy (python = true) has no run hook: its cell starts the
 * interpreter on harness/strategies/python/cell.py, which runs the strategy of that
 * name (harness/strategies/python/strategies.py) and times it itself.
 */
#ifndef PARBENCH_STRATEGY_H
#define PARBENCH_STRATEGY_H

#include <stdbool.h>

#include "runtime/run.h"

struct pb_strategy {
	const char *name;
	const char *summary;
	int (*run)(struct pb_run *run);
	bool event_loop;		/* runs run->loops loop threads: --loops applies */
	bool python;			/* runs in the Python interpreter, not in C */
	/*
	 * Left out of `-s all`, run only when named: its launch (mpirun's,
	 * 0.1-0.4 s a repetition) would weigh on every default plan.
	 */
	bool by_name_only;
	/*
	 * NULL when the strategy can run here, else why not (built without its
	 * library, refused by the kernel): `parbench list` shows it, `-s all`
	 * skips the strategy with a note and naming it is refused.  May be NULL.
	 */
	const char *(*unavailable)(void);
};

extern const struct pb_strategy *const pb_strategies[];

const struct pb_strategy *pb_strategy_find(const char *name);

/* NULL when s can run here, else why not. */
const char *pb_strategy_unavailable(const struct pb_strategy *s);

/* NULL when the strategy is well formed, else what is wrong with it. */
const char *pb_strategy_check(const struct pb_strategy *s);

#endif
