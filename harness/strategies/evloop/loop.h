/*
 * The event-loop driver, which every evloop-* strategy runs (as redis' ae.c
 * runs ae_epoll.c).  `workers` tasks are in flight at once, spread over
 * --loops loop threads (struct pb_evloop_options); loop i is worker i for
 * pinning and for the cpus column.  Loop 0 runs on the calling thread, as asyncio's loop
 * runs on the main thread; the others on new threads.
 *
 * The driver takes the tasks, keeps each loop's share of them in flight in
 * their non-blocking form (start_task, resume_task), keeps a timer heap,
 * and begins and ends the tasks.  A backend (struct pb_loop_ops) only
 * carries out the waits: it watches fds, submits file reads, optionally
 * keeps its own timers, and waits for what happens, telling the driver
 * with pb_loop_resume() or pb_loop_fail().  A workload without a
 * non-blocking form (CPU work) runs inline in the loop thread: one loop
 * gives it no parallelism, which is the honest answer.
 */
#ifndef PARBENCH_LOOP_H
#define PARBENCH_LOOP_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/run.h"
#include "util/timer_heap.h"

struct pb_loop_ops;

/* One loop thread's.  A backend's own struct begins with it. */
struct pb_loop {
	struct pb_run *run;
	const struct pb_loop_ops *ops;
	unsigned index;			/* the loop thread's number, from 0 */
	struct pb_timer_heap timers;	/* the tasks' timers, unless the backend keeps them */
	char *slots;			/* nslots of ops->slot_size bytes */
	unsigned nslots, busy;		/* busy: slots with a task */
};

/* A task in flight.  A backend's own struct begins with it. */
struct pb_loop_slot {
	struct pb_loop *loop;
	uint64_t task;
	void *state;			/* the workload's, task_state_size bytes */
	enum pb_wait wait;		/* what the task waits for now */
};

/*
 * A backend.  The wait hooks return 0, or a negative errno value when the
 * wait cannot be set up: the task then fails with it, and so does the run,
 * since the task may still hold an fd that this repetition then leaks.
 */
struct pb_loop_ops {
	const char *who;		/* "the ring": who could not set up a wait */
	size_t loop_size, slot_size;	/* of the backend's structs */

	/* After the slots are allocated: 0, or -1 after pb_fail(), having freed what it made. */
	int (*open)(struct pb_loop *loop);
	/* After the tasks, once open() has succeeded: 0, or -1 after pb_fail(). */
	int (*close)(struct pb_loop *loop);

	/* PB_WAIT_READABLE or PB_WAIT_WRITABLE on fd. */
	int (*watch)(struct pb_loop_slot *slot, int fd, enum pb_wait wait);
	/* Optional: a timer of ns nanoseconds.  NULL: the driver's heap, which
	 * gives wait() its timeout. */
	int (*timer)(struct pb_loop_slot *slot, int64_t ns);
	/* *read on fd; the result goes into read->result before pb_loop_resume(). */
	int (*read)(struct pb_loop_slot *slot, int fd, struct pb_read *read);

	/*
	 * Waits, at most timeout_ms when it is not -1, and reports what has
	 * happened: 0, or -1 after pb_fail().
	 */
	int (*wait)(struct pb_loop *loop, int timeout_ms);

	/*
	 * Optional: the loops hand whole tasks, in their blocking form, to
	 * threads that are the workers (PB_LOOPS_HAND_OFF), which begin and end
	 * them; the backend calls pb_loop_returned() when one is over.  0, or a
	 * negative errno value: the run fails and the slot stops.
	 */
	int (*hand_off)(struct pb_loop_slot *slot);
};

/*
 * Runs the job on pb_loop_threads() loops with these ops and waits for them.
 * Returns 0, or -1 after pb_fail().
 */
int pb_loop_run(struct pb_run *run, const struct pb_loop_ops *ops);

/* The event loops' options: one table, shared by every evloop strategy. */
struct pb_evloop_options {
	unsigned loops;			/* loop threads sharing the tasks in flight */
};

extern const struct pb_option pb_evloop_options[];

#define PB_EVLOOP_OPTIONS .options = pb_evloop_options, \
	.options_size = sizeof(struct pb_evloop_options)

/* How many loop threads run: --loops, at most one per task in flight. */
unsigned pb_loop_threads(const struct pb_run *run);

/* Slot i of the loop. */
struct pb_loop_slot *pb_loop_slot(struct pb_loop *loop, unsigned i);

/* What the slot's task waited for has happened: it runs on. */
void pb_loop_resume(struct pb_loop_slot *slot);

/* The slot's wait failed with err (an errno value): so does its task. */
void pb_loop_fail(struct pb_loop_slot *slot, int err);

/* A handed-off task is over: the slot takes the next. */
void pb_loop_returned(struct pb_loop_slot *slot);

#endif
