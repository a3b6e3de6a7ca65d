/* The summary in other forms, beside summary.csv: --export-json and --export-markdown. */
#ifndef PARBENCH_EXPORT_H
#define PARBENCH_EXPORT_H

#include "supervisor/plan.h"
#include "stats/verdict.h"

#include <jansson.h>

/* A figure as JSON, which has no NaN: null where the figure does not exist. */
json_t *pb_json_number(double v);

/* Each writes `path` atomically: 0 or -errno. */
int pb_export_json(const char *path, const char *run_id, const struct pb_plan *plan,
		   const struct pb_verdicts *verdicts);
int pb_export_markdown(const char *path, const char *run_id, const struct pb_plan *plan);

#endif
