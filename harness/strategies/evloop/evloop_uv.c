/*
 * evloop-uv and evloop-uv+pool: libuv loops, the machinery under Python's
 * uvloop, one per --loops thread.
 *
 * evloop-uv drives each task's non-blocking form: a timer is a uv_timer, an
 * fd wait a uv_poll handle, and a blocking step (a file read) goes to
 * libuv's thread pool with uv_queue_work, as libuv's own fs requests do.
 * Like libuv, its timers count whole milliseconds (a wait is rounded up, so
 * it never ends early).  A workload without a
 * non-blocking form (CPU work) runs inline in the loop thread.
 *
 * evloop-uv+pool hands every task, in its blocking form, to libuv's thread
 * pool sized to the worker count (at most libuv's 1024; more tasks in flight
 * wait in its queue): asyncio's run_in_executor.  Pool thread i is worker i
 * for pinning and the cpus column; the loops are not pinned.  The pool is
 * libuv's, created at the first task of the process and kept, so like an
 * OpenMP team it is created in the warm-up, not in the measured runs.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "strategies/evloop/loop.h"
#include "strategies/strategy.h"

#define UV_MAX_POOL 1024		/* libuv's MAX_THREADPOOL_SIZE */

struct uv_ctx;

struct uv_slot {
	struct uv_ctx *ctx;
	uint64_t task;
	void *state;			/* the workload's, task_state_size bytes */
	uv_timer_t timer;
	uv_work_t work;
	struct pb_step step;		/* a pool thread's result */
};

struct uv_ctx {
	struct pb_run *run;
	uv_loop_t loop;
	struct uv_slot *slots;
	unsigned nslots;
};

static bool take_task(struct uv_slot *slot)
{
	struct pb_run *run = slot->ctx->run;
	uint64_t task = pb_next_task(run);

	if (task >= run->job->tasks)
		return false;
	slot->task = task;
	return true;
}

static void drive(struct uv_slot *slot, struct pb_step step);

static void on_timer(uv_timer_t *timer)
{
	struct uv_slot *slot = timer->data;
	const struct pb_job *job = slot->ctx->run->job;

	drive(slot, job->workload->resume_task(job, slot->state));
}

static void free_handle(uv_handle_t *handle)
{
	free(handle);
}

static void on_poll(uv_poll_t *poll, int status, int events)
{
	struct uv_slot *slot = poll->data;
	const struct pb_job *job = slot->ctx->run->job;

	(void)status;		/* an error shows in the task's next syscall */
	(void)events;
	/* Stopped before the task runs on: it may close the fd. */
	uv_poll_stop(poll);
	uv_close((uv_handle_t *)poll, free_handle);
	drive(slot, job->workload->resume_task(job, slot->state));
}

/* libuv's pool threads are created by a pinned loop thread: unpin them once. */
static void helper_thread_begin(struct pb_run *run)
{
	static _Thread_local bool begun;

	if (!begun) {
		pb_helper_begin(run);
		begun = true;
	}
}

static void blocking_work(uv_work_t *work)
{
	struct uv_slot *slot = work->data;
	const struct pb_job *job = slot->ctx->run->job;

	helper_thread_begin(slot->ctx->run);
	slot->step = job->workload->resume_task(job, slot->state);
}

static void blocking_done(uv_work_t *work, int status)
{
	struct uv_slot *slot = work->data;

	drive(slot, status ? pb_step_failed(-status) : slot->step);
}

static int start_poll(struct uv_slot *slot, int fd, int events)
{
	uv_poll_t *poll = malloc(sizeof(*poll));
	int err;

	if (!poll)
		return UV_ENOMEM;
	if ((err = uv_poll_init(&slot->ctx->loop, poll, fd)) < 0) {
		free(poll);
		return err;
	}
	poll->data = slot;
	if ((err = uv_poll_start(poll, events, on_poll)) < 0)
		uv_close((uv_handle_t *)poll, free_handle);
	return err;
}

/*
 * libuv's timers count whole milliseconds of a clock cached per loop
 * iteration.  Refresh it, and count the part of a millisecond (and any lag
 * of the cached clock) already gone, so that no wait ends early: a 1 ms
 * sleep then takes 1 to 2 ms, which is what libuv's resolution costs.
 */
static uint64_t timer_ms(struct uv_slot *slot, int64_t ns)
{
	uv_loop_t *loop = &slot->ctx->loop;
	uint64_t into_ms;

	uv_update_time(loop);
	into_ms = uv_hrtime() - uv_now(loop) * 1000000;
	return ((uint64_t)ns + into_ms + 999999) / 1000000;
}

/* Sets up what the step waits for; false when the task is over. */
static bool wait_for(struct uv_slot *slot, struct pb_step *step)
{
	int err;

	switch (step->wait) {
	case PB_WAIT_DONE:
	case PB_WAIT_FAILED:
		return false;
	case PB_WAIT_TIMER:
		err = uv_timer_start(&slot->timer, on_timer, timer_ms(slot, step->ns), 0);
		break;
	case PB_WAIT_READABLE:
		err = start_poll(slot, step->fd, UV_READABLE);
		break;
	case PB_WAIT_WRITABLE:
		err = start_poll(slot, step->fd, UV_WRITABLE);
		break;
	case PB_WAIT_BLOCKING:
		err = uv_queue_work(&slot->ctx->loop, &slot->work, blocking_work, blocking_done);
		break;
	default:
		err = UV_EINVAL;
	}
	if (err == 0)
		return true;
	*step = pb_loop_cannot_wait(slot->ctx->run, slot->task, "libuv", -err);
	return false;
}

/* Runs a slot's tasks until one waits, or until there is no task left. */
static void drive(struct uv_slot *slot, struct pb_step step)
{
	struct pb_run *run = slot->ctx->run;
	const struct pb_job *job = run->job;

	while (!wait_for(slot, &step)) {
		pb_task_end(run, slot->task, step.checksum,
			    step.wait == PB_WAIT_FAILED ? step.error : 0);
		if (!take_task(slot))
			return;
		memset(slot->state, 0, job->workload->task_state_size);
		pb_task_begin(run, slot->task);
		step = job->workload->start_task(job, slot->task, slot->state);
	}
}

static void start_slot(struct uv_slot *slot)
{
	const struct pb_job *job = slot->ctx->run->job;

	if (!take_task(slot))
		return;
	pb_task_begin(slot->ctx->run, slot->task);
	drive(slot, job->workload->start_task(job, slot->task, slot->state));
}

/* evloop-uv+pool: a pool thread binds as the next worker, once. */
static _Atomic unsigned pool_threads_seen;

static void pool_work(uv_work_t *work)
{
	static _Thread_local int worker = -1;
	struct uv_slot *slot = work->data;
	struct pb_run *run = slot->ctx->run;

	if (worker < 0) {
		worker = (int)(atomic_fetch_add(&pool_threads_seen, 1) % run->workers);
		pb_worker_begin(run, (unsigned)worker);
	}
	pb_do_task(run, slot->task);
	pb_worker_end(run, (unsigned)worker);
}

static void pool_start(struct uv_slot *slot);

static void pool_done(uv_work_t *work, int status)
{
	struct uv_slot *slot = work->data;

	if (status)
		pb_fail(slot->ctx->run, "uv_queue_work of task %llu: %s",
			(unsigned long long)slot->task, uv_strerror(status));
	pool_start(slot);
}

static void pool_start(struct uv_slot *slot)
{
	int err;

	if (!take_task(slot))
		return;
	err = uv_queue_work(&slot->ctx->loop, &slot->work, pool_work, pool_done);
	if (err)
		pb_fail(slot->ctx->run, "uv_queue_work of task %llu: %s",
			(unsigned long long)slot->task, uv_strerror(err));
}

static void close_slots(struct uv_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->nslots; i++)
		uv_close((uv_handle_t *)&ctx->slots[i].timer, NULL);
	uv_run(&ctx->loop, UV_RUN_DEFAULT);	/* finishes the closes */
}

static int uv_loop_main(struct pb_run *run, unsigned index, void *arg)
{
	bool offload_all = arg != NULL;
	size_t state_size = run->job->workload->task_state_size;
	struct uv_ctx ctx = { .run = run, .nslots = pb_loop_share(run, index) };
	char *states;
	int err;

	if (!offload_all && !run->job->workload->start_task) {
		pb_do_tasks_from_counter(run);
		return 0;
	}
	if ((err = uv_loop_init(&ctx.loop)) < 0)
		return pb_fail(run, "loop %u: uv_loop_init: %s", index, uv_strerror(err));
	ctx.slots = calloc(ctx.nslots, sizeof(*ctx.slots));
	states = calloc(ctx.nslots, state_size ? state_size : 1);
	if (!ctx.slots || !states) {
		free(states);
		free(ctx.slots);
		uv_loop_close(&ctx.loop);
		return pb_fail(run, "loop %u: out of memory for %u task slots", index, ctx.nslots);
	}
	for (unsigned i = 0; i < ctx.nslots; i++) {
		struct uv_slot *slot = &ctx.slots[i];

		*slot = (struct uv_slot){ .ctx = &ctx, .state = states + i * state_size };
		uv_timer_init(&ctx.loop, &slot->timer);
		slot->timer.data = slot;
		slot->work.data = slot;
	}
	for (unsigned i = 0; i < ctx.nslots; i++)
		(offload_all ? pool_start : start_slot)(&ctx.slots[i]);
	uv_run(&ctx.loop, UV_RUN_DEFAULT);
	close_slots(&ctx);
	err = uv_loop_close(&ctx.loop);
	free(states);
	free(ctx.slots);
	return err ? pb_fail(run, "loop %u: uv_loop_close: %s", index, uv_strerror(err)) : 0;
}

static int evloop_uv_run(struct pb_run *run)
{
	return pb_loops_run(run, PB_LOOPS_WORK, uv_loop_main, NULL);
}

/*
 * libuv reads UV_THREADPOOL_SIZE when its pool first starts, in this cell's
 * warm-up; every run of the cell has the same worker count.  Beyond libuv's
 * limit the pool has UV_MAX_POOL threads and the rest of the tasks in flight
 * wait in its queue, as run_in_executor's do in a full executor.
 */
static int evloop_uv_pool_run(struct pb_run *run)
{
	unsigned threads = run->workers < UV_MAX_POOL ? run->workers : UV_MAX_POOL;
	char size[16];

	snprintf(size, sizeof(size), "%u", threads);
	setenv("UV_THREADPOOL_SIZE", size, 1);
	return pb_loops_run(run, PB_LOOPS_HAND_OFF, uv_loop_main, run);
}

const struct pb_strategy pb_strategy_evloop_uv = {
	.name = "evloop-uv",
	.summary = "libuv loops keeping N tasks in flight: uv timers, uv_poll, "
		   "the pool for file reads",
	.run = evloop_uv_run,
	.event_loop = true,
	PB_EVLOOP_OPTIONS,
};

const struct pb_strategy pb_strategy_evloop_uv_pool = {
	.name = "evloop-uv+pool",
	.summary = "a libuv loop handing every task to libuv's pool of N threads "
		   "(run_in_executor)",
	.run = evloop_uv_pool_run,
	.event_loop = true,
	PB_EVLOOP_OPTIONS,
};
