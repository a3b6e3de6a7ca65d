/*
 * parbench-bare: the bare mechanisms the per-task and pool strategies are
 * built on, in a small program of their own that links what a user's program
 * would (libc, pthreads, OpenMP's runtime) and none of parbench's libraries,
 * for the bare-* strategies (harness/strategies/bare/bare.c):
 *
 *   parbench-bare PRIMITIVE WORKERS TASKS WARMUP REPS
 *
 * Each task does what cpu.nop's does: it returns its number, so the job's
 * checksum is cpu.nop's and the supervisor checks it as any other.  No task
 * is timed, no worker is bound: what a repetition costs is the mechanism.
 * Each measured repetition is a line on PB_CELL_FD (harness/cell/sample.h);
 * a failure is an error line and the exit status PB_PROC_SENT_ERROR.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cell/sample.h"
#include "runtime/run.h"
#include "util/clock.h"
#include "util/parse.h"
#include "util/proc.h"
#include "workload.h"

/* MAP_SHARED: forked children take tasks and write results too. */
struct shared {
	_Atomic uint64_t next;		/* the pools' next task */
	uint64_t results[];
};

struct job {
	unsigned workers;
	uint64_t tasks;
	struct shared *shared;
};

struct task_arg {
	struct job *job;
	uint64_t task;
};

/* A task: cpu.nop's, which returns its number. */
static void do_task(struct job *job, uint64_t task)
{
	job->shared->results[task] = task;
}

static void *one_task(void *arg)
{
	struct task_arg *t = arg;

	do_task(t->job, t->task);
	return NULL;
}

/* A thread per task, `workers` of them at a time: pthread_create and pthread_join. */
static int thread_per_task(struct job *job)
{
	struct task_arg arg[job->workers];
	pthread_t thread[job->workers];

	for (uint64_t first = 0; first < job->tasks; first += job->workers) {
		unsigned n = job->tasks - first < job->workers ? (unsigned)(job->tasks - first)
							       : job->workers;

		for (unsigned i = 0; i < n; i++) {
			arg[i].job = job;
			arg[i].task = first + i;
			if ((errno = pthread_create(&thread[i], NULL, one_task, &arg[i])))
				return -1;
		}
		for (unsigned i = 0; i < n; i++)
			pthread_join(thread[i], NULL);
	}
	return 0;
}

/* A process per task, `workers` of them at a time: fork, _exit and waitpid. */
static int fork_per_task(struct job *job)
{
	pid_t pid[job->workers];

	for (uint64_t first = 0; first < job->tasks; first += job->workers) {
		unsigned n = job->tasks - first < job->workers ? (unsigned)(job->tasks - first)
							       : job->workers;

		for (unsigned i = 0; i < n; i++) {
			if ((pid[i] = fork()) < 0)
				return -1;
			if (pid[i] == 0) {
				do_task(job, first + i);
				_exit(0);
			}
		}
		for (unsigned i = 0; i < n; i++)
			while (waitpid(pid[i], NULL, 0) < 0 && errno == EINTR)
				;
	}
	return 0;
}

/* A pool's worker: tasks from the shared counter until none is left. */
static void take_tasks(struct job *job)
{
	uint64_t task;

	while ((task = atomic_fetch_add_explicit(&job->shared->next, 1, memory_order_relaxed)) <
	       job->tasks)
		do_task(job, task);
}

static void *pool_worker(void *arg)
{
	take_tasks(arg);
	return NULL;
}

/* A pool of threads made for the job, as the pthreads strategy's. */
static int thread_pool(struct job *job)
{
	pthread_t thread[job->workers];

	atomic_store(&job->shared->next, 0);
	for (unsigned i = 0; i < job->workers; i++)
		if ((errno = pthread_create(&thread[i], NULL, pool_worker, job)))
			return -1;
	for (unsigned i = 0; i < job->workers; i++)
		pthread_join(thread[i], NULL);
	return 0;
}

/* A pool of forked processes made for the job, as the fork strategy's. */
static int fork_pool(struct job *job)
{
	pid_t pid[job->workers];

	atomic_store(&job->shared->next, 0);
	for (unsigned i = 0; i < job->workers; i++) {
		if ((pid[i] = fork()) < 0)
			return -1;
		if (pid[i] == 0) {
			take_tasks(job);
			_exit(0);
		}
	}
	for (unsigned i = 0; i < job->workers; i++)
		while (waitpid(pid[i], NULL, 0) < 0 && errno == EINTR)
			;
	return 0;
}

/* One OpenMP parallel for, schedule(static), as openmp-static's. */
static int omp_for(struct job *job)
{
	long long tasks = (long long)job->tasks;

#pragma omp parallel for num_threads(job->workers) schedule(static)
	for (long long task = 0; task < tasks; task++)
		do_task(job, (uint64_t)task);
	return 0;
}

static const struct primitive {
	const char *name;
	int (*run)(struct job *job);
} primitives[] = {
	{ "thread", thread_per_task },
	{ "fork", fork_per_task },
	{ "pool", thread_pool },
	{ "fork-pool", fork_pool },
	{ "omp", omp_for },
};

static int send_error(unsigned rep, const char *fmt, const char *detail)
{
	char message[512];
	struct pb_sample s = { .rep = rep, .error = message, .startup_s = NAN, .work_s = NAN };

	snprintf(message, sizeof(message), fmt, detail);
	pb_sample_send(PB_CELL_FD, &s);
	return PB_PROC_SENT_ERROR;
}

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* One repetition, timed, with what getrusage counted for it and the job's checksum. */
static int measure(const struct primitive *p, struct job *job, struct pb_sample *s)
{
	struct rusage self[2], children[2];
	int64_t start, end;
	int rc;

	getrusage(RUSAGE_SELF, &self[0]);
	getrusage(RUSAGE_CHILDREN, &children[0]);
	start = pb_now_ns();
	rc = p->run(job);
	end = pb_now_ns();
	getrusage(RUSAGE_SELF, &self[1]);
	getrusage(RUSAGE_CHILDREN, &children[1]);
	if (rc)
		return -1;
	s->wall_s = (double)(end - start) / 1e9;
	s->user_s = seconds(self[1].ru_utime) - seconds(self[0].ru_utime) +
		    seconds(children[1].ru_utime) - seconds(children[0].ru_utime);
	s->sys_s = seconds(self[1].ru_stime) - seconds(self[0].ru_stime) +
		   seconds(children[1].ru_stime) - seconds(children[0].ru_stime);
	s->max_rss_kb = self[1].ru_maxrss;
	s->vcsw = self[1].ru_nvcsw - self[0].ru_nvcsw;
	s->ivcsw = self[1].ru_nivcsw - self[0].ru_nivcsw;
	s->minflt = self[1].ru_minflt - self[0].ru_minflt + children[1].ru_minflt -
		    children[0].ru_minflt;
	s->majflt = self[1].ru_majflt - self[0].ru_majflt;
	s->checksum = 0;
	for (uint64_t t = 0; t < job->tasks; t++)
		s->checksum = pb_checksum_fold(s->checksum, t, job->shared->results[t]);
	return 0;
}

static int run_reps(const struct primitive *p, struct job *job, unsigned warmup, unsigned reps,
		    double startup_s)
{
	for (unsigned i = 0; i < warmup + reps; i++) {
		struct pb_sample s = { .rep = i < warmup ? 0 : i - warmup, .startup_s = startup_s,
				       .work_s = NAN, .lat_p50_s = NAN, .lat_p99_s = NAN,
				       .cpus = "" };

		memset(job->shared->results, 0, job->tasks * sizeof(*job->shared->results));
		if (measure(p, job, &s))
			return send_error(s.rep, "the bare primitive failed: %s", strerror(errno));
		if (i >= warmup && pb_sample_send(PB_CELL_FD, &s))
			return 1;
	}
	return 0;
}

static int number(const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char why[128];

	return pb_parse_u64(text, lo, hi, out, why, sizeof(why));
}

int main(int argc, char **argv)
{
	double startup_s = pb_proc_since_exec_s();
	const struct primitive *p = NULL;
	uint64_t workers, tasks, warmup, reps;
	struct job job = { 0 };
	size_t bytes;
	int rc;

	for (size_t i = 0; argc == 6 && i < sizeof(primitives) / sizeof(primitives[0]); i++)
		if (strcmp(argv[1], primitives[i].name) == 0)
			p = &primitives[i];
	if (!p || number(argv[2], 1, 10000, &workers) || number(argv[3], 1, 10000000, &tasks) ||
	    number(argv[4], 0, 1000, &warmup) || number(argv[5], 0, 1000, &reps))
		return send_error(0, "internal error: %s", "malformed arguments");
	job.workers = (unsigned)workers;
	job.tasks = tasks;
	bytes = sizeof(*job.shared) + tasks * sizeof(*job.shared->results);
	job.shared = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (job.shared == MAP_FAILED)
		return send_error(0, "cannot map the results: %s", strerror(errno));
	rc = run_reps(p, &job, (unsigned)warmup, (unsigned)reps, startup_s);
	munmap(job.shared, bytes);
	return rc;
}
