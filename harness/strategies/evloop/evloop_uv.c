/*
 * evloop-uv and evloop-uv+pool: the driver's loops (loop.h) on libuv, the
 * machinery under Python's uvloop.  libuv owns its loop: the driver's wait
 * is one uv_run(UV_RUN_ONCE), whose callbacks tell the driver what happened.
 *
 * evloop-uv drives each task's non-blocking form: a timer is a set_timer, an
 * fd wait a uv_poll handle, and a file read goes to libuv's thread pool with
 * uv_queue_work, as libuv's own fs requests do.  Like libuv, its timers
 * count whole milliseconds (a wait is rounded up, so it never ends early).
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

struct libuv_slot {
	struct pb_loop_slot base;
	uv_timer_t timer;
	uv_work_t work;
	int fd;				/* a read's */
	struct pb_read *read;
};

struct libuv_loop {
	struct pb_loop base;
	uv_loop_t loop;
};

static uv_loop_t *ctx_loop(struct pb_loop_slot *slot)
{
	return &((struct libuv_loop *)slot->loop)->loop;
}

static void on_timer(uv_timer_t *timer)
{
	pb_loop_resume(timer->data);
}

/*
 * libuv's timers count whole milliseconds of a clock cached per loop
 * iteration.  Refresh it, and count the part of a millisecond (and any lag
 * of the cached clock) already gone, so that no wait ends early: a 1 ms
 * sleep then takes 1 to 2 ms, which is what libuv's resolution costs.
 */
static int set_timer(struct pb_loop_slot *base, int64_t ns)
{
	struct libuv_slot *slot = (struct libuv_slot *)base;
	uv_loop_t *loop = ctx_loop(base);
	uint64_t into_ms;

	uv_update_time(loop);
	into_ms = uv_hrtime() - uv_now(loop) * 1000000;
	return uv_timer_start(&slot->timer, on_timer,
			      ((uint64_t)ns + into_ms + 999999) / 1000000, 0);
}

static void free_handle(uv_handle_t *handle)
{
	free(handle);
}

static void on_poll(uv_poll_t *poll, int status, int events)
{
	(void)status;		/* an error shows in the task's next syscall */
	(void)events;
	/* Stopped before the task runs on: it may close the fd. */
	uv_poll_stop(poll);
	uv_close((uv_handle_t *)poll, free_handle);
	pb_loop_resume(poll->data);
}

static int watch_fd(struct pb_loop_slot *slot, int fd, enum pb_wait wait)
{
	uv_poll_t *poll = malloc(sizeof(*poll));
	int err;

	if (!poll)
		return UV_ENOMEM;
	if ((err = uv_poll_init(ctx_loop(slot), poll, fd)) < 0) {
		free(poll);
		return err;
	}
	poll->data = slot;
	err = uv_poll_start(poll, wait == PB_WAIT_READABLE ? UV_READABLE : UV_WRITABLE, on_poll);
	if (err < 0)
		uv_close((uv_handle_t *)poll, free_handle);
	return err;
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

static void read_work(uv_work_t *work)
{
	struct libuv_slot *slot = work->data;

	helper_thread_begin(slot->base.loop->run);
	pb_read_now(slot->fd, slot->read);
}

static void read_done(uv_work_t *work, int status)
{
	struct libuv_slot *slot = work->data;

	if (status)
		pb_loop_fail(&slot->base, -status);
	else
		pb_loop_resume(&slot->base);
}

static int queue_read(struct pb_loop_slot *base, int fd, struct pb_read *read)
{
	struct libuv_slot *slot = (struct libuv_slot *)base;

	slot->fd = fd;
	slot->read = read;
	return uv_queue_work(ctx_loop(base), &slot->work, read_work, read_done);
}

/* evloop-uv+pool: a pool thread binds as the next worker, once. */
static _Atomic unsigned pool_threads_seen;

static void pool_work(uv_work_t *work)
{
	static _Thread_local int worker = -1;
	struct libuv_slot *slot = work->data;
	struct pb_run *run = slot->base.loop->run;

	if (worker < 0) {
		worker = (int)(atomic_fetch_add(&pool_threads_seen, 1) % run->workers);
		pb_worker_begin(run, (unsigned)worker);
	}
	pb_do_task(run, slot->base.task);
	pb_worker_end(run, (unsigned)worker);
}

static void pool_done(uv_work_t *work, int status)
{
	struct libuv_slot *slot = work->data;

	if (status)
		pb_fail(slot->base.loop->run, "uv_queue_work of task %llu: %s",
			(unsigned long long)slot->base.task, uv_strerror(status));
	pb_loop_returned(&slot->base);
}

static int hand_off_task(struct pb_loop_slot *base)
{
	struct libuv_slot *slot = (struct libuv_slot *)base;
	int err = uv_queue_work(ctx_loop(base), &slot->work, pool_work, pool_done);

	if (err)
		return pb_fail(base->loop->run, "uv_queue_work of task %llu: %s",
			       (unsigned long long)base->task, uv_strerror(err));
	return 0;
}

static int run_once(struct pb_loop *base, int timeout_ms)
{
	(void)timeout_ms;	/* the timers are libuv's */
	uv_run(&((struct libuv_loop *)base)->loop, UV_RUN_ONCE);
	return 0;
}

static int open_loop(struct pb_loop *base)
{
	struct libuv_loop *ctx = (struct libuv_loop *)base;
	int err;

	if ((err = uv_loop_init(&ctx->loop)) < 0)
		return pb_fail(base->run, "loop %u: uv_loop_init: %s", base->index,
			       uv_strerror(err));
	for (unsigned i = 0; i < base->nslots; i++) {
		struct libuv_slot *slot = (struct libuv_slot *)pb_loop_slot(base, i);

		uv_timer_init(&ctx->loop, &slot->timer);
		slot->timer.data = slot;
		slot->work.data = slot;
	}
	return 0;
}

static int close_loop(struct pb_loop *base)
{
	struct libuv_loop *ctx = (struct libuv_loop *)base;
	int err;

	for (unsigned i = 0; i < base->nslots; i++)
		uv_close((uv_handle_t *)&((struct libuv_slot *)pb_loop_slot(base, i))->timer, NULL);
	uv_run(&ctx->loop, UV_RUN_DEFAULT);	/* finishes the closes */
	err = uv_loop_close(&ctx->loop);
	return err ? pb_fail(base->run, "loop %u: uv_loop_close: %s", base->index,
			     uv_strerror(err)) : 0;
}

static const struct pb_loop_ops libuv_ops = {
	.who = "libuv",
	.loop_size = sizeof(struct libuv_loop),
	.slot_size = sizeof(struct libuv_slot),
	.open = open_loop,
	.close = close_loop,
	.watch = watch_fd,
	.timer = set_timer,
	.read = queue_read,
	.wait = run_once,
};

static const struct pb_loop_ops libuv_pool_ops = {
	.who = "libuv",
	.loop_size = sizeof(struct libuv_loop),
	.slot_size = sizeof(struct libuv_slot),
	.open = open_loop,
	.close = close_loop,
	.wait = run_once,
	.hand_off = hand_off_task,
};

static int evloop_uv_run(struct pb_run *run)
{
	return pb_loop_run(run, &libuv_ops);
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
	return pb_loop_run(run, &libuv_pool_ops);
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
