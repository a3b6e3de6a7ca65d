#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "table.h"

#define ALPHA 0.05

/* The first error among a cell's repetitions, for a failed strategy's line. */
static const char *first_error(const struct pb_cell *cell)
{
	for (size_t i = 0; i < cell->nsamples; i++)
		if (cell->samples[i].error)
			return cell->samples[i].error;
	return cell->nsamples ? NULL : "not run";
}

/* Of the cells [first, end) with this strategy: the ok one with the best speedup. */
static const struct pb_cell *best_cell(const struct pb_cell *first, const struct pb_cell *end,
				       const struct pb_strategy *strategy,
				       const struct pb_cell **failed)
{
	const struct pb_cell *best = NULL;

	*failed = NULL;
	for (const struct pb_cell *c = first; c < end; c++) {
		if (c->strategy != strategy)
			continue;
		if (!c->summary.ok && !*failed)
			*failed = c;
		/* Same tasks and size: the lowest median is the best speedup. */
		if (c->summary.reps && (!best || c->summary.median < best->summary.median))
			best = c;
	}
	return best;
}

/* Whether the group's cells have more than one pin policy. */
static bool several_pins(const struct pb_cell *first, const struct pb_cell *end)
{
	for (const struct pb_cell *c = first; c < end; c++)
		if (c->pin != first->pin)
			return true;
	return false;
}

/* Amdahl's serial fraction over the worker counts of one strategy and pin. */
static double amdahl_of(const struct pb_cell *first, const struct pb_cell *end,
			const struct pb_cell *best)
{
	size_t cells = (size_t)(end - first), n = 0;
	unsigned *p = calloc(cells, sizeof(*p));
	double *speedup = calloc(cells, sizeof(*speedup)), f = NAN;

	for (const struct pb_cell *c = first; p && speedup && c < end; c++)
		if (c->strategy == best->strategy && c->pin == best->pin &&
		    isfinite(c->summary.speedup)) {
			p[n] = c->workers;
			speedup[n++] = c->summary.speedup;
		}
	if (p && speedup)
		f = pb_amdahl_fit(p, speedup, n);
	free(p);
	free(speedup);
	return f;
}

/* A duration in a unit that suits it, four figures: "805.3us", "8.12ms", "1.234s". */
static const char *duration(char *buf, size_t len, double s)
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

	snprintf(text, sizeof(text), "%s [%s, %s]", duration(a, sizeof(a), v),
		 duration(b, sizeof(b), lo), duration(c, sizeof(c), hi));
	fprintf(out, " %-*s", width, text);
}

static void print_header(FILE *out, const struct pb_cell *seq, bool pins)
{
	const struct pb_workload *w = seq->workload;

	fprintf(out, "\n%s: %" PRIu64 " tasks x %" PRIu64 " %s\n", w->name, seq->tasks, seq->size,
		w->size_unit);
	fprintf(out, "  %-20s %7s%s %-30s %-22s %5s %8s %s\n", "strategy", "workers",
		pins ? "  pin       " : "", "median [95% CI]", "speedup [95% CI]", "eff.",
		"serial f", w->bytes_per_unit ? "per task [95% CI]                 GB/s" :
		"per task [95% CI]");
}

static void print_row(FILE *out, const struct pb_cell *c, bool pins, double serial)
{
	const struct pb_summary *s = &c->summary;
	double per_task = 1.0 / (double)c->tasks;
	char speedup[64];

	fprintf(out, "  %-20s %7u", c->strategy->name, c->workers);
	if (pins)
		fprintf(out, "  %-10.10s", c->pin->spec);
	print_interval(out, s->median, s->ci_lo, s->ci_hi, 30);
	if (isfinite(s->speedup))	/* not with --baseline none */
		snprintf(speedup, sizeof(speedup), "%.2fx [%.2f, %.2f]", s->speedup,
			 s->speedup_lo, s->speedup_hi);
	else
		snprintf(speedup, sizeof(speedup), "-");
	fprintf(out, " %-22s", speedup);
	if (isfinite(s->efficiency))
		fprintf(out, " %5.2f", s->efficiency);
	else
		fprintf(out, " %5s", "-");
	if (isfinite(serial))
		fprintf(out, " %8.3f", serial);
	else
		fprintf(out, " %8s", "-");
	print_interval(out, s->median * per_task, s->ci_lo * per_task, s->ci_hi * per_task,
		       c->workload->bytes_per_unit ? 30 : 0);
	if (c->workload->bytes_per_unit)
		fprintf(out, " %7.2f", (double)c->workload->bytes_per_unit * (double)c->size *
				       (double)c->tasks / s->median / 1e9);
	fputc('\n', out);
}

/* Two-sided Mann-Whitney U p-value of two cells' good wall times. */
static double cells_p(const struct pb_cell *a, const struct pb_cell *b)
{
	double *va = calloc(a->nsamples + 1, sizeof(double));
	double *vb = calloc(b->nsamples + 1, sizeof(double));
	double p = 1.0;

	if (va && vb)
		p = pb_mann_whitney_p(va, pb_cell_good_walls(a, va), vb,
				      pb_cell_good_walls(b, vb));
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

/*
 * Names the best strategy only when its best cell is faster than the best
 * cell of each other strategy, by Mann-Whitney U tests with Holm's
 * correction; otherwise the strategies it cannot be told from.
 */
static void print_verdict(FILE *out, const struct pb_cell **best, size_t k)
{
	const struct pb_cell *top = NULL;
	double p[64], least_p = 1.0;
	size_t m = 0, tied = 0;

	for (size_t i = 0; i < k; i++)
		if (!top || best[i]->summary.median < top->summary.median)
			top = best[i];
	if (k < 2)
		return;
	for (size_t i = 0; i < k; i++)
		if (best[i] != top) {
			p[m++] = cells_p(top, best[i]);
			least_p = fmin(least_p, smallest_p(top->summary.reps, best[i]->summary.reps));
		}
	pb_holm(p, m);
	for (size_t i = 0; i < m; i++)
		tied += p[i] >= ALPHA;
	/* Nothing passed, and nothing could have: say so rather than call it a tie. */
	if (tied == m && least_p * (double)m >= ALPHA) {
		fprintf(out, "  best: not testable; lowest median: %s (%u worker%s), but with %zu "
			"repetitions a cell\n        the smallest p is %.3g, and Holm over %zu "
			"needs below %.3g: use --reps auto or more --reps\n", top->strategy->name,
			top->workers, top->workers == 1 ? "" : "s", top->summary.reps, least_p, m,
			ALPHA / (double)m);
		return;
	}
	if (!tied) {
		fprintf(out, "  best: %s (%u worker%s), faster than every other strategy "
			"(Mann-Whitney U, Holm-adjusted, 5%%)\n", top->strategy->name, top->workers,
			top->workers == 1 ? "" : "s");
		return;
	}
	fprintf(out, "  best: no single strategy; not told apart from the fastest, %s (%u worker%s):",
		top->strategy->name, top->workers, top->workers == 1 ? "" : "s");
	m = 0;
	for (size_t i = 0; i < k; i++)
		if (best[i] != top && p[m++] >= ALPHA)
			fprintf(out, " %s", best[i]->strategy->name);
	fputc('\n', out);
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

/* The py-* speedups are against py-seq: how py-seq stands to seq, the same work in C. */
static void print_python_base(FILE *out, const struct pb_cell *first, const struct pb_cell *end)
{
	for (const struct pb_cell *c = first; c < end; c++)
		if (c->strategy->python && c->base == c && c->speedup_base) {
			if (c->summary.reps && first->summary.reps)
				fprintf(out, "  py-*: speedup against py-seq, which takes %.1fx the time "
					"of seq for the same checksum\n",
					c->summary.median / first->summary.median);
			return;
		}
}

static void print_group(FILE *out, const struct pb_cell *first, const struct pb_cell *end)
{
	bool pins = several_pins(first, end);
	const struct pb_cell *bests[64];
	size_t k = 0;

	print_header(out, first, pins);
	for (const struct pb_cell *c = first; c < end; c++) {
		const struct pb_cell *best, *failed, *earlier;

		/* One line per strategy, at the first of its cells. */
		for (earlier = first; earlier < c && earlier->strategy != c->strategy; earlier++)
			;
		if (earlier != c)
			continue;
		best = best_cell(first, end, c->strategy, &failed);
		if (best) {
			print_row(out, best, pins, amdahl_of(first, end, best));
			if (k < 64)
				bests[k++] = best;
		}
		if (failed)
			fprintf(out, "  %-20s %7u failed: %s\n", c->strategy->name, failed->workers,
				first_error(failed));
	}
	print_verdict(out, bests, k);
	if (pins)
		print_pinning(out, first, end);
	print_python_base(out, first, end);
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

void pb_table_print(FILE *out, const struct pb_plan *plan)
{
	const struct pb_cell *end = plan->cells + plan->ncells;

	for (const struct pb_cell *first = plan->cells; first < end;) {
		const struct pb_cell *next = first + 1;

		while (next < end && next->baseline == first->baseline)
			next++;
		print_group(out, first, next);
		/* After the last size of a workload that has several. */
		if ((next == end || next->workload != first->workload) && first->speedup_base &&
		    smallest_size(plan, first->workload) != largest_size(plan, first->workload))
			print_crossovers(out, plan, first);
		first = next;
	}
}
