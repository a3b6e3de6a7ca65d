/*
 * harness/supervisor/budget.c: a cell not yet run costs its baseline's
 * time, scaled to its tasks and shared by the workers it can keep busy.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strategies/strategy.h"
#include "supervisor/budget.h"

static const struct pb_workload workload = {
	.name = "test.work", .kind = PB_KIND_CPU, .default_tasks = 1, .default_size = 1,
};
static const struct pb_pin pin = { .spec = "none" };
static const struct pb_budget budget = { .total_s = 60, .pus = 2 };

/* The baseline, once visited: 1 s spent on one repetition of 0.1 s (0.9 s of overhead). */
static void visit_baseline(struct pb_cell *seq)
{
	struct pb_sample s = { .wall_s = 0.1, .checksum = 7, .cpus = strdup("0"),
			       .startup_s = NAN, .work_s = NAN };

	*seq = (struct pb_cell){ .workload = &workload, .strategy = pb_strategy_find("seq"),
				 .workers = 1, .pin = &pin, .tasks = 4, .size = 1, .visits = 1,
				 .spent_s = 1.0 };
	seq->baseline = seq->base = seq;
	pb_cell_add(seq, &s);
}

/* A visit of one repetition of a cell not yet run, with 2 workers and these tasks. */
static double visit_of_two_workers(struct pb_cell *seq, uint64_t tasks)
{
	struct pb_cell cell = { .workload = &workload, .strategy = pb_strategy_find("pthreads"),
				.workers = 2, .pin = &pin, .tasks = tasks, .size = 1,
				.baseline = seq, .base = seq };

	return pb_budget_visit_s(&budget, &cell, 1);
}

Test(budget, a_cell_not_run_costs_its_baselines_time_for_its_tasks)
{
	struct pb_cell seq;

	visit_baseline(&seq);
	/* Strong scaling: seq's tasks on 2 PUs take half its time. */
	cr_assert_float_eq(visit_of_two_workers(&seq, 4), 0.9 + 0.05, 1e-9);
	/* Weak scaling: twice seq's tasks on 2 PUs take its whole time. */
	cr_assert_float_eq(visit_of_two_workers(&seq, 8), 0.9 + 0.1, 1e-9);
	pb_sample_free(&seq.samples[0]);
	free(seq.samples);
}
