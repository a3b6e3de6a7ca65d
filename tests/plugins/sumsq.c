/*
 * test.sumsq: cpu.sumsq as a plugin (benchmarks/cpu_sumsq.c), with one option
 * of its own: --scale N multiplies every square by N.  At the default,
 * N = 1, its checksum is cpu.sumsq's; at another, the tests compute it.
 */
#include <stddef.h>

#include "parbench_workload.h"

struct sumsq_options {
	unsigned scale;
};

static uint64_t sumsq_task(const struct pb_job *job, uint64_t task)
{
	const struct sumsq_options *o = job->options;
	uint64_t first = task * job->size, end = first + job->size, acc = 0;

	for (uint64_t i = first; i != end; i++) {
		acc += o->scale * i * i;
		__asm__ volatile("" : "+r"(acc));	/* as cpu.sumsq: no closed form */
	}
	return acc;
}

static const struct parbench_option sumsq_options[] = {
	{ .name = "scale", .type = PARBENCH_OPTION_UINT, .metavar = "N", .def = "1",
	  .offset = offsetof(struct sumsq_options, scale), .min = 1, .max = 1000,
	  .help = "multiply every square by N" },
	{ 0 },
};

PARBENCH_WORKLOAD = {
	.abi = PARBENCH_WORKLOAD_ABI,
	.name = "test.sumsq",
	.kind = PB_KIND_CPU,
	.summary = "cpu.sumsq as a plugin, each square times --scale",
	.default_tasks = 16,
	.default_size = 100000,
	.size_unit = "iterations",
	.run_task = sumsq_task,
	.options = sumsq_options,
	.options_size = sizeof(struct sumsq_options),
};
