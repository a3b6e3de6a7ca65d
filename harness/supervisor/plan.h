/*
 * The plan of a run: its cells in the order they run, the samples each
 * cell collected, and their summaries.
 */
#ifndef PARBENCH_PLAN_H
#define PARBENCH_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/options.h"
#include "cell/sample.h"

#define PB_CONTROL_MIN_REPS 4		/* the A/A control: fewer could not show a difference */

/*
 * A cell against another strategy's cell in its group, the one with the
 * same workers and pin (else its best): that cell, and this one's time over
 * its with a 95% interval; NULL and NAN when the other did not run.
 */
struct pb_relation {
	const struct pb_cell *cell;
	double ratio, lo, hi;
};

struct pb_summary {
	size_t reps;			/* repetitions that ran and matched */
	double median, mean, sd, ci_lo, ci_hi, min, max, cv;
	size_t outliers;		/* outside median +/- 3 scaled MADs; kept, not dropped */
	double speedup, speedup_lo, speedup_hi;	/* with its 95% interval */
	double speedup_seq;		/* against seq, for a py-* cell whose base is py-seq */
	double efficiency, efficiency_lo, efficiency_hi;
	double karp_flatt;		/* serial fraction; NAN with one worker */
	/*
	 * Under weak scaling (else NAN): T1 / Tn, which is the speedup, since
	 * the cell does workers times its base's work; and Gustafson's serial
	 * fraction fitted over its strategy's and pin's worker counts.
	 */
	double weak_efficiency, weak_efficiency_lo, weak_efficiency_hi;
	double gustafson;
	double crossover;		/* task size above which the series beats seq, or NAN */
	double cpu_util, lat_p50, lat_p99;
	double startup, work;		/* medians of the samples' startup_s and work_s, or NAN */
	/* An overhead workload's: per task above the base, with its 95% interval; else NAN. */
	double task_cost, task_cost_lo, task_cost_hi;
	bool ok;			/* every repetition ran and matched */
	/* Medians of what getrusage counted in the ok repetitions. */
	double user, sys, vcsw, ivcsw, minflt, majflt;
	unsigned pus;			/* the PUs the cell was given */
	double pu_util;			/* median of (user + sys) / (wall x pus) */
	/* From the counted repetition; NAN where it did not run or a counter is absent. */
	double task_clock, context_switches, migrations, cycles, instructions;
	/*
	 * This cell against its strategy's counterpart (a py-* method's C
	 * strategy) and against its mechanism (bare-*), each where that ran.
	 */
	struct pb_relation counterpart, mechanism;
	/* An offload cell's: its first good repetition's device (NULL: none), the times' medians. */
	const char *device;
	double build, h2d, kernel, d2h;
};

struct pb_cell {
	const struct pb_workload *workload;
	const struct pb_strategy *strategy;
	unsigned workers;
	const struct pb_pin *pin;
	unsigned pus;			/* the PUs its workers are given (pb_pin_pus) */
	unsigned loops;			/* event-loop threads; 0 for other strategies */
	uint64_t tasks, size;
	/* The first cell of its workload and size: seq, unless --baseline none. */
	struct pb_cell *baseline;
	/* Whose median is the base of speedup: baseline, or py-seq's cell for a py-* cell. */
	struct pb_cell *base;
	bool speedup_base;		/* there is a base: not with --baseline none */
	bool weak;			/* --scaling weak: tasks grow with the workers */
	/*
	 * Under weak scaling, a cell with other tasks than its baseline's
	 * cannot be checked against the baseline's checksum: the cells of
	 * one task count are checked against each other, against the first
	 * checksum any of them gave, held by the group's first cell of that
	 * count (this pointer).  NULL: the baseline holds the reference.
	 */
	struct pb_cell *reference_cell;
	struct pb_sample *samples;
	size_t nsamples;
	bool has_reference;		/* on a reference's holder: its first checksum */
	uint64_t reference;
	const struct pb_strategy *reference_by;	/* the strategy that gave it */
	struct pb_summary summary;
	double spent_s;			/* the supervisor's time on it, cell processes and all */
	unsigned visits;		/* cell processes started for it */
	unsigned wanted;		/* repetitions the plan wants: --reps, more to decide */
	unsigned planned;		/* repetitions it is to get: wanted, fewer when cut */
	bool second_look;		/* it got more to decide its group: judged at alpha / 2 */
	char cut[160];			/* why it gets fewer than --reps (--budget); "" if not */
	bool stopped;			/* a visit ran past --budget's cap: no more visits */
	bool control;			/* the A/A control: its group's seq again, apart */
	struct pb_counts counts;	/* of its counted repetition, when counted */
	bool counted;
};

struct pb_plan {
	struct pb_cell *cells;
	size_t ncells;
	unsigned pus;			/* the PUs the run may use */
	hwloc_topology_t topology;	/* the machine's, which places each cell's workers */
	char *pu_os;			/* the PUs' OS numbers in logical order (pb_topology_pu_os) */
	const char *py_workload;	/* --py-workload: the Python the py-* cells ran; NULL: ours */
	/*
	 * The A/A control, or NULL: a second seq cell of one group, run like
	 * any cell, whose comparison with the first shows how different two
	 * identical cells come out on this machine.  It is in no group.
	 */
	struct pb_cell *control;
};

/*
 * Every workload x size x strategy x pin policy x worker count, in groups of
 * one workload and size, each group's seq cell first; 0 or -ENOMEM.
 */
int pb_plan_build(const struct pb_options *opts, hwloc_topology_t topology,
		  struct pb_plan *plan);
void pb_plan_free(struct pb_plan *plan);

/*
 * Takes a sample into its cell (the cell owns it afterwards) and judges it:
 * ok when it ran and its checksum equals the baseline's; otherwise its
 * error says why.
 */
void pb_cell_add(struct pb_cell *cell, struct pb_sample *sample);

/* Whether any of the cell's repetitions failed: it needs no more visits. */
bool pb_cell_failed(const struct pb_cell *cell);

/*
 * The wall times of a cell's good repetitions, sorted, malloc'd, and how
 * many in *n; never NULL but out of memory, when *n is 0.
 */
double *pb_cell_walls(const struct pb_cell *cell, size_t *n);

/* The half-width of the 95% CI of a cell's median, over the median; INFINITY with no sample. */
double pb_cell_ci_width(const struct pb_cell *cell);

/* The end of the group that starts at `first`: its cells share their baseline. */
const struct pb_cell *pb_group_end(const struct pb_plan *plan, const struct pb_cell *first);

/*
 * The end of the cells from `first` on that do its work: the rest of its
 * group, or under weak scaling those with its task count, which the plan
 * keeps together.  A verdict compares only these.
 */
const struct pb_cell *pb_work_end(const struct pb_plan *plan, const struct pb_cell *first);

/*
 * A scaling law's serial fraction (pb_amdahl_fit, pb_gustafson_fit) fitted
 * to the worker counts and speedups of the cells in [first, end) with
 * like's strategy and pin; NAN when it cannot be.
 */
double pb_scaling_fit(const struct pb_cell *first, const struct pb_cell *end,
		      const struct pb_cell *like,
		      double (*fit)(const unsigned *p, const double *speedup, size_t n));

/* Fills one cell's summary; speedup needs its baseline's summary first. */
void pb_cell_summarize(struct pb_cell *cell);

/* Fills every cell's summary; baselines come first in the plan. */
void pb_plan_summarize(struct pb_plan *plan);

#endif
