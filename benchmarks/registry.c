/*
 * The workload registry.  One line in PB_WORKLOADS per workload: the list
 * generates both the declarations and the table (stress-ng's X-macro).
 */
#include <errno.h>
#include <string.h>

#include "workload.h"

#define PB_WORKLOADS(X) \
	X(cpu_sumsq)    \
	X(cpu_mandel)   \
	X(mem_triad)    \
	X(cpu_nop)      \
	X(io_sleep)     \
	X(io_file)      \
	X(io_http)

#define DECLARE(id) extern const struct pb_workload pb_workload_##id;
PB_WORKLOADS(DECLARE)
#undef DECLARE

#define ENTRY(id) &pb_workload_##id,
const struct pb_workload *const pb_workloads[] = {
	PB_WORKLOADS(ENTRY)
	NULL
};
#undef ENTRY

const struct pb_workload *pb_workload_find(const char *name)
{
	for (const struct pb_workload *const *w = pb_workloads; *w; w++)
		if (strcmp((*w)->name, name) == 0)
			return *w;
	return NULL;
}

const char *pb_kind_name(enum pb_kind kind)
{
	switch (kind) {
	case PB_KIND_CPU:
		return "cpu";
	case PB_KIND_MEM:
		return "mem";
	case PB_KIND_IO:
		return "io";
	}
	return "?";
}

const char *pb_workload_check(const struct pb_workload *w)
{
	if (!w->name || !*w->name)
		return "it has no name";
	if (!w->summary || !w->size_unit)
		return "it has no summary or no size unit";
	if (!w->run_task)
		return "it has no run_task hook";
	if (w->default_tasks == 0 || w->default_size == 0)
		return "its default tasks or size is 0";
	if ((w->setup == NULL) != (w->teardown == NULL))
		return "it has setup without teardown, or teardown without setup";
	if ((w->start_task == NULL) != (w->resume_task == NULL))
		return "it has start_task without resume_task, or the other way round";
	if (!w->options != !w->options_size)
		return "it has options without their size, or a size without options";
	if (w->scratch_option && !pb_option_find(w->options, w->scratch_option))
		return "its scratch_option is not one of its options";
	return NULL;
}

/* Per thread, like errno: a task fails on the thread that runs it. */
static _Thread_local int task_error;

uint64_t pb_task_fail(int err)
{
	task_error = err ? err : EIO;
	return 0;
}

int pb_task_take_error(void)
{
	int err = task_error;

	task_error = 0;
	return err;
}
