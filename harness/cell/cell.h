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

#include "util/option.h"
#include "workload.h"

#define PB_CELL_FD 3

/*
 * What a cell runs.  Its argv is `parbench __cell NAME=VALUE...`: these
 * fields, then the options of its workload and strategy that were given.
 */
struct pb_cell_args {
	const char *workload;
	const char *strategy;
	unsigned workers;
	const char *pin;
	uint64_t tasks;
	uint64_t size;
	unsigned warmup;
	unsigned reps;
	bool counted_rep;		/* one more repetition, untimed, with counters open */
	struct pb_settings settings;	/* the workload's and strategy's options */
};

/*
 * The cell's start-up is timed from the moment before exec: the forked
 * child calls this, and the cell reads it back (pb_cell_startup_s()).
 */
#define PB_EXEC_NS_ENV "PARBENCH_EXEC_NS"
void pb_cell_stamp_exec(void);

/* Seconds since pb_cell_stamp_exec() in the process that exec'd this one; NAN when unknown. */
double pb_cell_startup_s(void);

/* dirname(this program)/relative into path: 0, or -1 when it does not fit. */
int pb_beside_self(const char *relative, char *path, size_t len);

/* The argv that starts a cell process: a NULL-terminated, malloc'd vector. */
char **pb_cell_argv(const char *self, const struct pb_cell_args *args);
void pb_cell_argv_free(char **argv);

/* `parbench __cell ...`: exits 0 after its repetitions, or after an error line. */
int pb_cell_main(int argc, char **argv);

#endif
