/*
 * fork: a pool of N worker processes, forked for the run, taking tasks from
 * an atomic counter in shared memory and leaving their checksums there.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strategies/strategy.h"

static int fork_run(struct pb_run *run)
{
	pid_t *pids = calloc(run->workers, sizeof(*pids));
	unsigned started;
	int rc = 0;

	if (!pids)
		return pb_fail(run, "out of memory for %u workers", run->workers);
	for (started = 0; started < run->workers; started++) {
		pid_t pid = fork();

		if (pid == 0) {
			pb_work_from_counter(run, started);
			_exit(0);
		}
		if (pid < 0) {
			rc = pb_fail(run, "fork of worker %u of %u: %s", started + 1,
				     run->workers, strerror(errno));
			break;
		}
		pids[started] = pid;
	}
	for (unsigned w = 0; w < started; w++) {
		int status;

		if (waitpid(pids[w], &status, 0) == pids[w] &&
		    pb_check_worker_exit(run, "worker process", w, status))
			rc = -1;
	}
	free(pids);
	return rc;
}

const struct pb_strategy pb_strategy_fork = {
	.name = "fork",
	.mechanism = "bare-fork-pool",
	.summary = "a pool of N forked processes taking tasks through shared memory",
	.run = fork_run,
};
