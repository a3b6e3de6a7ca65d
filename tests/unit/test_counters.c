/*
 * harness/cell/counters.c: each event opens or says why not, and an open one
 * counts the threads and processes created after it opened.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cell/counters.h"
#include "leaks.h"

#define TOUCHED_PAGES 1024

Test(counters, names)
{
	static const char *const names[PB_NEVENTS] = {
		"task-clock", "context-switches", "cpu-migrations", "page-faults-min",
		"page-faults-maj", "cycles", "instructions",
	};

	for (int e = 0; e < PB_NEVENTS; e++)
		cr_assert_str_eq(pb_event_name(e), names[e]);
}

/* Every event is open with no reason, or closed with perf_event_open's. */
static void assert_open_or_explained(const struct pb_counters *c, int opened)
{
	int open = 0;

	for (int e = 0; e < PB_NEVENTS; e++) {
		if (!c->why[e][0])
			open++;
		else
			cr_assert_eq(strncmp(c->why[e], "perf_event_open: ", 17), 0, "%s: \"%s\"",
				     pb_event_name(e), c->why[e]);
	}
	cr_assert_eq(open, opened);
}

Test(counters, open_or_say_why)
{
	struct pb_counters c;
	int opened = pb_counters_open(&c);
	char why[PB_NEVENTS][sizeof(c.why[0])];
	int64_t value[PB_NEVENTS];

	assert_open_or_explained(&c, opened);
	cr_assert_geq(c.nthreads, 1);
	for (int e = 0; e < PB_NEVENTS; e++)
		cr_assert_eq(c.fd[0][e] >= 0, !c.why[e][0], "%s", pb_event_name(e));
	memcpy(why, c.why, sizeof(why));
	pb_counters_close(&c);
	cr_assert_null(c.fd);
	pb_counters_read(&c, value);
	for (int e = 0; e < PB_NEVENTS; e++) {
		cr_assert_str_eq(c.why[e], why[e], "close keeps the reasons");
		cr_assert_eq(value[e], -1, "a closed %s reads nothing", pb_event_name(e));
	}
	assert_no_leaks();
}

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Spins for 30 ms of its own CPU time, and returns that time. */
static void *spin(void *cpu_s)
{
	double start = thread_cpu_s();

	while (thread_cpu_s() - start < 0.03)
		;
	*(double *)cpu_s = thread_cpu_s() - start;
	return NULL;
}

static pthread_barrier_t counters_open;

/* A thread that lives on, as OpenMP's team does: it spins once the counters are open. */
static void *spin_once_open(void *cpu_s)
{
	pthread_barrier_wait(&counters_open);
	return spin(cpu_s);
}

/* A process that writes to TOUCHED_PAGES new pages, one fault each, and exits. */
static void fault_in_a_child(void)
{
	size_t len = TOUCHED_PAGES * 4096;
	pid_t pid = fork();
	int status;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED)
			_exit(1);
		madvise(p, len, MADV_NOHUGEPAGE);	/* a page, a fault */
		for (size_t i = 0; i < len; i += 4096)
			p[i] = 1;
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

Test(counters, count_what_is_created_after_they_open)
{
	int64_t before[PB_NEVENTS], after[PB_NEVENTS];
	struct pb_counters c;
	struct pb_counts k;
	double spun_s = 0;
	pthread_t thread;

	pb_counters_open(&c);
	pb_counters_read(&c, before);
	cr_assert_eq(pthread_create(&thread, NULL, spin, &spun_s), 0);
	cr_assert_eq(pthread_join(thread, NULL), 0);
	fault_in_a_child();
	pb_counters_read(&c, after);
	pb_counters_close(&c);
	pb_counts_between(before, after, 0.5, &k);
	cr_assert_eq(k.wall_s, 0.5);
	cr_assert_null(c.fd);
	if (!c.why[PB_EVENT_TASK_CLOCK][0])
		cr_assert_geq(k.task_clock_s, 0.9 * spun_s, "task-clock %g s, the thread spun %g s",
			      k.task_clock_s, spun_s);
	else
		cr_assert(isnan(k.task_clock_s));
	if (!c.why[PB_EVENT_PAGE_FAULTS_MIN][0])
		cr_assert_geq(k.minflt, TOUCHED_PAGES, "%lld minor faults",
			      (long long)k.minflt);
	else
		cr_assert_eq(k.minflt, -1);
	for (int e = 0; e < PB_NEVENTS; e++)
		cr_assert_eq(before[e] < 0, c.why[e][0] != '\0', "%s", pb_event_name(e));
	cr_assert_geq(k.context_switches, c.why[PB_EVENT_CONTEXT_SWITCHES][0] ? -1 : 0);
	cr_assert_geq(k.migrations, c.why[PB_EVENT_CPU_MIGRATIONS][0] ? -1 : 0);
	assert_no_leaks();
}

Test(counters, count_threads_that_were_there_before)
{
	int64_t before[PB_NEVENTS], after[PB_NEVENTS];
	struct pb_counters c;
	struct pb_counts k;
	double spun_s = 0;
	pthread_t thread;

	cr_assert_eq(pthread_barrier_init(&counters_open, NULL, 2), 0);
	cr_assert_eq(pthread_create(&thread, NULL, spin_once_open, &spun_s), 0);
	pb_counters_open(&c);
	cr_assert_geq(c.nthreads, 2, "the spinning thread and this one");
	pb_counters_read(&c, before);
	pthread_barrier_wait(&counters_open);
	cr_assert_eq(pthread_join(thread, NULL), 0);
	pb_counters_read(&c, after);
	pb_counters_close(&c);
	pthread_barrier_destroy(&counters_open);
	pb_counts_between(before, after, 0.5, &k);
	if (c.why[PB_EVENT_TASK_CLOCK][0])
		cr_skip_test("task-clock: %s", c.why[PB_EVENT_TASK_CLOCK]);
	cr_assert_geq(k.task_clock_s, 0.9 * spun_s, "task-clock %g s, the thread spun %g s",
		      k.task_clock_s, spun_s);
	assert_no_leaks();
}

Test(counters, absent_counters_count_nothing)
{
	int64_t before[PB_NEVENTS], after[PB_NEVENTS];
	struct pb_counts k;

	for (int e = 0; e < PB_NEVENTS; e++) {
		before[e] = e == PB_EVENT_CYCLES ? -1 : 100 * e;
		after[e] = e == PB_EVENT_INSTRUCTIONS ? -1 : 100 * e + 7;
	}
	before[PB_EVENT_TASK_CLOCK] = 1000000000;
	after[PB_EVENT_TASK_CLOCK] = 1250000000;
	pb_counts_between(before, after, 0.5, &k);
	cr_assert_float_eq(k.task_clock_s, 0.25, 1e-12);
	cr_assert_eq(k.context_switches, 7);
	cr_assert_eq(k.migrations, 7);
	cr_assert_eq(k.minflt, 7);
	cr_assert_eq(k.majflt, 7);
	cr_assert_eq(k.cycles, -1);
	cr_assert_eq(k.instructions, -1);
	before[PB_EVENT_TASK_CLOCK] = -1;
	pb_counts_between(before, after, 0.5, &k);
	cr_assert(isnan(k.task_clock_s));
}

/*
 * As an unprivileged user under perf_event_paranoid 2 or more, the events
 * open counting user space only, but those the kernel counts in kernel mode
 * (context switches, migrations), which would read 0, stay closed and say
 * why.  Needs root, to become nobody in a child.
 */
Test(counters, unprivileged_counts_user_space_or_says_why)
{
	struct pb_counters c;
	int fds[2], status, level = -1;
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	pid_t pid;

	if (f) {
		if (fscanf(f, "%d", &level) != 1)
			level = -1;
		fclose(f);
	}
	if (geteuid() != 0 || level < 2)
		cr_skip_test("needs root and kernel.perf_event_paranoid >= 2 (it is %d)", level);
	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setuid(65534) < 0)
			_exit(1);
		pb_counters_open(&c);
		pb_counters_close(&c);
		_exit(write(fds[1], &c, sizeof(c)) == sizeof(c) ? 0 : 1);
	}
	close(fds[1]);
	cr_assert_eq(read(fds[0], &c, sizeof(c)), sizeof(c), "the child could not become nobody");
	close(fds[0]);
	waitpid(pid, &status, 0);
	cr_assert_str_empty(c.why[PB_EVENT_TASK_CLOCK], "%s", c.why[PB_EVENT_TASK_CLOCK]);
	cr_assert(c.exclude_kernel);
	cr_assert_str_empty(c.why[PB_EVENT_PAGE_FAULTS_MIN]);
	for (int e = PB_EVENT_CONTEXT_SWITCHES; e <= PB_EVENT_CPU_MIGRATIONS; e++)
		cr_assert_not_null(strstr(c.why[e], "Permission denied (kernel.perf_event_paranoid"),
				   "%s: \"%s\"", pb_event_name(e), c.why[e]);
}
