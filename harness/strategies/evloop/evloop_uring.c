/*
 * evloop-uring: the driver's loops (loop.h) on io_uring, every wait a
 * request on the ring: a timer an IORING_OP_TIMEOUT at its deadline, an fd
 * wait a one-shot IORING_OP_POLL_ADD, and a file read an IORING_OP_READ that
 * the kernel carries out itself, so there are no helper threads.
 *
 * Built only with liburing (the Makefile defines PB_HAVE_URING when
 * pkg-config finds it).  Without it, or where the kernel refuses to create a
 * ring (seccomp, kernel.io_uring_disabled), the strategy is listed and says
 * why it is unavailable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "strategies/evloop/loop.h"
#include "strategies/strategy.h"

#ifdef PB_HAVE_URING
#include <liburing.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>

#define SQ_ENTRIES 256

struct uring_slot {
	struct pb_loop_slot base;
	struct __kernel_timespec deadline;	/* a timer's, read when it is submitted */
	struct pb_read *read;		/* a read's, for its result */
};

struct uring_loop {
	struct pb_loop base;
	struct io_uring ring;
};

/*
 * A free SQ entry for the slot's request, submitting a full SQ: NULL when it
 * cannot.  The caller sets its data after the prep, which may clear it.
 */
static struct io_uring_sqe *sqe_for(struct pb_loop_slot *slot, int *err)
{
	struct io_uring *ring = &((struct uring_loop *)slot->loop)->ring;
	struct io_uring_sqe *sqe;
	int rc;

	while (!(sqe = io_uring_get_sqe(ring)))
		if ((rc = io_uring_submit(ring)) <= 0) {
			*err = rc < 0 ? rc : -EAGAIN;
			return NULL;
		}
	return sqe;
}

/* Absolute, so that time spent before the submission counts. */
static int uring_timer(struct pb_loop_slot *base, int64_t ns)
{
	struct uring_slot *slot = (struct uring_slot *)base;
	int64_t deadline = pb_now_ns() + ns;
	struct io_uring_sqe *sqe;
	int err;

	if (!(sqe = sqe_for(base, &err)))
		return err;
	slot->deadline = (struct __kernel_timespec){ .tv_sec = deadline / 1000000000,
						     .tv_nsec = deadline % 1000000000 };
	io_uring_prep_timeout(sqe, &slot->deadline, 0, IORING_TIMEOUT_ABS);
	io_uring_sqe_set_data(sqe, base);
	return 0;
}

static int uring_watch(struct pb_loop_slot *base, int fd, enum pb_wait wait)
{
	struct io_uring_sqe *sqe;
	int err;

	if (!(sqe = sqe_for(base, &err)))
		return err;
	io_uring_prep_poll_add(sqe, fd, wait == PB_WAIT_READABLE ? POLLIN : POLLOUT);
	io_uring_sqe_set_data(sqe, base);
	return 0;
}

static int uring_read(struct pb_loop_slot *base, int fd, struct pb_read *read)
{
	struct io_uring_sqe *sqe;
	int err;

	if (!(sqe = sqe_for(base, &err)))
		return err;
	io_uring_prep_read(sqe, fd, read->buf, (unsigned)read->len, read->offset);
	io_uring_sqe_set_data(sqe, base);
	((struct uring_slot *)base)->read = read;
	return 0;
}

/*
 * A read's result, error or not, goes to the task, which closes its file.
 * A timeout that expires completes with -ETIME: that is the wait done.  Any
 * other failed request fails its task with that errno value (a poll's task
 * may still hold its socket, which that failed rep leaks).
 */
static void on_completion(struct uring_slot *slot, int res)
{
	enum pb_wait wait = slot->base.wait;

	if (wait == PB_WAIT_READ)
		slot->read->result = res;
	else if (res < 0 && !(wait == PB_WAIT_TIMER && res == -ETIME)) {
		pb_loop_fail(&slot->base, -res);
		return;
	}
	pb_loop_resume(&slot->base);
}

/* Submits what the tasks queued; the ring's timeouts are the only timers. */
static int uring_wait(struct pb_loop *base, int timeout_ms)
{
	struct io_uring *ring = &((struct uring_loop *)base)->ring;
	struct io_uring_cqe *cqe;
	int rc = io_uring_submit_and_wait(ring, 1);

	(void)timeout_ms;
	if (rc < 0 && rc != -EINTR)
		return pb_fail(base->run, "io_uring_submit_and_wait: %s", strerror(-rc));
	/* Seen before it is handled: handling it may queue and submit more. */
	while (io_uring_peek_cqe(ring, &cqe) == 0) {
		struct uring_slot *slot = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(ring, cqe);
		on_completion(slot, res);
	}
	return 0;
}

/*
 * Requests wait in the SQ until the loop submits them, up to SQ_ENTRIES at
 * a time; a full SQ is submitted on the spot.  A task has at most one
 * request in flight, so a CQ as large as the loop's share cannot overflow.
 */
static int uring_open(struct pb_loop *base)
{
	struct uring_loop *loop = (struct uring_loop *)base;
	struct io_uring_params params = { .flags = IORING_SETUP_CQSIZE };
	int rc;

	params.cq_entries = base->nslots > 2 * SQ_ENTRIES ? base->nslots : 2 * SQ_ENTRIES;
	rc = io_uring_queue_init_params(SQ_ENTRIES, &loop->ring, &params);
	if (rc < 0)
		return pb_fail(base->run, "loop %u: io_uring_queue_init: %s", base->index,
			       strerror(-rc));
	return 0;
}

static int uring_close(struct pb_loop *base)
{
	io_uring_queue_exit(&((struct uring_loop *)base)->ring);
	return 0;
}

static const struct pb_loop_ops uring_ops = {
	.who = "the ring",
	.loop_size = sizeof(struct uring_loop),
	.slot_size = sizeof(struct uring_slot),
	.open = uring_open,
	.close = uring_close,
	.watch = uring_watch,
	.timer = uring_timer,
	.read = uring_read,
	.wait = uring_wait,
};

static int evloop_uring_run(struct pb_run *run)
{
	return pb_loop_run(run, &uring_ops);
}

/* Whether this process may create a ring, asked once. */
static const char *evloop_uring_unavailable(const void *options)
{
	static char why[128];
	static bool asked;
	struct io_uring ring;
	int rc;

	(void)options;
	if (!asked) {
		asked = true;
		rc = io_uring_queue_init(2, &ring, 0);
		if (rc < 0)
			snprintf(why, sizeof(why), "the kernel refused io_uring: %s",
				 strerror(-rc));
		else
			io_uring_queue_exit(&ring);
	}
	return why[0] ? why : NULL;
}

#else

static const char *evloop_uring_unavailable(const void *options)
{
	(void)options;
	return "built without liburing: install liburing-dev (bash scripts/install-deps.sh) "
	       "and rebuild";
}

/* Never called: `parbench run` refuses an unavailable strategy. */
static int evloop_uring_run(struct pb_run *run)
{
	return pb_fail(run, "%s", evloop_uring_unavailable(NULL));
}

#endif

const struct pb_strategy pb_strategy_evloop_uring = {
	.name = "evloop-uring",
	.summary = "io_uring loops keeping N tasks in flight: timeouts, polls and file reads "
		   "on the ring, no helper threads",
	.run = evloop_uring_run,
	.event_loop = true,
	PB_EVLOOP_OPTIONS,
	.unavailable = evloop_uring_unavailable,
};
