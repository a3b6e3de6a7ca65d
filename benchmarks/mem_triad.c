/*
 * mem.triad: STREAM's triad, a[j] = b[j] + s * c[j], over arrays of
 * tasks * size doubles, one slice per task.  The default arrays are 128 MiB
 * each, 384 MiB a pass, several times a large last-level cache, so the work
 * is bound by memory bandwidth, and speedup stops where bandwidth does.
 *
 * The arrays are the cell process's own memory, as a program's arrays are:
 * forked workers see them copy-on-write, reading b and c where they are and
 * copying each page of a they write (the page faults fork costs here; a
 * forked Python worker writing a NumPy array pays the same).  The task's
 * checksum, not a, carries its result back.  Transparent huge pages, where
 * the kernel offers them (madvise), cut the setup's page faults 512-fold:
 * 0.06 s instead of 0.3-0.7 s for 384 MiB, which every cell process pays.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mem_triad.h"
#include "workload.h"

static int triad_setup(struct pb_job *job)
{
	size_t n = job->tasks * job->size;
	struct pb_triad *t;

	if (n == 0 || n > SIZE_MAX / (3 * sizeof(double)))
		return -EOVERFLOW;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->bytes = 3 * n * sizeof(double);
	t->a = mmap(NULL, t->bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->a == MAP_FAILED) {
		free(t);
		return -ENOMEM;
	}
	/* Before the first touch: a kernel without THP, or with it off, says no, and that is fine. */
	madvise(t->a, t->bytes, MADV_HUGEPAGE);
	t->b = t->a + n;
	t->c = t->b + n;
	/* Every page is present now, so no page fault falls into the timed runs. */
	for (size_t j = 0; j < n; j++) {
		t->a[j] = 0.0;
		t->b[j] = (double)(j % 1024);
		t->c[j] = (double)((j * 7) % 1024);
	}
	job->state = t;
	return 0;
}

static void triad_teardown(struct pb_job *job)
{
	struct pb_triad *t = job->state;

	munmap(t->a, t->bytes);
	free(t);
	job->state = NULL;
}

static uint64_t triad_task(const struct pb_job *job, uint64_t task)
{
	const struct pb_triad *t = job->state;
	size_t first = task * job->size, end = first + job->size;
	uint64_t sum = 0;

	for (size_t j = first; j < end; j++) {
		double v = t->b[j] + MEM_TRIAD_SCALAR * t->c[j];
		uint64_t bits;

		t->a[j] = v;
		memcpy(&bits, &v, sizeof(bits));
		sum += bits;
	}
	return sum;
}

const struct pb_workload pb_workload_mem_triad = {
	.name = "mem.triad",
	.kind = PB_KIND_MEM,
	.summary = "STREAM triad a = b + s*c over arrays far larger than the last-level cache",
	.default_tasks = 32,
	.default_size = 1 << 19,
	.size_unit = "doubles",
	.bytes_per_unit = 3 * sizeof(double),
	.setup = triad_setup,
	.teardown = triad_teardown,
	.run_task = triad_task,
};
