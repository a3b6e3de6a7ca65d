#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "table.h"

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

static void print_header(FILE *out, const struct pb_cell *seq)
{
	const struct pb_workload *w = seq->workload;

	fprintf(out, "\n%s: %" PRIu64 " tasks x %" PRIu64 " %s\n", w->name, seq->tasks, seq->size,
		w->size_unit);
	fprintf(out, "  %-18s %7s %10s %23s %8s %6s %10s%s\n", "strategy", "workers", "median s",
		"95% CI of median", "speedup", "eff.", "us/task", w->bytes_per_unit ? "    GB/s" : "");
}

static void print_row(FILE *out, const struct pb_cell *c)
{
	const struct pb_summary *s = &c->summary;

	fprintf(out, "  %-18s %7u %10.4f   [%9.4f, %9.4f]", c->strategy->name, c->workers,
		s->median, s->ci_lo, s->ci_hi);
	if (isfinite(s->speedup))
		fprintf(out, " %7.2fx %6.2f", s->speedup, s->efficiency);
	else		/* --baseline none */
		fprintf(out, " %8s %6s", "-", "-");
	fprintf(out, " %10.3f", s->median / (double)c->tasks * 1e6);
	if (c->workload->bytes_per_unit)
		fprintf(out, " %7.2f", (double)c->workload->bytes_per_unit * (double)c->size *
				       (double)c->tasks / s->median / 1e9);
	fputc('\n', out);
}

static void print_group(FILE *out, const struct pb_cell *first, const struct pb_cell *end)
{
	print_header(out, first);
	for (const struct pb_cell *c = first; c < end; c++) {
		const struct pb_cell *best, *failed, *earlier;

		/* One line per strategy, at the first of its cells. */
		for (earlier = first; earlier < c && earlier->strategy != c->strategy; earlier++)
			;
		if (earlier != c)
			continue;
		best = best_cell(first, end, c->strategy, &failed);
		if (best)
			print_row(out, best);
		if (failed)
			fprintf(out, "  %-18s %7u failed: %s\n", c->strategy->name, failed->workers,
				first_error(failed));
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
		first = next;
	}
}
