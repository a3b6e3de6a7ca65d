#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "report/export.h"
#include "stats/noise.h"
#include "stats/stats.h"

static int noisiest_first(const void *a, const void *b)
{
	double x = ((const struct pb_noisy_cell *)a)->cv, y = ((const struct pb_noisy_cell *)b)->cv;

	return (x < y) - (x > y);
}

/* The good wall times' logs: how many; or 0. */
static size_t log_walls(const struct pb_cell *cell, double **out)
{
	size_t n;
	double *v = pb_cell_walls(cell, &n);

	for (size_t i = 0; i < n; i++)
		v[i] = log(v[i]);
	*out = v;
	return n;
}

/* The variance of two samples about their own means, pooled: sum of squares over df. */
static double pooled_variance(const double *a, size_t na, const double *b, size_t nb)
{
	double ma = pb_mean(a, na), mb = pb_mean(b, nb), squares = 0.0;

	for (size_t i = 0; i < na; i++)
		squares += (a[i] - ma) * (a[i] - ma);
	for (size_t i = 0; i < nb; i++)
		squares += (b[i] - mb) * (b[i] - mb);
	return squares / (double)(na + nb - 2);
}

/*
 * The control against its seq: the ratio and the test, and the offset
 * between the two cells beyond what their repetitions' spread explains:
 * E[d^2] = 2 sd_between^2 + sd_within^2 (1/na + 1/nb) for the difference d
 * of their mean log times, so one pair estimates sd_between, roughly.
 */
static void measure_control(const struct pb_cell *control, struct pb_noise *noise)
{
	double *a, *b;
	size_t na = log_walls(control, &a), nb = log_walls(control->baseline, &b);
	double d, within, between;

	noise->control = control;
	noise->control_reps[0] = na;
	noise->control_reps[1] = nb;
	if (na >= PB_CONTROL_MIN_REPS && nb >= PB_CONTROL_MIN_REPS) {
		pb_hodges_lehmann(a, na, b, nb, 0.95, &noise->ratio, &noise->lo, &noise->hi);
		noise->ratio = exp(noise->ratio);
		noise->lo = exp(noise->lo);
		noise->hi = exp(noise->hi);
		noise->p = pb_mann_whitney_p(a, na, b, nb);
		within = pooled_variance(a, na, b, nb);
		d = pb_mean(a, na) - pb_mean(b, nb);
		between = fmax(0.0, (d * d - within * (1.0 / (double)na + 1.0 / (double)nb)) / 2.0);
		noise->sd_within = sqrt(within);
		noise->sd_between = sqrt(between);
		noise->false_calls = within > 0.0 ? 2.0 * gsl_cdf_ugaussian_Q(
			1.959964 / sqrt(1.0 + noise->reps * between / within)) : NAN;
	}
	free(a);
	free(b);
}

int pb_noise_measure(const struct pb_plan *plan, unsigned reps, struct pb_noise *noise)
{
	*noise = (struct pb_noise){ .reps = reps, .ratio = NAN, .lo = NAN, .hi = NAN, .p = NAN,
				    .sd_within = NAN, .sd_between = NAN, .false_calls = NAN };
	noise->noisy = calloc(plan->ncells + 1, sizeof(*noise->noisy));
	if (!noise->noisy)
		return -1;
	for (size_t c = 0; c < plan->ncells; c++) {
		const struct pb_cell *cell = &plan->cells[c];

		if (cell->summary.reps < 2)
			continue;
		noise->ncells++;
		if (cell->summary.cv > PB_NOISY_CV)
			noise->noisy[noise->nnoisy++] = (struct pb_noisy_cell){ cell, cell->summary.cv };
	}
	qsort(noise->noisy, noise->nnoisy, sizeof(*noise->noisy), noisiest_first);
	if (plan->control)
		measure_control(plan->control, noise);
	return 0;
}

void pb_noise_free(struct pb_noise *noise)
{
	free(noise->noisy);
	*noise = (struct pb_noise){ 0 };
}

static void print_cell(FILE *out, const struct pb_noisy_cell *n)
{
	fprintf(out, "%s %s x%u %s (%.0f%%)", n->cell->workload->name, n->cell->strategy->name,
		n->cell->workers, n->cell->pin->spec, n->cv * 100);
}

/* "; A/A control: ..." : the control's comparison and the false-call rate it implies. */
static void print_control(FILE *out, const struct pb_noise *noise)
{
	const struct pb_cell *c = noise->control;

	if (!c)
		return;
	if (isnan(noise->ratio)) {
		fprintf(out, "; A/A control (%s's seq run again as a cell): too few repetitions to "
			"compare (%zu and %zu; it needs %d)", c->workload->name,
			noise->control_reps[0], noise->control_reps[1], PB_CONTROL_MIN_REPS);
		return;
	}
	fprintf(out, "; A/A control (%s's seq run again as a cell): %.2fx [%.2f, %.2f] the "
		"first's time, p %.2g, so two identical cells are called different %.0f%% of the "
		"time at %u repetitions (sd %.1f%% between cells, %.1f%% within)", c->workload->name,
		noise->ratio, noise->lo, noise->hi, noise->p, noise->false_calls * 100, noise->reps,
		noise->sd_between * 100, noise->sd_within * 100);
}

void pb_noise_print(FILE *out, const struct pb_noise *noise, bool verbose)
{
	if (!noise->nnoisy && !noise->control)
		return;
	fprintf(out, "parbench: noise: %zu of %zu cells varied by more than %.0f%% between "
		"repetitions (cv)", noise->nnoisy, noise->ncells, PB_NOISY_CV * 100);
	for (size_t i = 0; i < noise->nnoisy && i < 3; i++) {
		fputs(i ? ", " : "; the worst: ", out);
		print_cell(out, &noise->noisy[i]);
	}
	print_control(out, noise);
	if (noise->nnoisy)
		fprintf(out, "; more --reps narrow the intervals, a quieter machine more (%s)",
			verbose ? "every noisy cell below" : "every one: --verbose, meta.json");
	fputc('\n', out);
	for (size_t i = 0; verbose && i < noise->nnoisy; i++) {
		fputs("  ", out);
		print_cell(out, &noise->noisy[i]);
		fputc('\n', out);
	}
}

json_t *pb_noise_json(const struct pb_noise *noise)
{
	json_t *cells = json_array(), *control = json_null();

	for (size_t i = 0; i < noise->nnoisy; i++) {
		const struct pb_cell *c = noise->noisy[i].cell;

		json_array_append_new(cells, json_pack("{s:s, s:s, s:i, s:s, s:I, s:I, s:o}",
						       "workload", c->workload->name,
						       "strategy", c->strategy->name,
						       "workers", c->workers, "pin", c->pin->spec,
						       "tasks", (json_int_t)c->tasks,
						       "size", (json_int_t)c->size,
						       "cv", pb_json_number(noise->noisy[i].cv)));
	}
	if (noise->control)
		control = json_pack("{s:s, s:I, s:I, s:o, s:[o, o], s:o, s:o, s:o, s:o}",
				    "workload", noise->control->workload->name,
				    "tasks", (json_int_t)noise->control->tasks,
				    "size", (json_int_t)noise->control->size,
				    "ratio", pb_json_number(noise->ratio), "ratio_ci95", pb_json_number(noise->lo),
				    pb_json_number(noise->hi), "p", pb_json_number(noise->p),
				    "sd_between", pb_json_number(noise->sd_between),
				    "sd_within", pb_json_number(noise->sd_within),
				    "false_call_rate", pb_json_number(noise->false_calls));
	return json_pack("{s:f, s:I, s:o, s:o}", "cv_threshold", PB_NOISY_CV,
			 "cells", (json_int_t)noise->ncells, "noisy_cells", cells, "control", control);
}
