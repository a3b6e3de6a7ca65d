/* The console table printed at the end of a run. */
#ifndef PARBENCH_TABLE_H
#define PARBENCH_TABLE_H

#include <stdio.h>

#include "supervisor/plan.h"
#include "stats/verdict.h"

/* A duration in a unit that suits it, four figures: "805.3us", "8.12ms", "1.234s". */
const char *pb_duration(char *buf, size_t len, double s);

/*
 * Per group (workload and task size): each strategy at its best worker
 * count, fastest first, and the group's verdict.
 */
void pb_table_print(FILE *out, const struct pb_plan *plan, const struct pb_verdicts *verdicts);

#endif
