"""The articles' methods of running tasks concurrently, each as they teach it.

A strategy is `function(job, workers, bind)`: it does every task of the job
once with `workers` workers and returns a list of Result, one per task.
Everything a user of the method pays (starting threads or processes, handing
out tasks, collecting results) happens inside it: cell.py times the call.
Worker i binds itself to the PUs bind[i] (bind is empty when not pinned) and
notes the PU it runs on at its start and after each task.  A strategy that
tells its work from its launch (py-dask) returns a Launched instead.
"""
import asyncio
import concurrent.futures
import ctypes
import multiprocessing
import os
import queue
import socket
import threading
import time
from collections import namedtuple

import workloads
from sample import describe

Job = namedtuple("Job", "workload tasks size file_dir file_count http_url http_per_task fault")
Result = namedtuple("Result", "task checksum start_ns end_ns worker cpu_start cpu_end error")
# The Results, the work alone in seconds (the tasks handed out and gathered, without the
# cluster's start and shutdown) and, per worker index, the host it ran on.
Launched = namedtuple("Launched", "results work_s hosts")

# fork, as the C strategies fork and as Linux's default was before Python 3.14: the workers
# stay children of the interpreter, so their CPU time and memory are in RUSAGE_CHILDREN.
MP = multiprocessing.get_context("fork")

_worker = threading.local()     # the index and first PU of the worker this thread is
_job = None                     # the job, in a pool's worker process
# glibc's sched_getcpu: 0.2 us, where reading /proc/thread-self/stat takes 20 us a task.
current_cpu = ctypes.CDLL(None, use_errno=True).sched_getcpu


def begin_worker(index, bind):
    """Binds this thread; a failure is kept, and every task of the worker reports it, as C's
    bind_errno does, rather than killing a pool's worker over and over."""
    _worker.index, _worker.error = index, None
    try:
        if bind:
            os.sched_setaffinity(0, bind[index % len(bind)])
    except OSError as e:
        _worker.error = "worker %d could not bind to its PU: %s" % (index, describe(e))
    _worker.cpu_start = current_cpu()


def inject_fault(job, task):
    """PARBENCH_FAULT's crash and hang, as harness/runtime/run.c does them (tests only)."""
    kind, target = job.fault
    if task != target:
        return
    if kind == "crash":
        os.kill(os.getpid(), 11)
    elif kind == "hang":
        threading.Event().wait()


def finish(job, task, checksum, start, error):
    if job.fault == ("checksum", task):
        checksum ^= 0x5555555555555555
    return Result(task, checksum, start, time.monotonic_ns(), _worker.index,
                  _worker.cpu_start, current_cpu(), error)


def do_task(job, task):
    inject_fault(job, task)
    start = time.monotonic_ns()
    try:
        checksum, error = workloads.WORKLOADS[job.workload][0](job, task), _worker.error
    except Exception as e:          # the task failed: its result says why
        checksum, error = 0, describe(e)
    return finish(job, task, checksum, start, error)


async def do_task_async(job, task, session):
    inject_fault(job, task)
    start = time.monotonic_ns()
    function, coroutine = workloads.WORKLOADS[job.workload]
    try:
        if coroutine:
            checksum = await coroutine(job, task, session)
        else:                       # CPU work has no waits: it runs in the loop
            checksum = function(job, task)
        error = _worker.error
    except Exception as e:
        checksum, error = 0, describe(e)
    return finish(job, task, checksum, start, error)


# ---- one thread ----

def py_seq(job, workers, bind):
    begin_worker(0, bind)
    return [do_task(job, task) for task in range(job.tasks)]


# ---- threads ----

def py_threads_per_task(job, workers, bind):
    """threading.Thread per task, at most `workers` alive: a finished thread hands its
    slot back, and the next task's thread starts in it once the old one is joined."""
    results = [None] * job.tasks
    free = queue.Queue()
    threads = [None] * workers

    def one_task(slot, task):
        try:
            begin_worker(slot, bind)
            results[task] = do_task(job, task)
        finally:
            free.put(slot)

    for slot in range(workers):
        free.put(slot)
    for task in range(job.tasks):
        slot = free.get()
        if threads[slot]:
            threads[slot].join()
        threads[slot] = threading.Thread(target=one_task, args=(slot, task))
        threads[slot].start()
    for thread in threads:
        if thread:
            thread.join()
    return results


def py_threadpool(job, workers, bind):
    counter, lock = iter(range(workers)), threading.Lock()

    def begin():
        with lock:
            index = next(counter)
        begin_worker(index, bind)

    with concurrent.futures.ThreadPoolExecutor(workers, initializer=begin) as pool:
        return list(pool.map(lambda task: do_task(job, task), range(job.tasks)))


# ---- processes ----

def begin_process(job, counter, bind):
    """A pool's worker process: takes the job and the next worker index."""
    global _job
    _job = job
    with counter.get_lock():
        index = counter.value
        counter.value += 1
    begin_worker(index, bind)


def task_in_process(task):
    return do_task(_job, task)


def py_pool(job, workers, bind):
    counter = MP.Value("i", 0)
    with MP.Pool(workers, begin_process, (job, counter, bind)) as pool:
        return pool.map(task_in_process, range(job.tasks))


def py_processpool(job, workers, bind):
    counter = MP.Value("i", 0)
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=MP, initializer=begin_process,
                                                initargs=(job, counter, bind)) as pool:
        return list(pool.map(task_in_process, range(job.tasks)))


def one_task_process(job, slot, task, bind, results):
    begin_worker(slot, bind)
    results.put(do_task(job, task))


def next_result(results, processes):
    """The next result; a task process that died without one is an error, not a hang."""
    while True:
        try:
            return results.get(timeout=0.1)
        except queue.Empty:
            for slot, process in processes.items():
                if process.exitcode not in (None, 0):
                    raise RuntimeError("task process in slot %d exited with %s" % (
                        slot, "signal %d" % -process.exitcode if process.exitcode < 0
                        else "status %d" % process.exitcode))


def py_process_per_task(job, workers, bind):
    """multiprocessing.Process per task, at most `workers` alive, results on a Queue."""
    results, processes, done = MP.Queue(), {}, []
    for task in range(job.tasks):
        if len(processes) < workers:
            slot = len(processes)
        else:
            done.append(next_result(results, processes))
            slot = done[-1].worker
            processes.pop(slot).join()
        processes[slot] = MP.Process(target=one_task_process,
                                     args=(job, slot, task, bind, results))
        processes[slot].start()
    while processes:
        done.append(next_result(results, processes))
        processes.pop(done[-1].worker).join()
    return done


# ---- an event loop ----

async def gather(job, workers):
    in_flight = asyncio.Semaphore(workers)
    session = workloads.AsyncPool()

    async def one_task(task):
        async with in_flight:
            return await do_task_async(job, task, session)

    try:
        return await asyncio.gather(*(one_task(task) for task in range(job.tasks)))
    finally:
        session.close()


def py_asyncio(job, workers, bind):
    """asyncio.gather over every task, `workers` of them in flight (a Semaphore)."""
    begin_worker(0, bind)
    return asyncio.run(gather(job, workers))


# ---- a distributed scheduler ----

HERE = os.path.dirname(os.path.abspath(__file__))
# What a task needs on a worker that did not start from this process (--dask-scheduler),
# in the order they import each other.
DASK_MODULES = [os.path.join(HERE, "sample.py"),
                os.path.join(HERE, "..", "..", "..", "benchmarks", "python", "workloads.py"),
                os.path.join(HERE, "py_workload.py"), os.path.join(HERE, "strategies.py")]
# How long py-dask waits for a scheduler to answer and for its workers to be there.
DASK_WAIT_S = 5


def bind_dask_worker(bind, indices, dask_worker):
    """On a Dask worker (client.run): binds every thread of its process to bind[i], i its
    index, so that the thread that runs its tasks is bound whenever it starts.  None, or why
    it could not."""
    index = indices[dask_worker.name]
    try:
        for thread in os.listdir("/proc/self/task"):
            os.sched_setaffinity(int(thread), bind[index % len(bind)])
    except OSError as e:
        return "worker %d could not bind to its PU: %s" % (index, describe(e))
    return None


def dask_task(task, job, indices, token):
    """A task on a Dask worker's thread.  Its first task of the repetition (token) notes
    the worker's index and PU, as begin_worker does; the process is bound already."""
    if getattr(_worker, "token", None) != token:
        from distributed import get_worker
        begin_worker(indices[get_worker().name], [])
        _worker.token = token
    return do_task(job, task)


def dask_workers(client, workers, address):
    """{address: name} of `workers` of the cluster's workers, the first by address, and
    whether the cluster has others; an error that says so when it has fewer (after waiting
    a little for those still starting)."""
    try:
        client.wait_for_workers(workers, timeout=DASK_WAIT_S)
    except Exception:           # a TimeoutError: the count below says what is missing
        pass
    have = client.scheduler_info()["workers"]
    if len(have) < workers:
        raise RuntimeError("the Dask cluster at %s has %d worker%s, fewer than the %d asked "
                           "(-n)" % (address, len(have), "" if len(have) == 1 else "s",
                                     workers))
    return {a: have[a]["name"] for a in sorted(have)[:workers]}, len(have) > workers


def dask_run(client, job, chosen, bind):
    """Hands the tasks to the chosen workers ({address: name}, and whether there are others
    to keep them from) and gathers them: a Launched.  Workers are known by name, which a
    LocalCluster's keep when their nanny restarts them."""
    names, others = chosen
    indices = {name: i for i, name in enumerate(names.values())}
    if bind:
        failed = [why for why in client.run(bind_dask_worker, bind, indices,
                                                 workers=list(names)).values() if why]
        if failed:
            raise RuntimeError(failed[0])
    hosts = client.run(socket.gethostname, workers=list(names))
    start = time.monotonic_ns()
    # Restricted only where needed: a restarted worker's address is new.
    futures = client.map(dask_task, range(job.tasks), job=job, indices=indices, token=start,
                         workers=list(names) if others else None, pure=False)
    results = client.gather(futures)
    work = (time.monotonic_ns() - start) / 1e9
    return Launched(results, work, {indices[names[a]]: host for a, host in hosts.items()})


def py_dask(job, workers, bind):
    """dask.distributed: a LocalCluster of `workers` worker processes with one thread each,
    started and shut down in the call, client.map over the tasks and client.gather; or,
    with --dask-scheduler (PARBENCH_DASK_SCHEDULER), `workers` of that cluster's workers,
    unpinned (the C cell refuses a pin), which import parbench's modules from
    client.upload_file."""
    from dask.distributed import Client, LocalCluster     # only this strategy needs Dask

    address = os.environ.get("PARBENCH_DASK_SCHEDULER")
    if address:
        with Client(address, timeout=DASK_WAIT_S) as client:
            for module in DASK_MODULES:
                client.upload_file(module)
            return dask_run(client, job, dask_workers(client, workers, address), bind)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        return dask_run(client, job, dask_workers(client, workers, cluster.scheduler_address),
                        bind)


STRATEGIES = {
    "py-seq": py_seq,
    "py-threads-per-task": py_threads_per_task,
    "py-threadpool": py_threadpool,
    "py-process-per-task": py_process_per_task,
    "py-pool": py_pool,
    "py-processpool": py_processpool,
    "py-asyncio": py_asyncio,
    "py-dask": py_dask,
}
