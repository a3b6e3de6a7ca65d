/*
 * What the event-loop strategies share.  `workers` tasks are in flight at
 * once, spread over run->loops loop threads (--loops); loop i is worker i
 * for pinning and for the cpus column.  Loop 0 runs on the calling thread,
 * as asyncio's loop runs on the main thread; the others on new threads.
 */
#ifndef PARBENCH_LOOP_H
#define PARBENCH_LOOP_H

#include <stdbool.h>

#include "runtime/run.h"

/* The event loops' options: one table, shared by every evloop strategy. */
struct pb_evloop_options {
	unsigned loops;			/* loop threads sharing the tasks in flight */
};

extern const struct pb_option pb_evloop_options[];

#define PB_EVLOOP_OPTIONS .options = pb_evloop_options, \
	.options_size = sizeof(struct pb_evloop_options)

/* How many loop threads run: --loops, at most one per task in flight. */
unsigned pb_loop_threads(const struct pb_run *run);

/* How many tasks loop `loop` keeps in flight. */
unsigned pb_loop_share(const struct pb_run *run, unsigned loop);

enum pb_loop_role {
	PB_LOOPS_WORK,		/* loop i is worker i: pinned, and its CPUs recorded */
	PB_LOOPS_HAND_OFF,	/* the loops hand tasks to threads that are the workers */
};

/*
 * Runs loop_main(run, loop, arg) for every loop and waits for all of them.
 * Each loop runs between pb_worker_begin() and pb_worker_end(), or, when
 * the loops hand off, as a helper (pb_helper_begin()), so that only the
 * threads doing the tasks write the worker records.
 * Returns 0, or -1 after pb_fail().
 */
int pb_loops_run(struct pb_run *run, enum pb_loop_role role,
		 int (*loop_main)(struct pb_run *, unsigned, void *), void *arg);

/*
 * Takes the next task nobody has taken for a slot of a loop: its number
 * into *task, its state (task_state_size bytes) zeroed, the task begun.
 * false when none is left.
 */
bool pb_loop_take_task(struct pb_run *run, uint64_t *task, void *state);

/*
 * A wait the loop `who` could not set up, err an errno value: the task fails
 * with it, and so does the run, since the task may still hold an fd that
 * this repetition then leaks.  Returns the task's failed step.
 */
struct pb_step pb_loop_cannot_wait(struct pb_run *run, uint64_t task, const char *who, int err);

#endif
