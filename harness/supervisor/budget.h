/*
 * --budget: the plan's repetitions fitted into a time.
 *
 * A cell costs a visit per cell process: its start-up and setup (the
 * overhead) and its warm-up and measured repetitions.  Before a cell has
 * run, its baseline's first visit stands for it, its time scaled to the
 * cell's tasks (weak scaling gives a cell its workers times the baseline's)
 * and divided by the workers it can keep busy; once it has run, what it
 * really cost.  When what is left to do would overrun what is left of the
 * budget, the cells whose repetitions cost the most get fewer, down to
 * PB_BUDGET_FLOOR_REPS, then fewer still, never silently: each says why.
 */
#ifndef PARBENCH_BUDGET_H
#define PARBENCH_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "supervisor/plan.h"

#define PB_BUDGET_FLOOR_REPS 3		/* a cell cut for time keeps this many if it can */
#define PB_BUDGET_VISIT_SHARE 0.05	/* the most of the budget one visit may take */
#define PB_BUDGET_VISIT_MIN_S 5.0	/* ... but never less than this, or half the budget */
#define PB_BUDGET_RESERVE 0.02		/* kept for the summary, the table and the files */
#define PB_DECIDE_MAX_REPS 30		/* the most an undecided group's cells get (--budget) */

struct pb_budget {
	double total_s;			/* --budget */
	unsigned warmup;		/* warm-up repetitions per visit */
	unsigned pus;			/* the PUs the run may use */
	bool one_visit_per_cell;	/* sequential order: a cell's repetitions in one visit */
};

/* The time one more visit of the cell would take, with `reps` measured repetitions. */
double pb_budget_visit_s(const struct pb_budget *b, const struct pb_cell *cell, unsigned reps);

/* The time the cells' planned repetitions still need. */
double pb_budget_need_s(const struct pb_budget *b, struct pb_cell *const *cells, size_t n);

/*
 * Plans each cell's repetitions so that what they still need fits in
 * left_s: what each wants, then fewer for the costliest repetitions first,
 * down to PB_BUDGET_FLOOR_REPS, then to 2 and 1; a cell not yet run may be
 * left with none.  A cell cut gets its reason in cell->cut; one stopped
 * for a visit past the cap stays as it is.
 */
void pb_budget_fit(const struct pb_budget *b, struct pb_cell *const *cells, size_t n,
		   double left_s);

/* The longest a visit may run before it is stopped and its cell cut. */
double pb_budget_visit_cap_s(const struct pb_budget *b);

#endif
