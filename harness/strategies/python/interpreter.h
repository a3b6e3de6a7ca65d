/*
 * The Python interpreter that runs the py-* strategies: found or named
 * (--python) and checked by the supervisor, started by the cell.
 */
#ifndef PARBENCH_PYTHON_H
#define PARBENCH_PYTHON_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define PB_PYTHON_PROBE_S 20.0	/* a cold interpreter behind a shim may take seconds */

struct pb_python {
	char path[PATH_MAX];		/* what the cells run: --python, or python3 on PATH */
	char executable[PATH_MAX];	/* its sys.executable: the binary behind a shim */
	char version[32];		/* "3.11.7" */
	char implementation[32];	/* sys.implementation.name: "cpython" */
	bool gil;			/* False only on a free-threaded build with the GIL off */
	bool dask;			/* it has dask.distributed, which py-dask needs */
};

/* The first executable `python3` on PATH into path: 0, or -1 when there is none. */
int pb_python_find(char *path, size_t len);

/*
 * Runs py->path and fills in the rest: 0, or -1 with why (it does not run,
 * is not Python 3.9 or later, or lacks a module the strategies need; only
 * py-dask's dask.distributed may be missing, py->dask says whether it is).
 */
int pb_python_probe(struct pb_python *py, char *why, size_t whylen);

/*
 * Whether spec, --py-workload's MODULE:FUNCTION, names a function that python
 * imports as a py-* cell would (cell.py --check): 0, or -1 with why (the
 * exception, as one line; or the interpreter did not answer in
 * PB_PYTHON_PROBE_S).
 */
int pb_python_check_function(const char *python, const char *spec, char *why, size_t whylen);

struct pb_reps;
struct pb_run;

/*
 * In the cell process of a py-* or bare-py-* strategy, after the workload's
 * setup: starts python on harness/strategies/python/NAME (cell.py, or
 * bare_py.py), which does the warm-up and measured repetitions and sends
 * their lines to PB_CELL_FD itself, and waits for it.  The workers' PUs go
 * to it in PARBENCH_BIND, the PUs' logical numbers in PARBENCH_PU_LOGICAL.
 * Returns 0 when it ran, 1 when it sent an error line, or -1 with why (it
 * could not start, crashed, or raised an exception: its last line of
 * stderr).
 */
int pb_python_run_cell(const char *python, const char *name, const struct pb_run *run,
		       const struct pb_reps *reps, char *why, size_t whylen);

#endif
