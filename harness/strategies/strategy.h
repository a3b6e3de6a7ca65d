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
 * (harness/strategies/registry.c).  Its options are a table in that file
 * (harness/util/option.h); what sets it apart (a baseline, a program of
 * its own) is a flag or a hook here, so nothing outside the file names it.
 *
 * A strategy that runs in another program (the Python ones) has a
 * run_cell hook instead of run: it does the cell's repetitions and sends
 * their lines itself.
 */
#ifndef PARBENCH_STRATEGY_H
#define PARBENCH_STRATEGY_H

#include <stdbool.h>
#include <stdio.h>

#include "runtime/run.h"
#include "util/option.h"

struct json_t;

struct pb_strategy {
	const char *name;
	const char *summary;
	int (*run)(struct pb_run *run);
	/*
	 * Instead of run, for a strategy that runs in another program: does
	 * the warm-up and measured repetitions of the cell and sends their
	 * lines to PB_CELL_FD itself.  0 when it ran, 1 when it sent an error
	 * line, or -1 with why.
	 */
	int (*run_cell)(struct pb_run *run, const struct pb_reps *reps, char *why, size_t whylen);
	bool event_loop;		/* runs loop threads that keep tasks in flight */
	bool python;			/* runs the workloads' Python versions, not the C ones */
	/*
	 * The baseline of its kind (C or Python): runs first, and the others'
	 * speedups are against it.
	 */
	bool baseline;
	/*
	 * A Python method's C strategy, the one that does what it does in C,
	 * or NULL: summary.csv gives its time over that one's (counterpart_*).
	 */
	const char *counterpart;
	/*
	 * The bare-* strategy that does what this one does with nothing of
	 * parbench's (a C strategy's mechanism in parbench-bare, a py-* method
	 * as the articles write it), or NULL: summary.csv gives its time over
	 * that one's (mechanism_*), the table prints it.
	 */
	const char *mechanism;
	/*
	 * Runs only this workload, or any when NULL: a bare-* strategy's program
	 * does the tasks itself, written out as that workload's.
	 */
	const char *only_workload;
	/*
	 * Left out of `-s all`, run only when named: its launch (mpirun's,
	 * 0.1-0.4 s a repetition) would weigh on every default plan, or its
	 * workers are not threads (opencl's compute units: a default plan's
	 * 2 x PUs would be error rows).
	 */
	bool by_name_only;
	/*
	 * NULL when the strategy can run here, else why not (built without its
	 * library, refused by the kernel): `parbench list` shows it, `-s all`
	 * skips the strategy with a note and naming it is refused.  May be NULL.
	 */
	const char *(*unavailable)(const void *options);

	/*
	 * Optional, with run: prepare() once per cell process before its
	 * repetitions, untimed (an offload strategy's device, queue and program
	 * build), 0 or -1 after pb_fail(), keeping what it made in run->state;
	 * finish() after the last, also after a failed prepare().
	 */
	int (*prepare)(struct pb_run *run);
	void (*finish)(struct pb_run *run);
	/*
	 * Optional: NULL when it runs workload w, else why not ("no kernel"):
	 * the plan has no cell of it for w, and the run says so.
	 */
	const char *(*skips)(const struct pb_workload *w);

	/* Its options (NULL: none) and the size of the struct run->options points at. */
	const struct pb_option *options;
	size_t options_size;

	/*
	 * Optional, shared by a family of strategies (called once per
	 * function): describe() writes a note under the strategies in
	 * `parbench list`; add_meta() adds what meta.json records about the
	 * program they run in, options NULL when none of them is in the plan.
	 */
	void (*describe)(FILE *out);
	void (*add_meta)(const void *options, struct json_t *meta);
	/*
	 * Optional, shared by a family as above: checked once before the run
	 * when one of them is in the plan, with its options and the plan's
	 * workloads (a function an option names is there): 0, or -1 with the
	 * whole error line in why, refused as bad input.
	 */
	int (*ready)(const void *options, const struct pb_workload *const *workloads, size_t n,
		     char *why, size_t whylen);
};

extern const struct pb_strategy *const pb_strategies[];

const struct pb_strategy *pb_strategy_find(const char *name);

/* NULL when s can run here with these options (NULL: the defaults), else why not. */
const char *pb_strategy_unavailable(const struct pb_strategy *s, const void *options);

/*
 * Whether the python strategies have a Python version of w to run: its own
 * (w->python), or the user's function, --py-workload, among the settings
 * (harness/strategies/python/strategies.c).
 */
bool pb_workload_has_python(const struct pb_workload *w, const struct pb_settings *settings);

/* NULL when the strategy is well formed, else what is wrong with it. */
const char *pb_strategy_check(const struct pb_strategy *s);

#endif
