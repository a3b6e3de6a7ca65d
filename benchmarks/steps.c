/*
 * pb_run_steps: a workload's blocking form, as its non-blocking one driven
 * in the calling thread, so that a task's logic is written once and both
 * forms do the same work.  The waits are what a thread would do blocking:
 * poll() on the one fd, nanosleep() for a timer, pread() for a read.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "workload.h"

static int wait_for_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	/* poll() ignores a negative fd and would wait for ever: a loop refuses it too. */
	if (fd < 0)
		return EBADF;
	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return errno;
	return p.revents & POLLNVAL ? EBADF : 0;
}

static int sleep_ns(int64_t ns)
{
	struct timespec left = { .tv_sec = (time_t)(ns / 1000000000),
				 .tv_nsec = (long)(ns % 1000000000) };

	while (nanosleep(&left, &left) < 0)
		if (errno != EINTR)
			return errno;
	return 0;
}

void pb_read_now(int fd, struct pb_read *read)
{
	ssize_t got;

	while ((got = pread(fd, read->buf, read->len, (off_t)read->offset)) < 0 && errno == EINTR)
		;
	read->result = got < 0 ? -errno : got;
}

/* Carries out the step's wait: 0, or an errno value when it cannot. */
static int carry_out(const struct pb_step *step)
{
	switch (step->wait) {
	case PB_WAIT_TIMER:
		return sleep_ns(step->ns);
	case PB_WAIT_READABLE:
		return wait_for_fd(step->fd, POLLIN);
	case PB_WAIT_WRITABLE:
		return wait_for_fd(step->fd, POLLOUT);
	case PB_WAIT_READ:
		pb_read_now(step->fd, step->read);
		return 0;
	default:
		return EINVAL;
	}
}

uint64_t pb_run_steps(const struct pb_job *job, uint64_t task)
{
	const struct pb_workload *w = job->workload;
	void *state = calloc(1, w->task_state_size ? w->task_state_size : 1);
	struct pb_step step;
	int err;

	if (!state)
		return pb_task_fail(ENOMEM);
	step = w->start_task(job, task, state);
	while (step.wait != PB_WAIT_DONE && step.wait != PB_WAIT_FAILED)
		step = (err = carry_out(&step)) ? pb_step_failed(err) : w->resume_task(job, state);
	free(state);
	return step.wait == PB_WAIT_DONE ? step.checksum : pb_task_fail(step.error);
}
