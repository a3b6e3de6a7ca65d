/*
 * How noisy the run's machine was, said once at the end: the cells whose
 * repetitions varied by more than 5%, and the A/A control, the same seq
 * cell run twice as two cells and compared, from which the chance that two
 * identical cells are called different follows.
 *
 * Within a cell, repetitions vary (sd of their log times, pooled over the
 * control's two cells).  Between two cells of the same work, the machine may add
 * an offset of its own (sd between): the order of visits, drift, what ran
 * beside.  Interleaved rounds make it small; the control measures it.  A
 * test that assumes no offset then calls two identical cells of n
 * repetitions different at two-sided 5% with probability
 * 2 (1 - Phi(1.96 / sqrt(1 + n sd_between^2 / sd_within^2))).
 */
#ifndef PARBENCH_NOISE_H
#define PARBENCH_NOISE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "supervisor/plan.h"

#define PB_NOISY_CV 0.05		/* a cell whose cv is above it is noisy */
#define PB_CONTROL_MIN_WALL_S 0.01	/* a seq shorter measures the timer more than the machine */

struct pb_noisy_cell {
	const struct pb_cell *cell;
	double cv;
};

struct pb_noise {
	struct pb_noisy_cell *noisy;	/* cv above PB_NOISY_CV, noisiest first */
	size_t nnoisy, ncells;		/* of the cells with two or more good repetitions */
	const struct pb_cell *control;	/* NULL when the run had none */
	size_t control_reps[2];		/* the good repetitions of the control and its seq */
	/* With PB_CONTROL_MIN_REPS of them a side, else NAN: */
	double ratio, lo, hi, p;	/* the control's time over its seq's, 95% interval */
	double sd_within, sd_between;	/* of log times, of the control and its seq */
	double false_calls;		/* the chance, at --reps, of a false call */
	unsigned reps;
};

/* Measures the noise of a summarized plan: 0, or -1 out of memory. */
int pb_noise_measure(const struct pb_plan *plan, unsigned reps, struct pb_noise *noise);
void pb_noise_free(struct pb_noise *noise);

/* The line at the end of a run, and with verbose every noisy cell under it. */
void pb_noise_print(FILE *out, const struct pb_noise *noise, bool verbose);

/* meta.json's "noise". */
json_t *pb_noise_json(const struct pb_noise *noise);

#endif
