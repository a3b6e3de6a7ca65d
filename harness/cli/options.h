/* The options of `parbench run`, parsed and checked before anything runs. */
#ifndef PARBENCH_OPTIONS_H
#define PARBENCH_OPTIONS_H

#include <hwloc.h>
#include <stdbool.h>
#include <stdint.h>

#include "workload.h"
#include "util/parse.h"
#include "machine/pin.h"
#include "strategies/strategy.h"
#include "util/option.h"

#define PB_MAX_WORKERS 10000
#define PB_MAX_TASKS 10000000
#define PB_MAX_SIZE 1000000000000ULL
#define PB_MAX_REPS 1000
#define PB_MAX_WARMUP 100
#define PB_MAX_TIMEOUT_S 86400.0
#define PB_MAX_PINS 8
#define PB_AUTO_MIN_REPS 5
#define PB_AUTO_CI_WIDTH 0.02		/* --reps auto: CI half-width / median */
#define PB_DEFAULT_MAX_TIME_S 10.0
#define PB_MAX_EQUIVALENCE_PCT 50.0

enum pb_order {
	PB_ORDER_INTERLEAVED,		/* rounds: every cell once per round, shuffled */
	PB_ORDER_SEQUENTIAL,		/* all repetitions of a cell, then the next cell */
};

enum pb_scaling {
	PB_SCALING_STRONG,		/* the same tasks at every worker count */
	PB_SCALING_WEAK,		/* tasks = the tasks at 1 worker x workers */
};

struct pb_options {
	const struct pb_workload **workloads;
	size_t nworkloads;
	const struct pb_strategy **strategies;	/* seq (and py-seq) first, unless no baseline */
	size_t nstrategies;
	struct pb_list workers;
	struct pb_pin *pins;		/* --pin, once or more: an axis like workers */
	size_t npins;
	uint64_t tasks;			/* 0: each workload's default; at 1 worker under weak */
	enum pb_scaling scaling;
	struct pb_list sizes;		/* empty: each workload's default */
	unsigned reps;			/* with reps_auto: the fewest */
	bool reps_auto;			/* repeat until the median's CI is narrow */
	double max_time_s;		/* reps_auto: per cell, the most time to spend */
	unsigned warmup;
	enum pb_order order;
	uint64_t seed;			/* of the interleaved order's shuffle */
	double timeout_s;
	const char *out_dir;
	bool baseline;			/* seq runs first, for speedup and the reference */
	bool python_baseline;		/* --baseline py-seq: py-seq is (Python strategies only) */
	const char *export_json;	/* the summary as JSON, or NULL */
	const char *export_markdown;	/* the summary as a Markdown table, or NULL */
	double equivalence;		/* the verdicts' margin: +-this fraction is "equivalent" */
	double budget_s;		/* --budget: the run's time, its plan fitted into it; 0: none */
	bool verbose;			/* every noisy cell at the end, not the worst three */
	struct pb_settings settings;	/* the workloads' and strategies' options given */
};

/*
 * Parses `parbench run`'s arguments (argv[0] is "run"): 0; 1 after it
 * printed the help or the version; or -1 on bad input, with one line in why
 * that names the value and what is allowed.
 */
int pb_options_parse(int argc, char **argv, hwloc_topology_t topology,
		     struct pb_options *opts, char *why, size_t whylen);
void pb_options_free(struct pb_options *opts);

/* Powers of two up to the PUs, the PUs, and twice the PUs: 0 or -ENOMEM. */
int pb_default_workers(unsigned pus, struct pb_list *out);

/* Whether `parbench run` has an option of that name itself (a plugin's may not). */
bool pb_options_is_harness(const char *name);

/* The strategy's own options filled from opts->settings, malloc'd; NULL when it has none. */
void *pb_options_of_strategy(const struct pb_options *opts, const struct pb_strategy *s);

#endif
