/*
 * A plugin that parbench must refuse before the run, one defect per build:
 *
 *   -DNO_DESCRIPTOR        no parbench_workload symbol at all
 *   -DABI=N                built against another ABI version
 *   -DNO_TASK              neither run_task nor start_task
 *   -DSETUP_ONLY           setup without teardown
 *   -DNAME='"..."'         a name parbench refuses: a built-in's, one with a comma
 *   -DOPTION_TYPE=N        an option of a type that does not exist
 *   -DOPTION='"..."'       its option (--depth, a whole number from 1 to 8)
 *                          named as another's: --tasks, --loops
 *
 * Built with none of them, it is a good plugin (test.good), which the tests
 * check too: what refuses the others is their defect.
 */
#include <stddef.h>

#include "parbench_workload.h"

#ifndef NO_DESCRIPTOR

#ifndef ABI
#define ABI PARBENCH_WORKLOAD_ABI
#endif
#ifndef NAME
#define NAME "test.good"
#endif
#ifndef OPTION_TYPE
#define OPTION_TYPE PARBENCH_OPTION_UINT
#endif
#ifndef OPTION
#define OPTION "depth"
#endif

struct bad_options {
	unsigned value;
};

#ifdef SETUP_ONLY
static int bad_setup(struct pb_job *job)
{
	(void)job;
	return 0;
}
#endif

#ifndef NO_TASK
static uint64_t bad_task(const struct pb_job *job, uint64_t task)
{
	(void)job;
	return task;
}
#endif

static const struct parbench_option bad_options[] = {
	{ .name = OPTION, .type = (enum parbench_option_type)OPTION_TYPE, .metavar = "N",
	  .offset = offsetof(struct bad_options, value), .min = 1, .max = 8,
	  .help = "an option of the bad plugin" },
	{ 0 },
};

PARBENCH_WORKLOAD = {
	.abi = ABI,
	.name = NAME,
	.kind = PB_KIND_CPU,
	.summary = "a plugin with one defect",
	.default_tasks = 4,
	.default_size = 1,
	.size_unit = "units",
#ifdef SETUP_ONLY
	.setup = bad_setup,	/* and no teardown */
#endif
#ifndef NO_TASK
	.run_task = bad_task,
#endif
	.options = bad_options,
	.options_size = sizeof(struct bad_options),
};

#else

/* What a shared object that is no plugin exports instead. */
__attribute__((visibility("default"))) int not_a_workload;

#endif
