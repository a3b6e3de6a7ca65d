/*
 * The workload interface: the work every strategy runs.
 *
 * A workload cuts a job into `tasks` independent tasks of `size` units each.
 * run_task() does task i and returns a 64-bit checksum of what it computed;
 * the checksums of all tasks are folded into the job's checksum in an
 * order-independent way, so every strategy's result can be compared with the
 * sequential one.  A task that fails (an I/O error) returns
 * pb_task_fail(errno).  setup() and teardown() prepare shared state
 * (buffers, files, a server) outside the timed region.
 *
 * I/O workloads also have a non-blocking form of the same task, for event
 * loops: a small state machine that says what it waits for next (a timer,
 * a readable or writable fd, a file read) and is resumed when that has
 * happened.  The loops only carry out the waits; the task's logic is here,
 * written once, and the blocking form is that same state machine driven by
 * pb_run_steps(), which waits with poll(), nanosleep() and pread().
 *
 * Adding a workload is one file that defines a `struct pb_workload` as its
 * last thing, plus one line in PB_WORKLOADS (benchmarks/registry.c).  The
 * task types (struct pb_job, pb_step, ...) are in parbench_workload.h, which
 * plugins include too: a plugin's tasks are called exactly as a built-in's.
 */
#ifndef PARBENCH_WORKLOAD_H
#define PARBENCH_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parbench_workload.h"
#include "util/option.h"

struct pb_workload {
	const char *name;		/* "cpu.sumsq": kind, a dot, what it does */
	const char *plugin;		/* a plugin's "plugin:/absolute/path.so"; NULL: built in */
	enum pb_kind kind;
	const char *summary;		/* one line for `parbench list` */
	uint64_t default_tasks;
	uint64_t default_size;
	const char *size_unit;		/* what one unit of --size is */
	unsigned bytes_per_unit;	/* memory traffic per size unit, for GB/s; 0: none */
	bool overhead;			/* its time is what a strategy costs: shown per task */

	/* Optional.  Return 0, or a negative errno value. */
	int (*setup)(struct pb_job *job);
	void (*teardown)(struct pb_job *job);

	/* Required.  Safe to call from many threads and processes at once. */
	uint64_t (*run_task)(const struct pb_job *job, uint64_t task);

	/*
	 * Optional: the non-blocking form.  A loop gives every task in flight
	 * task_state_size bytes, zeroed, calls start_task(), carries out the
	 * wait of each step returned and then calls resume_task(), until the
	 * step is DONE or FAILED.  Without it, loops call run_task().  A
	 * workload with it sets run_task to pb_run_steps, so that both forms
	 * do the same work.
	 */
	size_t task_state_size;
	struct pb_step (*start_task)(const struct pb_job *job, uint64_t task, void *state);
	struct pb_step (*resume_task)(const struct pb_job *job, void *state);

	/*
	 * The Python version (benchmarks/python/workloads.py), for the py-*
	 * strategies: python says there is one.  It runs on what setup
	 * prepared, and export_env (optional) tells it where that is, as
	 * PARBENCH_* environment variables of the cell process: 0 or -errno.
	 */
	bool python;
	int (*export_env)(const struct pb_job *job);

	/* Its options (NULL: none) and the size of the struct job->options points at. */
	const struct pb_option *options;
	size_t options_size;
	/*
	 * Optional: the name of its option that says where its files go.  The
	 * run makes a directory of its own there (or in TMPDIR when the option
	 * is not given), gives that to every cell instead, and removes it at
	 * the end, so that a killed cell's files do not stay behind.
	 */
	const char *scratch_option;
	/*
	 * Optional: checked once before the run when the workload is in the
	 * plan (a server named by an option answers): 0, or -1 with the whole
	 * error line in why, refused as bad input.
	 */
	int (*ready)(const void *options, char *why, size_t whylen);
};


/* The registry: every workload, in the order `parbench list` shows them. */
extern const struct pb_workload *const pb_workloads[];

const struct pb_workload *pb_workload_find(const char *name);

/*
 * A built-in workload by name, or a plugin named "plugin:PATH", opened on
 * first use (benchmarks/plugin.c): the workload, or NULL with why empty when
 * no built-in has the name, or with why a plugin is refused and what is
 * allowed.
 */
const struct pb_workload *pb_workload_resolve(const char *name, char *why, size_t whylen);

/* The i-th plugin opened so far, or NULL past the last. */
const struct pb_workload *pb_plugin_workload(size_t i);

/* How -w names a plugin, and a plugin's workload->plugin begins. */
#define PB_PLUGIN_PREFIX "plugin:"

/* What a cell or MPI rank process is told, to find w: its name, or a plugin's "plugin:PATH". */
static inline const char *pb_workload_spec(const struct pb_workload *w)
{
	return w->plugin ? w->plugin : w->name;
}

/* A plugin's shared object (its canonical path), or NULL for a built-in workload. */
static inline const char *pb_workload_plugin_path(const struct pb_workload *w)
{
	return w->plugin ? w->plugin + sizeof(PB_PLUGIN_PREFIX) - 1 : NULL;
}
const char *pb_kind_name(enum pb_kind kind);

/* NULL when the workload is well formed, else what is wrong with it. */
const char *pb_workload_check(const struct pb_workload *w);

/* Returns and clears the error pb_task_fail() recorded on this thread: 0 when none. */
int pb_task_take_error(void);

/*
 * The blocking form of a workload's non-blocking one: runs task's steps in
 * the calling thread, waiting with poll() for an fd, nanosleep() for a timer
 * and pread() for a read, and returns the checksum, or pb_task_fail(error).
 */
uint64_t pb_run_steps(const struct pb_job *job, uint64_t task);

/* Carries out *read on fd, blocking: for a loop's helper thread, and pb_run_steps. */
void pb_read_now(int fd, struct pb_read *read);

/* Folds task checksums into a job checksum; any order gives the same sum. */
uint64_t pb_checksum_fold(uint64_t job_sum, uint64_t task, uint64_t task_sum);

#endif
