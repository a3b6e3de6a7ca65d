#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "supervisor/budget.h"
#include "stats/stats.h"

/* The median wall time of a cell's good repetitions; NAN without one. */
static double median_wall(const struct pb_cell *cell)
{
	size_t n;
	double *v = pb_cell_walls(cell, &n), median = pb_quantile(v, n, 0.5);

	free(v);
	return median;
}

/* How many of its workers a cell can keep busy at once: its share of seq's time. */
static double parallelism(const struct pb_budget *b, const struct pb_cell *cell)
{
	double most = cell->workload->kind == PB_KIND_IO ? (double)cell->tasks : (double)b->pus;

	return fmax(1.0, fmin((double)cell->workers, most));
}

/*
 * A visit's overhead (start-up, setup, teardown) and a repetition's time:
 * measured, or, before the cell has run, its baseline's, scaled to the
 * cell's tasks (more than the baseline's under weak scaling) and divided
 * by the workers it can keep busy.  Both 0 when nothing has run.  A cell's
 * first visit also runs its counted repetition (harness/cell/counters.h).
 */
static void cost_model(const struct pb_budget *b, const struct pb_cell *cell, double *overhead,
		       double *rep)
{
	const struct pb_cell *measured = cell->visits ? cell : cell->baseline;
	double runs, t;

	*overhead = *rep = 0.0;
	if (!measured->visits)
		return;
	t = median_wall(measured);
	if (isnan(t)) {		/* nothing good: the whole visit is the cost */
		*overhead = measured->spent_s / measured->visits;
		return;
	}
	runs = (double)b->warmup * measured->visits + (double)measured->nsamples +
	       (measured->counted ? 1.0 : 0.0);
	*overhead = fmax(0.0, (measured->spent_s - runs * t) / measured->visits);
	*rep = measured == cell ? t : t * ((double)cell->tasks / (double)measured->tasks) /
				       parallelism(b, cell);
}

double pb_budget_visit_s(const struct pb_budget *b, const struct pb_cell *cell, unsigned reps)
{
	double overhead, rep;

	cost_model(b, cell, &overhead, &rep);
	return overhead + (b->warmup + reps) * rep;
}

/* A cell not yet run will count a repetition on its first visit, as its baseline did. */
static double counted_rep_s(const struct pb_budget *b, const struct pb_cell *cell)
{
	double overhead, rep;

	if (cell->visits || !cell->baseline->counted)
		return 0.0;
	cost_model(b, cell, &overhead, &rep);
	return rep;
}

static unsigned still_to_run(const struct pb_cell *cell)
{
	return pb_cell_failed(cell) || cell->nsamples >= cell->planned ? 0
		: cell->planned - (unsigned)cell->nsamples;
}

static double cell_need_s(const struct pb_budget *b, const struct pb_cell *cell)
{
	unsigned left = still_to_run(cell);

	if (!left)
		return 0.0;
	return counted_rep_s(b, cell) + (b->one_visit_per_cell ? pb_budget_visit_s(b, cell, left)
						: left * pb_budget_visit_s(b, cell, 1));
}

double pb_budget_need_s(const struct pb_budget *b, struct pb_cell *const *cells, size_t n)
{
	double need = 0.0;

	for (size_t i = 0; i < n; i++)
		need += cell_need_s(b, cells[i]);
	return need;
}

double pb_budget_visit_cap_s(const struct pb_budget *b)
{
	return fmax(PB_BUDGET_VISIT_SHARE * b->total_s, fmin(PB_BUDGET_VISIT_MIN_S, b->total_s / 2));
}

struct by_cost {
	struct pb_cell *cell;
	double rep_s;			/* what one more repetition costs it */
};

static int costliest_first(const void *a, const void *b)
{
	double x = ((const struct by_cost *)a)->rep_s, y = ((const struct by_cost *)b)->rep_s;

	return (x < y) - (x > y);
}

/* Plans `reps` repetitions for a cell instead of more, and says why. */
static void cut(const struct pb_budget *b, struct pb_cell *cell, unsigned reps, double rep_s)
{
	cell->planned = reps;
	if (reps == 0)
		snprintf(cell->cut, sizeof(cell->cut), "not run: no time left in --budget %g s",
			 b->total_s);
	else
		snprintf(cell->cut, sizeof(cell->cut), "%u of %u repetitions: a visit costs %.2g s "
			 "of --budget %g s", reps, cell->wanted, rep_s, b->total_s);
}

void pb_budget_fit(const struct pb_budget *b, struct pb_cell *const *cells, size_t n,
		   double left_s)
{
	static const unsigned floors[] = { PB_BUDGET_FLOOR_REPS, 2, 1, 0 };
	struct by_cost *order = calloc(n + 1, sizeof(*order));
	double need;

	/* From the full plan each time: a cut made on costs since revised may be undone. */
	for (size_t i = 0; i < n; i++)
		if (!cells[i]->stopped) {
			cells[i]->planned = cells[i]->wanted;
			cells[i]->cut[0] = '\0';
		}
	need = pb_budget_need_s(b, cells, n);
	if (!order || need <= left_s) {
		free(order);
		return;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = (struct by_cost){ cells[i], pb_budget_visit_s(b, cells[i], 1) };
	qsort(order, n, sizeof(*order), costliest_first);
	for (size_t f = 0; f < sizeof(floors) / sizeof(floors[0]) && need > left_s; f++)
		for (size_t i = 0; i < n && need > left_s; i++) {
			struct pb_cell *cell = order[i].cell;
			unsigned floor = floors[f] > cell->nsamples ? floors[f]
								   : (unsigned)cell->nsamples;

			/* The control is cheap by choice, and says nothing with fewer. */
			if (cell->control && floors[f] > 1 && floor < PB_CONTROL_MIN_REPS)
				floor = PB_CONTROL_MIN_REPS;

			if (still_to_run(cell) == 0 || cell->planned <= floor || cell->stopped)
				continue;
			need -= cell_need_s(b, cell);
			cut(b, cell, floor, order[i].rep_s);
			need += cell_need_s(b, cell);
		}
	free(order);
}
