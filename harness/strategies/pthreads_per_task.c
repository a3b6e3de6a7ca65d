/*
 * pthreads-per-task: a new thread for every task (Python's threading.Thread
 * per task), at most N alive at once.  A finished thread hands its slot back
 * through a small stack; the main thread joins it and starts the next
 * task's thread in that slot, so slot i is worker i for pinning.
 */
#include <stdlib.h>
#include <string.h>

#include "strategies/strategy.h"

struct slot {
	struct per_task *owner;
	unsigned index;
	uint64_t task;
	pthread_t thread;
};

struct per_task {
	struct pb_run *run;
	struct slot *slots;
	pthread_mutex_t lock;
	pthread_cond_t slot_freed;
	unsigned *freed;		/* slots whose thread is done, not yet joined */
	unsigned nfreed;
};

static void *task_thread_main(void *arg)
{
	struct slot *slot = arg;
	struct per_task *pt = slot->owner;

	pb_work_one_task(pt->run, slot->index, slot->task);
	pthread_mutex_lock(&pt->lock);
	pt->freed[pt->nfreed++] = slot->index;
	pthread_cond_signal(&pt->slot_freed);
	pthread_mutex_unlock(&pt->lock);
	return NULL;
}

/* Waits for a thread to finish, joins it, and returns its slot. */
static unsigned join_finished(struct per_task *pt)
{
	unsigned index;

	pthread_mutex_lock(&pt->lock);
	while (pt->nfreed == 0)
		pthread_cond_wait(&pt->slot_freed, &pt->lock);
	index = pt->freed[--pt->nfreed];
	pthread_mutex_unlock(&pt->lock);
	pthread_join(pt->slots[index].thread, NULL);
	return index;
}

static int run_tasks(struct per_task *pt)
{
	struct pb_run *run = pt->run;
	unsigned used = 0, running = 0;
	int rc = 0;

	for (uint64_t task = 0; task < run->job->tasks; task++) {
		unsigned index;
		int err;

		if (used < run->workers) {
			index = used++;
		} else {
			index = join_finished(pt);
			running--;
		}
		pt->slots[index] = (struct slot){ .owner = pt, .index = index, .task = task };
		err = pb_worker_thread_start(run, index, &pt->slots[index].thread, task_thread_main,
					     &pt->slots[index]);
		if (err) {
			rc = pb_fail(run, "pthread_create for task %llu with %u threads alive: %s",
				     (unsigned long long)task, running, strerror(err));
			break;
		}
		running++;
	}
	while (running--)
		join_finished(pt);
	return rc;
}

static int pthreads_per_task_run(struct pb_run *run)
{
	struct per_task pt = {
		.run = run,
		.slots = calloc(run->workers, sizeof(*pt.slots)),
		.freed = calloc(run->workers, sizeof(*pt.freed)),
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.slot_freed = PTHREAD_COND_INITIALIZER,
	};
	int rc;

	if (!pt.slots || !pt.freed)
		rc = pb_fail(run, "out of memory for %u workers", run->workers);
	else
		rc = run_tasks(&pt);
	free(pt.slots);
	free(pt.freed);
	return rc;
}

const struct pb_strategy pb_strategy_pthreads_per_task = {
	.name = "pthreads-per-task",
	.mechanism = "bare-thread",
	.summary = "a new thread for every task, at most N alive at once",
	.run = pthreads_per_task_run,
};
