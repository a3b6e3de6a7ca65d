/*
 * test.timer: the non-blocking form alone.  Each task waits --size
 * microseconds on the event loop's timer, then is done with a checksum of
 * its number.  Without run_task, parbench drives the same steps itself for
 * the blocking strategies.
 */
#include "parbench_workload.h"

struct timer_task {
	uint64_t task;
};

static struct pb_step timer_start(const struct pb_job *job, uint64_t task, void *state)
{
	struct timer_task *t = state;

	t->task = task;
	return (struct pb_step){ .wait = PB_WAIT_TIMER, .ns = (int64_t)job->size * 1000 };
}

static struct pb_step timer_resume(const struct pb_job *job, void *state)
{
	struct timer_task *t = state;

	(void)job;
	return pb_step_done(pb_mix64(t->task));
}

PARBENCH_WORKLOAD = {
	.abi = PARBENCH_WORKLOAD_ABI,
	.name = "test.timer",
	.kind = PB_KIND_IO,
	.summary = "a timer wait of --size microseconds a task, in the non-blocking form only",
	.default_tasks = 8,
	.default_size = 1000,
	.size_unit = "microseconds",
	.task_state_size = sizeof(struct timer_task),
	.start_task = timer_start,
	.resume_task = timer_resume,
};
