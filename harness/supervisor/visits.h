/*
 * The order of `parbench run`'s visits to its cells, a cell process each: the
 * seq cells first, then every cell in sequence or in shuffled rounds
 * (--order), with --reps auto until each median is known closely enough,
 * with --budget within the time it allows and then again for the groups it
 * left undecided, and the A/A control once every group's seq has run.
 */
#ifndef PARBENCH_VISITS_H
#define PARBENCH_VISITS_H

#include "cli/options.h"
#include "report/output.h"
#include "supervisor/plan.h"

/* Visits the plan's cells until all are done or the run stops (supervisor/stop.h). */
void pb_visit_cells(struct pb_plan *plan, const struct pb_options *opts, struct pb_output *out);

#endif
