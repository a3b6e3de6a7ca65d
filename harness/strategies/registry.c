/* The strategy registry: one line in PB_STRATEGIES per strategy. */
#include <string.h>

#include "strategies/strategy.h"

#define PB_STRATEGIES(X)         \
	X(seq)                   \
	X(pthreads)              \
	X(pthreads_per_task)     \
	X(fork)                  \
	X(fork_per_task)         \
	X(openmp_static)         \
	X(openmp_dynamic)        \
	X(openmp_guided)         \
	X(evloop_epoll)          \
	X(evloop_uring)          \
	X(evloop_uv)             \
	X(evloop_uv_pool)        \
	X(opencl)                \
	X(mpi)                   \
	X(mpi_static)            \
	X(py_seq)                \
	X(py_threads_per_task)   \
	X(py_threadpool)         \
	X(py_process_per_task)   \
	X(py_pool)               \
	X(py_processpool)        \
	X(py_asyncio)            \
	X(py_dask)               \
	X(py_ray)                \
	X(bare_thread)           \
	X(bare_fork)             \
	X(bare_pool)             \
	X(bare_fork_pool)        \
	X(bare_omp)              \
	X(bare_py_seq)           \
	X(bare_py_threads_per_task) \
	X(bare_py_threadpool)    \
	X(bare_py_process_per_task) \
	X(bare_py_pool)          \
	X(bare_py_processpool)

#define DECLARE(id) extern const struct pb_strategy pb_strategy_##id;
PB_STRATEGIES(DECLARE)
#undef DECLARE

#define ENTRY(id) &pb_strategy_##id,
const struct pb_strategy *const pb_strategies[] = {
	PB_STRATEGIES(ENTRY)
	NULL
};
#undef ENTRY

const struct pb_strategy *pb_strategy_find(const char *name)
{
	for (const struct pb_strategy *const *s = pb_strategies; *s; s++)
		if (strcmp((*s)->name, name) == 0)
			return *s;
	return NULL;
}

const char *pb_strategy_unavailable(const struct pb_strategy *s, const void *options)
{
	return s->unavailable ? s->unavailable(options) : NULL;
}

const char *pb_strategy_check(const struct pb_strategy *s)
{
	if (!s->name || !*s->name)
		return "it has no name";
	if (!s->summary)
		return "it has no summary";
	if (!s->run == !s->run_cell)
		return "it needs one of run and run_cell, not both";
	if ((s->prepare || s->finish) && !s->run)
		return "it has prepare or finish without run";
	if (!s->options != !s->options_size)
		return "it has options without their size, or a size without options";
	if (s->counterpart && !pb_strategy_find(s->counterpart))
		return "its counterpart is not a strategy";
	if (s->mechanism && !pb_strategy_find(s->mechanism))
		return "its mechanism is not a strategy";
	if (s->only_workload && !pb_workload_find(s->only_workload))
		return "its only workload is not a workload";
	for (const struct pb_strategy *const *t = pb_strategies; *t && *t != s; t++)
		if (s->baseline && (*t)->baseline && (*t)->python == s->python)
			return "a second baseline of its kind";
	return NULL;
}
