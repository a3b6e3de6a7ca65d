"""The bare-py-* strategies: the articles' own code for running tasks, with nothing of
parbench's around a task, the mechanisms of the py-* methods (harness/cell/sample.h's lines
all the same, so the supervisor checks their checksums as any other's).  The C cell starts
this script as cell.py, with the same arguments:

    python bare_py.py WORKLOAD STRATEGY WORKERS TASKS SIZE WARMUP REPS FAULT

Only cpu.sumsq, the articles' CPU example: a task is its sum of squares, the very function
the py-* methods call (benchmarks/python/workloads.py, the articles' `for` loop), so that a
py-* method's time over its mechanism's is what parbench adds around the task.
No worker is bound, no task timed, no fault injected.

Each repetition times what cell.py times for the py-* method: the whole method, pools and
processes created, used and shut down (a `with` block, as the articles write it).  The job's
checksum is folded after that, from the results the method returned.
"""
import concurrent.futures
import multiprocessing
import os
import sys
import threading
import time
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "..", "benchmarks", "python")]

import workloads  # noqa: E402  (after the path is set)
from sample import describe, send_error, send_sample, startup_seconds, usage, \
    usage_delta  # noqa: E402

# fork, as the py-* methods start their processes (strategies.py's MP), so that both sides
# of a pair pay for the same start method.
MP = multiprocessing.get_context("fork")
JOB = SimpleNamespace(size=0)   # the task size; set before any worker starts or forks


def cpu_bound_task(task):
    return workloads.sumsq(JOB, task)


# ---- the methods: each returns the tasks' results, in task order ----

def sequential(tasks, workers):
    return [cpu_bound_task(task) for task in range(tasks)]


def threads_per_task(tasks, workers):
    """threading.Thread, start and join, as the articles do it, `workers` at a time; the
    articles' target returns nothing, so it keeps its result in a list."""
    results = [None] * tasks

    def task(i):
        results[i] = cpu_bound_task(i)

    for first in range(0, tasks, workers):
        threads = []
        for i in range(first, min(first + workers, tasks)):
            t = threading.Thread(target=task, args=(i,))
            threads.append(t)
            t.start()
        for t in threads:
            t.join()
    return results


def one_process(i, queue):
    queue.put((i, cpu_bound_task(i)))


def processes_per_task(tasks, workers):
    """multiprocessing.Process, start and join, `workers` at a time; the results come back
    on a multiprocessing.Queue, read before the join (the articles' process returns
    nothing)."""
    results, queue = [None] * tasks, MP.Queue()
    for first in range(0, tasks, workers):
        processes = []
        for i in range(first, min(first + workers, tasks)):
            p = MP.Process(target=one_process, args=(i, queue))
            processes.append(p)
            p.start()
        for _ in processes:
            i, result = queue.get()
            results[i] = result
        for p in processes:
            p.join()
    return results


def thread_pool_executor(tasks, workers):
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(cpu_bound_task, range(tasks)))


def multiprocessing_pool(tasks, workers):
    with MP.Pool(processes=workers) as pool:
        return pool.map(cpu_bound_task, range(tasks))


def process_pool_executor(tasks, workers):
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=MP) as executor:
        return list(executor.map(cpu_bound_task, range(tasks)))


METHODS = {
    "bare-py-seq": sequential,
    "bare-py-threads-per-task": threads_per_task,
    "bare-py-threadpool": thread_pool_executor,
    "bare-py-process-per-task": processes_per_task,
    "bare-py-pool": multiprocessing_pool,
    "bare-py-processpool": process_pool_executor,
}


def measure(method, tasks, workers):
    """One repetition: the method's wall time, what getrusage counted, the job's checksum."""
    before = usage()
    start = time.monotonic_ns()
    results = method(tasks, workers)
    wall = (time.monotonic_ns() - start) / 1e9
    use = usage_delta(before, usage())
    if len(results) != tasks:
        raise ValueError("the method returned %d results for %d tasks" % (len(results), tasks))
    checksum = 0
    for task, result in enumerate(results):
        checksum = workloads.fold(checksum, task, result & workloads.MASK)
    return wall, use, checksum


def main(argv):
    startup = startup_seconds()
    if len(argv) != 8 or argv[0] != "cpu.sumsq" or argv[1] not in METHODS:
        send_error(0, "internal error: bare_py.py runs cpu.sumsq under bare-py-*, not %s" %
                   " ".join(argv))
    method, workers, tasks = METHODS[argv[1]], int(argv[2]), int(argv[3])
    JOB.size, warmup, reps = int(argv[4]), int(argv[5]), int(argv[6])
    for i in range(warmup + reps):
        rep = max(0, i - warmup)
        try:
            wall, use, checksum = measure(method, tasks, workers)
        except Exception as e:
            send_error(rep, describe(e))
        if i >= warmup:
            send_sample(rep, wall, use, float("nan"), float("nan"), startup, checksum, "")


if __name__ == "__main__":
    main(sys.argv[1:])
