/*
 * What the kernel counts for a process and everything it creates, through
 * perf_event_open: software events, which work inside virtual machines, and
 * the hardware's cycles and instructions where the machine exposes a PMU.
 *
 * The counters follow the threads and processes created while they are open
 * (inherit), and that makes creating each of them slower (README, "The
 * counted repetition"): a cell opens them around one untimed repetition only.
 * A thread created earlier that lives on (OpenMP's team, libuv's pool) is
 * counted by counters of its own.
 */
#ifndef PARBENCH_COUNTERS_H
#define PARBENCH_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>

#include "cell/sample.h"

enum pb_event {
	PB_EVENT_TASK_CLOCK,
	PB_EVENT_CONTEXT_SWITCHES,
	PB_EVENT_CPU_MIGRATIONS,
	PB_EVENT_PAGE_FAULTS_MIN,
	PB_EVENT_PAGE_FAULTS_MAJ,
	PB_EVENT_CYCLES,
	PB_EVENT_INSTRUCTIONS,
	PB_NEVENTS
};

struct pb_counters {
	int (*fd)[PB_NEVENTS];		/* per thread alive at open: -1 where not open */
	size_t nthreads;
	char why[PB_NEVENTS][160];	/* why an event could not open; "" where it did */
	bool exclude_kernel;		/* some event opened counting user space only */
};

/* The event's name in meta.json: "task-clock", "page-faults-min", "cycles", ... */
const char *pb_event_name(enum pb_event event);

/*
 * Opens every event on every thread of the process, counting from now on in
 * them and in the threads and processes they create: how many events
 * opened.  An event refused with EACCES (an unprivileged user under
 * kernel.perf_event_paranoid 2 or more) is opened again with exclude_kernel,
 * unless the kernel counts it in kernel mode alone, where it would count
 * nothing.
 */
int pb_counters_open(struct pb_counters *counters);

/*
 * The events' values now, -1 for one that is not open.  A thread or process
 * that the counters follow adds its counts when it exits.
 */
void pb_counters_read(const struct pb_counters *counters, int64_t value[PB_NEVENTS]);

/* Closes the events; their reasons stay.  Call it after any open. */
void pb_counters_close(struct pb_counters *counters);

/* What was counted between two reads (the counted repetition's figures). */
void pb_counts_between(const int64_t before[PB_NEVENTS], const int64_t after[PB_NEVENTS],
		       double wall_s, struct pb_counts *counts);

#endif
