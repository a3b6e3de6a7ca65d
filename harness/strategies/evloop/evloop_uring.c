/*
 * evloop-uring: one io_uring per --loops thread keeps its share of the
 * tasks in flight, each in its non-blocking form, and every wait is a
 * request on the ring: a timer an IORING_OP_TIMEOUT at its deadline, an fd
 * wait a one-shot IORING_OP_POLL_ADD, and a file read an IORING_OP_READ
 * that the kernel carries out itself (the workload's reads form), so there
 * are no helper threads.  A workload without a non-blocking form (CPU work)
 * runs inline in the loop thread, as in the other loops.
 *
 * Built only with liburing (the Makefile defines PB_HAVE_URING when
 * pkg-config finds it).  Without it, or where the kernel refuses to create a
 * ring (seccomp, kernel.io_uring_disabled), the strategy is listed and says
 * why it is unavailable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "strategies/strategy.h"

#ifdef PB_HAVE_URING
#include <liburing.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>

#include "strategies/evloop/loop.h"

/*
 * Requests wait in the SQ until the loop submits them, up to SQ_ENTRIES at
 * a time; a full SQ is submitted on the spot.  A task has at most one
 * request in flight, so a CQ as large as the loop's share cannot overflow.
 */
#define SQ_ENTRIES 256

struct slot {
	uint64_t task;
	void *state;			/* the workload's, task_state_size bytes */
	enum pb_wait wait;		/* what its request in flight is for */
	struct __kernel_timespec deadline;	/* a timer's, read when it is submitted */
	struct pb_read *read;		/* a read's, for its result */
};

struct uring_loop {
	struct pb_run *run;
	struct io_uring ring;
	bool ring_up;
	struct slot *slots;
	unsigned nslots, busy;
};

static bool take_task(struct uring_loop *loop, struct slot *slot)
{
	if (!pb_loop_take_task(loop->run, &slot->task, slot->state))
		return false;
	loop->busy++;
	return true;
}

/* The reads form where the workload has one: the ring reads files itself. */
static struct pb_step start_task(const struct pb_job *job, struct slot *slot)
{
	const struct pb_workload *w = job->workload;

	return (w->start_task_reads ? w->start_task_reads : w->start_task)(job, slot->task,
									    slot->state);
}

/* Puts the request that carries out the step's wait in the SQ: 0 or -errno. */
static int queue_wait(struct uring_loop *loop, struct slot *slot, const struct pb_step *step)
{
	struct io_uring_sqe *sqe;
	int64_t deadline;
	int rc;

	while (!(sqe = io_uring_get_sqe(&loop->ring)))
		if ((rc = io_uring_submit(&loop->ring)) <= 0)
			return rc < 0 ? rc : -EAGAIN;
	switch (step->wait) {
	case PB_WAIT_TIMER:
		/* Absolute, so that time spent before the submission counts. */
		deadline = pb_now_ns() + step->ns;
		slot->deadline = (struct __kernel_timespec){ .tv_sec = deadline / 1000000000,
							     .tv_nsec = deadline % 1000000000 };
		io_uring_prep_timeout(sqe, &slot->deadline, 0, IORING_TIMEOUT_ABS);
		break;
	case PB_WAIT_READ:
		io_uring_prep_read(sqe, step->fd, step->read->buf, (unsigned)step->read->len,
				   step->read->offset);
		slot->read = step->read;
		break;
	default:
		io_uring_prep_poll_add(sqe, step->fd,
				       step->wait == PB_WAIT_READABLE ? POLLIN : POLLOUT);
	}
	io_uring_sqe_set_data(sqe, slot);
	slot->wait = step->wait;
	return 0;
}

/* Sets up what the step waits for; false when the task is over. */
static bool wait_for(struct uring_loop *loop, struct slot *slot, struct pb_step *step)
{
	int err;

	switch (step->wait) {
	case PB_WAIT_DONE:
	case PB_WAIT_FAILED:
		return false;
	case PB_WAIT_TIMER:
	case PB_WAIT_READABLE:
	case PB_WAIT_WRITABLE:
	case PB_WAIT_READ:
		err = queue_wait(loop, slot, step);
		break;
	default:
		err = -EINVAL;	/* PB_WAIT_BLOCKING: there are no helper threads */
	}
	if (err == 0)
		return true;
	*step = pb_loop_cannot_wait(loop->run, slot->task, "the ring", -err);
	return false;
}

/* Runs a slot's tasks until one waits, or until there is no task left. */
static void drive(struct uring_loop *loop, struct slot *slot, struct pb_step step)
{
	const struct pb_job *job = loop->run->job;

	while (!wait_for(loop, slot, &step)) {
		pb_task_end(loop->run, slot->task, step.checksum,
			    step.wait == PB_WAIT_FAILED ? step.error : 0);
		loop->busy--;
		if (!take_task(loop, slot))
			return;
		step = start_task(job, slot);
	}
}

/*
 * A read's result, error or not, goes to the task, which closes its file.
 * A timeout that expires completes with -ETIME: that is the wait done.  Any
 * other failed request fails its task with that errno value (a poll's task
 * may still hold its socket, which that failed rep leaks).
 */
static void on_completion(struct uring_loop *loop, struct slot *slot, int res)
{
	const struct pb_job *job = loop->run->job;

	if (slot->wait == PB_WAIT_READ)
		slot->read->result = res;
	else if (res < 0 && !(slot->wait == PB_WAIT_TIMER && res == -ETIME)) {
		drive(loop, slot, pb_step_failed(-res));
		return;
	}
	drive(loop, slot, job->workload->resume_task(job, slot->state));
}

static int run_loop(struct uring_loop *loop)
{
	const struct pb_job *job = loop->run->job;
	struct io_uring_cqe *cqe;

	for (unsigned i = 0; i < loop->nslots; i++)
		if (take_task(loop, &loop->slots[i]))
			drive(loop, &loop->slots[i], start_task(job, &loop->slots[i]));
	while (loop->busy) {
		int rc = io_uring_submit_and_wait(&loop->ring, 1);

		if (rc < 0 && rc != -EINTR)
			return pb_fail(loop->run, "io_uring_submit_and_wait: %s", strerror(-rc));
		/* Seen before it is handled: handling it may queue and submit more. */
		while (io_uring_peek_cqe(&loop->ring, &cqe) == 0) {
			struct slot *slot = io_uring_cqe_get_data(cqe);
			int res = cqe->res;

			io_uring_cqe_seen(&loop->ring, cqe);
			on_completion(loop, slot, res);
		}
	}
	return 0;
}

static void free_loop(struct uring_loop *loop)
{
	if (loop->ring_up)
		io_uring_queue_exit(&loop->ring);
	if (loop->slots)
		free(loop->slots[0].state);
	free(loop->slots);
}

static int uring_loop_main(struct pb_run *run, unsigned index, void *arg)
{
	size_t state_size = run->job->workload->task_state_size;
	struct uring_loop loop = { .run = run, .nslots = pb_loop_share(run, index) };
	struct io_uring_params params = { .flags = IORING_SETUP_CQSIZE };
	char *states;
	int rc;

	(void)arg;
	if (!run->job->workload->start_task) {
		pb_do_tasks_from_counter(run);
		return 0;
	}
	params.cq_entries = loop.nslots > 2 * SQ_ENTRIES ? loop.nslots : 2 * SQ_ENTRIES;
	rc = io_uring_queue_init_params(SQ_ENTRIES, &loop.ring, &params);
	if (rc < 0)
		return pb_fail(run, "loop %u: io_uring_queue_init: %s", index, strerror(-rc));
	loop.ring_up = true;
	loop.slots = calloc(loop.nslots, sizeof(*loop.slots));
	states = calloc(loop.nslots, state_size ? state_size : 1);
	if (!loop.slots || !states) {
		free(states);
		free_loop(&loop);
		return pb_fail(run, "loop %u: out of memory for %u task slots", index, loop.nslots);
	}
	for (unsigned i = 0; i < loop.nslots; i++)
		loop.slots[i] = (struct slot){ .state = states + i * state_size };
	rc = run_loop(&loop);
	free_loop(&loop);
	return rc;
}

static int evloop_uring_run(struct pb_run *run)
{
	return pb_loops_run(run, PB_LOOPS_WORK, uring_loop_main, NULL);
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
