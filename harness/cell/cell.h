/*
 * The cell process.  The supervisor runs every cell (one workload, strategy,
 * worker count and pin policy) in a freshly exec'd `parbench __cell`, so
 * OpenMP state, bindings and limits never leak from one strategy into the
 * next, and a crash or a hang costs one cell.  The cell does its warm-up
 * and measured repetitions and sends one line per measured repetition
 * (harness/cell/sample.h) to file descriptor PB_CELL_FD, then, when asked, the
 * line of its counted repetition.
 */
#ifndef PARBENCH_CELL_H
#define PARBENCH_CELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/run.h"
#include "util/option.h"
#include "workload.h"

/*
 * What a cell runs.  Its argv is `parbench __cell NAME=VALUE...`: these
 * fields, then the options of its workload and strategy that were given.
 */
struct pb_cell_args {
	const char *workload;
	const char *strategy;
	unsigned workers;
	const char *pin;
	/*
	 * Where the supervisor, which has the topology, put the workers: per
	 * worker its OS CPUs ("0;1", machine/cpus.h), NULL when not pinned; and
	 * the OS CPU number of each logical PU ("0,1"), for the cpus column.
	 * The cell process loads no topology.
	 */
	const char *bind;
	const char *pu_os;
	uint64_t tasks;
	uint64_t size;
	unsigned warmup;
	unsigned reps;
	bool counted_rep;		/* one more repetition, untimed, with counters open */
	struct pb_settings settings;	/* the workload's and strategy's options */
};

/* The argv that starts a cell process: a NULL-terminated, malloc'd vector. */
char **pb_cell_argv(const char *self, const struct pb_cell_args *args);
void pb_cell_argv_free(char **argv);

/* `parbench __cell ...`: exits 0 after its repetitions, or after an error line. */
int pb_cell_main(int argc, char **argv);

#endif
