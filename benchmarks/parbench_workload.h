/*
 * parbench_workload.h: the one header a workload plugin includes.
 *
 * A plugin is a shared object that exports one descriptor,
 *
 *	PARBENCH_WORKLOAD = { .abi = PARBENCH_WORKLOAD_ABI, ... };
 *
 * built with
 *
 *	cc -O2 -shared -fPIC -I PARBENCH/benchmarks my_work.c -o my_work.so
 *
 * and run with `parbench run -w plugin:./my_work.so`, under every strategy,
 * as a built-in workload is.  `parbench new-workload NAME` writes a
 * commented skeleton.
 *
 * What parbench does with it:
 *   - `parbench run` and `parbench list` open the plugin and read the
 *     descriptor (data only: no function of the plugin is called there);
 *   - every cell, a process of its own, opens it again and calls setup()
 *     once, then run_task() (or start_task() and resume_task() in an event
 *     loop) for each task, from many threads or processes at once, then
 *     teardown().  A plugin that crashes or hangs takes its cell down, not
 *     the run: the cell becomes an error row.
 *
 * The checksum: run_task() returns a 64-bit checksum of what task `task`
 * computed.  parbench folds the tasks' checksums in an order-independent
 * way and checks that every strategy's sum equals seq's, so a task's result
 * must depend only on (task, size, options), never on the thread, process
 * or order that runs it.
 *
 * The built-in workloads (benchmarks/cpu_sumsq.c, benchmarks/io_sleep.c)
 * use the same task types: they are examples too.
 */
#ifndef PARBENCH_WORKLOAD_PUBLIC_H
#define PARBENCH_WORKLOAD_PUBLIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of struct parbench_workload and the types below.  parbench
 * refuses a plugin built against another version: rebuild it.
 */
#define PARBENCH_WORKLOAD_ABI 1

/* What the work is bound by: the table, plots and report group by it. */
enum pb_kind {
	PB_KIND_CPU,		/* computation on data in cache */
	PB_KIND_MEM,		/* memory bandwidth: set bytes_per_unit for GB/s */
	PB_KIND_IO,		/* waits: sleeps, sockets, files */
};

struct pb_workload;		/* parbench's own view of a workload */

/* One run of the workload, as setup() and every task see it. */
struct pb_job {
	const struct pb_workload *workload;
	uint64_t tasks;			/* --tasks: run_task() is called for 0 .. tasks-1 */
	uint64_t size;			/* --size: the units of work in each task */
	const void *options;		/* the plugin's options struct, filled from --NAME */
	void *state;			/* the plugin's: set by setup(), freed by teardown() */
	char error[512];		/* a failed setup's reason, when errno says too little */
};

/*
 * The non-blocking form, for event loops: what a task waits for before its
 * next step.  A loop carries out the wait and then calls resume_task().
 */
enum pb_wait {
	PB_WAIT_DONE,		/* finished: the checksum is in step.checksum */
	PB_WAIT_FAILED,		/* step.error is an errno value; the task released all it held */
	PB_WAIT_TIMER,		/* resume after step.ns nanoseconds */
	PB_WAIT_READABLE,	/* resume when step.fd is readable (or has an error) */
	PB_WAIT_WRITABLE,	/* resume when step.fd is writable (or has an error) */
	PB_WAIT_READ,		/* resume when the loop has done *step.read on step.fd */
};

/*
 * A file read that the loop carries out for the task: up to len bytes at
 * offset into buf.  The loop stores what pread() would have returned in
 * result: the count, 0 at the end of the file, or a negative errno value.
 */
struct pb_read {
	void *buf;
	size_t len;
	uint64_t offset;
	int64_t result;
};

struct pb_step {
	enum pb_wait wait;
	int fd;
	int error;
	int64_t ns;
	uint64_t checksum;
	struct pb_read *read;		/* PB_WAIT_READ: in the task's state */
};

static inline struct pb_step pb_step_done(uint64_t checksum)
{
	return (struct pb_step){ .wait = PB_WAIT_DONE, .checksum = checksum };
}

static inline struct pb_step pb_step_failed(int err)
{
	return (struct pb_step){ .wait = PB_WAIT_FAILED, .error = err };
}

static inline struct pb_step pb_step_wait(enum pb_wait wait, int fd)
{
	return (struct pb_step){ .wait = wait, .fd = fd };
}

/*
 * Provided by parbench to the plugin:
 *   pb_task_fail(err): run_task()'s way to fail: records err (an errno
 *     value) for this task, which makes the cell an error row, and returns 0;
 *   pb_mix64(x): a bijective 64-bit mixer, to turn a task's result into a
 *     checksum in which every bit counts.
 */
uint64_t pb_task_fail(int err);
uint64_t pb_mix64(uint64_t x);

/*
 * A plugin's own options: `parbench run --NAME VALUE` for each, checked
 * against min/max (UINT, SECONDS) before the run and stored at `offset` in
 * a struct of options_size bytes that job->options points at.
 */
enum parbench_option_type {
	PARBENCH_OPTION_UINT,		/* a whole number from min to max, into an unsigned */
	PARBENCH_OPTION_SECONDS,	/* seconds from min to max, into a double */
	PARBENCH_OPTION_FLAG,		/* --NAME alone: into a bool */
	PARBENCH_OPTION_TEXT,		/* a string, into a const char *; unset: NULL */
};

struct parbench_option {
	const char *name;		/* without its dashes: "depth" */
	enum parbench_option_type type;
	size_t offset;			/* offsetof(struct my_options, depth) */
	const char *metavar;		/* the value in the help: "N"; NULL for a flag */
	const char *def;		/* the default, as it would be written; NULL: 0, false, NULL */
	double min, max;		/* UINT and SECONDS */
	const char *help;		/* one line for `parbench run --help` */
	const char *allowed;		/* TEXT: what is allowed, for the error line */
};

/* The descriptor: fields after abi are read only when abi is PARBENCH_WORKLOAD_ABI. */
struct parbench_workload {
	unsigned abi;			/* PARBENCH_WORKLOAD_ABI */
	const char *name;		/* "my.kernel": letters, digits, '.', '_', '-' */
	enum pb_kind kind;
	const char *summary;		/* one line for `parbench list` */
	uint64_t default_tasks;		/* without --tasks; at least 1 */
	uint64_t default_size;		/* without --size; at least 1 */
	const char *size_unit;		/* what one unit of size is: "iterations" */
	unsigned bytes_per_unit;	/* memory traffic per unit, for GB/s; 0: none */

	/* Optional, both or neither: 0, or a negative errno value (reason in job->error). */
	int (*setup)(struct pb_job *job);
	void (*teardown)(struct pb_job *job);

	/*
	 * The blocking task: safe to call from many threads and processes at
	 * once.  May be NULL when start_task is given: parbench then drives the
	 * non-blocking form itself, waiting with poll(), nanosleep() and pread().
	 */
	uint64_t (*run_task)(const struct pb_job *job, uint64_t task);

	/*
	 * Optional, both or neither: the non-blocking form.  A loop gives every
	 * task in flight task_state_size bytes, zeroed, calls start_task(),
	 * carries out the wait of each step returned and calls resume_task(),
	 * until the step is DONE or FAILED.  Without it, the event loops call
	 * run_task() inline and the table says so.
	 */
	size_t task_state_size;
	struct pb_step (*start_task)(const struct pb_job *job, uint64_t task, void *state);
	struct pb_step (*resume_task)(const struct pb_job *job, void *state);

	/* Optional: the options, ended by an entry without a name, and their struct's size. */
	const struct parbench_option *options;
	size_t options_size;
};

/*
 * Declares the one symbol parbench looks for: PARBENCH_WORKLOAD = { ... };
 * extern: in C++ a const at namespace scope would otherwise not be exported.
 */
#define PARBENCH_WORKLOAD \
	extern __attribute__((visibility("default"))) \
	const struct parbench_workload parbench_workload; \
	const struct parbench_workload parbench_workload

#ifdef __cplusplus
}
#endif

#endif
