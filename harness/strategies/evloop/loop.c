#include <stdlib.h>
#include <string.h>

#include "strategies/evloop/loop.h"

const struct pb_option pb_evloop_options[] = {
	{ .name = "loops", .type = PB_OPTION_UINT, .metavar = "N", .def = "1", .min = 1, .max = 256,
	  .offset = offsetof(struct pb_evloop_options, loops),
	  .help = "event-loop threads, sharing the tasks in flight" },
	{ 0 },
};

unsigned pb_loop_threads(const struct pb_run *run)
{
	const struct pb_evloop_options *o = run->options;
	unsigned loops = o->loops;

	return loops < run->workers ? loops : run->workers;
}

unsigned pb_loop_share(const struct pb_run *run, unsigned loop)
{
	unsigned loops = pb_loop_threads(run);

	return run->workers / loops + (loop < run->workers % loops);
}

struct loop_thread {
	struct pb_run *run;
	unsigned index;
	enum pb_loop_role role;
	int (*main)(struct pb_run *, unsigned, void *);
	void *arg;
	int rc;
	pthread_t thread;
};

static void *loop_thread_main(void *data)
{
	struct loop_thread *self = data;

	if (self->role == PB_LOOPS_HAND_OFF) {
		pb_helper_begin(self->run);
		self->rc = self->main(self->run, self->index, self->arg);
		return NULL;
	}
	pb_worker_begin(self->run, self->index);
	self->rc = self->main(self->run, self->index, self->arg);
	pb_worker_end(self->run, self->index);
	return NULL;
}

int pb_loops_run(struct pb_run *run, enum pb_loop_role role,
		 int (*loop_main)(struct pb_run *, unsigned, void *), void *arg)
{
	unsigned loops = pb_loop_threads(run), started;
	struct loop_thread *threads = calloc(loops, sizeof(*threads));
	int rc = 0;

	if (!threads)
		return pb_fail(run, "out of memory for %u loops", loops);
	for (unsigned i = 0; i < loops; i++)
		threads[i] = (struct loop_thread){ run, i, role, loop_main, arg, 0, 0 };
	for (started = 1; started < loops; started++) {
		int err = pb_thread_start(&threads[started].thread, loop_thread_main,
					  &threads[started]);

		if (err) {
			rc = pb_fail(run, "pthread_create of loop %u of %u: %s", started + 1,
				     loops, strerror(err));
			break;
		}
	}
	loop_thread_main(&threads[0]);
	for (unsigned i = 1; i < started; i++)
		pthread_join(threads[i].thread, NULL);
	for (unsigned i = 0; i < started; i++)
		if (threads[i].rc)
			rc = -1;
	free(threads);
	return rc;
}

struct pb_step pb_loop_cannot_wait(struct pb_run *run, uint64_t task, const char *who, int err)
{
	pb_fail(run, "task %llu: %s cannot wait for it: %s", (unsigned long long)task, who,
		strerror(err));
	return pb_step_failed(err);
}

bool pb_loop_take_task(struct pb_run *run, uint64_t *task, void *state)
{
	const struct pb_job *job = run->job;
	uint64_t next = pb_next_task(run);

	if (next >= job->tasks)
		return false;
	*task = next;
	memset(state, 0, job->workload->task_state_size);
	pb_task_begin(run, next);
	return true;
}
