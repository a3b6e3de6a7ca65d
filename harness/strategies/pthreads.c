/*
 * pthreads: a pool of N POSIX threads, created for the run, each taking the
 * next task from a shared atomic counter until none is left.
 */
#include <stdlib.h>
#include <string.h>

#include "strategies/strategy.h"

struct pool_worker {
	struct pb_run *run;
	unsigned index;
	pthread_t thread;
};

static void *pool_worker_main(void *arg)
{
	struct pool_worker *self = arg;

	pb_work_from_counter(self->run, self->index);
	return NULL;
}

static int pthreads_run(struct pb_run *run)
{
	struct pool_worker *pool = calloc(run->workers, sizeof(*pool));
	unsigned started;
	int rc = 0;

	if (!pool)
		return pb_fail(run, "out of memory for %u workers", run->workers);
	for (started = 0; started < run->workers; started++) {
		int err;

		pool[started] = (struct pool_worker){ .run = run, .index = started };
		err = pb_worker_thread_start(run, started, &pool[started].thread, pool_worker_main,
					     &pool[started]);
		if (err) {
			rc = pb_fail(run, "pthread_create of worker %u of %u: %s", started + 1,
				     run->workers, strerror(err));
			break;
		}
	}
	/* The threads already started finish every task even when one failed. */
	for (unsigned w = 0; w < started; w++)
		pthread_join(pool[w].thread, NULL);
	free(pool);
	return rc;
}

const struct pb_strategy pb_strategy_pthreads = {
	.name = "pthreads",
	.mechanism = "bare-pool",
	.summary = "a pool of N threads taking tasks from a shared atomic counter",
	.run = pthreads_run,
};
