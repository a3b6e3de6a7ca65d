/*
 * io.sleep: each task waits `size` microseconds, the articles' time.sleep()
 * standing for any wait on the outside world: one timer step, which
 * blocking strategies sleep through (pb_run_steps) and event loops set.
 * The checksum is derived from the task number, so a task skipped or done
 * twice is caught.
 */
#include "workload.h"

struct sleep_task {
	uint64_t task;
};

static uint64_t sleep_checksum(const struct pb_job *job, uint64_t task)
{
	return pb_mix64(task ^ (job->size << 32));
}

static struct pb_step sleep_start(const struct pb_job *job, uint64_t task, void *state)
{
	struct sleep_task *t = state;

	t->task = task;
	return (struct pb_step){ .wait = PB_WAIT_TIMER, .ns = (int64_t)job->size * 1000 };
}

static struct pb_step sleep_resume(const struct pb_job *job, void *state)
{
	const struct sleep_task *t = state;

	return pb_step_done(sleep_checksum(job, t->task));
}

const struct pb_workload pb_workload_io_sleep = {
	.name = "io.sleep",
	.kind = PB_KIND_IO,
	.summary = "each task waits: a sleep, or a timer in an event loop",
	.default_tasks = 256,
	.default_size = 1000,
	.size_unit = "microseconds",
	.run_task = pb_run_steps,
	.task_state_size = sizeof(struct sleep_task),
	.start_task = sleep_start,
	.resume_task = sleep_resume,
	.python = true,
};
