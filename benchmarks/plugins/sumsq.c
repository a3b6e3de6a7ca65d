/*
 * example.sumsq: a CPU kernel as a parbench plugin, the smallest there is.
 *
 * It computes exactly what the built-in cpu.sumsq does (benchmarks/cpu_sumsq.c),
 * so the same --tasks and --size give the same checksum, and the two side by
 * side show what calling a plugin costs (run `-w cpu.sumsq` the same way):
 *
 *	make plugin-examples
 *	./parbench run -w plugin:.build/plugins/sumsq.so -s all -n 1,2
 *
 * Built on its own, with nothing of parbench but the header:
 *
 *	cc -O2 -shared -fPIC -Wall -Wextra -I benchmarks benchmarks/plugins/sumsq.c -o sumsq.so
 *
 * A copy of this file is a good start for a CPU kernel of your own: replace
 * sumsq_task's loop with your work, and the names in the descriptor.
 */
#include <stdint.h>

#include "parbench_workload.h"

/*
 * One task: task t sums i*i over its own range [t*size, (t+1)*size), in
 * wrapping 64-bit arithmetic.  It depends on (task, size) only, never on
 * the thread or process that runs it, so every strategy's checksum equals
 * seq's.  It is called from many threads and processes at once: it touches
 * nothing but its arguments and its locals.  aligned(64), as the built-in's:
 * a tight loop across a 64-byte boundary can run at half the speed, and the
 * comparison with cpu.sumsq would measure where the linker put it.
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
		 * compute the sum in closed form nor vectorise it, and it costs
		 * no instruction.  Without it the loop would not be the work it
		 * claims to be.
		 */
		__asm__ volatile("" : "+r"(acc));
	}
	/* The sum itself is the checksum: parbench folds the tasks' ones together. */
	return acc;
}

/*
 * The one symbol parbench looks for, last in the file.  Fields left out are
 * zero: no setup or teardown (nothing to prepare), no non-blocking form (the
 * event loops run the task inline, and the table says so), no options.  A
 * kernel with a parameter of its own would declare it here as
 *
 *	.options = my_options, .options_size = sizeof(struct my_options),
 *
 * as benchmarks/plugins/http_get.c does for its --port.
 */
PARBENCH_WORKLOAD = {
	.abi = PARBENCH_WORKLOAD_ABI,
	.name = "example.sumsq",
	.kind = PB_KIND_CPU,
	.summary = "sum of i*i over each task's own range of i, as cpu.sumsq (an example plugin)",
	.default_tasks = 16,
	.default_size = 1 << 23,
	.size_unit = "iterations",
	.run_task = sumsq_task,
};
