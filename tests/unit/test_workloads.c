/* benchmarks/: the registry, the checksum fold and each workload's tasks. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job.h"
#include "workload.h"
#include "leaks.h"

static const struct pb_workload *find(const char *name)
{
	const struct pb_workload *w = pb_workload_find(name);

	cr_assert_not_null(w, "no workload %s", name);
	return w;
}

Test(workloads, every_workload_is_well_formed_and_found)
{
	size_t n = 0;

	for (const struct pb_workload *const *w = pb_workloads; *w; w++, n++) {
		const char *wrong = pb_workload_check(*w);
		const char *kind = pb_kind_name((*w)->kind);

		cr_assert_null(wrong, "%s: %s", (*w)->name, wrong);
		cr_assert_eq(pb_workload_find((*w)->name), *w, "%s", (*w)->name);
		/* "kind.what": the name starts with its kind's name and a dot. */
		cr_assert(strncmp((*w)->name, kind, strlen(kind)) == 0 &&
			  (*w)->name[strlen(kind)] == '.', "%s is not a %s workload's name",
			  (*w)->name, kind);
	}
	cr_assert_geq(n, 4);
}

Test(workloads, names_are_unique)
{
	for (const struct pb_workload *const *a = pb_workloads; *a; a++)
		for (const struct pb_workload *const *b = a + 1; *b; b++)
			cr_assert_str_neq((*a)->name, (*b)->name);
}

Test(workloads, unknown_name)
{
	cr_assert_null(pb_workload_find("cpu.nope"));
	cr_assert_null(pb_workload_find(""));
	cr_assert_null(pb_workload_find("cpu"));
}

Test(workloads, check_catches_malformed)
{
	const struct pb_workload *nop = find("cpu.nop");
	struct pb_workload w = *nop;

	w.run_task = NULL;
	cr_assert_not_null(pb_workload_check(&w));
	w = *nop;
	w.name = "";
	cr_assert_not_null(pb_workload_check(&w));
	w = *nop;
	w.default_tasks = 0;
	cr_assert_not_null(pb_workload_check(&w));
	w = *find("mem.triad");
	w.teardown = NULL;
	cr_assert_not_null(pb_workload_check(&w));
}

static const uint64_t sums[] = { 11, 0, 42, 0xffffffffffffffffULL, 7 };
#define NSUMS (sizeof(sums) / sizeof(sums[0]))

Test(checksum_fold, order_independent)
{
	uint64_t forward = 0, backward = 0, shuffled = 0;
	const size_t order[NSUMS] = { 2, 4, 0, 3, 1 };

	for (size_t t = 0; t < NSUMS; t++)
		forward = pb_checksum_fold(forward, t, sums[t]);
	for (size_t t = NSUMS; t-- > 0;)
		backward = pb_checksum_fold(backward, t, sums[t]);
	for (size_t i = 0; i < NSUMS; i++)
		shuffled = pb_checksum_fold(shuffled, order[i], sums[order[i]]);
	cr_assert_eq(forward, backward);
	cr_assert_eq(forward, shuffled);
}

Test(checksum_fold, sensitive_to_task_numbers)
{
	uint64_t right = 0, swapped = 0;

	for (size_t t = 0; t < NSUMS; t++)
		right = pb_checksum_fold(right, t, sums[t]);
	/* Tasks 0 and 2 report each other's sums. */
	for (size_t t = 0; t < NSUMS; t++)
		swapped = pb_checksum_fold(swapped, t, sums[t == 0 ? 2 : t == 2 ? 0 : t]);
	cr_assert_neq(right, swapped);
}

Test(checksum_fold, sensitive_to_missing_and_doubled_tasks)
{
	uint64_t right = 0, missing = 0, doubled = 0;

	for (size_t t = 0; t < NSUMS; t++) {
		right = pb_checksum_fold(right, t, sums[t]);
		if (t != 3)
			missing = pb_checksum_fold(missing, t, sums[t]);
		doubled = pb_checksum_fold(doubled, t, sums[t]);
	}
	doubled = pb_checksum_fold(doubled, 1, sums[1]);
	cr_assert_neq(right, missing);
	cr_assert_neq(right, doubled);
}

Test(checksum_fold, task_zero_with_sum_zero_counts)
{
	cr_assert_neq(pb_checksum_fold(0, 0, 0), 0);
}

/* sum of i * i for first <= i < first + size, mod 2^64, in closed form. */
static uint64_t sumsq_closed(uint64_t first, uint64_t size)
{
	typedef unsigned __int128 u128;
	/* sum of i * i for 0 <= i < n is (n - 1) n (2n - 1) / 6; exact below 2^42. */
	u128 a = first, b = (u128)first + size;
	u128 below_a = a ? (a - 1) * a * (2 * a - 1) / 6 : 0;
	u128 below_b = b ? (b - 1) * b * (2 * b - 1) / 6 : 0;

	return (uint64_t)(below_b - below_a);
}

static void sumsq_is_closed_form(uint64_t task, uint64_t size)
{
	const struct pb_workload *w = find("cpu.sumsq");
	struct pb_job job = { .workload = w, .tasks = task + 1, .size = size,
			      .options = job_options(w, NULL, NULL) };
	uint64_t got = w->run_task(&job, task);
	uint64_t want = sumsq_closed(task * size, size);

	cr_assert_eq(got, want, "task %llu size %llu: %llu, not %llu",
		     (unsigned long long)task, (unsigned long long)size,
		     (unsigned long long)got, (unsigned long long)want);
}

Test(cpu_sumsq, size_one_is_the_square)
{
	sumsq_is_closed_form(0, 1);
	sumsq_is_closed_form(1, 1);
	sumsq_is_closed_form(12345, 1);
	sumsq_is_closed_form(4294967296ULL, 1);		/* 2^64: wraps to 0 */
}

Test(cpu_sumsq, matches_closed_form)
{
	sumsq_is_closed_form(0, 1000);
	sumsq_is_closed_form(6, 1000);
	sumsq_is_closed_form(3, 1 << 16);
}

Test(cpu_sumsq, range_across_two_to_the_32)
{
	/* Task 4294967 of size 1000 covers 4294967000 .. 4294967999, past 2^32. */
	sumsq_is_closed_form(4294967, 1000);
	sumsq_is_closed_form(65535, 1 << 16);		/* ends just at 2^32 */
	sumsq_is_closed_form(65536, 1 << 16);		/* starts at 2^32 */
}

Test(cpu_sumsq, closed_form_check)
{
	/* The closed form itself, against sums small enough to do by hand. */
	cr_assert_eq(sumsq_closed(0, 4), 0 + 1 + 4 + 9);
	cr_assert_eq(sumsq_closed(3, 2), 9 + 16);
	cr_assert_eq(sumsq_closed(1ULL << 32, 1), 0);
	cr_assert_eq(sumsq_closed((1ULL << 32) + 1, 1), (1ULL << 33) + 1);
}

Test(cpu_nop, returns_the_task_number)
{
	const struct pb_workload *w = find("cpu.nop");
	struct pb_job job = { .workload = w, .tasks = 100, .size = 1,
			      .options = job_options(w, NULL, NULL) };

	cr_assert_eq(w->run_task(&job, 0), 0);
	cr_assert_eq(w->run_task(&job, 1), 1);
	cr_assert_eq(w->run_task(&job, 99), 99);
}

/* mem.triad's state starts with the pointer to a, then b and c follow it. */
static double *triad_a(const struct pb_job *job)
{
	return *(double *const *)job->state;
}

Test(mem_triad, task_writes_its_slice)
{
	const struct pb_workload *w = find("mem.triad");
	struct pb_job job = { .workload = w, .tasks = 4, .size = 10,
			      .options = job_options(w, NULL, NULL) };
	uint64_t first, second, want = 0;
	double *a;

	cr_assert_eq(w->setup(&job), 0);
	cr_assert_not_null(job.state);
	a = triad_a(&job);
	first = w->run_task(&job, 2);
	for (size_t j = 0; j < 40; j++) {
		/* setup fills b[j] = j % 1024 and c[j] = 7j % 1024. */
		double v = (double)(j % 1024) + 3.0 * (double)((j * 7) % 1024);
		uint64_t bits;

		if (j < 20 || j >= 30) {
			cr_assert_eq(a[j], 0.0, "a[%zu] outside task 2 was written", j);
			continue;
		}
		cr_assert_eq(a[j], v, "a[%zu] = %f, not %f", j, a[j], v);
		memcpy(&bits, &v, sizeof(bits));
		want += bits;
	}
	cr_assert_eq(first, want);
	second = w->run_task(&job, 2);
	cr_assert_eq(second, first);
	w->teardown(&job);
	cr_assert_null(job.state);
	assert_no_leaks();
}

Test(mem_triad, tasks_differ)
{
	const struct pb_workload *w = find("mem.triad");
	struct pb_job job = { .workload = w, .tasks = 3, .size = 8,
			      .options = job_options(w, NULL, NULL) };

	cr_assert_eq(w->setup(&job), 0);
	cr_assert_neq(w->run_task(&job, 0), w->run_task(&job, 1));
	cr_assert_neq(w->run_task(&job, 1), w->run_task(&job, 2));
	w->teardown(&job);
}

Test(mem_triad, setup_refuses_empty_arrays)
{
	const struct pb_workload *w = find("mem.triad");
	struct pb_job job = { .workload = w, .tasks = 0, .size = 8,
			      .options = job_options(w, NULL, NULL) };

	cr_assert_lt(w->setup(&job), 0);
	cr_assert_null(job.state);
}

Test(cpu_mandel, deterministic)
{
	const struct pb_workload *w = find("cpu.mandel");
	struct pb_job job = { .workload = w, .tasks = 64, .size = 64,
			      .options = job_options(w, NULL, NULL) };

	for (uint64_t row = 0; row < 64; row += 9)
		cr_assert_eq(w->run_task(&job, row), w->run_task(&job, row), "row %llu",
			     (unsigned long long)row);
}

Test(cpu_mandel, rows_differ)
{
	const struct pb_workload *w = find("cpu.mandel");
	struct pb_job job = { .workload = w, .tasks = 64, .size = 64,
			      .options = job_options(w, NULL, NULL) };
	uint64_t axis = w->run_task(&job, 0);

	cr_assert_neq(axis, w->run_task(&job, 1));
	cr_assert_neq(axis, w->run_task(&job, 32));
	cr_assert_neq(axis, w->run_task(&job, 63));
	cr_assert_neq(w->run_task(&job, 10), w->run_task(&job, 20));
}

/*
 * io.file's non-blocking form, its reads carried out by pread() as a loop
 * would; fail_at: the read that gets -EIO instead (0: none).  The fd it read.
 */
static struct pb_step read_in_steps(const struct pb_job *job, uint64_t task, unsigned fail_at,
				    int *fd)
{
	const struct pb_workload *w = job->workload;
	void *state = calloc(1, w->task_state_size);
	struct pb_step step;
	unsigned reads = 0;

	cr_assert_not_null(state);
	step = w->start_task(job, task, state);
	*fd = step.fd;
	while (step.wait == PB_WAIT_READ) {
		struct pb_read *r = step.read;

		r->result = ++reads == fail_at ? -EIO : pread(step.fd, r->buf, r->len,
							      (off_t)r->offset);
		step = w->resume_task(job, state);
	}
	free(state);
	return step;
}

Test(io_file, steps_match_run_task)
{
	const struct pb_workload *w = find("io.file");

	/* One read and the end of the file; several reads of 64 KiB and a short one. */
	for (uint64_t size = 10001; size < 300000; size += 190000) {
		struct pb_job job = { .workload = w, .tasks = 3, .size = size,
			      .options = job_options(w, NULL, NULL) };

		cr_assert_eq(w->setup(&job), 0);
		for (uint64_t task = 0; task < job.tasks; task++) {
			uint64_t want = w->run_task(&job, task);
			struct pb_step step;
			int fd;

			cr_assert_eq(pb_task_take_error(), 0);
			step = read_in_steps(&job, task, 0, &fd);
			cr_assert_eq(step.wait, PB_WAIT_DONE, "size %llu: wait %d",
				     (unsigned long long)size, step.wait);
			cr_assert_eq(step.checksum, want, "size %llu, task %llu",
				     (unsigned long long)size, (unsigned long long)task);
			cr_assert_eq(fcntl(fd, F_GETFD), -1, "the task left its file open");
		}
		w->teardown(&job);
	}
	assert_no_leaks();
}

Test(io_file, a_failed_read_fails_the_task_and_releases_its_file)
{
	const struct pb_workload *w = find("io.file");
	struct pb_job job = { .workload = w, .tasks = 1, .size = 200000,
			      .options = job_options(w, NULL, NULL) };
	struct pb_step step;
	int fd;

	cr_assert_eq(w->setup(&job), 0);
	step = read_in_steps(&job, 0, 2, &fd);
	cr_assert_eq(step.wait, PB_WAIT_FAILED);
	cr_assert_eq(step.error, EIO);
	cr_assert_eq(fcntl(fd, F_GETFD), -1, "the failed task left its file open");
	w->teardown(&job);
	assert_no_leaks();
}

/*
 * pb_run_steps, the blocking form: a task that waits once in every way, on
 * a pipe of its own.  A read of a pipe fails with ESPIPE (pread): the task
 * checks that the read was carried out and what came of it.
 */
struct every_wait_task {
	int steps, fds[2];
	char byte;
	struct pb_read read;
};

static struct pb_step every_wait_start(const struct pb_job *job, uint64_t task, void *state)
{
	struct every_wait_task *t = state;

	(void)job;
	(void)task;
	if (pipe(t->fds) < 0)
		return pb_step_failed(errno);
	return (struct pb_step){ .wait = PB_WAIT_TIMER, .ns = 1000 };
}

static struct pb_step every_wait_resume(const struct pb_job *job, void *state)
{
	struct every_wait_task *t = state;

	(void)job;
	switch (++t->steps) {
	case 1:
		return pb_step_wait(PB_WAIT_WRITABLE, t->fds[1]);
	case 2:
		cr_assert_eq(write(t->fds[1], "x", 1), 1);
		return pb_step_wait(PB_WAIT_READABLE, t->fds[0]);
	case 3:
		t->read = (struct pb_read){ .buf = &t->byte, .len = 1 };
		return (struct pb_step){ .wait = PB_WAIT_READ, .fd = t->fds[0], .read = &t->read };
	}
	close(t->fds[0]);
	close(t->fds[1]);
	return pb_step_done(t->read.result == -ESPIPE ? 42 : 0);
}

static struct pb_step bad_fd_start(const struct pb_job *job, uint64_t task, void *state)
{
	(void)job;
	(void)task;
	(void)state;
	return pb_step_wait(PB_WAIT_READABLE, -1);
}

Test(run_steps, carries_out_every_wait_and_fails_a_bad_fd)
{
	struct pb_workload w = {
		.name = "io.every-wait",
		.task_state_size = sizeof(struct every_wait_task),
		.start_task = every_wait_start,
		.resume_task = every_wait_resume,
	};
	struct pb_job job = { .workload = &w, .tasks = 1, .size = 1 };

	cr_assert_eq(pb_run_steps(&job, 0), 42);
	cr_assert_eq(pb_task_take_error(), 0);
	w.start_task = bad_fd_start;
	cr_assert_eq(pb_run_steps(&job, 0), 0);
	cr_assert_eq(pb_task_take_error(), EBADF);
	assert_no_leaks();
}
