/*
 * The answer for each group of a run (one workload at one task size):
 * which strategy, at its best worker count, is the fastest, by how much,
 * and whether the repetitions can carry that claim.  Only cells of the
 * same work are compared: under weak scaling, where the tasks grow with
 * the workers, a group has a verdict per task count (pb_work_end), and a
 * strategy stands by its cell at that count.
 *
 * "A is faster than every other strategy" is one claim made of several
 * comparisons that must all hold, an intersection-union test (Berger
 * 1982): each may be made at 5% with no multiplicity correction.  A is
 * picked by looking at the data, as the lowest median, so it must also
 * beat the runner-up in a two-sided test at 5% (rank verification: Hung
 * and Fithian, arXiv:1610.03944).  Where no winner can be named, the
 * strategies not told apart from the leader are either shown equivalent
 * within a margin (two one-sided tests: the 90% interval of the ratio of
 * times lies within it), or the verdict says how many repetitions would
 * likely decide.  A difference whose interval lies within the margin is
 * called an equivalence, not a win, however significant.
 *
 * --budget may give an undecided group more repetitions and judge it
 * again: a second look at the data, so each look is made at alpha / 2
 * (Bonferroni), and its intervals are at 1 - alpha / 2.
 */
#ifndef PARBENCH_VERDICT_H
#define PARBENCH_VERDICT_H

#include <stddef.h>

#include "supervisor/plan.h"

#define PB_VERDICT_ALPHA 0.05
#define PB_DEFAULT_EQUIVALENCE 0.02	/* +-2%: the ratio of times within [1/1.02, 1.02] */
#define PB_DECIDE_POWER 0.8		/* of the repetitions that would likely decide */

enum pb_verdict_kind {
	PB_VERDICT_WINNER,		/* the leader is faster than each other strategy */
	PB_VERDICT_EQUIVALENT,		/* those not slower than the leader are equivalent to it */
	PB_VERDICT_UNDECIDED,		/* some are neither slower nor equivalent */
	PB_VERDICT_ALONE,		/* one strategy has ok repetitions */
	PB_VERDICT_NONE,		/* none has */
};

enum pb_role {
	PB_ROLE_LEADER,			/* the lowest median of the group */
	PB_ROLE_SLOWER,			/* slower than the leader at 5%, beyond the margin */
	PB_ROLE_EQUIVALENT,		/* within the margin of the leader */
	PB_ROLE_TIED,			/* neither shown slower nor equivalent */
};

struct pb_contender {
	const struct pb_cell *cell;	/* the strategy's best cell: its lowest median */
	enum pb_role role;
	double ratio, lo, hi;		/* its time over the leader's, the interval at 1 - alpha */
	double eq_lo, eq_hi;		/* the interval at 1 - 2 alpha, the equivalence's */
	double p_slower;		/* one-sided: the leader's times are the smaller */
	double p;			/* two-sided */
	double reps_to_decide;		/* a TIED one: repetitions a cell that would likely
					 * decide it; NAN otherwise; INFINITY: none would */
	bool decide_by_equivalence;	/* those repetitions would show an equivalence */
	/* Where its median time went (harness/report/why.h), and why it won or fell behind. */
	double ideal_s, extra_user_s, extra_sys_s, idle_s;
	char why[256];			/* "" for a contender neither leading nor far behind */
};

struct pb_verdict {
	const struct pb_cell *first, *end;	/* the cells of one work (pb_work_end) */
	enum pb_verdict_kind kind;
	double alpha;			/* each test's level: PB_VERDICT_ALPHA, half at a second look */
	struct pb_contender *contenders;	/* by median, the leader first */
	size_t n;
	double reps_to_decide;		/* UNDECIDED: the most its tied contenders need */
};

struct pb_verdicts {
	struct pb_verdict *v;
	size_t n;
	double margin;			/* equivalence: the ratio within [1/(1+m), 1+m] */
};

/* Judges every group of a summarized plan: 0, or -1 out of memory. */
int pb_verdicts_judge(const struct pb_plan *plan, double margin, struct pb_verdicts *out);
void pb_verdicts_free(struct pb_verdicts *verdicts);

/* "winner", "equivalent", "undecided", "alone", "none". */
const char *pb_verdict_kind_name(enum pb_verdict_kind kind);

/* "leader", "slower", "equivalent", "tied". */
const char *pb_role_name(enum pb_role role);

#endif
