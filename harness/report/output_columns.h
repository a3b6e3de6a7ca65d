/*
 * The rows of raw.csv (control.csv), summary.csv and verdicts.csv, each
 * value written by its column's writer in report/schema.h's order, so a
 * row cannot disagree with its header.
 */
#ifndef PARBENCH_OUTPUT_COLUMNS_H
#define PARBENCH_OUTPUT_COLUMNS_H

#include <stdio.h>

#include "report/output.h"

/* A repetition's row, or with sample NULL the row of a cell --budget cut. */
void pb_write_raw_row(FILE *f, const struct pb_output *out, const struct pb_cell *cell,
		      const struct pb_sample *sample);

/* A row per cell of the plan. */
void pb_write_summary_rows(FILE *f, const struct pb_output *out, const struct pb_plan *plan);

/* A row per group and contender, fastest first. */
void pb_write_verdict_rows(FILE *f, const struct pb_output *out,
			   const struct pb_verdicts *verdicts);

/* The first column of a file that has no writer, or NULL: for the unit tests. */
const char *pb_output_unwritten_column(void);

#endif
