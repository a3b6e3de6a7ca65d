/*
 * harness/strategies/: every strategy, in this process, does every task of a
 * job exactly once and gets seq's checksum (a strategy unavailable here is
 * skipped); an event loop fails a task whose wait cannot be done.  Unpinned
 * (bind NULL), so no topology is needed.  Not the by-name-only ones (mpi,
 * mpi-static): they start mpirun and parbench-mpi-rank beside the parbench
 * binary, which this program is not; tests/e2e/test_mpi.py runs them.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "job.h"
#include "strategies/strategy.h"

/* A strategy that deadlocks fails its test instead of hanging the suite. */
#define TIMEOUT .timeout = 30

/* Runs job with strategy s and `workers` workers; returns the folded checksum. */
static uint64_t run_job(const struct pb_strategy *s, const struct pb_job *job, unsigned workers)
{
	struct pb_run run;
	uint64_t sum = 0;

	cr_assert_eq(pb_run_init(&run, job, workers, NULL), 0);
	run.options = strategy_options(s);
	pb_run_reset(&run);
	cr_assert_eq(s->run(&run), 0, "%s with %u workers: %s", s->name, workers, run.error);
	cr_assert_str_eq(run.error, "");
	for (uint64_t t = 0; t < job->tasks; t++) {
		const struct pb_task_record *task = &run.shared->tasks[t];

		cr_assert_gt(task->end_ns, 0, "%s with %u workers: task %llu not done",
			     s->name, workers, (unsigned long long)t);
		cr_assert_geq(task->end_ns, task->start_ns);
		sum = pb_checksum_fold(sum, t, task->checksum);
	}
	/*
	 * Per-task strategies use no more workers than there are tasks; event
	 * loops record their loop threads (one here), and libuv's pool keeps the
	 * size of its first use in this process.
	 */
	for (unsigned w = 0; w < (s->event_loop ? 1 : workers) && w < job->tasks; w++) {
		const struct pb_worker_record *worker = &run.shared->workers[w];

		cr_assert_gt(CPU_COUNT(&worker->seen), 0, "%s: worker %u of %u saw no CPU",
			     s->name, w, workers);
		cr_assert_eq(worker->bind_errno, 0);
	}
	pb_run_destroy(&run);
	cr_assert_null(run.shared);
	return sum;
}

/*
 * Whether to run s against seq: not seq itself, nor one unavailable here,
 * nor a py-* one, which the interpreter runs (tests/e2e/test_python.py).
 */
static bool compared(const struct pb_strategy *s)
{
	const char *why;

	if (s == pb_strategy_find("seq") || !s->run || s->by_name_only)
		return false;
	why = pb_strategy_unavailable(s, NULL);
	if (why)
		cr_log_info("%s skipped: %s", s->name, why);
	return !why;
}

/* Every strategy other than seq, with 1, 2 and 3 workers, against seq. */
static void all_match_seq(const char *workload, uint64_t tasks, uint64_t size)
{
	const struct pb_workload *w = pb_workload_find(workload);
	struct pb_job job = { .workload = w, .tasks = tasks, .size = size,
			      .options = job_options(w, NULL, NULL) };
	uint64_t want;

	cr_assert_not_null(w);
	if (w->setup)
		cr_assert_eq(w->setup(&job), 0, "setup of %s", workload);
	want = run_job(pb_strategy_find("seq"), &job, 1);
	for (const struct pb_strategy *const *s = pb_strategies; *s; s++) {
		if (!compared(*s))
			continue;
		for (unsigned workers = 1; workers <= 3; workers++)
			cr_assert_eq(run_job(*s, &job, workers), want,
				     "%s on %s with %u workers: wrong checksum", (*s)->name,
				     workload, workers);
	}
	if (w->teardown)
		w->teardown(&job);
}

Test(strategies, registry, TIMEOUT)
{
	size_t n = 0;

	for (const struct pb_strategy *const *s = pb_strategies; *s; s++, n++) {
		const char *wrong = pb_strategy_check(*s);

		cr_assert_null(wrong, "%s: %s", (*s)->name, wrong);
		cr_assert_eq(pb_strategy_find((*s)->name), *s);
		for (const struct pb_strategy *const *t = s + 1; *t; t++)
			cr_assert_str_neq((*s)->name, (*t)->name);
	}
	cr_assert_geq(n, 2);
	cr_assert_not_null(pb_strategy_find("seq"));
	cr_assert_null(pb_strategy_find("nope"));
}

/* A strategy that names what is not there: the registry check refuses it. */
Test(strategies, registry_check_refuses_unknown_names, TIMEOUT)
{
	struct pb_strategy s = *pb_strategy_find("pthreads");

	cr_assert_null(pb_strategy_check(&s));
	s.mechanism = "bare-nope";
	cr_assert_str_eq(pb_strategy_check(&s), "its mechanism is not a strategy");
	s.mechanism = "bare-pool";
	s.only_workload = "cpu.nope";
	cr_assert_str_eq(pb_strategy_check(&s), "its only workload is not a workload");
	s.only_workload = "cpu.nop";
	s.counterpart = "nope";
	cr_assert_str_eq(pb_strategy_check(&s), "its counterpart is not a strategy");
}

Test(strategies, seq_checksum_is_the_fold_of_run_task, TIMEOUT)
{
	const struct pb_workload *w = pb_workload_find("cpu.nop");
	struct pb_job job = { .workload = w, .tasks = 50, .size = 1,
			      .options = job_options(w, NULL, NULL) };
	uint64_t want = 0;

	for (uint64_t t = 0; t < job.tasks; t++)
		want = pb_checksum_fold(want, t, t);
	cr_assert_eq(run_job(pb_strategy_find("seq"), &job, 1), want);
}

Test(strategies, sumsq_matches_seq, TIMEOUT)
{
	all_match_seq("cpu.sumsq", 7, 1000);
}

Test(strategies, nop_matches_seq, TIMEOUT)
{
	all_match_seq("cpu.nop", 50, 1);
}

/* The non-blocking forms in the loops: timers, and file reads (evloop-uring's on its ring). */
Test(strategies, sleep_matches_seq, TIMEOUT)
{
	all_match_seq("io.sleep", 12, 500);
}

Test(strategies, file_matches_seq, TIMEOUT)
{
	all_match_seq("io.file", 12, 70001);
}

Test(strategies, more_workers_than_tasks, TIMEOUT)
{
	const struct pb_workload *w = pb_workload_find("cpu.sumsq");
	struct pb_job job = { .workload = w, .tasks = 2, .size = 100,
			      .options = job_options(w, NULL, NULL) };
	uint64_t want = run_job(pb_strategy_find("seq"), &job, 1);

	for (const struct pb_strategy *const *s = pb_strategies; *s; s++) {
		if (!compared(*s))
			continue;
		cr_assert_eq(run_job(*s, &job, 5), want, "%s with 5 workers, 2 tasks", (*s)->name);
	}
}

Test(strategies, run_can_be_repeated_after_reset, TIMEOUT)
{
	const struct pb_workload *w = pb_workload_find("cpu.nop");
	struct pb_job job = { .workload = w, .tasks = 20, .size = 1,
			      .options = job_options(w, NULL, NULL) };
	const struct pb_strategy *s = pb_strategy_find("pthreads");
	struct pb_run run;

	cr_assert_not_null(s);
	cr_assert_eq(pb_run_init(&run, &job, 2, NULL), 0);
	run.options = strategy_options(s);
	for (int rep = 0; rep < 3; rep++) {
		pb_run_reset(&run);
		cr_assert_eq(run.shared->tasks[5].end_ns, 0);
		cr_assert_eq(s->run(&run), 0, "%s", run.error);
		for (uint64_t t = 0; t < job.tasks; t++)
			cr_assert_eq(run.shared->tasks[t].checksum, t);
	}
	pb_run_destroy(&run);
}

/* The strategies whose workers parbench binds: threads it starts, processes, OpenMP's team. */
static const char *const pinned_strategies[] = {
	"pthreads", "pthreads-per-task", "fork", "fork-per-task", "openmp-static", "evloop-epoll",
};

/* Runs 8 tasks with 2 workers, each bound to `cpu`; the run's worker records are returned. */
static void run_bound(const char *strategy, unsigned cpu, struct pb_worker_record *records)
{
	const struct pb_workload *w = pb_workload_find("cpu.nop");
	struct pb_job job = { .workload = w, .tasks = 8, .size = 1,
			      .options = job_options(w, NULL, NULL) };
	const struct pb_strategy *s = pb_strategy_find(strategy);
	cpu_set_t bind[2];
	struct pb_run run;

	cr_assert_not_null(s);
	for (unsigned i = 0; i < 2; i++) {
		CPU_ZERO(&bind[i]);
		CPU_SET(cpu, &bind[i]);
	}
	cr_assert_eq(pb_run_init(&run, &job, 2, bind), 0);
	run.options = strategy_options(s);
	pb_run_reset(&run);
	cr_assert_eq(s->run(&run), 0, "%s: %s", strategy, run.error);
	for (uint64_t t = 0; t < job.tasks; t++)
		cr_assert_eq(run.shared->tasks[t].checksum, t, "%s: task %llu", strategy,
			     (unsigned long long)t);
	memcpy(records, run.shared->workers, 2 * sizeof(*records));
	pb_run_destroy(&run);
}

/* The highest CPU this process may run on: not the one a new thread is likely given. */
static unsigned last_allowed_cpu(void)
{
	cpu_set_t allowed;
	unsigned last = 0;

	cr_assert_eq(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
	for (unsigned cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &allowed))
			last = cpu;
	return last;
}

/* Every worker is seen on its CPU alone, at its start and after its last task. */
Test(strategies, pinned_workers_run_only_on_their_cpu, TIMEOUT)
{
	unsigned cpu = last_allowed_cpu();

	for (size_t i = 0; i < sizeof(pinned_strategies) / sizeof(pinned_strategies[0]); i++) {
		const char *name = pinned_strategies[i];
		struct pb_worker_record records[2];
		/* An event loop records its loop threads: one does 8 tasks of cpu.nop. */
		unsigned workers = pb_strategy_find(name)->event_loop ? 1 : 2;

		run_bound(name, cpu, records);
		for (unsigned w = 0; w < workers; w++) {
			cr_assert_eq(records[w].bind_errno, 0, "%s, worker %u", name, w);
			cr_assert_eq(CPU_COUNT(&records[w].seen), 1, "%s, worker %u: on %d CPUs",
				     name, w, CPU_COUNT(&records[w].seen));
			cr_assert(CPU_ISSET(cpu, &records[w].seen), "%s, worker %u: not on CPU %u",
				  name, w, cpu);
		}
	}
}

/* A CPU the kernel refuses is the worker's bind error; its tasks still run. */
Test(strategies, a_refused_binding_is_recorded, TIMEOUT)
{
	for (size_t i = 0; i < sizeof(pinned_strategies) / sizeof(pinned_strategies[0]); i++) {
		const char *name = pinned_strategies[i];
		struct pb_worker_record records[2];

		run_bound(name, CPU_SETSIZE - 1, records);
		cr_assert_eq(records[0].bind_errno, EINVAL, "%s: bind_errno %d", name,
			     records[0].bind_errno);
	}
}

/* What a worker thread finds at its first instruction, before pb_worker_begin. */
struct first_look {
	cpu_set_t affinity;
	int cpu;
};

static void *look_around(void *arg)
{
	struct first_look *look = arg;

	pthread_getaffinity_np(pthread_self(), sizeof(look->affinity), &look->affinity);
	look->cpu = sched_getcpu();
	return NULL;
}

/* pb_worker_thread_start's thread is bound from its start: it has nothing to migrate for. */
Test(strategies, a_worker_thread_starts_bound_on_its_cpu, TIMEOUT)
{
	const struct pb_workload *w = pb_workload_find("cpu.nop");
	struct pb_job job = { .workload = w, .tasks = 1, .size = 1 };
	unsigned cpu = last_allowed_cpu();
	struct first_look look;
	struct pb_run run;
	cpu_set_t bind;
	pthread_t thread;

	CPU_ZERO(&bind);
	CPU_SET(cpu, &bind);
	cr_assert_eq(pb_run_init(&run, &job, 1, &bind), 0);
	pb_run_reset(&run);
	cr_assert_eq(pb_worker_thread_start(&run, 0, &thread, look_around, &look), 0);
	pthread_join(thread, NULL);
	cr_assert(CPU_EQUAL(&look.affinity, &bind), "bound to %d CPUs", CPU_COUNT(&look.affinity));
	cr_assert_eq(look.cpu, (int)cpu);
	cr_assert(run.shared->workers[0].started_bound);
	pb_run_destroy(&run);
}

/*
 * A task that waits on an fd nobody has open, with a poll or a read: the
 * loop fails it with EBADF rather than hang or resume it.
 */
struct bad_fd_task {
	struct pb_read read;
	char byte;
};

static struct pb_step bad_fd_poll(const struct pb_job *job, uint64_t task, void *state)
{
	(void)job;
	(void)task;
	(void)state;
	return pb_step_wait(PB_WAIT_READABLE, -1);
}

static struct pb_step bad_fd_read(const struct pb_job *job, uint64_t task, void *state)
{
	struct bad_fd_task *t = state;

	(void)job;
	(void)task;
	t->read = (struct pb_read){ .buf = &t->byte, .len = 1 };
	return (struct pb_step){ .wait = PB_WAIT_READ, .fd = -1, .read = &t->read };
}

/* Only a read's result may come back here; a resumed failed poll ends without error. */
static struct pb_step bad_fd_resume(const struct pb_job *job, void *state)
{
	const struct bad_fd_task *t = state;

	(void)job;
	return t->read.result < 0 ? pb_step_failed((int)-t->read.result) : pb_step_done(0);
}

static void assert_every_task_fails(const char *strategy, const struct pb_job *job, int err)
{
	const struct pb_strategy *s = pb_strategy_find(strategy);
	struct pb_run run;

	cr_assert_not_null(s);
	if (pb_strategy_unavailable(s, NULL)) {
		cr_log_info("%s skipped: %s", strategy, pb_strategy_unavailable(s, NULL));
		return;
	}
	cr_assert_eq(pb_run_init(&run, job, 2, NULL), 0);
	run.options = strategy_options(s);
	pb_run_reset(&run);
	s->run(&run);		/* which may also fail the run, as the epoll loop does */
	for (uint64_t t = 0; t < job->tasks; t++) {
		cr_assert_gt(run.shared->tasks[t].end_ns, 0, "%s: task %llu not done", strategy,
			     (unsigned long long)t);
		cr_assert_eq(run.shared->tasks[t].error, err, "%s: task %llu: error %d", strategy,
			     (unsigned long long)t, run.shared->tasks[t].error);
	}
	pb_run_destroy(&run);
}

Test(strategies, a_wait_that_cannot_be_done_fails_its_task, TIMEOUT)
{
	struct pb_workload w = {
		.name = "io.bad-fd",
		.kind = PB_KIND_IO,
		.task_state_size = sizeof(struct bad_fd_task),
		.start_task = bad_fd_poll,
		.resume_task = bad_fd_resume,
	};
	struct pb_job job = { .workload = &w, .tasks = 5, .size = 1,
			      .options = job_options(&w, NULL, NULL) };

	assert_every_task_fails("evloop-epoll", &job, EBADF);
	assert_every_task_fails("evloop-uv", &job, EBADF);
	assert_every_task_fails("evloop-uring", &job, EBADF);
	w.start_task = bad_fd_read;
	assert_every_task_fails("evloop-epoll", &job, EBADF);
	assert_every_task_fails("evloop-uv", &job, EBADF);
	assert_every_task_fails("evloop-uring", &job, EBADF);
}
