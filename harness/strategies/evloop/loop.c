/*
 * The event-loop driver (loop.h): the loop threads, taking tasks, keeping
 * each loop's share in flight, its timer heap, and beginning and ending the
 * tasks.  The backends carry out the waits.
 */
#include <errno.h>
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

/* How many tasks loop `loop` keeps in flight. */
static unsigned loop_share(const struct pb_run *run, unsigned loop)
{
	unsigned loops = pb_loop_threads(run);

	return run->workers / loops + (loop < run->workers % loops);
}

struct pb_loop_slot *pb_loop_slot(struct pb_loop *loop, unsigned i)
{
	return (struct pb_loop_slot *)(loop->slots + (size_t)i * loop->ops->slot_size);
}

/* ---- A slot's tasks ---- */

/* The next task nobody has taken, for the slot; false when none is left. */
static bool take_task(struct pb_loop_slot *slot)
{
	struct pb_loop *loop = slot->loop;
	const struct pb_job *job = loop->run->job;
	uint64_t next = pb_next_task(loop->run);

	if (next >= job->tasks)
		return false;
	slot->task = next;
	if (!loop->ops->hand_off) {	/* a handed-off task is begun where it runs */
		memset(slot->state, 0, job->workload->task_state_size);
		pb_task_begin(loop->run, next);
	}
	return true;
}

/* Sets up what the step waits for: 0, or a negative errno value. */
static int set_up_wait(struct pb_loop_slot *slot, const struct pb_step *step)
{
	struct pb_loop *loop = slot->loop;
	const struct pb_loop_ops *ops = loop->ops;

	slot->wait = step->wait;
	switch (step->wait) {
	case PB_WAIT_TIMER:
		if (ops->timer)
			return ops->timer(slot, step->ns);
		return pb_timer_add(&loop->timers, pb_now_ns() + step->ns, slot);
	case PB_WAIT_READABLE:
	case PB_WAIT_WRITABLE:
		return ops->watch(slot, step->fd, step->wait);
	case PB_WAIT_READ:
		return ops->read(slot, step->fd, step->read);
	default:
		return -EINVAL;
	}
}

/* Sets up the step's wait; false when the task is over, and then it has ended. */
static bool waits(struct pb_loop_slot *slot, struct pb_step step)
{
	struct pb_run *run = slot->loop->run;
	int err = 0;

	if (step.wait != PB_WAIT_DONE && step.wait != PB_WAIT_FAILED) {
		if ((err = set_up_wait(slot, &step)) == 0)
			return true;
		pb_fail(run, "task %llu: %s cannot wait for it: %s",
			(unsigned long long)slot->task, slot->loop->ops->who, strerror(-err));
		step = pb_step_failed(-err);
	}
	pb_task_end(run, slot->task, step.checksum,
		    step.wait == PB_WAIT_FAILED ? step.error : 0);
	return false;
}

/* Starts the slot's task; false when it is over already and the slot may take another. */
static bool starts(struct pb_loop_slot *slot)
{
	struct pb_loop *loop = slot->loop;
	const struct pb_job *job = loop->run->job;

	if (!loop->ops->hand_off)
		return waits(slot, job->workload->start_task(job, slot->task, slot->state));
	if (loop->ops->hand_off(slot) < 0)
		loop->busy--;		/* the run has failed: this slot stops */
	return true;
}

/* The slot is free: it takes tasks until one waits, or until none is left. */
static void take_next(struct pb_loop_slot *slot)
{
	while (take_task(slot))
		if (starts(slot))
			return;
	slot->loop->busy--;
}

void pb_loop_resume(struct pb_loop_slot *slot)
{
	const struct pb_job *job = slot->loop->run->job;

	if (!waits(slot, job->workload->resume_task(job, slot->state)))
		take_next(slot);
}

void pb_loop_fail(struct pb_loop_slot *slot, int err)
{
	if (!waits(slot, pb_step_failed(err)))
		take_next(slot);
}

void pb_loop_returned(struct pb_loop_slot *slot)
{
	take_next(slot);
}

/* ---- A loop ---- */

static void fire_timers(struct pb_loop *loop)
{
	int64_t now = pb_now_ns();
	const struct pb_timer *first;

	while ((first = pb_timer_first(&loop->timers)) && first->deadline_ns <= now) {
		struct pb_loop_slot *slot = first->data;

		pb_timer_pop(&loop->timers);
		pb_loop_resume(slot);
	}
}

static int run_until_idle(struct pb_loop *loop)
{
	loop->busy = loop->nslots;
	for (unsigned i = 0; i < loop->nslots; i++)
		take_next(pb_loop_slot(loop, i));
	while (loop->busy) {
		if (loop->ops->wait(loop, pb_timer_wait_ms(&loop->timers, pb_now_ns())) < 0)
			return -1;
		fire_timers(loop);
	}
	return 0;
}

static void free_loop(struct pb_loop *loop, char *slots, char *states)
{
	if (loop)
		pb_timer_heap_free(&loop->timers);
	free(states);
	free(slots);
	free(loop);
}

static int run_one_loop(struct pb_run *run, unsigned index, const struct pb_loop_ops *ops)
{
	size_t state_size = run->job->workload->task_state_size;
	unsigned nslots = loop_share(run, index);
	struct pb_loop *loop = calloc(1, ops->loop_size);
	char *slots = calloc(nslots, ops->slot_size);
	char *states = calloc(nslots, state_size ? state_size : 1);
	int rc;

	if (!loop || !slots || !states) {
		free_loop(loop, slots, states);
		return pb_fail(run, "loop %u: out of memory for %u task slots", index, nslots);
	}
	*loop = (struct pb_loop){ .run = run, .ops = ops, .index = index, .slots = slots,
				  .nslots = nslots };
	for (unsigned i = 0; i < nslots; i++)
		*pb_loop_slot(loop, i) = (struct pb_loop_slot){ .loop = loop,
								.state = states + i * state_size };
	rc = ops->open(loop);
	if (rc == 0) {
		rc = run_until_idle(loop);
		if (ops->close(loop) < 0)
			rc = -1;
	}
	free_loop(loop, slots, states);
	return rc;
}

/* ---- The loop threads ---- */

struct loop_thread {
	struct pb_run *run;
	unsigned index;
	const struct pb_loop_ops *ops;
	int rc;
	pthread_t thread;
};

/*
 * A loop runs between pb_worker_begin() and pb_worker_end(), or, when it
 * hands tasks off, as a helper (pb_helper_begin()), so that only the
 * threads doing the tasks write the worker records.
 */
static void *loop_thread_main(void *data)
{
	struct loop_thread *self = data;
	struct pb_run *run = self->run;

	if (self->ops->hand_off) {
		pb_helper_begin(run);
		self->rc = run_one_loop(run, self->index, self->ops);
		return NULL;
	}
	pb_worker_begin(run, self->index);
	if (!run->job->workload->start_task)
		pb_do_tasks_from_counter(run);	/* no non-blocking form: inline */
	else
		self->rc = run_one_loop(run, self->index, self->ops);
	pb_worker_end(run, self->index);
	return NULL;
}

/* A loop that hands its tasks off is no worker: it runs where the OS puts it. */
static int start_loop_thread(struct pb_run *run, struct loop_thread *t)
{
	if (t->ops->hand_off)
		return pb_thread_start(&t->thread, NULL, loop_thread_main, t);
	return pb_worker_thread_start(run, t->index, &t->thread, loop_thread_main, t);
}

int pb_loop_run(struct pb_run *run, const struct pb_loop_ops *ops)
{
	unsigned loops = pb_loop_threads(run), started;
	struct loop_thread *threads = calloc(loops, sizeof(*threads));
	int rc = 0;

	if (!threads)
		return pb_fail(run, "out of memory for %u loops", loops);
	for (unsigned i = 0; i < loops; i++)
		threads[i] = (struct loop_thread){ .run = run, .index = i, .ops = ops };
	for (started = 1; started < loops; started++) {
		int err = start_loop_thread(run, &threads[started]);

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
