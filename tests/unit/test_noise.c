/* harness/stats/noise.c: the noisy cells and the A/A control, on synthetic cells. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/noise.h"
#include "strategies/strategy.h"

static const struct pb_workload workload = {
	.name = "test.work", .kind = PB_KIND_CPU, .default_tasks = 1, .default_size = 1,
};
static const struct pb_pin pin = { .spec = "none" };
static struct pb_plan plan;
static struct pb_noise noise;

static void fill(struct pb_cell *c, const char *strategy, const double *walls, size_t n)
{
	*c = (struct pb_cell){ .workload = &workload, .strategy = pb_strategy_find(strategy),
			       .workers = 1, .pin = &pin, .tasks = 1, .size = 1,
			       .baseline = plan.cells, .base = plan.cells, .speedup_base = true };
	for (size_t i = 0; i < n; i++) {
		struct pb_sample s = { .wall_s = walls[i], .checksum = 1, .cpus = strdup("0"),
				       .startup_s = NAN, .work_s = NAN };

		pb_cell_add(c, &s);
	}
}

/* seq, a noisy pthreads cell, and the control: seq again, `offset` times as long. */
static void make_plan(double offset)
{
	const double seq[] = { 1.00, 1.02, 0.99, 1.01, 1.03, 0.98 };
	const double noisy[] = { 0.5, 0.8, 0.6, 0.9, 0.55, 0.7 };
	double control[6];

	for (int i = 0; i < 6; i++)
		control[i] = seq[(i + 3) % 6] * offset;
	plan = (struct pb_plan){ .cells = calloc(2, sizeof(struct pb_cell)), .ncells = 2,
				 .control = calloc(1, sizeof(struct pb_cell)) };
	fill(&plan.cells[0], "seq", seq, 6);
	fill(&plan.cells[1], "pthreads", noisy, 6);
	fill(plan.control, "seq", control, 6);
	plan.control->control = true;
	pb_plan_summarize(&plan);
	cr_assert_eq(pb_noise_measure(&plan, 6, &noise), 0);
}

static void teardown(void)
{
	pb_noise_free(&noise);
	pb_plan_free(&plan);
}

TestSuite(noise, .fini = teardown);

Test(noise, counts_the_noisy_cells_noisiest_first)
{
	make_plan(1.0);
	cr_assert_eq(noise.ncells, 2);
	cr_assert_eq(noise.nnoisy, 1);
	cr_assert_str_eq(noise.noisy[0].cell->strategy->name, "pthreads");
	cr_assert_gt(noise.noisy[0].cv, PB_NOISY_CV);
}

Test(noise, identical_cells_call_at_the_tests_own_rate)
{
	make_plan(1.0);
	cr_assert_float_eq(noise.ratio, 1.0, 1e-12, "the same six times, in another order");
	cr_assert_eq(noise.sd_between, 0.0);
	cr_assert_float_eq(noise.false_calls, 0.05, 1e-4);
}

Test(noise, an_offset_between_cells_raises_the_false_call_rate)
{
	/* 5% apart where repetitions spread by 2%: one offset of 5% says cells differ by ~3.5%. */
	make_plan(1.05);
	cr_assert_float_eq(noise.ratio, 1.05, 1e-9);
	cr_assert_lt(noise.p, 0.05);
	cr_assert_gt(noise.sd_between, 0.02);
	cr_assert_gt(noise.false_calls, 0.5, "%g", noise.false_calls);
}
