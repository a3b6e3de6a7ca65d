/*
 * openmp-static, openmp-dynamic, openmp-guided: one `parallel for` over the
 * tasks with that schedule.  Each thread binds itself by its thread number.
 *
 * libgomp keeps its thread team between parallel regions, as in any OpenMP
 * program: the warm-up repetition pays for creating the threads, and the
 * measured ones reuse them.
 */
#include <omp.h>
#include <stddef.h>

#include "strategies/strategy.h"

/* openmp-dynamic's option: how many tasks a thread takes at a time. */
struct openmp_dynamic_options {
	unsigned chunk;
};

static const struct pb_option openmp_dynamic_options[] = {
	{ .name = "chunk", .type = PB_OPTION_UINT, .metavar = "N", .def = "1", .min = 1,
	  .max = 1000000, .offset = offsetof(struct openmp_dynamic_options, chunk),
	  .help = "tasks a thread takes at a time: schedule(dynamic,N)" },
	{ 0 },
};

static int openmp_run(struct pb_run *run, omp_sched_t schedule, int chunk)
{
	long long tasks = (long long)run->job->tasks;
	int team = 0;

	omp_set_dynamic(0);
	omp_set_schedule(schedule, chunk);
#pragma omp parallel num_threads(run->workers)
	{
		unsigned worker = (unsigned)omp_get_thread_num();

#pragma omp single nowait
		team = omp_get_num_threads();
		pb_worker_begin(run, worker);
#pragma omp for schedule(runtime) nowait
		for (long long task = 0; task < tasks; task++)
			pb_do_task(run, (uint64_t)task);
		pb_worker_end(run, worker);
	}
	if (team != (int)run->workers)
		return pb_fail(run, "OpenMP started %d threads, not %u (OMP_THREAD_LIMIT?)",
			       team, run->workers);
	return 0;
}

/* Chunk 0 asks for the schedule's default: equal blocks for static. */
static int openmp_static_run(struct pb_run *run)
{
	return openmp_run(run, omp_sched_static, 0);
}

static int openmp_dynamic_run(struct pb_run *run)
{
	const struct openmp_dynamic_options *o = run->options;

	return openmp_run(run, omp_sched_dynamic, (int)o->chunk);
}

static int openmp_guided_run(struct pb_run *run)
{
	return openmp_run(run, omp_sched_guided, 1);
}

const struct pb_strategy pb_strategy_openmp_static = {
	.name = "openmp-static",
	.mechanism = "bare-omp",
	.summary = "OpenMP parallel for, schedule(static): equal blocks of tasks",
	.run = openmp_static_run,
};

const struct pb_strategy pb_strategy_openmp_dynamic = {
	.name = "openmp-dynamic",
	.summary = "OpenMP parallel for, schedule(dynamic,N): N tasks at a time (--chunk, 1)",
	.run = openmp_dynamic_run,
	.options = openmp_dynamic_options,
	.options_size = sizeof(struct openmp_dynamic_options),
};

const struct pb_strategy pb_strategy_openmp_guided = {
	.name = "openmp-guided",
	.summary = "OpenMP parallel for, schedule(guided): shrinking chunks",
	.run = openmp_guided_run,
};
