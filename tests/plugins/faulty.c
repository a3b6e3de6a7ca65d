/*
 * A plugin that fails inside the cell, one way per build (NAME is its
 * workload name, so that several builds can run side by side):
 *
 *   -DCRASH_IN_SETUP   setup() dies of SIGSEGV
 *   -DHANG_IN_SETUP    setup() never returns
 *   -DFAIL_TASK=T      task T fails with pb_task_fail(EIO)
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "parbench_workload.h"

static int faulty_setup(struct pb_job *job)
{
	(void)job;
#ifdef CRASH_IN_SETUP
	/* The default action, even where a sanitizer would catch the signal. */
	signal(SIGSEGV, SIG_DFL);
	raise(SIGSEGV);
#endif
#ifdef HANG_IN_SETUP
	for (;;)
		pause();
#endif
	return 0;
}

static void faulty_teardown(struct pb_job *job)
{
	(void)job;
}

static uint64_t faulty_task(const struct pb_job *job, uint64_t task)
{
	(void)job;
#ifdef FAIL_TASK
	if (task == FAIL_TASK)
		return pb_task_fail(EIO);
#endif
	return pb_mix64(task);
}

PARBENCH_WORKLOAD = {
	.abi = PARBENCH_WORKLOAD_ABI,
	.name = NAME,
	.kind = PB_KIND_CPU,
	.summary = "a plugin that fails in its cell",
	.default_tasks = 4,
	.default_size = 1,
	.size_unit = "units",
	.setup = faulty_setup,
	.teardown = faulty_teardown,
	.run_task = faulty_task,
};
