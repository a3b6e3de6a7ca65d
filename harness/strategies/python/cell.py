"""The cell of a py-* strategy: the Python half of harness/cell/cell.c.

The C cell process has set the workload up (io.file's files, io.http's
server), and starts this script as

    python cell.py WORKLOAD STRATEGY WORKERS TASKS SIZE WARMUP REPS FAULT

with PARBENCH_BIND, PARBENCH_PU_LOGICAL, PARBENCH_EXEC_NS, the workload's
PARBENCH_* variables (PARBENCH_FILE_DIRECT among them), with --py-workload
PARBENCH_PY_WORKLOAD (MODULE:FUNCTION, py_workload.py) and, for py-dask with
--dask-scheduler, PARBENCH_DASK_SCHEDULER in its environment.  It runs the
warm-up and measured repetitions, timing each inside the interpreter, and sends
the lines of each measured repetition to file descriptor 3 (harness/cell/sample.h:
py-dask's H line of its workers' hosts, and the S line with its work_s), or one
error line and exits with status SENT_ERROR.

`python cell.py --check MODULE:FUNCTION` only checks, for `parbench run`, that
the function is there (py_workload.check).
"""
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "..", "benchmarks", "python")]

import py_workload  # noqa: E402  (after the path is set)
import strategies  # noqa: E402
import workloads  # noqa: E402
from sample import describe, send_error, send_sample, startup_seconds, usage, \
    usage_delta  # noqa: E402


def parse_bind(text):
    """"0,1;2" -> [{0, 1}, {2}]: per worker, the OS numbers of its PUs."""
    return [{int(pu) for pu in worker.split(",")} for worker in text.split(";")] if text else []


def quantile(sorted_values, q):
    """pb_quantile(): linear between the order statistics around q * (n - 1)."""
    pos = q * (len(sorted_values) - 1)
    below = int(pos)
    if below + 1 >= len(sorted_values):
        return sorted_values[below]
    return sorted_values[below] + (pos - below) * (sorted_values[below + 1] - sorted_values[below])


def format_cpus(results, logical):
    """Per worker, the logical numbers of the PUs seen at its start and after its last task."""
    seen, last = {}, {}
    for r in results:
        seen.setdefault(r.worker, {r.cpu_start})
        if r.worker not in last or r.end_ns > last[r.worker][0]:
            last[r.worker] = (r.end_ns, r.cpu_end)
    for worker, (_, cpu) in last.items():
        seen[worker].add(cpu)
    return ";".join("+".join(str(logical.index(cpu) if cpu in logical else cpu)
                             for cpu in sorted(seen[w])) for w in sorted(seen))


def format_hosts(results, hosts):
    """Per worker, in the order of format_cpus, the host it ran on; "" where not noted."""
    return ";".join(hosts[w] for w in sorted({r.worker for r in results})) if hosts else ""


def evaluate(job, results):
    """The job's checksum and the tasks' latencies; ValueError when a task failed or
    was done other than once."""
    if sorted(r.task for r in results) != list(range(job.tasks)):
        raise ValueError("the strategy returned %d results for %d tasks" % (
            len(results), job.tasks))
    checksum, latency = 0, []
    for r in sorted(results):
        if r.error:
            raise ValueError("task %d failed: %s" % (r.task, r.error))
        checksum = workloads.fold(checksum, r.task, r.checksum)
        latency.append((r.end_ns - r.start_ns) / 1e9)
    latency.sort()
    return checksum, quantile(latency, 0.5), quantile(latency, 0.99)


def measure(run, job, workers, bind):
    """The call's wall time, usage_delta() and a Launched (its work_s nan, its hosts empty
    for a strategy that returns its Results alone)."""
    before = usage()
    start = time.monotonic_ns()
    out = run(job, workers, bind)
    wall = (time.monotonic_ns() - start) / 1e9
    if not isinstance(out, strategies.Launched):
        out = strategies.Launched(out, math.nan, {})
    return wall, usage_delta(before, usage()), out


def job_from(argv):
    workload, _, _, tasks, size = argv[:5]
    kind, _, task = argv[7].partition(":")
    env = os.environ
    return strategies.Job(workload, int(tasks), int(size), env.get("PARBENCH_FILE_DIR"),
                          int(env.get("PARBENCH_FILE_COUNT", "0")),
                          env.get("PARBENCH_HTTP_URL"),
                          env.get("PARBENCH_HTTP_PATH_PER_TASK") == "1",
                          (kind, int(task)) if task else ("none", -1))


def use_py_workload(job):
    """--py-workload's function as the job's Python version, imported before the timed
    region."""
    spec = os.environ.get("PARBENCH_PY_WORKLOAD")
    if not spec:
        return
    try:
        workloads.WORKLOADS[job.workload] = (py_workload.load(spec), None)
    except BaseException as e:          # sys.exit() at its import, too
        send_error(0, "--py-workload %s: %s" % (spec, describe(e)))


def main(argv):
    startup = startup_seconds()
    if len(argv) == 2 and argv[0] == "--check":
        py_workload.check(argv[1])
    if len(argv) != 8:
        send_error(0, "internal error: cell.py takes 8 arguments, not %d" % len(argv))
    job, strategy = job_from(argv), argv[1]
    workers, warmup, reps = int(argv[2]), int(argv[5]), int(argv[6])
    if os.environ.get("PARBENCH_FILE_DIRECT") == "1":
        send_error(0, "the py-* strategies do not read with --direct (O_DIRECT)")
    use_py_workload(job)
    if job.workload not in workloads.WORKLOADS or strategy not in strategies.STRATEGIES:
        send_error(0, "internal error: no Python version of %s or %s" % (job.workload, strategy))
    bind = parse_bind(os.environ.get("PARBENCH_BIND", ""))
    logical = [int(pu) for pu in os.environ.get("PARBENCH_PU_LOGICAL", "").split(",") if pu]
    for i in range(warmup + reps):
        rep = max(0, i - warmup)
        try:
            wall, use, out = measure(strategies.STRATEGIES[strategy], job, workers, bind)
            checksum, p50, p99 = evaluate(job, out.results)
        except Exception as e:
            send_error(rep, describe(e))
        if i >= warmup:
            send_sample(rep, wall, use, p50, p99, startup, checksum,
                        format_cpus(out.results, logical), out.work_s,
                        format_hosts(out.results, out.hosts))


if __name__ == "__main__":
    main(sys.argv[1:])
