/* The console table printed at the end of a run. */
#ifndef PARBENCH_TABLE_H
#define PARBENCH_TABLE_H

#include <stdio.h>

#include "plan.h"

/* Per workload: each strategy's best speedup and the worker count it had. */
void pb_table_print(FILE *out, const struct pb_plan *plan);

#endif
