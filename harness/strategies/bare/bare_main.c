/*
 * parbench-bare: the bare mechanisms the per-task and pool strategies are
 * built on, in a small program of their own that links what a user's program
 * would (libc, pthreads, OpenMP's runtime) and none of parbench's libraries,
 * for the bare-* strategies (harness/strategies/bare/bare.c):
 *
 *   parbench-bare PRIMITIVE WORKERS TASKS WARMUP REPS BIND
 *
 * BIND is "none", or each worker's CPUs as harness/machine/cpus.h writes
 * them ("0;1"), which workers are bound to as the simplest program would
 * bind them: a thread created on them, a forked child that moves itself
 * there, an OpenMP thread that binds itself by its thread number.  After
 * the reps, outside the timed span, a pinned run checks that a worker
 * started the same way is bound to its CPUs and runs on one, and fails
 * with an error line if not.
 *
 * Each task does what cpu.nop's does: it returns its number, so the job's
 * checksum is cpu.nop's and the supervisor checks it as any other.  No task
 * is timed: what a repetition costs is the mechanism.
 * Each measured repetition is a line on PB_CELL_FD (harness/cell/sample.h);
 * a failure is an error line and the exit status PB_PROC_SENT_ERROR.
 */
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cell/sample.h"
#include "machine/cpus.h"
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
	const cpu_set_t *bind;		/* one per worker: its CPUs; NULL: not pinned */
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

/* pthread_create, on the worker's CPUs from its start when pinned: 0 or an errno value. */
static int start_thread(const struct job *job, unsigned worker, pthread_t *thread,
			void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	int err;

	if (!job->bind)
		return pthread_create(thread, NULL, fn, arg);
	if ((err = pthread_attr_init(&attr)))
		return err;
	err = pthread_attr_setaffinity_np(&attr, sizeof(job->bind[worker]), &job->bind[worker]);
	if (!err)
		err = pthread_create(thread, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return err;
}

/*
 * A forked child moves itself onto the worker's CPUs when pinned, as
 * os.sched_setaffinity(0, cpus) would; a refusal leaves it unbound, and
 * check_forks fails the run.
 */
static void bind_child(const struct job *job, unsigned worker)
{
	if (job->bind)
		sched_setaffinity(0, sizeof(job->bind[worker]), &job->bind[worker]);
}

/* An OpenMP thread binds itself by its thread number; check_omp sees a refusal. */
static void bind_omp_thread(const struct job *job)
{
	if (job->bind)
		pthread_setaffinity_np(pthread_self(), sizeof(*job->bind),
				       &job->bind[omp_get_thread_num()]);
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
			if ((errno = start_thread(job, i, &thread[i], one_task, &arg[i])))
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
				bind_child(job, i);
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
		if ((errno = start_thread(job, i, &thread[i], pool_worker, job)))
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
			bind_child(job, i);
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

#pragma omp parallel num_threads(job->workers)
	{
		bind_omp_thread(job);
#pragma omp for schedule(static) nowait
		for (long long task = 0; task < tasks; task++)
			do_task(job, (uint64_t)task);
	}
	return 0;
}

/* Whether the calling thread is bound to exactly `cpus` and runs on one of them. */
static bool bound_to(const cpu_set_t *cpus)
{
	cpu_set_t mask;
	int cpu;

	if (sched_getaffinity(0, sizeof(mask), &mask))
		return false;
	cpu = sched_getcpu();
	return CPU_EQUAL(&mask, cpus) && cpu >= 0 && CPU_ISSET(cpu, cpus);
}

static void *check_thread(void *cpus)
{
	return bound_to(cpus) ? cpus : NULL;
}

/*
 * The checks of a pinned run, after its reps: each worker started as the
 * primitive starts it is bound to its CPUs.  0, or -1 with the first worker
 * that is not.
 */
static int check_threads(struct job *job, unsigned *wrong)
{
	for (unsigned w = 0; w < job->workers; w++) {
		pthread_t thread;
		void *bound = NULL;

		*wrong = w;
		if (start_thread(job, w, &thread, check_thread, (void *)&job->bind[w]))
			return -1;
		pthread_join(thread, &bound);
		if (!bound)
			return -1;
	}
	return 0;
}

static int check_forks(struct job *job, unsigned *wrong)
{
	for (unsigned w = 0; w < job->workers; w++) {
		int status = 0;
		pid_t pid = fork();

		*wrong = w;
		if (pid < 0)
			return -1;
		if (pid == 0) {
			bind_child(job, w);
			_exit(bound_to(&job->bind[w]) ? 0 : 1);
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return -1;
	}
	return 0;
}

/* libgomp keeps its team: each thread is still bound as the last rep bound it. */
static int check_omp(struct job *job, unsigned *wrong)
{
	unsigned first_wrong = job->workers;

#pragma omp parallel num_threads(job->workers) reduction(min : first_wrong)
	if (!bound_to(&job->bind[omp_get_thread_num()]))
		first_wrong = (unsigned)omp_get_thread_num();
	*wrong = first_wrong;
	return first_wrong < job->workers ? -1 : 0;
}

static const struct primitive {
	const char *name;
	int (*run)(struct job *job);
	int (*check)(struct job *job, unsigned *wrong);
} primitives[] = {
	{ "thread", thread_per_task, check_threads },
	{ "fork", fork_per_task, check_forks },
	{ "pool", thread_pool, check_threads },
	{ "fork-pool", fork_pool, check_forks },
	{ "omp", omp_for, check_omp },
};

static int send_error(unsigned rep, const char *fmt, const char *detail)
{
	char message[512];
	struct pb_sample s = { .rep = rep, .error = message, .startup_s = NAN, .work_s = NAN };

	snprintf(message, sizeof(message), fmt, detail);
	pb_sample_send(PB_CELL_FD, &s);
	return PB_PROC_SENT_ERROR;
}

/* One repetition, timed, with what getrusage counted for it and the job's checksum. */
static int measure(const struct primitive *p, struct job *job, struct pb_sample *s)
{
	struct pb_usage before, after;
	int64_t start, end;
	int rc;

	pb_usage_now(&before);
	start = pb_now_ns();
	rc = p->run(job);
	end = pb_now_ns();
	pb_usage_now(&after);
	if (rc)
		return -1;
	s->wall_s = (double)(end - start) / 1e9;
	pb_usage_delta(&before, &after, s);
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

/* A pinned run's workers are where BIND put them: 0, or an error line sent. */
static int check_binding(const struct primitive *p, struct job *job, const char *bind,
			 unsigned reps)
{
	char where[128];
	unsigned wrong;

	if (!job->bind || p->check(job, &wrong) == 0)
		return 0;
	snprintf(where, sizeof(where), "worker %u of %.80s", wrong, bind);
	return send_error(reps, "the bare primitive did not bind %s to its CPUs", where);
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
	cpu_set_t *bind = NULL;
	char why[256];
	size_t bytes;
	int rc;

	for (size_t i = 0; argc == 7 && i < sizeof(primitives) / sizeof(primitives[0]); i++)
		if (strcmp(argv[1], primitives[i].name) == 0)
			p = &primitives[i];
	if (!p || number(argv[2], 1, 10000, &workers) || number(argv[3], 1, 10000000, &tasks) ||
	    number(argv[4], 0, 1000, &warmup) || number(argv[5], 0, 1000, &reps))
		return send_error(0, "internal error: %s", "malformed arguments");
	job.workers = (unsigned)workers;
	job.tasks = tasks;
	if (strcmp(argv[6], "none") != 0) {
		if (!(bind = calloc(workers, sizeof(*bind))))
			return send_error(0, "out of memory for %s", "the workers' CPUs");
		if (pb_cpu_sets_parse(argv[6], job.workers, bind, why, sizeof(why)))
			return send_error(0, "internal error: malformed BIND: %s", why);
		job.bind = bind;
	}
	bytes = sizeof(*job.shared) + tasks * sizeof(*job.shared->results);
	job.shared = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (job.shared == MAP_FAILED)
		return send_error(0, "cannot map the results: %s", strerror(errno));
	rc = run_reps(p, &job, (unsigned)warmup, (unsigned)reps, startup_s);
	if (rc == 0)
		rc = check_binding(p, &job, argv[6], (unsigned)reps);
	munmap(job.shared, bytes);
	free(bind);
	return rc;
}
