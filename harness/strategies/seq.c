/* seq: the calling thread does every task in order; the baseline of every speedup. */
#include "strategies/strategy.h"

static int seq_run(struct pb_run *run)
{
	pb_worker_begin(run, 0);
	for (uint64_t task = 0; task < run->job->tasks; task++)
		pb_do_task(run, task);
	pb_worker_end(run, 0);
	return 0;
}

const struct pb_strategy pb_strategy_seq = {
	.name = "seq",
	.summary = "one thread, tasks in order: the baseline of every speedup",
	.run = seq_run,
	.baseline = true,
};
