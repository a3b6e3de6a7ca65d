/*
 * evloop-epoll: one epoll loop per --loops thread keeps its share of the
 * tasks in flight, each in its non-blocking form: an fd wait is an epoll
 * registration, a timer is an entry in a heap that sets epoll_wait's
 * timeout (as libuv and redis do), and a blocking step (a file read) goes
 * to HELPERS helper threads, libuv's default pool size, which wake the loop
 * through an eventfd.  A workload without a non-blocking form (CPU work)
 * runs inline in the loop thread: one loop gives it no parallelism, which
 * is the honest answer.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "strategies/evloop/loop.h"
#include "strategies/strategy.h"
#include "strategies/evloop/timer_heap.h"

#define HELPERS 4
#define EVENTS 256

struct epoll_loop;

struct slot {
	struct epoll_loop *loop;
	uint64_t task;
	void *state;			/* the workload's, task_state_size bytes */
	int fd;				/* registered with epoll while the task waits on it */
	struct pb_step step;		/* a helper's result */
	struct slot *next;		/* in a helper queue */
};

struct helpers {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct slot *todo, *done;	/* LIFO: order among blocking steps does not matter */
	bool stop;
	int eventfd;			/* a helper's "done" to the loop */
	pthread_t threads[HELPERS];
	unsigned started;
};

struct epoll_loop {
	struct pb_run *run;
	int epfd;
	struct pb_timer_heap timers;
	struct helpers helpers;
	bool helpers_up;
	struct slot *slots;
	unsigned nslots, busy;
};

static bool take_task(struct epoll_loop *loop, struct slot *slot)
{
	if (!pb_loop_take_task(loop->run, &slot->task, slot->state))
		return false;
	loop->busy++;
	return true;
}

static void *helper_main(void *arg)
{
	struct epoll_loop *loop = arg;
	struct helpers *h = &loop->helpers;
	const struct pb_job *job = loop->run->job;
	uint64_t one = 1;

	pb_helper_begin(loop->run);
	pthread_mutex_lock(&h->lock);
	for (;;) {
		struct slot *slot;

		while (!h->todo && !h->stop)
			pthread_cond_wait(&h->wake, &h->lock);
		if (!h->todo)
			break;
		slot = h->todo;
		h->todo = slot->next;
		pthread_mutex_unlock(&h->lock);
		slot->step = job->workload->resume_task(job, slot->state);
		pthread_mutex_lock(&h->lock);
		slot->next = h->done;
		h->done = slot;
		if (write(h->eventfd, &one, sizeof(one)) < 0)
			abort();	/* an eventfd write fails only on overflow */
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/* Stops the helpers that started and frees what start_helpers() made. */
static void close_helpers(struct helpers *h)
{
	pthread_mutex_lock(&h->lock);
	h->stop = true;
	pthread_cond_broadcast(&h->wake);
	pthread_mutex_unlock(&h->lock);
	for (unsigned i = 0; i < h->started; i++)
		pthread_join(h->threads[i], NULL);
	close(h->eventfd);		/* which takes it out of the epoll set */
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->lock);
	*h = (struct helpers){ .eventfd = -1 };
}

/*
 * The helpers start with the first blocking step: most workloads have none.
 * All of them or none: fewer helpers than the strategy says would be
 * measured as if they were all there.
 */
static int start_helpers(struct epoll_loop *loop)
{
	struct helpers *h = &loop->helpers;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = h };
	int err;

	h->eventfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h->eventfd < 0)
		return pb_fail(loop->run, "eventfd: %s", strerror(errno));
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, h->eventfd, &ev) < 0) {
		close(h->eventfd);
		return pb_fail(loop->run, "epoll_ctl of the helpers' eventfd: %s",
			       strerror(errno));
	}
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->wake, NULL);
	for (; h->started < HELPERS; h->started++) {
		err = pb_thread_start(&h->threads[h->started], helper_main, loop);
		if (err) {
			pb_fail(loop->run, "pthread_create of file-read helper %u of %u: %s",
				h->started + 1, HELPERS, strerror(err));
			close_helpers(h);
			return -1;
		}
	}
	loop->helpers_up = true;
	return 0;
}

static void stop_helpers(struct epoll_loop *loop)
{
	if (loop->helpers_up)
		close_helpers(&loop->helpers);
	loop->helpers_up = false;
}

/* Sets up what the step waits for; false when the task is over. */
static bool wait_for(struct epoll_loop *loop, struct slot *slot, struct pb_step *step)
{
	struct epoll_event ev = { .data.ptr = slot };
	int err;

	switch (step->wait) {
	case PB_WAIT_DONE:
	case PB_WAIT_FAILED:
		return false;
	case PB_WAIT_TIMER:
		err = pb_timer_add(&loop->timers, pb_now_ns() + step->ns, slot);
		break;
	case PB_WAIT_READABLE:
	case PB_WAIT_WRITABLE:
		ev.events = step->wait == PB_WAIT_READABLE ? EPOLLIN : EPOLLOUT;
		slot->fd = step->fd;
		err = epoll_ctl(loop->epfd, EPOLL_CTL_ADD, step->fd, &ev) < 0 ? -errno : 0;
		break;
	case PB_WAIT_BLOCKING:
		err = loop->helpers_up || start_helpers(loop) == 0 ? 0 : -EAGAIN;
		if (!err) {
			pthread_mutex_lock(&loop->helpers.lock);
			slot->next = loop->helpers.todo;
			loop->helpers.todo = slot;
			pthread_cond_signal(&loop->helpers.wake);
			pthread_mutex_unlock(&loop->helpers.lock);
		}
		break;
	default:
		err = -EINVAL;
	}
	if (err == 0)
		return true;
	*step = pb_loop_cannot_wait(loop->run, slot->task, "the loop", -err);
	return false;
}

/* Runs a slot's tasks until one waits, or until there is no task left. */
static void drive(struct epoll_loop *loop, struct slot *slot, struct pb_step step)
{
	const struct pb_job *job = loop->run->job;

	while (!wait_for(loop, slot, &step)) {
		pb_task_end(loop->run, slot->task, step.checksum,
			    step.wait == PB_WAIT_FAILED ? step.error : 0);
		loop->busy--;
		if (!take_task(loop, slot))
			return;
		step = job->workload->start_task(job, slot->task, slot->state);
	}
}

static void on_helpers_done(struct epoll_loop *loop)
{
	struct helpers *h = &loop->helpers;
	struct slot *done;
	uint64_t count;

	if (read(h->eventfd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		pb_fail(loop->run, "read of the helpers' eventfd: %s", strerror(errno));
	pthread_mutex_lock(&h->lock);
	done = h->done;
	h->done = NULL;
	pthread_mutex_unlock(&h->lock);
	while (done) {
		struct slot *slot = done;

		done = slot->next;
		drive(loop, slot, slot->step);
	}
}

static void on_timers(struct epoll_loop *loop)
{
	const struct pb_job *job = loop->run->job;
	int64_t now = pb_now_ns();
	const struct pb_timer *first;

	while ((first = pb_timer_first(&loop->timers)) && first->deadline_ns <= now) {
		struct slot *slot = first->data;

		pb_timer_pop(&loop->timers);
		drive(loop, slot, job->workload->resume_task(job, slot->state));
	}
}

static int run_loop(struct epoll_loop *loop)
{
	const struct pb_job *job = loop->run->job;
	struct epoll_event events[EVENTS];

	for (unsigned i = 0; i < loop->nslots; i++)
		if (take_task(loop, &loop->slots[i]))
			drive(loop, &loop->slots[i],
			      job->workload->start_task(job, loop->slots[i].task,
							loop->slots[i].state));
	while (loop->busy) {
		int n = epoll_wait(loop->epfd, events, EVENTS,
				   pb_timer_wait_ms(&loop->timers, pb_now_ns()));

		if (n < 0 && errno != EINTR)
			return pb_fail(loop->run, "epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			struct slot *slot = events[i].data.ptr;

			if (events[i].data.ptr == &loop->helpers) {
				on_helpers_done(loop);
				continue;
			}
			/* Unregistered before the task runs on: it may close the fd. */
			epoll_ctl(loop->epfd, EPOLL_CTL_DEL, slot->fd, NULL);
			drive(loop, slot, job->workload->resume_task(job, slot->state));
		}
		on_timers(loop);
	}
	return 0;
}

static void free_loop(struct epoll_loop *loop)
{
	stop_helpers(loop);
	pb_timer_heap_free(&loop->timers);
	if (loop->epfd >= 0)
		close(loop->epfd);
	if (loop->slots)
		free(loop->slots[0].state);
	free(loop->slots);
}

static int epoll_loop_main(struct pb_run *run, unsigned index, void *arg)
{
	size_t state_size = run->job->workload->task_state_size;
	struct epoll_loop loop = { .run = run, .nslots = pb_loop_share(run, index) };
	char *states;
	int rc;

	(void)arg;
	if (!run->job->workload->start_task) {
		pb_do_tasks_from_counter(run);
		return 0;
	}
	loop.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop.epfd < 0)
		return pb_fail(run, "loop %u: epoll_create1: %s", index, strerror(errno));
	loop.slots = calloc(loop.nslots, sizeof(*loop.slots));
	states = calloc(loop.nslots, state_size ? state_size : 1);
	if (!loop.slots || !states) {
		free(states);
		free_loop(&loop);
		return pb_fail(run, "loop %u: out of memory for %u task slots", index, loop.nslots);
	}
	for (unsigned i = 0; i < loop.nslots; i++)
		loop.slots[i] = (struct slot){ .loop = &loop, .state = states + i * state_size,
					       .fd = -1 };
	rc = run_loop(&loop);
	free_loop(&loop);
	return rc;
}

static int evloop_epoll_run(struct pb_run *run)
{
	return pb_loops_run(run, PB_LOOPS_WORK, epoll_loop_main, NULL);
}

const struct pb_strategy pb_strategy_evloop_epoll = {
	.name = "evloop-epoll",
	.summary = "epoll loops keeping N tasks in flight: fd waits, a timer heap, "
		   "helper threads for file reads",
	.run = evloop_epoll_run,
	.event_loop = true,
	PB_EVLOOP_OPTIONS,
};
