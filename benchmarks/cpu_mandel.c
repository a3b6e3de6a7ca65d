/*
 * cpu.mandel: one row of a Mandelbrot image per task.  The image is the
 * upper half of the set, so rows near the real axis cost up to MAX_ITER
 * iterations per pixel and rows at the top almost none: tasks of very
 * unequal cost, where the scheduling policy matters.
 */
#include "workload.h"

#define MAX_ITER 1000

static const double x_min = -2.0, x_max = 0.5;
static const double y_min = 0.0, y_max = 1.25;

static unsigned escape_time(double cr, double ci)
{
	double zr = 0.0, zi = 0.0;
	unsigned n = 0;

	while (n < MAX_ITER && zr * zr + zi * zi <= 4.0) {
		double next_zr = zr * zr - zi * zi + cr;

		zi = 2.0 * zr * zi + ci;
		zr = next_zr;
		n++;
	}
	return n;
}

static uint64_t mandel_task(const struct pb_job *job, uint64_t row)
{
	double ci = y_min + (y_max - y_min) * (double)row / (double)job->tasks;
	uint64_t sum = 0;

	for (uint64_t col = 0; col < job->size; col++) {
		double cr = x_min + (x_max - x_min) * (double)col / (double)job->size;

		sum = sum * 1000003 + escape_time(cr, ci);
	}
	return sum;
}

const struct pb_workload pb_workload_cpu_mandel = {
	.name = "cpu.mandel",
	.kind = PB_KIND_CPU,
	.summary = "one row of a Mandelbrot image per task: tasks of very unequal cost",
	.default_tasks = 256,
	.default_size = 384,
	.size_unit = "pixels per row",
	.run_task = mandel_task,
};
