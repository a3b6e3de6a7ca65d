/*
 * cpu.nop: tasks that do nothing, so a run's time is what the strategy
 * costs per task.  The checksum is the task number, so a skipped or
 * doubled task is still caught.
 */
#include "workload.h"

static uint64_t nop_task(const struct pb_job *job, uint64_t task)
{
	(void)job;
	return task;
}

const struct pb_workload pb_workload_cpu_nop = {
	.name = "cpu.nop",
	.kind = PB_KIND_CPU,
	.summary = "empty tasks: what each strategy costs per task",
	.default_tasks = 1000,
	.default_size = 1,
	.size_unit = "unused",
	.overhead = true,
	.run_task = nop_task,
	.python = true,
};
