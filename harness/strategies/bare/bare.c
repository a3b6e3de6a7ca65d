/*
 * bare-thread, bare-fork, bare-pool, bare-fork-pool, bare-omp: the bare
 * mechanisms under pthreads-per-task, fork-per-task, pthreads, fork and
 * openmp-static, each in parbench-bare, a small program of its own (what a
 * user would write: harness/strategies/bare/bare_main.c), on cpu.nop's empty
 * tasks.  Beside their strategies (`make bench-overhead`), summary.csv's
 * mechanism columns give each strategy's time over its mechanism's: what
 * parbench adds to a task.  Run only by name, only on cpu.nop.  Pinned, each
 * binds its workers as the simplest program would (bare_main.c), so that a
 * pinned strategy is set against its mechanism pinned the same way.
 * The py-* methods' mechanisms, the articles' own code, are bare-py-*
 * (harness/strategies/python/strategies.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/cpus.h"
#include "strategies/strategy.h"
#include "util/proc.h"

#define BARE_PROGRAM "parbench-bare"

static const char *bare_unavailable(const void *options)
{
	static char why[PATH_MAX + 64];
	char path[PATH_MAX];

	(void)options;
	if (pb_proc_beside_self(BARE_PROGRAM, path, sizeof(path)) == 0 && access(path, X_OK) == 0)
		return NULL;
	snprintf(why, sizeof(why), "no %s beside parbench: rebuild with make", BARE_PROGRAM);
	return why;
}

/* BIND: "none", or each worker's CPUs as cpus.h writes them ("0;1"); malloc'd, or NULL. */
static char *bind_text(const struct pb_run *run)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (!run->bind)
		return strdup("none");
	if (!(f = open_memstream(&text, &len)))
		return NULL;
	pb_cpu_sets_print(f, run->bind, run->workers);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/* parbench-bare PRIMITIVE WORKERS TASKS WARMUP REPS BIND, its lines on PB_CELL_FD. */
static int bare_run_cell(struct pb_run *run, const struct pb_reps *reps, char *why,
			 size_t whylen)
{
	char path[PATH_MAX], workers[16], tasks[24], warmup[16], nreps[16];
	char *bind = bind_text(run);
	char *argv[] = { path, (char *)reps->strategy + strlen("bare-"), workers, tasks, warmup,
			 nreps, bind, NULL };
	int rc;

	if (!bind) {
		snprintf(why, whylen, "out of memory for the workers' CPUs");
		return -1;
	}
	if (pb_proc_beside_self(BARE_PROGRAM, path, sizeof(path))) {
		snprintf(why, whylen, "the path of %s does not fit", BARE_PROGRAM);
		free(bind);
		return -1;
	}
	snprintf(workers, sizeof(workers), "%u", run->workers);
	snprintf(tasks, sizeof(tasks), "%llu", (unsigned long long)run->job->tasks);
	snprintf(warmup, sizeof(warmup), "%u", reps->warmup);
	snprintf(nreps, sizeof(nreps), "%u", reps->reps);
	rc = pb_proc_run_reporter(BARE_PROGRAM, path, argv, PB_CELL_FD, why, whylen);
	free(bind);
	return rc;
}

#define BARE .run_cell = bare_run_cell, .unavailable = bare_unavailable, .by_name_only = true, \
	.only_workload = "cpu.nop"

const struct pb_strategy pb_strategy_bare_thread = {
	.name = "bare-thread",
	.summary = "bare pthread_create and pthread_join of empty tasks, N at a time",
	BARE,
};

const struct pb_strategy pb_strategy_bare_fork = {
	.name = "bare-fork",
	.summary = "bare fork, _exit and waitpid of a small program, N at a time",
	BARE,
};

const struct pb_strategy pb_strategy_bare_pool = {
	.name = "bare-pool",
	.summary = "bare pool of N threads taking empty tasks from an atomic counter",
	BARE,
};

const struct pb_strategy pb_strategy_bare_fork_pool = {
	.name = "bare-fork-pool",
	.summary = "bare pool of N forked processes taking empty tasks from a shared counter",
	BARE,
};

const struct pb_strategy pb_strategy_bare_omp = {
	.name = "bare-omp",
	.summary = "bare OpenMP parallel for, schedule(static), over empty tasks",
	BARE,
};
