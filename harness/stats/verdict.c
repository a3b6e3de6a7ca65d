#include <math.h>
#include <stdlib.h>

#include "stats/stats.h"
#include "stats/verdict.h"
#include "report/why.h"

const char *pb_verdict_kind_name(enum pb_verdict_kind kind)
{
	static const char *const names[] = {
		[PB_VERDICT_WINNER] = "winner", [PB_VERDICT_EQUIVALENT] = "equivalent",
		[PB_VERDICT_UNDECIDED] = "undecided", [PB_VERDICT_ALONE] = "alone",
		[PB_VERDICT_NONE] = "none",
	};

	return names[kind];
}

const char *pb_role_name(enum pb_role role)
{
	static const char *const names[] = {
		[PB_ROLE_LEADER] = "leader", [PB_ROLE_SLOWER] = "slower",
		[PB_ROLE_EQUIVALENT] = "equivalent", [PB_ROLE_TIED] = "tied",
	};

	return names[role];
}

/* Of the group's cells with this strategy: the one with ok repetitions and the lowest median. */
static const struct pb_cell *best_of(const struct pb_cell *first, const struct pb_cell *end,
				     const struct pb_strategy *strategy)
{
	const struct pb_cell *best = NULL;

	for (const struct pb_cell *c = first; c < end; c++)
		if (c->strategy == strategy && c->summary.reps &&
		    (!best || c->summary.median < best->summary.median))
			best = c;
	return best;
}

static int by_median(const void *a, const void *b)
{
	double x = ((const struct pb_contender *)a)->cell->summary.median;
	double y = ((const struct pb_contender *)b)->cell->summary.median;

	return (x > y) - (x < y);
}

/* Each strategy's best cell, by median: how many. */
static size_t gather(const struct pb_cell *first, const struct pb_cell *end,
		     struct pb_contender *out)
{
	size_t n = 0;

	for (const struct pb_cell *c = first; c < end; c++) {
		const struct pb_cell *earlier = first;

		while (earlier < c && earlier->strategy != c->strategy)
			earlier++;
		if (earlier == c && (out[n].cell = best_of(first, end, c->strategy)))
			n++;
	}
	qsort(out, n, sizeof(*out), by_median);
	return n;
}

/*
 * The repetitions a cell that would likely decide a tied contender: enough
 * to show it slower (Noether's size for the probability of superiority
 * seen, shrunk from 0 and 1 by half a pair; alpha is two-sided), or enough
 * to narrow its equivalence interval into the margin, whichever is fewer.
 */
static void repetitions_to_decide(struct pb_contender *c, const double *lead, size_t nlead,
				  const double *walls, size_t n, double alpha, double margin)
{
	double pairs = (double)nlead * (double)n;
	double faster = pairs - pb_mann_whitney_u(lead, nlead, walls, n);
	double separate = pb_mwu_reps_needed((faster + 0.5) / (pairs + 1.0), alpha,
					     PB_DECIDE_POWER);
	double room = log1p(margin) - fabs(log(c->ratio));
	double half = (log(c->eq_hi) - log(c->eq_lo)) / 2.0;
	double equivalent = INFINITY;

	/* The interval's half-width shrinks as one over the root of the repetitions. */
	if (room > 0.0 && half > 0.0)
		equivalent = ceil((double)(nlead < n ? nlead : n) * (half / room) * (half / room));
	c->decide_by_equivalence = equivalent < separate;
	c->reps_to_decide = fmin(separate, equivalent);
}

/* The ratio of c's times to the leader's, the tests at `alpha`, and c's role. */
static void compare_with_leader(struct pb_contender *c, const double *lead, size_t nlead,
				bool runner_up, double alpha, double margin)
{
	size_t n;
	double *walls = pb_cell_walls(c->cell, &n), ratio_eq, coverage_eq;
	/*
	 * The runner-up's test is two-sided, since the leader was picked by
	 * looking; a one-sided test at alpha is a two-sided one at 2 alpha.
	 */
	double alpha_two_sided = runner_up ? alpha : 2.0 * alpha;

	pb_ratio_ci(walls, n, lead, nlead, 1.0 - alpha, &c->ratio, &c->lo, &c->hi);
	coverage_eq = pb_ratio_ci(walls, n, lead, nlead, 1.0 - 2.0 * alpha, &ratio_eq, &c->eq_lo,
				  &c->eq_hi);
	c->p_slower = pb_mann_whitney_less_p(lead, nlead, walls, n);
	c->p = pb_mann_whitney_p(lead, nlead, walls, n);
	c->reps_to_decide = NAN;
	/* A difference inside the margin is no difference, however significant. */
	if (coverage_eq >= 1.0 - 2.0 * alpha - 1e-9 &&
	    c->eq_lo >= 1.0 / (1.0 + margin) && c->eq_hi <= 1.0 + margin)
		c->role = PB_ROLE_EQUIVALENT;
	else if ((runner_up ? c->p : c->p_slower) < alpha && c->ratio > 1.0)
		c->role = PB_ROLE_SLOWER;
	else
		c->role = PB_ROLE_TIED;
	if (c->role == PB_ROLE_TIED)
		repetitions_to_decide(c, lead, nlead, walls, n, alpha_two_sided, margin);
	free(walls);
}

static enum pb_verdict_kind kind_of(const struct pb_verdict *v)
{
	bool tied = false, equivalent = false;

	if (v->n < 2)
		return v->n ? PB_VERDICT_ALONE : PB_VERDICT_NONE;
	for (size_t i = 1; i < v->n; i++) {
		tied = tied || v->contenders[i].role == PB_ROLE_TIED;
		equivalent = equivalent || v->contenders[i].role == PB_ROLE_EQUIVALENT;
	}
	return tied ? PB_VERDICT_UNDECIDED : equivalent ? PB_VERDICT_EQUIVALENT
							: PB_VERDICT_WINNER;
}

static int judge_group(const struct pb_cell *first, const struct pb_cell *end, double margin,
		       unsigned pus, struct pb_verdict *v)
{
	const struct pb_cell *leader;
	double *lead;
	size_t nlead;

	*v = (struct pb_verdict){ .first = first, .end = end, .reps_to_decide = NAN,
				  .alpha = PB_VERDICT_ALPHA };
	for (const struct pb_cell *c = first; c < end; c++)
		if (c->second_look)
			v->alpha = PB_VERDICT_ALPHA / 2.0;
	v->contenders = calloc((size_t)(end - first) + 1, sizeof(*v->contenders));
	if (!v->contenders)
		return -1;
	v->n = gather(first, end, v->contenders);
	if (v->n) {
		leader = v->contenders[0].cell;
		lead = pb_cell_walls(leader, &nlead);
		if (!lead)
			return -1;
		v->contenders[0] = (struct pb_contender){ .cell = leader, .role = PB_ROLE_LEADER,
							  .ratio = 1, .lo = 1, .hi = 1,
							  .eq_lo = 1, .eq_hi = 1, .p_slower = NAN,
							  .p = NAN, .reps_to_decide = NAN };
		for (size_t i = 1; i < v->n; i++) {
			compare_with_leader(&v->contenders[i], lead, nlead, i == 1, v->alpha,
					    margin);
			if (v->contenders[i].role == PB_ROLE_TIED)
				v->reps_to_decide = fmax(isnan(v->reps_to_decide) ? 0.0 :
							 v->reps_to_decide,
							 v->contenders[i].reps_to_decide);
		}
		free(lead);
	}
	v->kind = kind_of(v);
	pb_explain(v, pus);
	return 0;
}

int pb_verdicts_judge(const struct pb_plan *plan, double margin, struct pb_verdicts *out)
{
	const struct pb_cell *end = plan->cells + plan->ncells;

	*out = (struct pb_verdicts){ .margin = margin };
	out->v = calloc(plan->ncells + 1, sizeof(*out->v));
	if (!out->v)
		return -1;
	for (const struct pb_cell *first = plan->cells; first < end;) {
		const struct pb_cell *next = pb_work_end(plan, first);

		if (judge_group(first, next, margin, plan->pus, &out->v[out->n++])) {
			pb_verdicts_free(out);
			return -1;
		}
		first = next;
	}
	return 0;
}

void pb_verdicts_free(struct pb_verdicts *verdicts)
{
	for (size_t i = 0; i < verdicts->n; i++)
		free(verdicts->v[i].contenders);
	free(verdicts->v);
	*verdicts = (struct pb_verdicts){ 0 };
}
