/*
 * The run directory and its CSV files, with the columns of report/schema.h.
 * raw.csv gets one row per repetition, appended as each arrives and
 * written through before the next; summary.csv and verdicts.csv one row
 * per cell and per contender, written to a temporary name and renamed when
 * the run ends.  Every write returns 0 or -errno: the caller says which
 * file failed (pb_output_rows_file) and stops.
 */
#ifndef PARBENCH_OUTPUT_H
#define PARBENCH_OUTPUT_H

#include <stdio.h>
#include <sys/types.h>

#include "supervisor/plan.h"
#include "stats/verdict.h"

/* A file of rows written as they come: raw.csv or control.csv. */
struct pb_rows_file {
	int fd;				/* -1 until open */
	off_t end;			/* after its last complete row */
};

struct pb_output {
	char *run_id;			/* "20261122-043827", "-2" on a clash */
	char *dir;			/* OUT/run_id */
	struct pb_rows_file raw;
	struct pb_rows_file control;	/* the A/A control's rows: made on first use */
};

/*
 * Creates OUT (one level, when missing) and a new run directory inside it,
 * never reusing one, with raw.csv's header and schema.json.  0, or -1 with
 * the reason in why.
 */
int pb_output_open(struct pb_output *out, const char *base, char *why, size_t whylen);
void pb_output_close(struct pb_output *out);

/* The file a cell's rows go to: "raw.csv", or "control.csv" for the A/A control. */
const char *pb_output_rows_file(const struct pb_cell *cell);

/*
 * A repetition's row, written through: 0 or -errno (-ENOENT when the file
 * was removed).  A row that fails leaves no part of itself in the file.
 */
int pb_output_raw_row(struct pb_output *out, const struct pb_cell *cell,
		      const struct pb_sample *sample);

/* A cell that --budget cut: a row after its last repetition, with the reason.  0 or -errno. */
int pb_output_cut_row(struct pb_output *out, const struct pb_cell *cell);

/* summary.csv and verdicts.csv: 0 or -errno. */
int pb_output_summary(const struct pb_output *out, const struct pb_plan *plan);
int pb_output_verdicts(const struct pb_output *out, const struct pb_verdicts *verdicts);

/* Points OUT/latest at this run. */
void pb_output_link_latest(const struct pb_output *out, const char *base);

/*
 * Writes a file as `path` through a temporary name and a rename: 0 or
 * -errno.  fill returns 0, or -1 with errno set.
 */
int pb_write_atomically(const char *path, int (*fill)(FILE *, const void *), const void *arg);

/* A CSV field, quoted when it holds a comma, a quote or a line break; nothing for NULL. */
void pb_csv_text(FILE *f, const char *text);

/* A figure as a CSV field (%.9g), nothing when there is none. */
void pb_csv_number(FILE *f, double v);

/* path = dir/name, malloc'd. */
char *pb_path(const char *dir, const char *name);

#endif
