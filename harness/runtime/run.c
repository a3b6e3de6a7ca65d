#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/parse.h"
#include "util/proc.h"
#include "runtime/run.h"
#include "strategies/strategy.h"

int pb_run_init(struct pb_run *run, const struct pb_job *job, unsigned workers,
		const cpu_set_t *bind)
{
	size_t tasks_bytes = job->tasks * sizeof(struct pb_task_record);
	size_t workers_bytes = workers * sizeof(struct pb_worker_record);
	char *base;

	*run = (struct pb_run){
		.job = job,
		.workers = workers,
		.bind = bind,
		.work_s = NAN,
		.shared_bytes = sizeof(struct pb_shared) + tasks_bytes + workers_bytes,
	};
	if (sched_getaffinity(0, sizeof(run->unbound), &run->unbound) < 0)
		return -errno;
	base = mmap(NULL, run->shared_bytes, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	run->shared = (struct pb_shared *)base;
	run->shared->tasks = (struct pb_task_record *)(base + sizeof(struct pb_shared));
	run->shared->workers = (struct pb_worker_record *)(base + sizeof(struct pb_shared) +
							  tasks_bytes);
	return 0;
}

void pb_run_reset(struct pb_run *run)
{
	struct pb_shared *shared = run->shared;

	atomic_store(&shared->next_task, 0);
	memset(shared->tasks, 0, run->job->tasks * sizeof(*shared->tasks));
	memset(shared->workers, 0, run->workers * sizeof(*shared->workers));
	run->work_s = NAN;
	free(run->hosts);
	run->hosts = NULL;
	run->error[0] = '\0';
}

void pb_run_destroy(struct pb_run *run)
{
	if (run->shared)
		munmap(run->shared, run->shared_bytes);
	run->shared = NULL;
	free(run->hosts);
	run->hosts = NULL;
}

static void note_cpu(struct pb_worker_record *record)
{
	int cpu = sched_getcpu();

	if (cpu >= 0 && cpu < CPU_SETSIZE)
		CPU_SET(cpu, &record->seen);
}

/* Binds the calling thread, never the whole process: 0 or an errno value. */
static int bind_self(const cpu_set_t *cpus)
{
	return pthread_setaffinity_np(pthread_self(), sizeof(*cpus), cpus);
}

void pb_worker_begin(struct pb_run *run, unsigned worker)
{
	struct pb_worker_record *record = &run->shared->workers[worker];

	if (run->bind && !record->started_bound)
		record->bind_errno = bind_self(&run->bind[worker]);
	note_cpu(record);
}

void pb_helper_begin(struct pb_run *run)
{
	if (run->bind)
		bind_self(&run->unbound);
}

void pb_worker_end(struct pb_run *run, unsigned worker)
{
	note_cpu(&run->shared->workers[worker]);
}

const char *pb_fault_kind_name(enum pb_fault_kind kind)
{
	static const char *const kinds[] = {
		[PB_FAULT_NONE] = "none", [PB_FAULT_CRASH] = "crash", [PB_FAULT_HANG] = "hang",
		[PB_FAULT_CHECKSUM] = "checksum",
	};

	return kinds[kind];
}

int pb_fault_parse(const char *text, const char *strategy, struct pb_fault *fault,
		   char *why, size_t whylen)
{
	char copy[128], sub[64], *task, *only;

	*fault = (struct pb_fault){ PB_FAULT_NONE, 0 };
	if (!text)
		return 0;
	if (strlen(text) >= sizeof(copy) || !strchr(text, ':'))
		goto malformed;
	strcpy(copy, text);
	task = strchr(copy, ':');
	*task++ = '\0';
	only = strchr(task, ':');
	if (only)
		*only++ = '\0';
	for (int k = PB_FAULT_CRASH; k <= PB_FAULT_CHECKSUM; k++)
		if (!strcmp(copy, pb_fault_kind_name((enum pb_fault_kind)k)))
			fault->kind = (enum pb_fault_kind)k;
	if (fault->kind == PB_FAULT_NONE ||
	    pb_parse_u64(task, 0, UINT64_MAX, &fault->task, sub, sizeof(sub)) ||
	    (only && !pb_strategy_find(only)))
		goto malformed;
	if (only && strcmp(only, strategy) != 0)
		fault->kind = PB_FAULT_NONE;	/* only another strategy's cells get it */
	return 0;
malformed:
	fault->kind = PB_FAULT_NONE;
	snprintf(why, whylen, "malformed PARBENCH_FAULT=%.60s: want crash, hang or checksum, "
		 "':' and a task number, optionally ':' and a strategy", text);
	return -1;
}

/* Dies of SIGSEGV, or waits forever, whatever thread or process this is. */
static void inject_fault(enum pb_fault_kind kind)
{
	sigset_t segv;

	if (kind == PB_FAULT_CRASH) {
		/* The default action, even where a sanitizer or a library caught it. */
		signal(SIGSEGV, SIG_DFL);
		sigemptyset(&segv);
		sigaddset(&segv, SIGSEGV);
		pthread_sigmask(SIG_UNBLOCK, &segv, NULL);
		raise(SIGSEGV);
	}
	for (;;)
		pause();
}

void pb_task_begin(struct pb_run *run, uint64_t task)
{
	if (run->fault.kind != PB_FAULT_NONE && run->fault.kind != PB_FAULT_CHECKSUM &&
	    task == run->fault.task)
		inject_fault(run->fault.kind);
	run->shared->tasks[task].start_ns = pb_now_ns();
}

void pb_task_end(struct pb_run *run, uint64_t task, uint64_t checksum, int error)
{
	struct pb_task_record *record = &run->shared->tasks[task];

	if (run->fault.kind == PB_FAULT_CHECKSUM && task == run->fault.task)
		checksum ^= 0x5555555555555555;	/* every other bit flipped */
	record->checksum = checksum;
	record->error = error;
	record->end_ns = pb_now_ns();
}

void pb_do_task(struct pb_run *run, uint64_t task)
{
	uint64_t checksum;

	pb_task_begin(run, task);
	checksum = run->job->workload->run_task(run->job, task);
	pb_task_end(run, task, checksum, pb_task_take_error());
}

void pb_do_tasks_from_counter(struct pb_run *run)
{
	uint64_t task;

	while ((task = pb_next_task(run)) < run->job->tasks)
		pb_do_task(run, task);
}

void pb_work_from_counter(struct pb_run *run, unsigned worker)
{
	pb_worker_begin(run, worker);
	pb_do_tasks_from_counter(run);
	pb_worker_end(run, worker);
}

void pb_work_one_task(struct pb_run *run, unsigned worker, uint64_t task)
{
	pb_worker_begin(run, worker);
	pb_do_task(run, task);
	pb_worker_end(run, worker);
}

int pb_fail(struct pb_run *run, const char *fmt, ...)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;	/* loops fail at once */
	va_list ap;

	pthread_mutex_lock(&lock);
	if (!run->error[0]) {	/* the first failure is the one to report */
		va_start(ap, fmt);
		vsnprintf(run->error, sizeof(run->error), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&lock);
	return -1;
}

int pb_thread_start(pthread_t *thread, const cpu_set_t *cpus, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	int err;

	err = pthread_attr_init(&attr);
	if (err)
		return err;
	err = pthread_attr_setstacksize(&attr, PB_THREAD_STACK);
	if (!err && cpus)
		err = pthread_attr_setaffinity_np(&attr, sizeof(*cpus), cpus);
	if (!err)
		err = pthread_create(thread, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return err;
}

int pb_worker_thread_start(struct pb_run *run, unsigned worker, pthread_t *thread,
			   void *(*fn)(void *), void *arg)
{
	struct pb_worker_record *record = &run->shared->workers[worker];
	int err;

	if (!run->bind)
		return pb_thread_start(thread, NULL, fn, arg);
	/* Before the thread exists: pthread_create orders it before the thread's reads. */
	record->started_bound = true;
	err = pb_thread_start(thread, &run->bind[worker], fn, arg);
	if (err == EINVAL) {	/* the kernel refused the CPUs (glibc binds the new thread) */
		record->bind_errno = err;
		err = pb_thread_start(thread, NULL, fn, arg);
	}
	return err;
}

int pb_check_worker_exit(struct pb_run *run, const char *what, unsigned worker, int status)
{
	char how[64];

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	pb_proc_describe_exit(status, how, sizeof(how));
	return pb_fail(run, "%s %u %s", what, worker, how);
}
