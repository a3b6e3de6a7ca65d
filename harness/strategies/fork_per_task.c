/*
 * fork-per-task: a new process for every task (Python's
 * multiprocessing.Process per task), at most N alive at once; the checksum
 * comes back through shared memory.  Slot i is worker i for pinning.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strategies/strategy.h"

/* Reaps one finished task process and returns its slot. */
static unsigned reap_one(struct pb_run *run, const pid_t *slots, int *rc)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, 0)) < 0 && errno == EINTR)
		;
	for (unsigned index = 0; index < run->workers; index++)
		if (slots[index] == pid) {
			if (pb_check_worker_exit(run, "task process in slot", index, status))
				*rc = -1;
			return index;
		}
	*rc = pb_fail(run, "waitpid returned an unknown process %d", (int)pid);
	return 0;
}

static int fork_per_task_run(struct pb_run *run)
{
	pid_t *slots = calloc(run->workers, sizeof(*slots));
	unsigned used = 0, running = 0;
	int rc = 0;

	if (!slots)
		return pb_fail(run, "out of memory for %u workers", run->workers);
	for (uint64_t task = 0; task < run->job->tasks; task++) {
		unsigned index;
		pid_t pid;

		if (used < run->workers) {
			index = used++;
		} else {
			index = reap_one(run, slots, &rc);
			running--;
			if (rc)
				break;
		}
		pid = fork();
		if (pid == 0) {
			pb_work_one_task(run, index, task);
			_exit(0);
		}
		if (pid < 0) {
			rc = pb_fail(run, "fork for task %llu with %u processes alive: %s",
				     (unsigned long long)task, running, strerror(errno));
			break;
		}
		slots[index] = pid;
		running++;
	}
	while (running--)
		reap_one(run, slots, &rc);
	free(slots);
	return rc;
}

const struct pb_strategy pb_strategy_fork_per_task = {
	.name = "fork-per-task",
	.mechanism = "bare-fork",
	.summary = "a new process for every task, at most N alive at once",
	.run = fork_per_task_run,
};
