/*
 * What a strategy works with while it runs one repetition of a job, and the
 * few calls every strategy makes: a worker begins (binds itself and notes
 * where it runs), takes tasks, does them, and ends.  Task results, their
 * start and end times and where each worker ran live in a shared mapping,
 * so threads and forked worker processes record them the same way.
 */
#ifndef PARBENCH_RUN_H
#define PARBENCH_RUN_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

#include "runtime/offload.h"
#include "util/clock.h"
#include "util/parse.h"
#include "workload.h"

/*
 * Stack of the threads parbench creates: tasks need little, and small stacks
 * let 10,000 threads live at once.  AddressSanitizer needs more.
 */
#if defined(__SANITIZE_ADDRESS__)
#define PB_THREAD_STACK (512 * 1024)
#else
#define PB_THREAD_STACK (64 * 1024)
#endif

struct pb_task_record {
	uint64_t checksum;
	int64_t start_ns;
	int64_t end_ns;			/* 0 until the task is done */
	int error;			/* errno value of a failed task, or 0 */
};

struct pb_worker_record {
	cpu_set_t seen;			/* OS numbers of the CPUs it ran on */
	int bind_errno;			/* why binding failed, or 0 */
	bool started_bound;		/* its threads start on its CPUs: pb_worker_begin binds no more */
};

struct pb_shared {
	_Atomic uint64_t next_task;
	struct pb_task_record *tasks;	/* job->tasks of them */
	struct pb_worker_record *workers;
};

/*
 * A fault the tests ask for through PARBENCH_FAULT=KIND:TASK[:STRATEGY]
 * (see pb_fault_parse): task TASK crashes, hangs or returns a wrong checksum.
 */
enum pb_fault_kind { PB_FAULT_NONE, PB_FAULT_CRASH, PB_FAULT_HANG, PB_FAULT_CHECKSUM };

struct pb_fault {
	enum pb_fault_kind kind;
	uint64_t task;
};

struct pb_pin;

/*
 * The file descriptor on which a cell process sends its lines to the
 * supervisor (harness/cell/sample.h); a strategy with run_cell hands it to
 * the program that does the repetitions.
 */
#define PB_CELL_FD 3

/* A cell's repetitions, for a strategy that runs them itself (run_cell). */
struct pb_reps {
	const char *strategy;		/* its name */
	unsigned warmup;
	unsigned reps;
	double startup_s;		/* the cell process's start-up, for its lines */
};

struct pb_run {
	const struct pb_job *job;
	unsigned workers;
	const void *options;		/* the strategy's own, filled from its option table */
	const cpu_set_t *bind;		/* one per worker: its OS CPUs; NULL: not pinned */
	cpu_set_t unbound;		/* the process's CPUs before any binding: the helpers' */
	const struct pb_pin *pin;	/* the policy of bind, for a launcher that binds; or NULL */
	/* The OS CPU number of each logical PU, in logical order (the cpus column's); or NULL. */
	const struct pb_list *pu_os;
	double work_s;			/* set by a strategy that tells the work from its launch; NAN */
	/* Set (malloc'd) by a strategy whose workers may run on other hosts: as pb_sample's. */
	char *hosts;
	/*
	 * An offload strategy's device and times (device owned by its state);
	 * the times of the last repetition, build_s of its prepare().
	 */
	struct pb_offload offload;
	void *state;			/* a strategy's own, from its prepare() to its finish() */
	struct pb_shared *shared;	/* MAP_SHARED: forked workers write it too */
	size_t shared_bytes;
	struct pb_fault fault;		/* PB_FAULT_NONE but in the fault tests */
	char error[256];
};

/* bind: as pb_run's, kept by the caller.  0 or a negative errno value. */
int pb_run_init(struct pb_run *run, const struct pb_job *job, unsigned workers,
		const cpu_set_t *bind);
void pb_run_reset(struct pb_run *run);
void pb_run_destroy(struct pb_run *run);

/*
 * Reads PARBENCH_FAULT's value (NULL: no fault) for a cell of `strategy`:
 * "crash:3", "hang:0", "checksum:7", optionally ":STRATEGY" after it to hit
 * only that strategy's cells.  0, or -1 with why.
 */
/* "crash", "hang", "checksum"; "none" for PB_FAULT_NONE. */
const char *pb_fault_kind_name(enum pb_fault_kind kind);

int pb_fault_parse(const char *text, const char *strategy, struct pb_fault *fault,
		   char *why, size_t whylen);

/*
 * The calls strategies make.  A worker begins: binds the calling thread (the
 * thread, never the whole process) to its CPUs when pinned, unless
 * pb_worker_thread_start started it there, and notes where it runs.
 */
void pb_worker_begin(struct pb_run *run, unsigned worker);
void pb_worker_end(struct pb_run *run, unsigned worker);

/*
 * A helper thread (an event loop's file reader, not a worker) is created
 * by a pinned loop thread and inherits its binding; this undoes it, so
 * helpers run wherever the OS puts them, as they would in libuv.
 */
void pb_helper_begin(struct pb_run *run);
void pb_do_task(struct pb_run *run, uint64_t task);

/* The two halves of pb_do_task(), for loops that run a task in steps. */
void pb_task_begin(struct pb_run *run, uint64_t task);
void pb_task_end(struct pb_run *run, uint64_t task, uint64_t checksum, int error);

/* Takes tasks from the shared counter and does them until none is left. */
void pb_do_tasks_from_counter(struct pb_run *run);

/*
 * A whole worker's life in a pool: begin, take tasks from the shared
 * counter until none is left, end.
 */
void pb_work_from_counter(struct pb_run *run, unsigned worker);

/* A whole worker's life for per-task strategies: begin, one task, end. */
void pb_work_one_task(struct pb_run *run, unsigned worker, uint64_t task);

/* The next task nobody has taken yet; job->tasks or more when none is left. */
static inline uint64_t pb_next_task(struct pb_run *run)
{
	return atomic_fetch_add_explicit(&run->shared->next_task, 1, memory_order_relaxed);
}

/* Records why the run failed and returns -1. */
int pb_fail(struct pb_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Starts a thread with parbench's stack size, on the CPUs of `cpus` from its
 * first instruction (NULL: where its creator may run): 0 or an errno value.
 */
int pb_thread_start(pthread_t *thread, const cpu_set_t *cpus, void *(*fn)(void *), void *arg);

/*
 * Starts a thread of worker `worker` already bound to its CPUs, so that it
 * never migrates when it begins: a thread that binds itself once running
 * is moved off the CPU where the kernel started it (some 30 us).  A binding
 * the kernel refuses is recorded as pb_worker_begin records one, and the
 * thread starts unbound.  0 or an errno value.
 */
int pb_worker_thread_start(struct pb_run *run, unsigned worker, pthread_t *thread,
			   void *(*fn)(void *), void *arg);

/* Turns a reaped worker process's wait status into an error; 0 if it exited cleanly. */
int pb_check_worker_exit(struct pb_run *run, const char *what, unsigned worker, int status);


#endif
