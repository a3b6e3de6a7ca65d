/*
 * One cell process of `parbench run`: a fresh `parbench __cell` (harness/cell/cell.h)
 * in a process group of its own, its lines read into the cell's samples and
 * raw.csv, killed with its group when it outlives its timeout or the run is
 * stopped, and an error row when it ends without having sent one.
 */
#ifndef PARBENCH_CELL_PROCESS_H
#define PARBENCH_CELL_PROCESS_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/options.h"
#include "report/output.h"
#include "supervisor/plan.h"

/*
 * A workload that writes files (scratch_option) writes them into a
 * directory of the run's own under that option's directory (or $TMPDIR),
 * made when the plan has such a workload, emptied after every cell process
 * and removed at the end: a cell killed by a signal or by --timeout never
 * runs its workload's teardown.  What goes wrong is said on warnings.
 */
void pb_scratch_open(const struct pb_plan *plan, const struct pb_options *opts, FILE *warnings);
void pb_scratch_close(void);

/*
 * One cell process: `reps` measured repetitions of the cell, its workers
 * placed on the plan's topology, stopped after
 * timeout_s or once the run stops (supervisor/stop.h).  Returns
 * whether it ran past a timeout that --budget set (capped): such a visit
 * gets no error row, its cell is cut.
 */
bool pb_cell_process_run(const struct pb_plan *plan, struct pb_cell *cell, unsigned reps,
			 double timeout_s, bool capped, const struct pb_options *opts,
			 struct pb_output *out);

#endif
