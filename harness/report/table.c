#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"
#include "report/table.h"

#define ALPHA 0.05		/* of the pinning comparisons, Holm-adjusted */
#define PB_TABLE_NAMES 4	/* a verdict names at most these, then "and N more" */

/* The first error among a cell's repetitions, for a failed strategy's line. */
static const char *first_error(const struct pb_cell *cell)
{
	for (size_t i = 0; i < cell->nsamples; i++)
		if (cell->samples[i].error)
			return cell->samples[i].error;
	return cell->nsamples ? NULL : "not run";
}

/* Of the cells [first, end) with this strategy: the first that failed, or NULL. */
static const struct pb_cell *failed_cell(const struct pb_cell *first, const struct pb_cell *end,
					 const struct pb_strategy *strategy)
{
	for (const struct pb_cell *c = first; c < end; c++)
		if (c->strategy == strategy && !c->summary.ok)
			return c;
	return NULL;
}

/* Whether the group's cells have more than one pin policy. */
static bool several_pins(const struct pb_cell *first, const struct pb_cell *end)
{
	for (const struct pb_cell *c = first; c < end; c++)
		if (c->pin != first->pin)
			return true;
	return false;
}

const char *pb_duration(char *buf, size_t len, double s)
{
	static const struct { double scale; const char *unit; } units[] = {
		{ 1, "s" }, { 1e3, "ms" }, { 1e6, "us" }, { 1e9, "ns" },
	};
	size_t u = 0;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && fabs(s) * units[u].scale < 1)
		u++;
	snprintf(buf, len, "%.4g%s", s * units[u].scale, units[u].unit);
	return buf;
}

/* "1.234s [1.2s, 1.3s]" in a field of `width`. */
static void print_interval(FILE *out, double v, double lo, double hi, int width)
{
	char a[32], b[32], c[32], text[112];

	snprintf(text, sizeof(text), "%s [%s, %s]", pb_duration(a, sizeof(a), v),
		 pb_duration(b, sizeof(b), lo), pb_duration(c, sizeof(c), hi));
	fprintf(out, " %-*s", width, text);
}

static void print_header(FILE *out, const struct pb_cell *seq, bool pins)
{
	const struct pb_workload *w = seq->workload;

	fprintf(out, "\n%s: %s%" PRIu64 " tasks%s x %" PRIu64 " %s%s\n", w->name,
		seq->weak ? "weak scaling, " : "", seq->tasks / seq->workers,
		seq->weak ? " a worker" : "", seq->size, w->size_unit,
		w->overhead ? "; what a task costs each strategy" : "");
	fprintf(out, "  %-20s %7s%s", "strategy", "workers", pins ? "  pin       " : "");
	if (w->overhead)
		fprintf(out, " %-30s %-30s %s\n", "per task above seq [95% CI]", "median [95% CI]",
			"x best");
	else if (seq->weak)
		fprintf(out, " %-30s %-20s %-22s %6s %8s %10s%s\n", "median [95% CI]",
			"x best [95% CI]", "w.eff [95% CI]", "scaled", "gust. s", "per task",
			w->bytes_per_unit ? "    GB/s" : "");
	else
		fprintf(out, " %-30s %-20s %-22s %5s %8s %10s%s\n", "median [95% CI]",
			"x best [95% CI]", "speedup [95% CI]", "eff.", "serial f", "per task",
			w->bytes_per_unit ? "    GB/s" : "");
}

/* "1.23x [1.10, 1.40]" of a ratio and its interval, or "-" without one. */
static const char *ratio_text(char *buf, size_t len, double v, double lo, double hi)
{
	if (!isfinite(v))
		return "-";
	snprintf(buf, len, "%.2fx [%.2f, %.2f]", v, lo, hi);
	return buf;
}

static void print_overhead_row(FILE *out, const struct pb_contender *k)
{
	const struct pb_summary *s = &k->cell->summary;
	char a[32], b[32], c[32], text[112], x[64];

	if (isfinite(s->task_cost))
		snprintf(text, sizeof(text), "%s [%s, %s]", pb_duration(a, sizeof(a), s->task_cost),
			 pb_duration(b, sizeof(b), s->task_cost_lo),
			 pb_duration(c, sizeof(c), s->task_cost_hi));
	else
		snprintf(text, sizeof(text), "-");
	fprintf(out, " %-30s", text);
	print_interval(out, s->median, s->ci_lo, s->ci_hi, 30);
	fprintf(out, " %s\n", ratio_text(x, sizeof(x), k->ratio, k->lo, k->hi));
}

static void print_row(FILE *out, const struct pb_contender *k, bool pins, double serial)
{
	const struct pb_cell *c = k->cell;
	const struct pb_summary *s = &c->summary;
	char speedup[64], best[64], task[32];

	fprintf(out, "  %-20s %7u", c->strategy->name, c->workers);
	if (pins)
		fprintf(out, "  %-10.10s", c->pin->spec);
	if (c->workload->overhead) {
		print_overhead_row(out, k);
		return;
	}
	print_interval(out, s->median, s->ci_lo, s->ci_hi, 30);
	fprintf(out, " %-20s", ratio_text(best, sizeof(best), k->ratio, k->lo, k->hi));
	fprintf(out, " %-22s", ratio_text(speedup, sizeof(speedup), s->speedup, s->speedup_lo,
					  s->speedup_hi));
	/* Under weak scaling, Gustafson's scaled speedup n T1 / Tn; else the efficiency. */
	if (c->weak && isfinite(s->weak_efficiency))
		fprintf(out, " %6.2f", s->weak_efficiency * c->workers);
	else if (!c->weak && isfinite(s->efficiency))
		fprintf(out, " %5.2f", s->efficiency);
	else
		fprintf(out, " %*s", c->weak ? 6 : 5, "-");
	if (isfinite(serial))
		fprintf(out, " %8.3f", serial);
	else
		fprintf(out, " %8s", "-");
	fprintf(out, " %10s", pb_duration(task, sizeof(task), s->median / (double)c->tasks));
	if (c->workload->bytes_per_unit)
		fprintf(out, " %7.2f", (double)c->workload->bytes_per_unit * (double)c->size *
				       (double)c->tasks / s->median / 1e9);
	fputc('\n', out);
}

/* "pthreads (2 workers)" */
static const char *named(char *buf, size_t len, const struct pb_cell *c)
{
	snprintf(buf, len, "%s (%u worker%s)", c->strategy->name, c->workers,
		 c->workers == 1 ? "" : "s");
	return buf;
}

/* The contenders of one role, listed: "a, b and c", or "a, b, c and 4 more". */
static void list_role(FILE *out, const struct pb_verdict *v, enum pb_role role)
{
	size_t n = 0, total = 0, shown;
	char name[96];

	for (size_t i = 0; i < v->n; i++)
		total += v->contenders[i].role == role;
	shown = total > PB_TABLE_NAMES ? PB_TABLE_NAMES - 1 : total;
	for (size_t i = 0; i < v->n && n < shown; i++) {
		if (v->contenders[i].role != role)
			continue;
		fprintf(out, "%s%s", n == 0 ? "" : n + 1 == total ? " and " : ", ",
			named(name, sizeof(name), v->contenders[i].cell));
		n++;
	}
	if (shown < total)
		fprintf(out, " and %zu more", total - shown);
}

static size_t count_role(const struct pb_verdict *v, enum pb_role role)
{
	size_t n = 0;

	for (size_t i = 0; i < v->n; i++)
		n += v->contenders[i].role == role;
	return n;
}

/* "; pthreads is faster than the other 8" when the leader is shown faster than any. */
static void print_beaten(FILE *out, const struct pb_verdict *v)
{
	size_t slower = count_role(v, PB_ROLE_SLOWER);

	if (slower == 1)
		fprintf(out, "; %s is faster than one other", v->contenders[0].cell->strategy->name);
	else if (slower)
		fprintf(out, "; %s is faster than %zu others", v->contenders[0].cell->strategy->name,
			slower);
	fputc('\n', out);
}

/*
 * The group's answer (harness/stats/verdict.h): a winner, an equivalence, or the
 * strategies it cannot tell apart and how many repetitions would.
 */
static void print_verdict(FILE *out, const struct pb_verdict *v, double margin)
{
	const struct pb_contender *lead = &v->contenders[0], *second = &v->contenders[1];
	char name[96], second_name[96], x[64], best[48] = "best";

	/* Under weak scaling, a verdict per worker count: the cells of one work. */
	if (v->first->weak)
		snprintf(best, sizeof(best), "best at %u worker%s", v->first->workers,
			 v->first->workers == 1 ? "" : "s");
	switch (v->kind) {
	case PB_VERDICT_NONE:
		return;
	case PB_VERDICT_ALONE:
		fprintf(out, "  %s: %s, the only strategy that ran\n", best,
			named(name, sizeof(name), lead->cell));
		return;
	case PB_VERDICT_WINNER:
		fprintf(out, "  %s: %s, faster than ", best, named(name, sizeof(name), lead->cell));
		if (v->n > 2)
			fprintf(out, "each of the %zu others (Mann-Whitney U, %.3g%% each); the "
				"runner-up, ", v->n - 1, v->alpha * 100);
		else
			fprintf(out, "the only other one (Mann-Whitney U, %.3g%%), ", v->alpha * 100);
		fprintf(out, "%s, takes %s its time\n",
			named(second_name, sizeof(second_name), second->cell),
			ratio_text(x, sizeof(x), second->ratio, second->lo, second->hi));
		return;
	case PB_VERDICT_EQUIVALENT:
		fprintf(out, "  %s: %s%s", best, named(name, sizeof(name), lead->cell),
			count_role(v, PB_ROLE_EQUIVALENT) > 1 ? ", " : " and ");
		list_role(out, v, PB_ROLE_EQUIVALENT);
		fprintf(out, ", equivalent within %.3g%% (their 90%% intervals of the time ratio)",
			margin * 100);
		print_beaten(out, v);
		return;
	case PB_VERDICT_UNDECIDED:
		fprintf(out, "  %s: not decided between %s and ", best,
			named(name, sizeof(name), lead->cell));
		list_role(out, v, PB_ROLE_TIED);
		if (second->role == PB_ROLE_TIED)
			fprintf(out, " (%s)", ratio_text(x, sizeof(x), second->ratio, second->lo,
							 second->hi));
		if (v->reps_to_decide <= PB_MAX_REPS)
			fprintf(out, ": about %.0f repetitions a cell would likely decide (--reps %.0f)",
				v->reps_to_decide, v->reps_to_decide);
		else
			fprintf(out, ": closer than %d repetitions a cell could likely tell on this "
				"machine", PB_MAX_REPS);
		print_beaten(out, v);
		return;
	}
}

/* Two-sided Mann-Whitney U p-value of two cells' good wall times. */
static double cells_p(const struct pb_cell *a, const struct pb_cell *b)
{
	size_t na, nb;
	double *va = pb_cell_walls(a, &na), *vb = pb_cell_walls(b, &nb);
	double p = pb_mann_whitney_p(va, na, vb, nb);

	free(va);
	free(vb);
	return p;
}

/* The smallest p the exact two-sided Mann-Whitney U test can give for samples of na and nb. */
static double smallest_p(size_t na, size_t nb)
{
	double log_choose = lgamma((double)(na + nb + 1)) - lgamma((double)(na + 1)) -
			    lgamma((double)(nb + 1));

	return fmin(1.0, 2.0 * exp(-log_choose));
}

/* Whether a cell is compared with another for pinning: same strategy and workers, first pin. */
static bool pin_pair(const struct pb_cell *first, const struct pb_cell *c,
		     const struct pb_cell *o)
{
	return c->pin == first->pin && o->pin != first->pin && o->strategy == c->strategy &&
	       o->workers == c->workers && c->summary.reps && o->summary.reps;
}

struct pin_test {
	const struct pb_cell *a, *b;	/* the first pin policy's cell, the other's */
	double p;
};

static size_t count_pin_pairs(const struct pb_cell *first, const struct pb_cell *end)
{
	size_t m = 0;

	for (const struct pb_cell *c = first; c < end; c++)
		for (const struct pb_cell *o = c + 1; o < end; o++)
			m += pin_pair(first, c, o);
	return m;
}

static void print_pin_tests(FILE *out, struct pin_test *t, size_t m, double least_p)
{
	double *p = calloc(m, sizeof(*p));
	size_t significant = 0;

	if (!p)
		return;
	for (size_t i = 0; i < m; i++)
		p[i] = t[i].p;
	pb_holm(p, m);
	for (size_t i = 0; i < m; i++) {
		if (p[i] >= ALPHA)
			continue;
		fprintf(out, "  pinning: %s, %u workers: %s takes %.2fx the time of %s (p = %.3g)\n",
			t[i].a->strategy->name, t[i].a->workers, t[i].b->pin->spec,
			t[i].b->summary.median / t[i].a->summary.median, t[i].a->pin->spec, p[i]);
		significant++;
	}
	if (!significant && least_p * (double)m >= ALPHA)	/* none could have passed */
		fprintf(out, "  pinning: not testable: Holm over %zu needs p below %.3g, and "
			"these repetitions give %.3g at best\n", m, ALPHA / (double)m, least_p);
	else if (!significant)
		fprintf(out, "  pinning: no significant difference in %zu comparisons "
			"(Mann-Whitney U, Holm-adjusted, 5%%)\n", m);
	free(p);
}

/*
 * Whether pinning changed anything significantly: every cell against the
 * same strategy and workers under the first pin policy (the group's first
 * cell has it).
 */
static void print_pinning(FILE *out, const struct pb_cell *first, const struct pb_cell *end)
{
	size_t m = count_pin_pairs(first, end), n = 0;
	struct pin_test *t = m ? calloc(m, sizeof(*t)) : NULL;
	double least_p = 1.0;

	if (!t)
		return;
	for (const struct pb_cell *c = first; c < end; c++)
		for (const struct pb_cell *o = c + 1; o < end; o++)
			if (pin_pair(first, c, o)) {
				t[n++] = (struct pin_test){ c, o, cells_p(c, o) };
				least_p = fmin(least_p, smallest_p(c->summary.reps, o->summary.reps));
			}
	print_pin_tests(out, t, m, least_p);
	free(t);
}

/* Whose Python the py-* cells ran: the user's (--py-workload), which the rows do not name. */
static void print_py_workload(FILE *out, const struct pb_plan *plan, const struct pb_cell *first,
			      const struct pb_cell *end)
{
	for (const struct pb_cell *c = first; c < end && plan->py_workload; c++)
		if (c->strategy->python) {
			fprintf(out, "  py-*: ran %s (--py-workload), not parbench's Python version of "
				"%s\n", plan->py_workload, first->workload->name);
			return;
		}
}

/* The py-* speedups are against py-seq: how py-seq stands to seq, the same work in C. */
static void print_python_base(FILE *out, const struct pb_cell *first, const struct pb_cell *end)
{
	if (first->strategy->python)	/* --baseline py-seq: no seq to compare with */
		return;
	for (const struct pb_cell *c = first; c < end; c++)
		if (c->strategy->python && c->base == c && c->speedup_base) {
			if (c->summary.reps && first->summary.reps)
				fprintf(out, "  py-*: speedup against py-seq, which takes %.1fx the time "
					"of seq for the same checksum\n",
					c->summary.median / first->summary.median);
			return;
		}
}

/*
 * Each strategy beside the bare mechanism that does what it does (its
 * mechanism, when that ran too): its best cell's time over the mechanism's
 * cell, with the 95% interval.  On an overhead workload, what parbench's
 * own record of a task costs too: seq's time a task, which every strategy
 * pays and no bare-* does.
 */
static void print_mechanisms(FILE *out, const struct pb_verdict *v)
{
	const struct pb_cell *seq = v->first;
	bool any = false;
	char record[32];

	for (size_t i = 0; i < v->n; i++) {
		const struct pb_cell *c = v->contenders[i].cell;
		const struct pb_relation *m = &c->summary.mechanism;
		char ratio[64];

		if (!m->cell || !isfinite(m->ratio))
			continue;
		any = true;
		fprintf(out, "  mechanism: %s (%u worker%s) takes %s the time of %s (%u worker%s), "
			"the mechanism alone\n", c->strategy->name, c->workers,
			c->workers == 1 ? "" : "s", ratio_text(ratio, sizeof(ratio), m->ratio, m->lo,
							       m->hi),
			m->cell->strategy->name, m->cell->workers, m->cell->workers == 1 ? "" : "s");
	}
	if (any && seq->workload->overhead && seq->strategy->baseline && seq->summary.reps)
		fprintf(out, "  harness: each task's record (its start, end and checksum) takes %s "
			"a task, seq's time here: in every strategy's time, in no bare-*'s\n",
			pb_duration(record, sizeof(record), seq->summary.median / (double)seq->tasks));
}

/* The strategies without an ok repetition, or with a failed cell, and why. */
static void print_failures(FILE *out, const struct pb_cell *first, const struct pb_cell *end)
{
	for (const struct pb_cell *c = first; c < end; c++) {
		const struct pb_cell *earlier = first, *failed;

		/* One line per strategy, at the first of its cells. */
		while (earlier < c && earlier->strategy != c->strategy)
			earlier++;
		if (earlier == c && (failed = failed_cell(first, end, c->strategy)))
			fprintf(out, "  %-20s %7u failed: %s\n", c->strategy->name, failed->workers,
				first_error(failed));
	}
}

/*
 * The group's cells that --budget gave fewer repetitions, in one line: how
 * many, how few, and the costliest (raw.csv and summary.csv say each).
 */
static void print_cuts(FILE *out, const struct pb_cell *first, const struct pb_cell *end)
{
	const struct pb_cell *first_cut = NULL;
	unsigned fewest = UINT_MAX, most = 0;
	size_t n = 0;
	char name[96];

	for (const struct pb_cell *c = first; c < end; c++) {
		if (!c->cut[0])
			continue;
		first_cut = first_cut ? first_cut : c;
		fewest = c->planned < fewest ? c->planned : fewest;
		most = c->planned > most ? c->planned : most;
		n++;
	}
	if (n == 1)
		fprintf(out, "  cut: %s: %s\n", named(name, sizeof(name), first_cut), first_cut->cut);
	else if (n)
		fprintf(out, "  cut: %zu cells got %u to %u repetitions for the budget (first: %s: "
			"%s; the cut column of raw.csv names them all)\n", n, fewest, most,
			named(name, sizeof(name), first_cut), first_cut->cut);
}

/*
 * A plugin without the non-blocking form ran inline in the event loops'
 * threads: one task at a time a loop, which a user would not guess.
 */
static void print_inline(FILE *out, const struct pb_cell *first, const struct pb_cell *end)
{
	const char *sep = "  inline: ";

	if (!first->workload->plugin || first->workload->start_task)
		return;
	for (const struct pb_cell *c = first; c < end; c++) {
		const struct pb_cell *earlier = first;

		while (earlier < c && earlier->strategy != c->strategy)
			earlier++;
		if (earlier == c && c->strategy->event_loop) {
			fprintf(out, "%s%s", sep, c->strategy->name);
			sep = ", ";
		}
	}
	if (strcmp(sep, ", ") == 0)
		fprintf(out, " ran %s's tasks inline, one at a time a loop thread: it has no "
			"non-blocking form\n", first->workload->name);
}

/*
 * An offload's best cell: its device by name and type, and where a
 * repetition's time went, so that a CPU device is never taken for a GPU.
 */
static void print_offload(FILE *out, const struct pb_verdict *v)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct pb_cell *c = v->contenders[i].cell;
		const struct pb_summary *sum = &c->summary;
		char in[48], kernel[32], back[32], build[32];

		if (!sum->device)
			continue;
		/* A kernel that reads no input (cpu.sumsq) has nothing to copy in. */
		if (sum->h2d > 0)
			snprintf(in, sizeof(in), "%s copying in",
				 pb_duration(build, sizeof(build), sum->h2d));
		else
			snprintf(in, sizeof(in), "nothing to copy in");
		fprintf(out, "  offload: %s (%u worker%s) on %s%s: a repetition: %s, %s kernel, "
			"%s copying out; the program's build %s, once per cell process, not in the "
			"times\n", c->strategy->name, c->workers, c->workers == 1 ? "" : "s",
			sum->device, strstr(sum->device, "(GPU,") ? "" : ", not a GPU", in,
			pb_duration(kernel, sizeof(kernel), sum->kernel),
			pb_duration(back, sizeof(back), sum->d2h),
			pb_duration(build, sizeof(build), sum->build));
	}
}

/*
 * A strategy that tells its work from its launch (mpi's mpirun, py-dask's
 * cluster): how much of a repetition, which the table's times are, the work
 * alone took (work_median_s).
 */
static void print_launch(FILE *out, const struct pb_verdict *v)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct pb_cell *c = v->contenders[i].cell;
		char wall[32], work[32];

		if (!c->summary.reps || !isfinite(c->summary.work))
			continue;
		fprintf(out, "  launch: %s (%u worker%s): a repetition %s, of which the work "
			"(work_s) %s, the rest its launch and shutdown\n", c->strategy->name,
			c->workers, c->workers == 1 ? "" : "s",
			pb_duration(wall, sizeof(wall), c->summary.median),
			pb_duration(work, sizeof(work), c->summary.work));
	}
}

/*
 * Under weak scaling, how each strategy scales: its weak efficiency at each
 * of its worker counts, a line per strategy (and pin, with several) of the
 * group [first, end).
 */
static void print_weak_scaling(FILE *out, const struct pb_cell *first, const struct pb_cell *end,
			       bool pins)
{
	if (!first->weak || first->workload->overhead)
		return;
	for (const struct pb_cell *line = first; line < end; line++) {
		const struct pb_cell *earlier = first;
		const char *sep = "";

		while (earlier < line && (earlier->strategy != line->strategy ||
					  earlier->pin != line->pin))
			earlier++;
		/* seq: one worker, 1 by definition; a line at its strategy's and pin's first cell. */
		if (line->strategy->baseline || earlier != line)
			continue;
		fprintf(out, "  weak efficiency: %s", line->strategy->name);
		if (pins)
			fprintf(out, " (%s)", line->pin->spec);
		fputc(':', out);
		for (const struct pb_cell *c = line; c < end; c++)
			if (c->strategy == line->strategy && c->pin == line->pin &&
			    isfinite(c->summary.weak_efficiency)) {
				fprintf(out, "%s %.2f at %u", sep, c->summary.weak_efficiency,
					c->workers);
				sep = ",";
			}
		fputc('\n', out);
	}
}

/*
 * The cells of one verdict (a group, or under weak scaling one worker count
 * of it): their strategies' best cells, fastest first, what failed, and the
 * verdict.
 */
static void print_verdict_cells(FILE *out, const struct pb_verdict *v, double margin, bool pins)
{
	for (size_t i = 0; i < v->n; i++)
		print_row(out, &v->contenders[i], pins, v->first->weak ?
			  v->contenders[i].cell->summary.gustafson :
			  pb_scaling_fit(v->first, v->end, v->contenders[i].cell, pb_amdahl_fit));
	print_failures(out, v->first, v->end);
	print_cuts(out, v->first, v->end);
	print_verdict(out, v, margin);
	if (v->alpha < PB_VERDICT_ALPHA)
		fprintf(out, "  (a second look, with more repetitions for the undecided: each test "
			"at %.3g%%, each interval at %.4g%%)\n", v->alpha * 100, 100 - v->alpha * 100);
	for (size_t i = 0; i < v->n; i++)
		if (v->contenders[i].why[0])
			fprintf(out, "  why: %s\n", v->contenders[i].why);
	if (pins)
		print_pinning(out, v->first, v->end);
	print_python_base(out, v->first, v->end);
	print_mechanisms(out, v);
	print_inline(out, v->first, v->end);
	print_offload(out, v);
	print_launch(out, v);
}

/* The smallest task size of a workload in the plan. */
static uint64_t smallest_size(const struct pb_plan *plan, const struct pb_workload *workload)
{
	uint64_t size = UINT64_MAX;

	for (size_t c = 0; c < plan->ncells; c++)
		if (plan->cells[c].workload == workload && plan->cells[c].size < size)
			size = plan->cells[c].size;
	return size;
}

static uint64_t largest_size(const struct pb_plan *plan, const struct pb_workload *workload)
{
	uint64_t size = 0;

	for (size_t c = 0; c < plan->ncells; c++)
		if (plan->cells[c].workload == workload && plan->cells[c].size > size)
			size = plan->cells[c].size;
	return size;
}

/* The cell of the same series (strategy, workers, pin) at the workload's largest size. */
static const struct pb_cell *at_largest(const struct pb_plan *plan, const struct pb_cell *cell)
{
	const struct pb_cell *largest = cell;

	for (size_t c = 0; c < plan->ncells; c++) {
		const struct pb_cell *o = &plan->cells[c];

		if (o->workload == cell->workload && o->strategy == cell->strategy &&
		    o->workers == cell->workers && o->pin == cell->pin && o->size > largest->size)
			largest = o;
	}
	return largest;
}

/*
 * For a workload measured at several task sizes: per strategy, workers and
 * pin, the size above which it beats seq.  The cells of the smallest size
 * stand for their series.
 */
static void print_crossovers(FILE *out, const struct pb_plan *plan, const struct pb_cell *group)
{
	uint64_t smallest = smallest_size(plan, group->workload);

	fprintf(out, "\n%s: task size (%s) above which each strategy beats seq (py-*: py-seq)\n",
		group->workload->name, group->workload->size_unit);
	for (size_t c = 0; c < plan->ncells; c++) {
		const struct pb_cell *cell = &plan->cells[c];
		double x = cell->summary.crossover;

		if (cell->workload != group->workload || cell->size != smallest ||
		    cell->base == cell)
			continue;
		fprintf(out, "  %-20s %7u  %-10.10s ", cell->strategy->name, cell->workers,
			cell->pin->spec);
		if (!isfinite(x) && at_largest(plan, cell)->summary.speedup < 1.0)
			fprintf(out, "none: slower than %s at the largest size\n",
				cell->base->strategy->name);
		else if (!isfinite(x))
			fputs("unknown: a size of the series failed\n", out);
		else if (x <= (double)smallest)
			fprintf(out, "at or below %" PRIu64, smallest);
		else
			fprintf(out, "%.0f", x);
		/* A speedup that hovers at 1 crosses it by chance. */
		if (isfinite(x) && !(at_largest(plan, cell)->summary.speedup_lo > 1.0))
			fputs(" (uncertain: at the largest size its speedup interval holds 1)", out);
		if (isfinite(x))
			fputc('\n', out);
	}
}

/* The kind of scaling of the run, and what each line of the table is. */
static void print_intro(FILE *out, const struct pb_plan *plan)
{
	if (plan->ncells && plan->cells[0].weak)
		fputs("\nWeak scaling (--scaling weak): a cell has its workers times seq's tasks, so "
		      "strategies are compared\nat each worker count, where they do the same work; "
		      "w.eff: seq's time over the cell's (T1 / Tn,\n1 = time flat), scaled: workers "
		      "x w.eff (Gustafson's scaled speedup).  Each line is a strategy at\none worker "
		      "count; x best: its time over the fastest one's there, with a 95% interval "
		      "(Hodges-Lehmann).\n", out);
	else
		fputs("\nStrong scaling: the same tasks at every worker count.  Each line is a "
		      "strategy at its best worker\ncount, itself chosen from these data; x best: its "
		      "time over the fastest one's, with a 95% interval\n(Hodges-Lehmann).\n", out);
}

/*
 * After the last size of a workload that has several: the crossovers, which
 * weak scaling has none of (summary.csv's crossover_size is empty).
 */
static void print_sizes(FILE *out, const struct pb_plan *plan, const struct pb_cell *first,
			const struct pb_cell *group_end)
{
	if ((group_end != plan->cells + plan->ncells && group_end->workload == first->workload) ||
	    !first->speedup_base ||
	    smallest_size(plan, first->workload) == largest_size(plan, first->workload))
		return;
	if (first->weak)
		fprintf(out, "\n%s: no task size above which a strategy beats seq under weak "
			"scaling, where its cells do more work than seq's\n", first->workload->name);
	else
		print_crossovers(out, plan, first);
}

void pb_table_print(FILE *out, const struct pb_plan *plan, const struct pb_verdicts *verdicts)
{
	print_intro(out, plan);
	for (size_t i = 0; i < verdicts->n; i++) {
		const struct pb_verdict *v = &verdicts->v[i];
		const struct pb_cell *first = v->first->baseline, *end = pb_group_end(plan, first);
		bool pins = several_pins(first, end);

		/* A group's header before its first verdict, and what spans it after its last. */
		if (v->first == first)
			print_header(out, first, pins);
		print_verdict_cells(out, v, verdicts->margin, pins);
		if (v->end != end)
			continue;
		print_weak_scaling(out, first, end, pins);
		print_py_workload(out, plan, first, end);
		print_sizes(out, plan, first, end);
	}
}
