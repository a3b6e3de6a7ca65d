/*
 * harness/stats/verdict.c on synthetic samples: a clear winner, a tie, an
 * equivalence, and a winner picked from the data whose runner-up is close.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strategies/strategy.h"
#include "stats/verdict.h"

#define MAX_CELLS 4

static const struct pb_workload workload = {
	.name = "test.work", .kind = PB_KIND_CPU, .default_tasks = 1, .default_size = 1,
};
static const struct pb_pin pin = { .spec = "none" };
static struct pb_plan plan;
static struct pb_verdicts verdicts;

/* A cell of `strategy` whose good repetitions took `walls` seconds. */
static void add_cell(const char *strategy, const double *walls, size_t n)
{
	struct pb_cell *c = &plan.cells[plan.ncells++];

	cr_assert_leq(plan.ncells, MAX_CELLS);
	*c = (struct pb_cell){ .workload = &workload, .strategy = pb_strategy_find(strategy),
			       .workers = 2, .pin = &pin, .tasks = 1, .size = 1,
			       .baseline = plan.cells, .base = plan.cells, .speedup_base = true };
	cr_assert_not_null(c->strategy, "%s", strategy);
	for (size_t i = 0; i < n; i++) {
		struct pb_sample s = { .wall_s = walls[i], .user_s = walls[i], .checksum = 7,
				       .cpus = strdup("0"), .startup_s = NAN, .work_s = NAN };

		pb_cell_add(c, &s);
	}
}

static const struct pb_verdict *judge(void)
{
	pb_plan_summarize(&plan);
	cr_assert_eq(pb_verdicts_judge(&plan, 0.02, &verdicts), 0);
	cr_assert_eq(verdicts.n, 1, "one group");
	return &verdicts.v[0];
}

static void setup(void)
{
	plan = (struct pb_plan){ .cells = calloc(MAX_CELLS, sizeof(struct pb_cell)) };
	cr_assert_not_null(plan.cells);
}

static void teardown(void)
{
	pb_verdicts_free(&verdicts);
	pb_plan_free(&plan);
}

TestSuite(verdict, .init = setup, .fini = teardown);

static const char *leader_name(const struct pb_verdict *v)
{
	return v->contenders[0].cell->strategy->name;
}

Test(verdict, clear_winner)
{
	const double seq[] = { 2.00, 2.02, 1.99, 2.01, 2.03 };
	const double fast[] = { 1.00, 1.01, 0.99, 1.02, 1.005 };
	const double mid[] = { 1.20, 1.22, 1.19, 1.21, 1.23 };
	const struct pb_verdict *v;

	add_cell("seq", seq, 5);
	add_cell("pthreads", fast, 5);
	add_cell("fork", mid, 5);
	v = judge();
	cr_assert_eq(v->kind, PB_VERDICT_WINNER);
	cr_assert_str_eq(leader_name(v), "pthreads");
	cr_assert_str_eq(v->contenders[1].cell->strategy->name, "fork");
	cr_assert_eq(v->contenders[1].role, PB_ROLE_SLOWER);
	cr_assert_eq(v->contenders[2].role, PB_ROLE_SLOWER);
	/* Completely separated, 5 and 5: two-sided p = 2/252, one-sided 1/252. */
	cr_assert_float_eq(v->contenders[1].p, 2.0 / 252, 1e-12);
	cr_assert_float_eq(v->contenders[2].p_slower, 1.0 / 252, 1e-12);
	/* fork over pthreads: the median of the 25 ratios, 1.21 / 1.00, within its interval. */
	cr_assert(v->contenders[1].lo > 1.0 && v->contenders[1].lo <= v->contenders[1].ratio &&
		  v->contenders[1].ratio <= v->contenders[1].hi);
	cr_assert(isnan(v->reps_to_decide));
}

Test(verdict, tie_says_how_many_repetitions_would_decide)
{
	const double seq[] = { 2.0, 2.1, 1.9, 2.0, 2.2 };
	const double a[] = { 1.00, 1.30, 0.90, 1.20, 1.05 };
	const double b[] = { 1.10, 0.95, 1.25, 1.15, 1.35 };
	const struct pb_verdict *v;

	add_cell("seq", seq, 5);
	add_cell("pthreads", a, 5);
	add_cell("openmp-static", b, 5);
	v = judge();
	cr_assert_eq(v->kind, PB_VERDICT_UNDECIDED);
	cr_assert_str_eq(leader_name(v), "pthreads");
	cr_assert_eq(v->contenders[1].role, PB_ROLE_TIED);
	cr_assert_eq(v->contenders[2].role, PB_ROLE_SLOWER, "seq is slower");
	/* Finite and more than the 5 it has: a tie, not a verdict of sameness. */
	cr_assert(v->reps_to_decide > 5 && isfinite(v->reps_to_decide), "%g", v->reps_to_decide);
	cr_assert_eq(v->reps_to_decide, v->contenders[1].reps_to_decide);
}

Test(verdict, equivalence_is_a_finding)
{
	double seq[20], a[20], b[20];
	const struct pb_verdict *v;

	/* Within 0.3% of each other, in steps of 0.01%: the 90% interval is well inside 2%. */
	for (int i = 0; i < 20; i++) {
		seq[i] = 2.0 + 0.0001 * i;
		a[i] = 1.0 + 0.0001 * ((i * 7) % 20);
		b[i] = 1.001 + 0.0001 * ((i * 3) % 20);
	}
	add_cell("seq", seq, 20);
	add_cell("pthreads", a, 20);
	add_cell("openmp-static", b, 20);
	v = judge();
	cr_assert_eq(v->kind, PB_VERDICT_EQUIVALENT, "%s: [%g, %g], p %g", pb_role_name(
		     v->contenders[1].role), v->contenders[1].eq_lo, v->contenders[1].eq_hi,
		     v->contenders[1].p);
	cr_assert_str_eq(leader_name(v), "pthreads");
	cr_assert_eq(v->contenders[1].role, PB_ROLE_EQUIVALENT);
	cr_assert(v->contenders[1].eq_lo >= 1 / 1.02 && v->contenders[1].eq_hi <= 1.02);
	cr_assert_eq(v->contenders[2].role, PB_ROLE_SLOWER);
}

Test(verdict, picked_winner_needs_a_two_sided_test_against_the_runner_up)
{
	/*
	 * pthreads is larger than openmp-static in 3 of their 25 pairs: one-sided
	 * p = P(U <= 3) = 7/252 = 0.028 would pass, two-sided 0.056 does not.
	 * The same gap to a third place passes: only the runner-up is tested
	 * two-sided, since the leader was chosen by looking.
	 */
	const double seq[] = { 3.0, 3.1, 3.2, 3.3, 3.4 };
	const double a[] = { 1.00, 1.01, 1.02, 1.03, 1.065 };
	const double b[] = { 1.04, 1.05, 1.06, 1.08, 1.09 };
	const struct pb_verdict *v;

	add_cell("seq", seq, 5);
	add_cell("pthreads", a, 5);
	add_cell("openmp-static", b, 5);
	v = judge();
	cr_assert_float_eq(v->contenders[1].p_slower, 7.0 / 252, 1e-12);
	cr_assert_float_eq(v->contenders[1].p, 14.0 / 252, 1e-12);
	cr_assert_eq(v->contenders[1].role, PB_ROLE_TIED);
	cr_assert_eq(v->kind, PB_VERDICT_UNDECIDED);
}

Test(verdict, third_place_needs_only_the_one_sided_test)
{
	const double seq[] = { 0.90, 0.91, 0.92, 0.93, 0.94 };	/* clearly first */
	const double a[] = { 1.00, 1.01, 1.02, 1.03, 1.065 };
	const double b[] = { 1.04, 1.05, 1.06, 1.08, 1.09 };
	const double far[] = { 0.95, 0.96, 0.97, 0.98, 0.99 };	/* the runner-up */
	const struct pb_verdict *v;

	add_cell("seq", seq, 5);
	add_cell("pthreads", a, 5);
	add_cell("openmp-static", b, 5);
	add_cell("fork", far, 5);
	v = judge();
	cr_assert_str_eq(leader_name(v), "seq");
	cr_assert_eq(v->kind, PB_VERDICT_WINNER, "every other one is slower at 5%%");
}

Test(verdict, one_strategy_is_alone)
{
	const double seq[] = { 1.0, 1.1 };

	add_cell("seq", seq, 2);
	cr_assert_eq(judge()->kind, PB_VERDICT_ALONE);
}

/* Under weak scaling: a cell of `workers` workers with as many tasks, the baseline's one each. */
static void add_weak_cell(const char *strategy, unsigned workers, const double *walls, size_t n)
{
	add_cell(strategy, walls, n);
	plan.cells[plan.ncells - 1].workers = workers;
	plan.cells[plan.ncells - 1].tasks = workers;
	plan.cells[plan.ncells - 1].weak = true;
}

Test(verdict, weak_scaling_judges_each_task_count_apart)
{
	const double seq[] = { 1.00, 1.01, 1.02, 1.03, 1.04 };
	const double slow[] = { 1.50, 1.51, 1.52, 1.53, 1.54 };
	const double twice[] = { 1.20, 1.21, 1.22, 1.23, 1.24 };
	const double faster[] = { 1.10, 1.11, 1.12, 1.13, 1.14 };

	/* In the plan's order under weak scaling: by task count. */
	add_weak_cell("seq", 1, seq, 5);
	add_weak_cell("pthreads", 1, slow, 5);
	add_weak_cell("pthreads", 2, twice, 5);
	add_weak_cell("openmp-static", 2, faster, 5);
	pb_plan_summarize(&plan);
	cr_assert_eq(pb_verdicts_judge(&plan, 0.02, &verdicts), 0);
	/* seq, with half the work, is no contender at 2 workers: a verdict per task count. */
	cr_assert_eq(verdicts.n, 2);
	cr_assert_eq(verdicts.v[0].n, 2);
	cr_assert_str_eq(leader_name(&verdicts.v[0]), "seq");
	cr_assert_eq(verdicts.v[0].contenders[1].cell->workers, 1);
	cr_assert_eq(verdicts.v[1].n, 2);
	cr_assert_str_eq(leader_name(&verdicts.v[1]), "openmp-static");
	cr_assert_eq(verdicts.v[1].kind, PB_VERDICT_WINNER);
	cr_assert_eq(verdicts.v[1].contenders[1].cell->tasks, 2, "pthreads at 2 workers");
	/* The ideal is seq's CPU time for the cell's tasks, twice its own, over its PUs. */
	cr_assert_float_eq(verdicts.v[1].contenders[0].ideal_s, 2 * 1.02, 1e-9);
}
