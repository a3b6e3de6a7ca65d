/*
 * The workload interface: the work every strategy runs.
 *
 * A workload cuts a job into `tasks` independent tasks of `size` units each.
 * run_task() does task i and returns a 64-bit checksum of what it computed;
 * the checksums of all tasks are folded into the job's checksum in an
 * order-independent way, so every strategy's result can be compared with the
 * sequential one.  setup() and teardown() prepare shared state (buffers,
 * files) outside the timed region.
 *
 * Adding a workload is one file that defines a `struct pb_workload` as its
 * last thing, plus one line in PB_WORKLOADS (benchmarks/registry.c).
 */
#ifndef PARBENCH_WORKLOAD_H
#define PARBENCH_WORKLOAD_H

#include <stdint.h>

enum pb_kind {
	PB_KIND_CPU,
	PB_KIND_MEM,
	PB_KIND_IO,
};

struct pb_job;

struct pb_workload {
	const char *name;		/* "cpu.sumsq": kind, a dot, what it does */
	enum pb_kind kind;
	const char *summary;		/* one line for `parbench list` */
	uint64_t default_tasks;
	uint64_t default_size;
	const char *size_unit;		/* what one unit of --size is */
	unsigned bytes_per_unit;	/* memory traffic per size unit, for GB/s; 0: none */

	/* Optional.  Return 0, or a negative errno value. */
	int (*setup)(struct pb_job *job);
	void (*teardown)(struct pb_job *job);

	/* Required.  Safe to call from many threads and processes at once. */
	uint64_t (*run_task)(const struct pb_job *job, uint64_t task);
};

struct pb_job {
	const struct pb_workload *workload;
	uint64_t tasks;
	uint64_t size;
	void *state;			/* owned by the workload's setup/teardown */
};

/* The registry: every workload, in the order `parbench list` shows them. */
extern const struct pb_workload *const pb_workloads[];

const struct pb_workload *pb_workload_find(const char *name);
const char *pb_kind_name(enum pb_kind kind);

/* NULL when the workload is well formed, else what is wrong with it. */
const char *pb_workload_check(const struct pb_workload *w);

/* Folds task checksums into a job checksum; any order gives the same sum. */
uint64_t pb_checksum_fold(uint64_t job_sum, uint64_t task, uint64_t task_sum);

/* A bijective 64-bit mixer (splitmix64's finaliser). */
uint64_t pb_mix64(uint64_t x);

#endif
