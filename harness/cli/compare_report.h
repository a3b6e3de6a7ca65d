/*
 * What `parbench compare` builds from two runs and prints: internal to
 * harness/cli/compare.c (the runs and the comparison) and compare_format.c
 * (the four formats).
 */
#ifndef PARBENCH_COMPARE_REPORT_H
#define PARBENCH_COMPARE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ALPHA 0.05		/* of the test, and 1 - the ratio interval's level */

struct cell {
	const char *workload, *strategy, *pin;	/* into the run's text */
	uint64_t workers, tasks, size, loops;	/* loops: 0 when not an event loop */
	double *wall;				/* of the ok rows; sorted once loaded */
	size_t nok, wall_cap, nrows;
};

struct run {
	const char *path;			/* as given */
	const char *run_id;			/* of its first row */
	char *text;				/* raw.csv, split into fields in place */
	struct cell *cells;
	size_t ncells, cells_cap;
};

enum verdict {
	FASTER, SLOWER, UNCHANGED, ONLY_A, ONLY_B, NONE_A, NONE_B, NONE_AB, NVERDICTS
};

struct row {
	const struct cell *a, *b;		/* NULL in the run without it */
	double median_a, median_b, ratio, lo, hi, coverage, p;
	double q;				/* p adjusted over the cells compared */
	enum verdict verdict;
};

struct report {
	const struct run *a, *b;
	struct row *rows;
	size_t nrows;
	size_t count[NVERDICTS];
	bool any_loops;
};

/* The report as a console table (md false) or as GitHub Markdown. */
void pb_compare_print_text(FILE *f, const struct report *rep, bool md);
void pb_compare_print_csv(FILE *f, const struct report *rep);
/* 0, or -1 with errno. */
int pb_compare_print_json(FILE *f, const struct report *rep);

#endif
