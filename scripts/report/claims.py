"""The articles' claims, each answered with figures from the run: the intervals of
summary.csv and verdicts.csv, judged against 1 or against each other."""
from .text import (cell_name, duration, e, interval_side, ratio_text, speedup_text,
                   task_cost_span, task_cost_text)
from .figures import cost_axis, cost_errorbar
from .groups import base_of

SUPPORTED = "supported"
REFUTED = "refuted"
NOISE = "not shown (within noise)"
NOT_MEASURED = "not measured"


ARTICLES = {
    "000": ("Python Parallel Functions", "2024-08-18"),
    "001": ("Does Python support parallel programming?", "2024-06-30"),
    "002": ("Parallel processing with functions in Python", "2023-09-29"),
    "003": ("How can Python be parallelized?", "2025-01-30"),
}


def cite(number, quote):
    title, date = ARTICLES[number]
    return (f"<li><i>{e(title)}</i> ({date}, ../shared/seeds/{number}_*.txt): "
            f"&ldquo;{e(quote)}&rdquo;</li>")


def combine(parts):
    """One verdict from several parts: any refuted refutes; any within noise is not shown; a
    part not measured leaves the claim not measured; all supported supports."""
    verdicts = list(parts)
    if not verdicts or all(v == NOT_MEASURED for v in verdicts):
        return NOT_MEASURED
    if REFUTED in verdicts:
        return REFUTED
    if NOISE in verdicts:
        return NOISE
    if NOT_MEASURED in verdicts:
        return NOT_MEASURED
    return SUPPORTED


def above_one(c):
    """A cell's speedup against 1: supported above, refuted below, else within noise."""
    side = interval_side(c.get("speedup_ci95_lo"), c.get("speedup_ci95_hi"), 1.0)
    return {"above": SUPPORTED, "below": REFUTED, "around": NOISE}.get(side, NOT_MEASURED)


def leader_ratio(a, b, group):
    """b's time over a's with its 95% interval, from verdicts.csv, when one of the two cells is
    the group's leader and the other a contender: (ratio, lo, hi); else None.  The leader's
    contenders are compared with it only, so two others have no such ratio."""
    v = group.verdict if group else None
    ka, kb = (v.contender(a), v.contender(b)) if v else (None, None)
    if not (ka and kb):
        return None
    if ka["role"] == "leader" and None not in (kb["ratio"], kb["ratio_lo"],
                                               kb["ratio_hi"]):
        return kb["ratio"], kb["ratio_lo"], kb["ratio_hi"]
    if kb["role"] == "leader" and None not in (ka["ratio"], ka["ratio_lo"],
                                               ka["ratio_hi"]):
        # a's time over b's, turned over: the interval of 1 / x is 1 / hi to 1 / lo.
        return 1 / ka["ratio"], 1 / ka["ratio_hi"], 1 / ka["ratio_lo"]
    return None


def faster_than(a, b, group):
    """The claim that cell a beats cell b: (verdict, how it was judged as HTML).  When one of them
    leads their group, on verdicts.csv's interval of b's time over a's: supported above 1,
    refuted below, else within noise.  Otherwise on their speedup intervals: supported when
    a's lies wholly above b's, refuted when wholly below, else within noise."""
    direct = leader_ratio(a, b, group)
    if direct:
        how = (f"{e(b['strategy'])} takes {ratio_text(*direct)} the time of "
               f"{e(a['strategy'])} (verdicts.csv)")
        return ({"above": SUPPORTED, "below": REFUTED}.get(interval_side(*direct[1:], 1.0),
                                                            NOISE), how)
    how = "judged on their speedup intervals"
    if None in (a.get("speedup_ci95_lo"), a.get("speedup_ci95_hi"),
                b.get("speedup_ci95_lo"), b.get("speedup_ci95_hi")):
        return NOT_MEASURED, how
    if a["speedup_ci95_lo"] > b["speedup_ci95_hi"]:
        return SUPPORTED, how
    if a["speedup_ci95_hi"] < b["speedup_ci95_lo"]:
        return REFUTED, how
    return NOISE, how


# How faster_than judges, for the claims' tests.
FASTER_RULE = ("when one of the two is its group's leader, verdicts.csv's 95% interval of the "
               "other's time over the leader's must lie on the claimed side of 1; otherwise "
               "one cell's speedup interval must lie wholly on the claimed side of the "
               "other's")


def why_of(c, group):
    """parbench's sentence on a cell (verdicts.csv why), where it wrote one: its CPU time
    against the ideal tells a speedup from drift (a machine that ran faster during the cell's
    repetitions)."""
    k = group.verdict.contender(c) if group.verdict else None
    return f" parbench: {e(k['why'])}." if k and k.get("why") else ""


def launch_text(c):
    """", the work alone 92.2ms of it (work_s)" for a cell that tells its work from its launch
    (py-dask, mpi), else ""."""
    work = c.get("work_median_s")
    return f", the work alone {duration(work)} of it (work_s)" if work is not None else ""


def evidence(c):
    """A cell's numbers, for a claim's text: where the workload measures what a task costs
    (cpu.nop), that cost instead of the speedup."""
    figure = (f"cost per task above {base_of(c)} {task_cost_text(c)}"
              if c.get("task_cost_s") is not None else f"speedup {e(speedup_text(c))}")
    return (f"<code>{e(cell_name(c, True))}</code>: median {duration(c['wall_median_s'])}, "
            f"{figure}, {c['reps']} reps")



# summary.csv's columns of the opencl strategy: a repetition's parts, and the device; with
# what a part that took no time says (a kernel that reads no input copies nothing in).
OFFLOAD_PARTS = (("h2d_median_s", "copying in", "nothing to copy in"),
                 ("kernel_median_s", "the kernel", "no kernel"),
                 ("d2h_median_s", "copying out", "nothing to copy out"))


def offload_split(c):
    """An opencl cell's repetition in its parts, and its one-time build, as text."""
    parts = ", ".join(f"{duration(c[k])} {what}" if c[k] else none
                      for k, what, none in OFFLOAD_PARTS if c.get(k) is not None)
    build = c.get("build_median_s")
    return parts + (f"; the program's build {duration(build)}, once per cell process, "
                    "outside the times" if build is not None else "")


class Claims:
    def __init__(self, groups, figures, pus):
        self.groups, self.fig, self.pus = groups, figures, pus
        self.items = []
        self.note = ""

    def group(self, workload):
        """The workload's group at its largest task size (its natural job), or None."""
        cands = [g for g in self.groups if g.workload == workload]
        return max(cands, key=lambda g: (g.size, g.tasks)) if cands else None

    def add(self, number, title, sources, verdict, body, fig_id=None, see=()):
        self.items.append({"n": number, "title": title, "sources": sources,
                           "verdict": verdict, "body": body, "fig": fig_id, "see": see,
                           "note": self.note})
        self.note = ""

    def row(self, c, label=None):
        return (label or f"{c['workload']} {c['strategy']} x{c['workers']}", c["strategy"],
                c["speedup"], c["speedup_ci95_lo"], c["speedup_ci95_hi"])

    def build(self):
        self.threads_io()
        self.threads_cpu()
        self.processes_cpu()
        self.pools()
        self.event_loop_waits()
        self.event_loop_cpu()
        self.gpu_offload()
        self.dask()
        return self.items

    def threads_io(self):
        sources = [cite("000", "The threading module is useful for I/O-bound tasks, like "
                        "reading files or making network requests"),
                   cite("003", "multithreading can be effective for I/O-bound tasks where "
                        "threads spend significant time waiting for external resources"),
                   cite("001", "Concurrency can provide faster response times for I/O-bound "
                        "tasks")]
        parts, lines, rows = [], [], []
        for g in self.groups:
            if g.kind != "io" or g.seq is None:
                continue
            c = g.best("pthreads")
            if c is None or c["speedup"] is None:
                continue
            v = above_one(c)
            parts.append(v)
            lines.append(f"<li>{evidence(c)} (pthreads' best cell): {e(v)}</li>")
            rows.append(self.row(c))
        fig = None
        if rows:
            fig = self.fig.intervals("claim-1", "Claim 1: pthreads' speedup on the I/O "
                                     "workloads", "Each I/O workload's best pthreads cell, its "
                                     "speedup over seq and 95% interval; the dashed line is 1.",
                                     rows, ref=1.0)
        body = ("<p>Test: on each I/O workload, pthreads' best cell (lowest median) against "
                "seq; supported where its speedup interval lies above 1.</p>")
        body += f"<ul>{''.join(lines)}</ul>" if lines else \
            "<p>This run has no I/O workload with both seq and pthreads cells.</p>"
        self.add(1, "Threads help I/O-bound work", sources, combine(parts), body, fig,
                 [f"fig-io-{g.run.id}-{g.workload}" for g in self.groups if g.kind == "io"])

    def threads_cpu(self):
        sources = [cite("000", "they are still subject to Python's GIL, making them less "
                        "effective for CPU-bound tasks"),
                   cite("003", "For CPU-bound tasks, this severely limits the potential "
                        "speedup from using multiple threads"),
                   cite("001", "(the opposite) Python's threading module ... This is suitable "
                        "for CPU-bound tasks")]
        g = self.group("cpu.sumsq")
        c = g.best("pthreads", min_workers=2) if g and g.seq else None
        body = ("<p>The Python half (the GIL) cannot be measured here: parbench runs C, "
                "whose threads have no interpreter lock. The C half is tested: cpu.sumsq's best "
                "pthreads cell with 2 or more workers against seq; supported where its speedup "
                "interval lies above 1.</p>")
        fig = None
        if c is None or c["speedup"] is None:
            verdict = NOT_MEASURED
            body += "<p>This run has no cpu.sumsq cell of pthreads with 2+ workers beside seq.</p>"
        elif self.pus and self.pus < 2:
            verdict = NOT_MEASURED
            body += "<p>The run had one PU: no parallel speedup is possible.</p>"
        else:
            verdict = above_one(c)
            body += f"<ul><li>{evidence(c)}: {e(verdict)} (in C)</li></ul>"
            fig = self.fig.intervals("claim-2", "Claim 2: pthreads on CPU-bound work (C)",
                                     "cpu.sumsq's best pthreads cell with 2+ workers: speedup "
                                     "and 95% interval; the dashed line is 1.",
                                     [self.row(c)], ref=1.0)
        self.note = "the C half; the Python half (the GIL) is not measurable here"
        self.add(2, "Threads do not help CPU-bound work in Python, but do in C", sources,
                 verdict, body, fig, [f"fig-scaling-{g.run.id}-cpu.sumsq"] if g else [])

    def processes_cpu(self):
        sources = [cite("000", "For CPU-bound tasks, the multiprocessing module is more "
                        "effective because it bypasses the GIL"),
                   cite("002", "Parallel processing with functions in Python can significantly "
                        "improve the performance of computationally intensive tasks"),
                   cite("003", "Because each process has its own GIL, true parallelism can be "
                        "achieved for CPU-bound tasks"),
                   cite("001", "Creating and managing processes incurs overhead")]
        g, nop = self.group("cpu.sumsq"), self.group("cpu.nop")
        parts, lines, rows = [], [], []
        fork = g.best("fork") if g and g.seq else None
        if fork and fork["speedup"] is not None:
            v = above_one(fork)
            lines.append(f"<li>(a) processes help: {evidence(fork)}: {e(v)}</li>")
            rows.append(self.row(fork))
        else:
            v = NOT_MEASURED
            lines.append("<li>(a) processes help: no cpu.sumsq fork cell beside seq: "
                         "not measured</li>")
        parts.append(v)
        fpt = nop.best("fork-per-task") if nop and nop.seq else None
        ppt = nop.best("pthreads-per-task") if nop and nop.seq else None
        if fpt and ppt and fpt["speedup"] is not None and ppt["speedup"] is not None:
            v, how = faster_than(ppt, fpt, nop)
            lines.append(
                f"<li>(b) processes cost more to start: on cpu.nop, {evidence(fpt)}; "
                f"{evidence(ppt)}; {how}: {e(v)}</li>")
            rows += [self.row(ppt), self.row(fpt)]
        else:
            v = NOT_MEASURED
            lines.append("<li>(b) cost to start: cpu.nop lacks fork-per-task or "
                         "pthreads-per-task beside seq: not measured</li>")
        parts.append(v)
        body = ("<p>Tests: (a) cpu.sumsq's best fork cell against seq, supported where its "
                "speedup interval lies above 1; (b) on cpu.nop, fork-per-task's best cell "
                "against pthreads-per-task's: supported where pthreads-per-task is shown "
                f"faster (a process per task costs more than a thread per task): {FASTER_RULE}."
                f"</p><ul>{''.join(lines)}</ul>")
        fig = None
        if rows:
            fig = self.fig.intervals("claim-3", "Claim 3: processes on CPU work, and their "
                                     "cost per task", "Speedup over seq with 95% intervals: "
                                     "cpu.sumsq's best fork cell (against 1, dashed), and on "
                                     "cpu.nop the best pthreads-per-task and fork-per-task "
                                     "cells (against each other).", rows, ref=1.0)
        see = [f"fig-scaling-{g.run.id}-cpu.sumsq"] if g else []
        see += [f"fig-cost-{nop.run.id}-cpu.nop"] if nop else []
        self.add(3, "Processes help CPU-bound work, and cost more to start", sources,
                 combine(parts), body, fig, see)

    def pools(self):
        sources = [cite("001", "Concurrency is great for: Handling many small tasks"),
                   cite("002", "Create a Pool object ... Use the map function to apply the "
                        "function to a list of inputs"),
                   cite("000", "concurrent.futures ... offering a simple interface to run "
                        "tasks concurrently using either threads (ThreadPoolExecutor) or "
                        "processes (ProcessPoolExecutor)")]
        nop = self.group("cpu.nop")
        parts, lines, rows = [], [], []
        for pool, each in (("pthreads", "pthreads-per-task"), ("fork", "fork-per-task")):
            a = nop.best(pool) if nop and nop.seq else None
            b = nop.best(each) if nop and nop.seq else None
            if a and b and a["speedup"] is not None and b["speedup"] is not None:
                v, how = faster_than(a, b, nop)
                lines.append(f"<li>{e(pool)} against {e(each)}: {evidence(a)}; {evidence(b)}; "
                             f"{how}: {e(v)}</li>")
                rows += [self.row(a), self.row(b)]
            else:
                v = NOT_MEASURED
                lines.append(f"<li>{e(pool)} against {e(each)}: not measured</li>")
            parts.append(v)
        body = ("<p>No article measures it; they recommend pools (Pool.map, the executors) "
                "and call thread or process creation overhead. Test on cpu.nop, tasks that do "
                "nothing: each pool's best cell against its per-task counterpart's; supported "
                f"where the pool is shown faster: {FASTER_RULE}.</p>"
                f"<ul>{''.join(lines)}</ul>")
        fig = None
        if rows:
            fig = self.fig.intervals("claim-4", "Claim 4: pools against a worker per task on "
                                     "cpu.nop", "Speedup over seq (log) of each strategy's best "
                                     "cell on cpu.nop, with 95% intervals: higher is cheaper "
                                     "per task.", rows)
        self.add(4, "Pools beat a worker per task for small tasks", sources, combine(parts),
                 body, fig, [f"fig-cost-{nop.run.id}-cpu.nop"] if nop else [])

    def event_loop_waits(self):
        sources = [cite("003", "allowing efficient handling of many concurrent operations "
                        "without the overhead of creating multiple processes or threads"),
                   cite("003", "avoiding the context switching overhead of multithreading")]
        g = self.group("io.sleep")
        body = ("<p>Test: io.sleep at the highest concurrency both ran at: evloop-epoll "
                "against pthreads-per-task (a thread per wait). Wall time: supported where "
                f"evloop-epoll is shown faster: {FASTER_RULE}. "
                "Memory: max_rss_kb of every ok repetition (raw.csv); supported where "
                "evloop-epoll's largest is below pthreads-per-task's smallest.</p>")
        loop = ptpt = None
        if g and g.seq:
            common = sorted({c["workers"] for c in g.cells if c["strategy"] == "evloop-epoll"
                             and c["reps"]} &
                            {c["workers"] for c in g.cells
                             if c["strategy"] == "pthreads-per-task" and c["reps"]})
            if common:
                loop = g.cell("evloop-epoll", common[-1])
                ptpt = g.cell("pthreads-per-task", common[-1])
        if not (loop and ptpt and loop["speedup"] is not None and ptpt["speedup"] is not None):
            body += ("<p>This run has no io.sleep cells of evloop-epoll and pthreads-per-task "
                     "at a common concurrency beside seq.</p>")
            self.add(5, "One event loop handles many concurrent waits more cheaply than a "
                     "thread per wait", sources, NOT_MEASURED, body)
            return
        wall, how = faster_than(loop, ptpt, g)
        if loop["rss"] and ptpt["rss"]:
            rss = (SUPPORTED if max(loop["rss"]) < min(ptpt["rss"]) else
                   REFUTED if min(loop["rss"]) > max(ptpt["rss"]) else NOISE)
            rss_text = (f"max_rss_kb: evloop-epoll's {len(loop['rss'])} repetitions against "
                        f"pthreads-per-task's {len(ptpt['rss'])} (raw.csv): " +
                        {SUPPORTED: "each of the first peaked below each of the second",
                         REFUTED: "each of the first peaked above each of the second",
                         NOISE: "they overlap"}[rss] + f": {rss}")
        else:
            rss, rss_text = NOT_MEASURED, "max_rss_kb: no ok repetitions: not measured"
        body += (f"<ul><li>concurrency {loop['workers']}: {evidence(loop)}; {evidence(ptpt)}; "
                 f"{how}: {e(wall)}</li><li>{e(rss_text)}</li></ul>")

        def memory(ax):
            for i, c in enumerate((loop, ptpt)):
                ax.plot([r / 1024 for r in c["rss"]], [i] * len(c["rss"]), "o",
                        color=self.fig.colour(c["strategy"]), markersize=6, alpha=0.7)
            ax.set_yticks([0, 1])
            ax.set_yticklabels([f"{c['strategy']} x{c['workers']}" for c in (loop, ptpt)])
            ax.set_ylim(-0.6, 1.6)
            ax.invert_yaxis()
            ax.set_xlim(left=0)
            ax.set_xlabel("peak resident set per repetition (MiB)")

        fig = self.fig.intervals("claim-5", "Claim 5: io.sleep at the highest concurrency",
                                 f"Left: speedup over seq (log) with 95% intervals at "
                                 f"concurrency {loop['workers']}. Right: max_rss_kb of each ok "
                                 "repetition (raw.csv).",
                                 [self.row(loop), self.row(ptpt)], extra=memory)
        self.add(5, "One event loop handles many concurrent waits more cheaply than a thread "
                 "per wait", sources, combine([wall, rss]), body, fig,
                 [f"fig-io-{g.run.id}-io.sleep"])

    def event_loop_cpu(self):
        sources = [cite("003", "Asynchronous programming utilizes a single thread to manage "
                        "multiple concurrent operations ... particularly well-suited for "
                        "I/O-bound tasks")]
        g = self.group("cpu.sumsq")
        body = ("<p>The articles offer asyncio for I/O only; the way out for CPU work "
                "(run_in_executor) is parbench's addition. Tests on cpu.sumsq: (a) the "
                "inline loops, evloop-epoll, evloop-uring and evloop-uv (best cells): refuted "
                "if a speedup interval lies above 1, since a loop that runs CPU work inline is "
                "sequential (an absence of speedup cannot be shown, only a speedup found); (b) "
                "evloop-uv+pool, which offloads to a pool: supported where it is shown faster "
                f"than every inline loop: {FASTER_RULE}.</p>")
        parts, lines, rows = [], [], []
        pool = g.best("evloop-uv+pool") if g and g.seq else None
        inline = ([g.best(s) for s in ("evloop-epoll", "evloop-uring", "evloop-uv")]
                  if g and g.seq else [])
        inline = [c for c in inline if c and c["speedup"] is not None]
        for c in inline:
            v = REFUTED if above_one(c) == SUPPORTED else SUPPORTED
            lines.append(f"<li>(a) {evidence(c)}: " +
                         ("a speedup: refuted." + why_of(c, g) if v == REFUTED else
                          "no speedup found (interval " +
                          ("holds" if above_one(c) == NOISE else "below") + " 1)") + "</li>")
            parts.append(REFUTED if v == REFUTED else None)
            rows.append(self.row(c))
        if pool and pool["speedup"] is not None and inline:
            for c in inline:
                v, how = faster_than(pool, c, g)
                lines.append(f"<li>(b) evloop-uv+pool against {e(c['strategy'])}: "
                             f"{evidence(pool)}; {how}: {e(v)}</li>")
                parts.append(v)
            rows.append(self.row(pool))
        else:
            parts.append(NOT_MEASURED)
            lines.append("<li>cpu.sumsq lacks evloop-uv+pool or an inline loop beside seq: "
                         "not measured</li>")
        fig = None
        if rows:
            fig = self.fig.intervals("claim-6", "Claim 6: event loops on CPU-bound work",
                                     "cpu.sumsq: speedup over seq with 95% intervals of the "
                                     "inline loops and of evloop-uv+pool; the dashed line is 1.",
                                     rows, ref=1.0)
        body += f"<ul>{''.join(lines)}</ul>"
        self.add(6, "An event loop gives no speedup for CPU work unless it offloads", sources,
                 combine([p for p in parts if p is not None]), body, fig,
                 [f"fig-scaling-{g.run.id}-cpu.sumsq"] if g else [])

    def gpu_offload(self):
        sources = [cite("001", "GPU-accelerated computing: Python has libraries like: "
                        "TensorFlow ... PyTorch ... with GPU support")]
        body = ("<p>The articles end with GPUs, without a figure. The <code>opencl</code> "
                "strategy runs cpu.sumsq, cpu.mandel and mem.triad as OpenCL kernels with seq's "
                "checksums, and times the parts of an offload apart: copying the data to the "
                "device, the kernel, copying the results back, and the program's build. Test: "
                "on a GPU, the best opencl cell against openmp-static's and seq's: "
                f"{FASTER_RULE}. On a CPU device (PoCL) the claim about GPUs is not measured: "
                "the figures show what an offload costs on this machine, which a GPU would not "
                "lower (its copies cross PCIe); what a GPU would add is a faster kernel.</p>")
        parts, lines, rows = [], [], []
        for workload in ("cpu.sumsq", "cpu.mandel", "mem.triad"):
            g = self.group(workload)
            c = g.best("opencl") if g else None
            if not c:
                continue
            device = c.get("device") or "an unnamed device"
            on_gpu = "(GPU" in device
            lines.append(f"<li>{e(workload)}: {evidence(c)} on {e(device)}: "
                         f"{e(offload_split(c))}</li>")
            rows.append(self.row(c))
            for other in ("openmp-static", "seq"):
                o = g.best(other)
                if o and on_gpu:
                    v, how = faster_than(c, o, g)
                    lines.append(f"<li>opencl against {e(other)} on {e(workload)}: "
                                 f"{evidence(o)}; {how}: {e(v)}</li>")
                    parts.append(v)
            if not on_gpu:
                parts.append(NOT_MEASURED)
        if not lines:
            lines.append("<li>no opencl cell in this run (<code>-s opencl</code>, by name; "
                         "unavailable where the OpenCL loader or a device is missing): not "
                         "measured</li>")
        fig = None
        if rows:
            fig = self.fig.intervals("claim-7", "Claim 7: offloading to an OpenCL device",
                                     "opencl's best cells: speedup over seq with 95% intervals; "
                                     "the dashed line is 1.", rows, ref=1.0)
        body += f"<ul>{''.join(lines)}</ul>"
        self.add(7, "A GPU accelerates computation", sources, combine(parts), body, fig)

    def dask(self):
        sources = [cite("001", "Dask: A flexible parallel computing library that allows you to "
                        "scale up your computations. Ray: A high-performance distributed "
                        "computing framework that can run tasks on multiple machines.")]
        body = ("<p>The articles send work that outgrows one machine to Dask or Ray. Ray is not "
                "packaged for Debian and not run; <code>py-dask</code> runs the Python tasks "
                "through Dask's distributed scheduler, a LocalCluster of N worker processes "
                "started and shut down in every repetition (or an existing cluster, "
                "<code>--dask-scheduler</code>). Test on cpu.sumsq: py-dask's best cell with 2 "
                "or more workers against py-seq; supported where its speedup interval lies "
                "above 1. The price, not judged: on cpu.nop, py-dask's cost per task above "
                "py-seq beside py-pool's, and what of it the work alone (work_s, without the "
                "cluster's start and shutdown) takes.</p>")
        g, nop = self.group("cpu.sumsq"), self.group("cpu.nop")
        lines, rows, costs = [], [], []
        c = g.best("py-dask", min_workers=2) if g else None
        if c is None or c["speedup"] is None:
            verdict = NOT_MEASURED
            lines.append("<li>cpu.sumsq has no py-dask cell with 2+ workers: not measured</li>")
        elif self.pus and self.pus < 2:
            verdict = NOT_MEASURED
            lines.append("<li>The run had one PU: no parallel speedup is possible.</li>")
        else:
            verdict = above_one(c)
            base = g.best("py-seq")
            warm = (f"; py-seq's median over the work alone: "
                    f"{base['wall_median_s'] / c['work_median_s']:.2f}x, what a cluster "
                    "already running would give" if base and c.get("work_median_s") else "")
            lines.append(f"<li>{evidence(c)}{launch_text(c)}{warm}: {e(verdict)}</li>")
            rows.append(self.row(c))
            pool = g.best("py-pool", min_workers=2)
            if pool and pool["speedup"] is not None:
                lines.append(f"<li>beside it: {evidence(pool)}</li>")
                rows.append(self.row(pool))
        for strategy in ("py-pool", "py-dask"):
            k = nop.best(strategy) if nop else None
            if k and k.get("task_cost_s") is not None:
                lines.append(f"<li>{evidence(k)}{launch_text(k)}</li>")
                costs.append(k)
        if len(costs) < 2:
            lines.append("<li>cpu.nop lacks py-pool or py-dask: the price per task is not "
                         "shown</li>")
        if not (rows and costs):
            lines.append("<li>To measure both (py-dask runs only by name): <code>./parbench "
                         "run -w cpu.sumsq,cpu.nop -s py-pool,py-dask -n 1,2 --tasks 64 "
                         "--size 200000 --reps 5</code></li>")
        fig = None
        if rows:
            caption = "cpu.sumsq, speedup over py-seq with 95% intervals; the dashed line is 1."
            if costs:
                caption = (f"Left: {caption} Right: cpu.nop, cost per task above py-seq with "
                           "95% intervals (dots; linear near 0, logarithmic beyond), and "
                           "py-dask's work alone per task (cross).")
            fig = self.fig.intervals("claim-8", "Claim 8: Dask on one machine", caption, rows,
                                     ref=1.0, xlabel="speedup over py-seq (x)",
                                     extra=(lambda ax: self.task_costs(ax, costs)) if costs
                                     else None)
        body += f"<ul>{''.join(lines)}</ul>"
        self.add(8, "Dask scales Python computations up", sources, verdict, body, fig,
                 [f"fig-cost-{nop.run.id}-cpu.nop"] if nop else [])

    def task_costs(self, ax, cells):
        """Claim 8's right panel: each cell's cost per task with its interval, and where it
        tells its work apart, the work alone per task."""
        spans = []
        for i, c in enumerate(cells):
            spans.append(task_cost_span(c))
            cost_errorbar(ax, i, spans[-1], marker="o", markersize=6,
                          color=self.fig.colour(c["strategy"]), capsize=4)
            if c.get("work_median_s") is not None:
                work = c["work_median_s"] / c["tasks"]
                spans.append((work, work, work))
                ax.plot([work], [i], "x", markersize=8, color=self.fig.colour(c["strategy"]))
        ax.set_yticks(range(len(cells)))
        ax.set_yticklabels([f"{c['strategy']} x{c['workers']}" for c in cells])
        ax.set_ylim(-0.6, max(len(cells), 2) - 0.4)
        ax.invert_yaxis()
        ax.axvline(0, color="#000000", linewidth=0.8)
        cost_axis(ax, spans)
        ax.set_xlabel("cost per task on cpu.nop (symmetric log scale)")
