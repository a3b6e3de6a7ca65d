/*
 * The articles' Python methods, run by the interpreter on the same
 * workloads (harness/strategies/python/strategies.py does the work; the cell starts
 * it, harness/strategies/python/interpreter.c).  Their speedup is against py-seq.
 */
#include "strategies/strategy.h"

const struct pb_strategy pb_strategy_py_seq = {
	.name = "py-seq",
	.summary = "Python, one thread, tasks in order: the baseline of the py-* speedups",
	.python = true,
};

const struct pb_strategy pb_strategy_py_threads_per_task = {
	.name = "py-threads-per-task",
	.summary = "Python, a threading.Thread per task, at most N alive at once",
	.python = true,
};

const struct pb_strategy pb_strategy_py_threadpool = {
	.name = "py-threadpool",
	.summary = "Python, concurrent.futures.ThreadPoolExecutor(N).map",
	.python = true,
};

const struct pb_strategy pb_strategy_py_process_per_task = {
	.name = "py-process-per-task",
	.summary = "Python, a multiprocessing.Process per task, at most N alive at once",
	.python = true,
};

const struct pb_strategy pb_strategy_py_pool = {
	.name = "py-pool",
	.summary = "Python, multiprocessing.Pool(N).map",
	.python = true,
};

const struct pb_strategy pb_strategy_py_processpool = {
	.name = "py-processpool",
	.summary = "Python, concurrent.futures.ProcessPoolExecutor(N).map",
	.python = true,
};

const struct pb_strategy pb_strategy_py_asyncio = {
	.name = "py-asyncio",
	.summary = "Python, asyncio.gather with N tasks in flight (asyncio streams for io.http)",
	.python = true,
};
