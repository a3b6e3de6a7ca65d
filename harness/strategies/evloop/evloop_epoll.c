/*
 * evloop-epoll: the driver's loops (loop.h) on epoll.  An fd wait is an
 * epoll registration, a timer an entry in the driver's heap, which sets
 * epoll_wait's timeout (as libuv and redis do), and a file read goes to
 * HELPERS helper threads, libuv's default pool size, since a regular file
 * is always "ready" to epoll; they wake the loop through an eventfd.
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

#define HELPERS 4
#define EVENTS 256

struct epoll_slot {
	struct pb_loop_slot base;
	int fd;				/* registered with epoll, or read by a helper */
	struct pb_read *read;		/* a helper's to do */
	struct epoll_slot *next;	/* in a helper queue */
};

struct helpers {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct epoll_slot *todo, *done;	/* LIFO: order among reads does not matter */
	bool stop;
	int eventfd;			/* a helper's "done" to the loop */
	pthread_t threads[HELPERS];
	unsigned started;
};

struct epoll_loop {
	struct pb_loop base;
	int epfd;
	struct helpers helpers;
	bool helpers_up;
};

static void *helper_main(void *arg)
{
	struct epoll_loop *loop = arg;
	struct helpers *h = &loop->helpers;
	uint64_t one = 1;

	pb_helper_begin(loop->base.run);
	pthread_mutex_lock(&h->lock);
	for (;;) {
		struct epoll_slot *slot;

		while (!h->todo && !h->stop)
			pthread_cond_wait(&h->wake, &h->lock);
		if (!h->todo)
			break;
		slot = h->todo;
		h->todo = slot->next;
		pthread_mutex_unlock(&h->lock);
		pb_read_now(slot->fd, slot->read);
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
 * The helpers start with the first read: most workloads have none.  All of
 * them or none: fewer helpers than the strategy says would be measured as
 * if they were all there.
 */
static int start_helpers(struct epoll_loop *loop)
{
	struct helpers *h = &loop->helpers;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = h };
	int err;

	h->eventfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h->eventfd < 0)
		return pb_fail(loop->base.run, "eventfd: %s", strerror(errno));
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, h->eventfd, &ev) < 0) {
		close(h->eventfd);
		return pb_fail(loop->base.run, "epoll_ctl of the helpers' eventfd: %s",
			       strerror(errno));
	}
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->wake, NULL);
	for (; h->started < HELPERS; h->started++) {
		err = pb_thread_start(&h->threads[h->started], NULL, helper_main, loop);
		if (err) {
			pb_fail(loop->base.run, "pthread_create of file-read helper %u of %u: %s",
				h->started + 1, HELPERS, strerror(err));
			close_helpers(h);
			return -1;
		}
	}
	loop->helpers_up = true;
	return 0;
}

static int epoll_read(struct pb_loop_slot *base, int fd, struct pb_read *read)
{
	struct epoll_loop *loop = (struct epoll_loop *)base->loop;
	struct epoll_slot *slot = (struct epoll_slot *)base;

	if (!loop->helpers_up && start_helpers(loop) < 0)
		return -EAGAIN;
	slot->fd = fd;
	slot->read = read;
	pthread_mutex_lock(&loop->helpers.lock);
	slot->next = loop->helpers.todo;
	loop->helpers.todo = slot;
	pthread_cond_signal(&loop->helpers.wake);
	pthread_mutex_unlock(&loop->helpers.lock);
	return 0;
}

static int epoll_watch(struct pb_loop_slot *base, int fd, enum pb_wait wait)
{
	struct epoll_loop *loop = (struct epoll_loop *)base->loop;
	struct epoll_event ev = { .events = wait == PB_WAIT_READABLE ? EPOLLIN : EPOLLOUT,
				  .data.ptr = base };

	((struct epoll_slot *)base)->fd = fd;
	return epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void on_helpers_done(struct epoll_loop *loop)
{
	struct helpers *h = &loop->helpers;
	struct epoll_slot *done;
	uint64_t count;

	if (read(h->eventfd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		pb_fail(loop->base.run, "read of the helpers' eventfd: %s", strerror(errno));
	pthread_mutex_lock(&h->lock);
	done = h->done;
	h->done = NULL;
	pthread_mutex_unlock(&h->lock);
	while (done) {
		struct epoll_slot *slot = done;

		done = slot->next;
		pb_loop_resume(&slot->base);
	}
}

static int epoll_loop_wait(struct pb_loop *base, int timeout_ms)
{
	struct epoll_loop *loop = (struct epoll_loop *)base;
	struct epoll_event events[EVENTS];
	int n = epoll_wait(loop->epfd, events, EVENTS, timeout_ms);

	if (n < 0 && errno != EINTR)
		return pb_fail(base->run, "epoll_wait: %s", strerror(errno));
	for (int i = 0; i < n; i++) {
		struct epoll_slot *slot = events[i].data.ptr;

		if (events[i].data.ptr == &loop->helpers) {
			on_helpers_done(loop);
			continue;
		}
		/* Unregistered before the task runs on: it may close the fd. */
		epoll_ctl(loop->epfd, EPOLL_CTL_DEL, slot->fd, NULL);
		pb_loop_resume(&slot->base);
	}
	return 0;
}

static int epoll_open(struct pb_loop *base)
{
	struct epoll_loop *loop = (struct epoll_loop *)base;

	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		return pb_fail(base->run, "loop %u: epoll_create1: %s", base->index,
			       strerror(errno));
	return 0;
}

static int epoll_close(struct pb_loop *base)
{
	struct epoll_loop *loop = (struct epoll_loop *)base;

	if (loop->helpers_up)
		close_helpers(&loop->helpers);
	close(loop->epfd);
	return 0;
}

static const struct pb_loop_ops epoll_ops = {
	.who = "the loop",
	.loop_size = sizeof(struct epoll_loop),
	.slot_size = sizeof(struct epoll_slot),
	.open = epoll_open,
	.close = epoll_close,
	.watch = epoll_watch,
	.read = epoll_read,
	.wait = epoll_loop_wait,
};

static int evloop_epoll_run(struct pb_run *run)
{
	return pb_loop_run(run, &epoll_ops);
}

const struct pb_strategy pb_strategy_evloop_epoll = {
	.name = "evloop-epoll",
	.summary = "epoll loops keeping N tasks in flight: fd waits, a timer heap, "
		   "helper threads for file reads",
	.run = evloop_epoll_run,
	.event_loop = true,
	PB_EVLOOP_OPTIONS,
};
