/*
 * A binary min-heap of deadlines: the timers of an event loop.  One heap
 * and one epoll_wait timeout serve any number of timers, as in libuv and
 * redis, instead of a timerfd (an fd and syscalls) per timer.
 */
#ifndef PARBENCH_TIMER_HEAP_H
#define PARBENCH_TIMER_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pb_timer {
	int64_t deadline_ns;		/* CLOCK_MONOTONIC */
	uint64_t order;			/* ties fire in the order they were added */
	void *data;
};

struct pb_timer_heap {
	struct pb_timer *v;
	size_t n, cap;
	uint64_t added;
};

/* 0, or -ENOMEM. */
int pb_timer_add(struct pb_timer_heap *heap, int64_t deadline_ns, void *data);

/* The earliest timer, or NULL when there is none. */
const struct pb_timer *pb_timer_first(const struct pb_timer_heap *heap);

/* Removes the earliest timer. */
void pb_timer_pop(struct pb_timer_heap *heap);

/* Milliseconds from now_ns to the first deadline, rounded up; -1 when empty. */
int pb_timer_wait_ms(const struct pb_timer_heap *heap, int64_t now_ns);

void pb_timer_heap_free(struct pb_timer_heap *heap);

#endif
