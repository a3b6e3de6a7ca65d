/*
 * cpu.sumsq: the articles' CPU-bound example, result += i * i for i in range(n).
 * Task t sums i*i over its own range [t*size, (t+1)*size) in wrapping
 * 64-bit arithmetic.
 */
#include "workload.h"

/*
 * aligned(64): the loop's 20 bytes then lie in one 64-byte block wherever the
 * linker puts the function.  Across a boundary, an AMD EPYC guest ran it at
 * half the speed (82.9 against 41.6 ms of user time for the same checksum),
 * which would read as a strategy's or a plugin's cost.
 */
__attribute__((aligned(64)))
static uint64_t sumsq_task(const struct pb_job *job, uint64_t task)
{
	uint64_t first = task * job->size;
	uint64_t end = first + job->size;
	uint64_t acc = 0;

	for (uint64_t i = first; i != end; i++) {
		acc += i * i;
		/*
		 * An empty asm that may "change" acc: the compiler can neither
		 * compute the sum in closed form (clang does) nor vectorise it,
		 * and it costs no instruction.
		 */
		__asm__ volatile("" : "+r"(acc));
	}
	return acc;
}

const struct pb_workload pb_workload_cpu_sumsq = {
	.name = "cpu.sumsq",
	.kind = PB_KIND_CPU,
	.summary = "sum of i*i over each task's own range of i (the articles' CPU example)",
	.default_tasks = 16,
	.default_size = 1 << 23,
	.size_unit = "iterations",
	.run_task = sumsq_task,
	.python = true,
};
