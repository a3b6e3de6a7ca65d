/*
 * The run directory and its CSV files.  raw.csv gets one row per
 * repetition, appended and flushed as each arrives; summary.csv one row per
 * cell, written to a temporary name and renamed when the run ends.
 */
#ifndef PARBENCH_OUTPUT_H
#define PARBENCH_OUTPUT_H

#include <stdio.h>

#include "supervisor/plan.h"
#include "stats/verdict.h"

struct pb_output {
	char *run_id;			/* "20261122-043827", "-2" on a clash */
	char *dir;			/* OUT/run_id */
	FILE *raw;
	FILE *control;			/* control.csv: the A/A control's rows; NULL until one */
};

/*
 * Creates OUT (one level, when missing) and a new run directory inside it;
 * never reuses an existing one.  0, or -1 with the reason in why.
 */
int pb_output_open(struct pb_output *out, const char *base, char *why, size_t whylen);
void pb_output_close(struct pb_output *out);

/* A repetition's row: in raw.csv, or the A/A control's in control.csv. */
void pb_output_raw_row(struct pb_output *out, const struct pb_cell *cell,
		       const struct pb_sample *sample);

/* A cell that --budget cut: a row after its last repetition, with the reason. */
void pb_output_cut_row(struct pb_output *out, const struct pb_cell *cell);
int pb_output_summary(const struct pb_output *out, const struct pb_plan *plan);

/* verdicts.csv: per group, each strategy's best cell and its place in the verdict. */
int pb_output_verdicts(const struct pb_output *out, const struct pb_verdicts *verdicts);

/* Points OUT/latest at this run. */
void pb_output_link_latest(const struct pb_output *out, const char *base);

/* Writes a file as `path` through a temporary name and a rename. */
int pb_write_atomically(const char *path, int (*fill)(FILE *, const void *), const void *arg);

/* A CSV field, quoted when it holds a comma, a quote or a line break; nothing for NULL. */
void pb_csv_text(FILE *f, const char *text);

/* ",number", or "," when there is none. */
void pb_csv_number(FILE *f, double v);

/* path = dir/name, malloc'd. */
char *pb_path(const char *dir, const char *name);

#endif
