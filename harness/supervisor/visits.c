#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime/run.h"
#include "stats/noise.h"
#include "supervisor/budget.h"
#include "supervisor/cell_process.h"
#include "supervisor/stop.h"
#include "supervisor/visits.h"

/*
 * Whether a cell needs no more visits: it failed (a broken cell costs one
 * error row), it has its planned repetitions, or, with --reps auto, it has
 * at least the fewest and its median is known closely enough or its time
 * is spent.
 */
static bool cell_done(const struct pb_cell *cell, const struct pb_options *opts)
{
	if (pb_cell_failed(cell))
		return true;
	if (cell->nsamples < cell->planned)
		return false;
	return !opts->reps_auto || cell->nsamples >= PB_MAX_REPS ||
	       cell->spent_s >= opts->max_time_s ||
	       pb_cell_ci_width(cell) <= PB_AUTO_CI_WIDTH;
}

struct progress {
	size_t visit;			/* repetitions asked for so far */
	int64_t start_ns;
	bool shown;
};

/* The cells a run visits, and how: the plan's, then the A/A control once it exists. */
struct visitor {
	struct pb_plan *plan;
	bool second_look;		/* visiting undecided groups again (--budget) */
	struct pb_cell **cells;
	size_t n;
	const struct pb_options *opts;
	struct pb_output *out;
	struct pb_budget budget;	/* total_s 0: no --budget */
	struct progress pr;
};

static double elapsed_s(const struct visitor *v)
{
	return (double)(pb_now_ns() - v->pr.start_ns) / 1e9;
}

/* The repetitions planned so far, for the progress line. */
static size_t planned_reps(const struct visitor *v)
{
	size_t planned = 0;

	for (size_t i = 0; i < v->n; i++)
		planned += v->cells[i]->planned;
	return planned;
}

/* "[3/40] cpu.sumsq pthreads, 2 workers, compact  0:12 gone, ~1:30 left", on a terminal only. */
static void show_progress(struct visitor *v, const struct pb_cell *cell)
{
	struct progress *pr = &v->pr;
	size_t planned = planned_reps(v);
	double gone = elapsed_s(v), left;

	if (!isatty(STDERR_FILENO))
		return;
	left = pr->visit ? gone / (double)pr->visit * (double)(planned > pr->visit ?
							       planned - pr->visit : 0) : NAN;
	fprintf(stderr, "\r\033[K[%zu/%zu%s] %s %s, %u workers, %s  %d:%02d gone", pr->visit + 1,
		planned, v->opts->reps_auto ? "+" : "", cell->workload->name, cell->strategy->name,
		cell->workers, cell->pin->spec, (int)gone / 60, (int)gone % 60);
	if (isfinite(left))
		fprintf(stderr, ", ~%d:%02d left%s", (int)left / 60, (int)left % 60,
			v->opts->reps_auto ? " or more" : "");
	fflush(stderr);
	pr->shown = true;
}

static void clear_progress(struct progress *pr)
{
	if (pr->shown)
		fputs("\r\033[K", stderr);
	pr->shown = false;
}

/* With --budget: fits what is left to do into what is left of the budget. */
static void fit_budget(struct visitor *v)
{
	double left = v->budget.total_s * (1.0 - PB_BUDGET_RESERVE) - elapsed_s(v);

	if (v->budget.total_s)
		pb_budget_fit(&v->budget, v->cells, v->n, left);
}

/*
 * How a seq cell suits the A/A control: lower is better.  Its visits
 * should cost least, but its time must be long enough to measure the
 * machine rather than the clock and the start of a process.
 */
static double control_rank(const struct pb_cell *seq)
{
	double per_visit = seq->spent_s / seq->visits;

	return seq->nsamples && seq->samples[0].ok && seq->samples[0].wall_s >= PB_CONTROL_MIN_WALL_S
	       ? per_visit : per_visit + PB_MAX_TIMEOUT_S;
}

/*
 * The A/A control, once every group's seq has run: that of the group whose
 * seq suits it best (control_rank), again, as a cell of its own.  It needs
 * the repetitions to reach p < 0.05 when its two cells do differ.
 */
static void add_control(struct visitor *v)
{
	struct pb_cell *cheapest = NULL, *control;

	if (v->plan->control || v->opts->reps < PB_CONTROL_MIN_REPS || !v->opts->baseline)
		return;
	for (size_t c = 0; c < v->plan->ncells; c++) {
		struct pb_cell *cell = &v->plan->cells[c];

		if (cell->baseline != cell)
			continue;
		if (!cell->visits)
			return;
		if (!cheapest || control_rank(cell) < control_rank(cheapest))
			cheapest = cell;
	}
	if (!cheapest || !(control = malloc(sizeof(*control))))
		return;
	*control = (struct pb_cell){ .workload = cheapest->workload, .strategy = cheapest->strategy,
				     .workers = cheapest->workers, .pin = cheapest->pin,
				     .loops = cheapest->loops, .tasks = cheapest->tasks,
				     .size = cheapest->size, .baseline = cheapest,
				     .base = cheapest, .speedup_base = cheapest->speedup_base,
				     .wanted = v->opts->reps, .planned = v->opts->reps,
				     .control = true };
	v->plan->control = control;
	v->cells[v->n++] = control;
}

/*
 * One visit: `reps` repetitions in one cell process.  Under --budget, one
 * that runs past its cap is stopped and its cell cut (but a seq cell, which
 * every other cell of its group needs).
 */
static void visit(struct visitor *v, struct pb_cell *cell, unsigned reps)
{
	int64_t start = pb_now_ns();
	double timeout = v->opts->timeout_s, cap = pb_budget_visit_cap_s(&v->budget);
	bool capped = v->budget.total_s && cell->baseline != cell && cap < timeout;

	show_progress(v, cell);
	if (pb_cell_process_run(v->plan, cell, reps, capped ? cap : timeout, capped, v->opts,
				v->out)) {
		cell->stopped = true;
		cell->planned = (unsigned)cell->nsamples;
		snprintf(cell->cut, sizeof(cell->cut), "a visit ran past %g s, the most one may "
			 "take of --budget %g s", cap, v->budget.total_s);
	}
	cell->spent_s += (double)(pb_now_ns() - start) / 1e9;
	cell->visits++;
	cell->second_look = cell->second_look || v->second_look;
	v->pr.visit += reps;
	add_control(v);
}

/* The next visit of a cell, if it needs one, within the budget: whether it ran. */
static bool visit_if_needed(struct visitor *v, struct pb_cell *cell)
{
	unsigned reps;

	fit_budget(v);
	if (cell_done(cell, v->opts) || pb_stopping())
		return false;
	/* Sequential: the rest of its repetitions at once, but --reps auto's one by one. */
	reps = v->opts->order == PB_ORDER_SEQUENTIAL && cell->nsamples < cell->planned ?
	       cell->planned - (unsigned)cell->nsamples : 1;
	visit(v, cell, reps);
	return true;
}

/* All repetitions of one cell, then the next. */
static void visit_in_sequence(struct visitor *v)
{
	for (size_t c = 0; c < v->n && !pb_stopping(); c++)
		while (visit_if_needed(v, v->cells[c]))
			;
}

/* A shuffled order of the cells (Fisher-Yates). */
static void shuffle(size_t *order, size_t n, uint64_t *rng)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = pb_mix64((*rng)++) % i, swap = order[i - 1];

		order[i - 1] = order[j];
		order[j] = swap;
	}
}

/* Rounds of one repetition of every cell not done yet, each in a shuffled order. */
static void visit_interleaved(struct visitor *v)
{
	size_t *order = calloc(v->plan->ncells + 2, sizeof(*order));
	uint64_t rng = v->opts->seed;
	bool any = true;

	if (!order) {
		fputs("parbench: out of memory\n", stderr);
		return;
	}
	while (any && !pb_stopping()) {
		size_t n = v->n;

		shuffle(order, n, &rng);
		any = false;
		for (size_t i = 0; i < n && !pb_stopping(); i++)
			any = visit_if_needed(v, v->cells[order[i]]) || any;
	}
	free(order);
}

/*
 * The seq cells first, one repetition each: every other cell of a group
 * needs their checksum, and --budget their time, to plan the rest.
 */
static void visit_baselines(struct visitor *v)
{
	for (size_t c = 0; c < v->plan->ncells && !pb_stopping(); c++) {
		struct pb_cell *cell = &v->plan->cells[c];

		if (cell->baseline == cell && !cell->visits && cell->planned)
			visit(v, cell, 1);
	}
}

/*
 * Every cell of the strategy in the group wants `target` repetitions: more
 * data may make another of its worker counts its best.  Whether any wants
 * more than before.
 */
static bool want_more(const struct pb_verdict *verdict, const struct pb_strategy *strategy,
		      unsigned target)
{
	bool more = false;

	/* The plan's cells, which the verdict sees as const. */
	for (struct pb_cell *c = (struct pb_cell *)verdict->first; c < verdict->end; c++)
		if (c->strategy == strategy && target > c->wanted) {
			c->wanted = target;
			more = true;
		}
	return more;
}

/*
 * With --budget, the time the plan left goes to the groups it left
 * undecided: the cells of their leader's and tied strategies want the
 * repetitions that would likely decide (at most PB_DECIDE_MAX_REPS), and get what the budget
 * allows.  Their groups are then judged at alpha / 2 (harness/stats/verdict.h).
 * Whether any cell wants more.
 */
static bool want_decisions(struct visitor *v)
{
	struct pb_verdicts verdicts;
	bool any = false;

	pb_plan_summarize(v->plan);
	if (pb_verdicts_judge(v->plan, v->opts->equivalence, &verdicts))
		return false;
	for (size_t g = 0; g < verdicts.n; g++) {
		const struct pb_verdict *verdict = &verdicts.v[g];
		double target = fmin(PB_DECIDE_MAX_REPS, ceil(verdict->reps_to_decide));

		if (verdict->kind != PB_VERDICT_UNDECIDED || !isfinite(verdict->reps_to_decide))
			continue;
		for (size_t i = 0; i < verdict->n; i++)
			if (verdict->contenders[i].role == PB_ROLE_LEADER ||
			    verdict->contenders[i].role == PB_ROLE_TIED)
				any = want_more(verdict, verdict->contenders[i].cell->strategy,
						(unsigned)target) || any;
	}
	pb_verdicts_free(&verdicts);
	return any;
}

/* "about 4:10 for 136 cells x 5 repetitions (--budget 5:00)" */
static void print_estimate(struct visitor *v)
{
	double total = elapsed_s(v) + pb_budget_need_s(&v->budget, v->cells, v->n);

	clear_progress(&v->pr);
	fprintf(stderr, "parbench: plan: %zu cells%s x %u repetitions, about %d:%02d (estimated "
		"from the seq runs; --budget %d:%02d)\n", v->plan->ncells,
		v->plan->control ? " and the A/A control" : "", v->opts->reps,
		(int)total / 60, (int)total % 60, (int)v->budget.total_s / 60,
		(int)v->budget.total_s % 60);
}

void pb_visit_cells(struct pb_plan *plan, const struct pb_options *opts, struct pb_output *out)
{
	struct visitor v = {
		.plan = plan, .opts = opts, .out = out,
		.cells = calloc(plan->ncells + 1, sizeof(*v.cells)),
		.budget = { .total_s = opts->budget_s, .warmup = opts->warmup,
			    .pus = plan->pus,
			    .one_visit_per_cell = opts->order == PB_ORDER_SEQUENTIAL },
		.pr = { .start_ns = pb_now_ns() },
	};

	if (!v.cells) {
		fputs("parbench: out of memory\n", stderr);
		return;
	}
	for (size_t c = 0; c < plan->ncells; c++)
		v.cells[v.n++] = &plan->cells[c];
	/* Sequential without --budget: each seq cell has all its repetitions in one visit. */
	if (opts->budget_s || opts->order == PB_ORDER_INTERLEAVED)
		visit_baselines(&v);
	if (opts->budget_s) {
		print_estimate(&v);
		fit_budget(&v);
	}
	if (opts->order == PB_ORDER_SEQUENTIAL)
		visit_in_sequence(&v);
	else
		visit_interleaved(&v);
	if (opts->budget_s && !pb_stopping() && want_decisions(&v)) {
		v.second_look = true;
		if (opts->order == PB_ORDER_SEQUENTIAL)
			visit_in_sequence(&v);
		else
			visit_interleaved(&v);
	}
	clear_progress(&v.pr);
	free(v.cells);
}
