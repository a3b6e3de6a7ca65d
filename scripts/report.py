#!/usr/bin/env python3
"""Writes one self-contained HTML report of a parbench run (or of the two runs of `make bench`).

    scripts/report.py [--auto-pair] [--output FILE] RUN [RUN2]

RUN and RUN2 are run directories (results/<run-id>, or results/latest).  The report goes to
RUN/report.html unless --output says otherwise.  --auto-pair: with RUN alone, when RUN and the
run directory just before it in the same folder are the two parts of one `make bench` (one has
only io workloads and the other none, and one started as the other ended), report both.

The page embeds its plots as PNG data: URIs and its CSS inline; it needs no script and no
network.  Standard library and matplotlib (Agg) only; matplotlib is imported only to draw, so
the reading and the text can be imported and tested without it.  Every statistic on the page is
parbench's own, from summary.csv and verdicts.csv: this script computes none.
"""
import argparse
import base64
import csv
import html
import io
import json
import math
import os
import re
import shlex
import statistics
import sys
import tempfile
import textwrap
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAX_REPS = 1000         # as harness/cli/options.h PB_MAX_REPS: the most --reps a cell can have

SUPPORTED = "supported"
REFUTED = "refuted"
NOISE = "not shown (within noise)"
NOT_MEASURED = "not measured"


def interval_side(lo, hi, value):
    """Where an interval lies against a value: above it, below it, or around it."""
    if lo is None or hi is None:
        return None
    if lo > value:
        return "above"
    if hi < value:
        return "below"
    return "around"


# ---------------------------------------------------------------------------------------------
# Reading runs.

INT_FIELDS = ("workers", "tasks", "size", "reps", "ok", "outliers", "rank", "pus")
TEXT_FIELDS = ("run_id", "workload", "kind", "strategy", "pin", "loops", "verdict", "role",
               "decide_by", "why")


def number(text):
    """A CSV figure: None when empty or not a number (nan); "inf" is infinity."""
    if text is None or text.strip() == "":
        return None
    try:
        v = float(text)
    except ValueError:
        return None
    return None if math.isnan(v) else v


def typed(row):
    """A CSV row with its text kept, its counts as int and every other field a number()."""
    out = {k: row.get(k) or "" for k in TEXT_FIELDS if k in row}
    for k in INT_FIELDS:
        if k in row:
            out[k] = int(number(row[k]) or 0)
    for k, v in row.items():
        if k not in out:
            out[k] = number(v)
    return out


def cell_key(row):
    return (row["workload"], row["strategy"], row["workers"], row["pin"], row["tasks"],
            row["size"], row.get("loops", ""))


def group_key(row):
    """A group: one workload at one task count and size (harness/supervisor/plan.c pb_group_end)."""
    return (row["workload"], row["tasks"], row["size"])


def read_verdicts(path):
    """verdicts.csv: group_key -> its contenders, fastest first; None without the file (a
    parbench older than the verdicts).  A group none of whose strategies ran has no row."""
    if not path.is_file():
        return None
    verdicts = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            row = typed(row)
            verdicts.setdefault(group_key(row), []).append(row)
    return {key: Verdict(rows) for key, rows in verdicts.items()}


# A contender's median wall time T = ideal + extra user + extra system + idle (verdicts.csv),
# each over the PUs the cell was given: with its label and a colour of its own (Okabe-Ito),
# apart from the strategies' palette.
TIME_PARTS = (("ideal_s", "ideal: seq's CPU time spread over the PUs", "#0072b2"),
              ("extra_user_s", "extra user CPU time (beyond seq's)", "#e69f00"),
              ("extra_sys_s", "extra system CPU time (beyond seq's)", "#d55e00"),
              ("idle_s", "idle or waiting PUs", "#bbbbbb"))


class Verdict:
    """A group's verdict as parbench judged it (harness/stats/verdict.h): `kind` (winner, equivalent,
    undecided, alone), the equivalence `margin`, `reps_to_decide` (undecided: the repetitions a
    cell that would likely decide it, inf where none would) and the contenders, each
    strategy's best cell with its role and its time over the leader's, fastest first."""

    def __init__(self, rows):
        self.contenders = sorted(rows, key=lambda r: r["rank"])
        self.leader = self.contenders[0]
        self.kind = self.leader["verdict"]
        self.margin = self.leader.get("margin")
        self.reps_to_decide = self.leader.get("reps_to_decide")

    def with_role(self, role):
        return [c for c in self.contenders if c["role"] == role]

    def decomposed(self):
        """The contenders whose median wall time verdicts.csv splits into TIME_PARTS; none
        where the run's parbench wrote no such columns or left them empty."""
        return [c for c in self.contenders
                if all(c.get(part) is not None for part, _, _ in TIME_PARTS)]

    def contender(self, cell):
        """The contender that is this cell, or None."""
        return next((c for c in self.contenders if cell_key(c) == cell_key(cell)), None)


class Run:
    """One run directory: meta.json, summary.csv, raw.csv and verdicts.csv (None if absent)."""

    def __init__(self, path):
        self.path = Path(path)
        self.dir = self.path.resolve()
        for name in ("meta.json", "summary.csv", "raw.csv"):
            if not (self.dir / name).is_file():
                raise ValueError(f"no {name} in '{path}'")
        self.meta = json.loads((self.dir / "meta.json").read_text())
        self.id = self.meta.get("run_id") or self.dir.name
        with open(self.dir / "raw.csv", newline="") as f:
            raw = list(csv.DictReader(f))
        samples = {}
        for row in raw:
            s = samples.setdefault(cell_key(row), {"rss": [], "cpu": [], "errors": []})
            if row["ok"] == "1" and number(row["wall_s"]) is not None:
                s["rss"].append(int(row["max_rss_kb"] or 0))
                s["cpu"].append((number(row["user_s"]) or 0.0) + (number(row["sys_s"]) or 0.0))
            elif row.get("error"):
                s["errors"].append(row["error"])
        self.cells = []
        with open(self.dir / "summary.csv", newline="") as f:
            for row in csv.DictReader(f):
                cell = typed(row)
                cell.update(samples.get(cell_key(row), {"rss": [], "cpu": [], "errors": []}))
                cell["run"] = self
                self.cells.append(cell)
        self.kinds = {c["kind"] for c in self.cells}
        self.verdicts = read_verdicts(self.dir / "verdicts.csv")

    def started(self):
        return parse_time(self.meta.get("start"))

    def ended(self):
        return parse_time(self.meta.get("end"))


def parse_time(text):
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return None


def bench_partner(run):
    """The run just before `run` in its folder when the two are one `make bench`: one has
    only io workloads, the other none, and the later started within two minutes of the
    earlier's end.  None otherwise."""
    folder = run.dir.parent
    dirs = sorted(d for d in folder.iterdir()
                  if d.is_dir() and not d.is_symlink() and (d / "summary.csv").is_file())
    if run.dir not in dirs or dirs.index(run.dir) == 0:
        return None
    try:
        other = Run(dirs[dirs.index(run.dir) - 1])
    except (ValueError, OSError, json.JSONDecodeError):
        return None
    if not other.kinds or not run.kinds:
        return None
    if not ((run.kinds == {"io"} and "io" not in other.kinds) or
            (other.kinds == {"io"} and "io" not in run.kinds)):
        return None
    end, start = other.ended(), run.started()
    if end is None or start is None or not 0 <= (start - end).total_seconds() <= 120:
        return None
    return other


def read_palette():
    palette = {}
    path = HERE / "palette.tsv"
    if path.is_file():
        for line in path.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                name, colour = line.split("\t")[:2]
                palette[name.strip()] = colour.strip()
    return palette


# ---------------------------------------------------------------------------------------------
# The report's model: groups of cells (a workload at one task count and size, in one run).

class Group:
    """The cells of one workload, task count and size in one run: what the table calls a group."""

    def __init__(self, cells, label):
        # The py-* cells' speedups are against py-seq: they stay out of the findings, claims
        # and plots, which compare with seq, and go to "C against Python" and the tables.
        self.python_cells = [c for c in cells if c["strategy"].startswith("py-")]
        self.cells = [c for c in cells if not c["strategy"].startswith("py-")] or cells
        self.label = label
        first = cells[0]
        self.run, self.workload, self.kind = first["run"], first["workload"], first["kind"]
        self.tasks, self.size = first["tasks"], first["size"]
        self.seq = next((c for c in cells if c["strategy"] == "seq"), None)
        self.bests = []             # per strategy, its ok cell with the lowest median
        for c in cells:
            if not c["reps"] or c["wall_median_s"] is None:
                continue
            known = next((i for i, b in enumerate(self.bests)
                          if b["strategy"] == c["strategy"]), None)
            if known is None:
                self.bests.append(c)
            elif c["wall_median_s"] < self.bests[known]["wall_median_s"]:
                self.bests[known] = c
        # parbench's verdict (verdicts.csv), None when no strategy ran or the run has none.
        self.verdict = (first["run"].verdicts or {}).get(group_key(first))
        if self.verdict:
            for k in self.verdict.contenders:
                k["cell"] = next((c for c in cells if cell_key(c) == cell_key(k)), None)
        self.leader = (self.verdict.leader["cell"] if self.verdict else
                       min(self.bests, key=lambda c: c["wall_median_s"], default=None))

    @property
    def measures_task_cost(self):
        """Whether the workload's time is what a strategy costs (cpu.nop): summary.csv has
        each cell's cost per task above its base."""
        return any(c.get("task_cost_s") is not None for c in self.cells + self.python_cells)

    def ranked_task_costs(self):
        """Each strategy's best cell that has a cost per task, cheapest first."""
        names = dict.fromkeys(c["strategy"] for c in self.cells + self.python_cells)
        bests = [self.best(s) for s in names]
        return sorted((c for c in bests if c and c.get("task_cost_s") is not None),
                      key=lambda c: c["task_cost_s"])

    def best(self, strategy, min_workers=0):
        """The strategy's ok cell with the lowest median, among those with min_workers or more."""
        cands = [c for c in self.cells + self.python_cells
                 if c["strategy"] == strategy and c["reps"] and
                 c["wall_median_s"] is not None and c["workers"] >= min_workers]
        return min(cands, key=lambda c: c["wall_median_s"]) if cands else None

    def cell(self, strategy, workers):
        cands = [c for c in self.cells if c["strategy"] == strategy and c["workers"] == workers
                 and c["reps"]]
        return min(cands, key=lambda c: c["wall_median_s"]) if cands else None


def make_groups(runs):
    groups = []
    names = [c["workload"] for r in runs for c in r.cells]
    several_runs = {w for w in names if sum(any(c["workload"] == w for c in r.cells)
                                            for r in runs) > 1}
    for run in runs:
        order = []
        by_key = {}
        for c in run.cells:
            key = (c["workload"], c["tasks"], c["size"])
            if key not in by_key:
                by_key[key] = []
                order.append(key)
            by_key[key].append(c)
        sizes = {}
        for w, t, s in order:
            sizes.setdefault(w, set()).add((t, s))
        for key in order:
            w, t, s = key
            label = w
            if len(sizes[w]) > 1:
                label += f", size {s}" if len({t for t, _ in sizes[w]}) == 1 else \
                    f", {t} tasks x {s}"
            if w in several_runs:
                label += f" ({run.id})"
            groups.append(Group(by_key[key], label))
    return groups


def workload_units(groups):
    """(run, workload) -> its groups, in order: the plots are per workload."""
    units = {}
    for g in groups:
        units.setdefault((g.run.id, g.workload), []).append(g)
    return units


# ---------------------------------------------------------------------------------------------
# Formatting.

def e(text):
    return html.escape(str(text), quote=True)


TIME_UNITS = ((1, "s"), (1e3, "ms"), (1e6, "us"), (1e9, "ns"))


def time_unit(s):
    """(scale, name) of the unit that shows s with a figure before the point, ns at least."""
    return next((u for u in TIME_UNITS if abs(s) * u[0] >= 1), TIME_UNITS[-1])


def duration(s):
    """Four figures in a unit that suits: "805.3us", "8.12ms", "1.234s" (as the table)."""
    if s is None:
        return "-"
    scale, unit = time_unit(s)
    return f"{s * scale:.4g}{unit}"


def ratio(x, digits=2):
    """Two decimals, as the console table; three figures below 0.1, where they would vanish."""
    if x is None:
        return "-"
    if 0 < abs(x) < 0.1:
        return f"{x:.3g}"
    return f"{x:.{digits}f}"


def ratio_text(v, lo, hi):
    """"1.23x [1.10, 1.40]": a ratio and its interval, as the console table; "-" without one."""
    if v is None:
        return "-"
    return f"{ratio(v)}x [{ratio(lo)}, {ratio(hi)}]"


def speedup_text(c):
    return ratio_text(c.get("speedup"), c.get("speedup_ci95_lo"), c.get("speedup_ci95_hi"))


def time_ratio_text(contender):
    """A contender's time over its group's leader's, with the 95% interval (verdicts.csv)."""
    return ratio_text(contender.get("ratio"), contender.get("ratio_lo"),
                      contender.get("ratio_hi"))


def interval_of(s, lo, hi):
    """"23.85ms [22.68ms, 28.62ms]": a time and its interval."""
    return f"{duration(s)} [{duration(lo)}, {duration(hi)}]"


def median_text(c):
    return interval_of(c["wall_median_s"], c.get("wall_ci95_lo_s"), c.get("wall_ci95_hi_s"))


COST_HEADER = "per task above seq (py-*: py-seq) [95% CI]"


def task_cost_text(c):
    return interval_of(c.get("task_cost_s"), c.get("task_cost_ci95_lo_s"),
                       c.get("task_cost_ci95_hi_s"))


def above(c):
    """", above py-seq" for a py-* cell other than py-seq, whose cost is above py-seq's."""
    return "" if base_of(c) in ("seq", c["strategy"]) else f", above {base_of(c)}"


def task_cost_span(c):
    """A cell's cost per task and its interval's ends, the cost itself where an end is
    missing."""
    return tuple(c["task_cost_s"] if c.get(k) is None else c[k]
                 for k in ("task_cost_s", "task_cost_ci95_lo_s", "task_cost_ci95_hi_s"))


def base_of(c):
    """The strategy a cell's speedup and task cost are against: py-* cells have py-seq."""
    return "py-seq" if c["strategy"].startswith("py-") else "seq"


def cell_name(c, with_run=False):
    text = f"{c['workload']} {c['strategy']} x{c['workers']}"
    if c["pin"] and c["pin"] != "compact":
        text += f" pin {c['pin']}"
    if with_run:
        text += f" (run {c['run'].id})"
    return text


def workers_text(n):
    return f"{n} worker" + ("" if n == 1 else "s")


def named(c):
    """"pthreads (2 workers)": a strategy's best cell, as the console table names it."""
    return f"{c['strategy']} ({workers_text(c['workers'])})"


def listed(items):
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def bytes_per_unit(workload):
    return {"mem.triad": 24, "io.file": 1}.get(workload)


def gigabytes_per_s(c):
    """What the cell's tasks move, over its median (mem.triad: 24 bytes a triad, as STREAM)."""
    return bytes_per_unit(c["workload"]) * c["size"] * c["tasks"] / c["wall_median_s"] / 1e9


# ---------------------------------------------------------------------------------------------
# Plots (matplotlib, Agg).

class Figures:
    """Draws figures and keeps them as PNG data: URIs."""

    def __init__(self, palette, pus):
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        self.plt = plt
        self.palette = palette
        self.pus = pus
        self.items = {}
        plt.rcParams.update({"font.size": 9, "axes.grid": True, "grid.alpha": 0.3,
                             "axes.spines.top": False, "axes.spines.right": False,
                             "legend.fontsize": 8, "figure.dpi": 100,
                             "svg.hashsalt": "parbench", "path.simplify": True})

    def colour(self, strategy):
        return self.palette.get(strategy, "#808080")

    def keep(self, fig_id, fig, title, caption):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100, bbox_inches="tight",
                    metadata={"Software": None})
        self.plt.close(fig)
        uri = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
        self.items[fig_id] = {"id": fig_id, "uri": uri, "title": title, "caption": caption}
        return fig_id

    def html(self, fig_id):
        f = self.items.get(fig_id)
        if not f:
            return ""
        return (f'<figure id="{e(f["id"])}"><img src="{f["uri"]}" alt="{e(f["title"])}">'
                f'<figcaption><b>{e(f["title"])}.</b> {f["caption"]}</figcaption></figure>\n')

    @staticmethod
    def log2_workers(ax, workers):
        ax.set_xscale("log", base=2)
        ax.set_xticks(workers)
        ax.set_xticklabels([str(w) for w in workers])
        ax.minorticks_off()

    def strategies(self, cells):
        order = list(self.palette)
        names = []
        for c in cells:
            if c["strategy"] not in names:
                names.append(c["strategy"])
        return sorted(names, key=lambda s: order.index(s) if s in order else len(order))

    @staticmethod
    def errorbar(ax, xs, ys, los, his, **kw):
        lower = [y - lo if lo is not None else 0 for y, lo in zip(ys, los)]
        upper = [hi - y if hi is not None else 0 for y, hi in zip(ys, his)]
        return ax.errorbar(xs, ys, yerr=[lower, upper], capsize=2.5, elinewidth=0.9,
                           markersize=4, linewidth=1.5, **kw)

    def offsets(self, names):
        """A small horizontal shift per strategy on log axes, so that error bars do not hide
        each other."""
        k = len(names)
        return {s: 2 ** (0.06 * (i - (k - 1) / 2)) for i, s in enumerate(names)}

    # One figure per kind of plot -----------------------------------------------------------

    def scaling(self, fig_id, group, pus):
        """Speedup (with its interval) and efficiency against workers."""
        plt = self.plt
        cells = [c for c in group.cells if c["reps"] and c["speedup"] is not None]
        if not cells:
            return None
        pins = []
        for c in cells:
            if c["pin"] not in pins:
                pins.append(c["pin"])
        styles = ["-", "--", ":", "-."]
        names = self.strategies(cells)
        shift = self.offsets(names)
        workers = sorted({c["workers"] for c in cells})
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
        for s in names:
            for pi, pin in enumerate(pins):
                series = sorted((c for c in cells if c["strategy"] == s and c["pin"] == pin),
                                key=lambda c: c["workers"])
                if not series:
                    continue
                label = s if len(pins) == 1 else f"{s} ({pin})"
                kw = dict(color=self.colour(s), linestyle=styles[pi % 4], marker="o")
                xs = [c["workers"] * shift[s] for c in series]
                self.errorbar(ax1, xs, [c["speedup"] for c in series],
                              [c["speedup_ci95_lo"] for c in series],
                              [c["speedup_ci95_hi"] for c in series], label=label, **kw)
                self.errorbar(ax2, xs, [c["efficiency"] for c in series],
                              [c["efficiency_ci95_lo"] for c in series],
                              [c["efficiency_ci95_hi"] for c in series], **kw)
        ideal = [min(w, pus) if pus else w for w in workers]
        ax1.plot(workers, ideal, color="#555555", linestyle="--", linewidth=1,
                 label="ideal: min(workers, PUs)")
        ax2.axhline(1.0, color="#555555", linestyle="--", linewidth=1)
        for ax in (ax1, ax2):
            self.log2_workers(ax, workers)
            ax.set_xlabel("workers (threads or processes)")
            ax.set_ylim(bottom=0)
        ax1.set_ylabel("speedup over seq (x), 95% interval")
        ax2.set_ylabel("efficiency (speedup / workers)")
        ax1.set_title(f"{group.label}: speedup", fontsize=10)
        ax2.set_title(f"{group.label}: efficiency", fontsize=10)
        fig.legend(*ax1.get_legend_handles_labels(), loc="center left",
                   bbox_to_anchor=(1.0, 0.5), frameon=False)
        fig.tight_layout()
        return self.keep(fig_id, fig, f"{group.label}: speedup and efficiency against workers",
                         f"{group.tasks} tasks x {group.size}; each point is a cell's "
                         "speedup over seq (Hodges-Lehmann: the median of the ratios of seq's "
                         "repetitions to the cell's), the bar its 95% interval "
                         "(speedup_ci95_lo/hi); "
                         "points are shifted sideways a little so that bars do not overlap. "
                         f"The dashed line is min(workers, PUs) with {pus} PUs.")

    def io_waits(self, fig_id, group):
        """Wall time against concurrency (log-log), and the tasks' p50 and p99 latency."""
        plt = self.plt
        cells = [c for c in group.cells if c["reps"] and c["wall_median_s"] is not None]
        if not cells:
            return None
        names = self.strategies(cells)
        shift = self.offsets(names)
        workers = sorted({c["workers"] for c in cells if c["strategy"] != "seq"}) or [1]
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
        for s in names:
            series = sorted((c for c in cells if c["strategy"] == s), key=lambda c: c["workers"])
            colour = self.colour(s)
            if s == "seq":
                c = series[0]
                ax1.axhline(c["wall_median_s"], color=colour, linestyle=":", linewidth=1.2,
                            label="seq (one at a time)")
                if c.get("lat_p50_s"):
                    ax2.axhline(c["lat_p50_s"], color=colour, linestyle=":", linewidth=1.2)
                continue
            xs = [c["workers"] * shift[s] for c in series]
            self.errorbar(ax1, xs, [c["wall_median_s"] for c in series],
                          [c["wall_ci95_lo_s"] for c in series],
                          [c["wall_ci95_hi_s"] for c in series], color=colour, marker="o",
                          label=s)
            lat = [(x, c["lat_p50_s"], c["lat_p99_s"]) for x, c in zip(xs, series)
                   if c.get("lat_p50_s") and c.get("lat_p99_s")]
            if lat:
                ax2.plot([v[0] for v in lat], [v[1] for v in lat], color=colour, marker="o",
                         markersize=4, linewidth=1.5)
                ax2.plot([v[0] for v in lat], [v[2] for v in lat], color=colour, marker="x",
                         markersize=5, linewidth=1.0, linestyle="--")
        for ax in (ax1, ax2):
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xticks(workers)
            ax.set_xticklabels([str(w) for w in workers])
            ax.minorticks_off()
            ax.set_xlabel("concurrency (tasks in flight)")
        ax1.set_ylabel("wall time (s), median and 95% interval")
        ax2.set_ylabel("task latency (s): p50 solid, p99 dashed")
        ax1.set_title(f"{group.label}: wall time", fontsize=10)
        ax2.set_title(f"{group.label}: per-task latency", fontsize=10)
        handles, labels = ax1.get_legend_handles_labels()
        from matplotlib.lines import Line2D
        handles += [Line2D([], [], color="#444444", marker="o", markersize=4, label="p50"),
                    Line2D([], [], color="#444444", marker="x", linestyle="--", label="p99")]
        fig.legend(handles, labels + ["p50 (right)", "p99 (right)"], loc="center left",
                   bbox_to_anchor=(1.0, 0.5), frameon=False)
        fig.tight_layout()
        return self.keep(fig_id, fig, f"{group.label}: wall time and latency against "
                         "concurrency",
                         f"{group.tasks} tasks x {group.size}; log-log. Left: each cell's "
                         "median wall time with its 95% interval; seq, which does one task "
                         "at a time, is the dotted line. Right: the medians over repetitions "
                         "of each task's own p50 (solid) and p99 (dashed) duration, start to "
                         "done.")

    def task_cost(self, fig_id, group):
        """cpu.nop: what a task costs each strategy above seq, cheapest first, with the 95%
        interval; on a symmetric log scale, since a parallel strategy can cost less than seq."""
        plt = self.plt
        from matplotlib.ticker import FuncFormatter
        ranked = group.ranked_task_costs()
        if not ranked:
            return None
        spans = [task_cost_span(c) for c in ranked]
        ys = range(len(ranked))
        fig, ax = plt.subplots(figsize=(9, 1.2 + 0.36 * len(ranked)))
        ax.barh(ys, [c["task_cost_s"] for c in ranked], height=0.65,
                color=[self.colour(c["strategy"]) for c in ranked], edgecolor="#444444",
                linewidth=0.6)
        for y, (v, lo, hi) in zip(ys, spans):
            # max(): a summary.csv whose cost lies outside its interval draws, not crashes.
            ax.errorbar([v], [y], xerr=[[max(v - lo, 0)], [max(hi - v, 0)]], color="#000000",
                        capsize=3, elinewidth=1)
        ax.axvline(0, color="#000000", linewidth=0.8)
        # Linear within the smallest cost's decade of 0, logarithmic beyond: both signs, any
        # span.
        sizes = [abs(x) for span in spans for x in span if x]
        ax.set_xscale("symlog", linthresh=10 ** math.floor(math.log10(min(sizes, default=1e-9))))
        ax.set_xlim(min(0, 3 * min(lo for _, lo, _ in spans)),
                    max(0, 3 * max(hi for _, _, hi in spans)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: duration(x)))
        ax.set_yticks(list(ys))
        ax.set_yticklabels([f"{named(c)}{above(c)}: {duration(c['task_cost_s'])}"
                            for c in ranked])
        ax.set_ylim(len(ranked) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("cost per task above seq (symmetric log scale), 95% interval")
        ax.set_title(f"{group.label}: cost per task above seq, cheapest first", fontsize=10)
        fig.tight_layout()
        return self.keep(fig_id, fig, f"{group.label}: cost per task above seq",
                         f"{group.tasks} tasks that do nothing: each strategy at its best worker "
                         "count (lowest median, chosen from these data), the time a task costs "
                         "it above seq (task_cost_s; py-* above py-seq) with its 95% interval "
                         "(task_cost_ci95_lo_s/hi_s). Below 0: cheaper than seq, which a "
                         "strategy with several workers can be. The scale is linear within "
                         "the smallest cost's decade of 0 and logarithmic beyond.")

    def time_went(self, fig_id, group):
        """Where each contender's median wall time went (verdicts.csv), fastest first: its
        parts stacked from 0, a negative one (less CPU time than seq) hatched and to the left
        of 0, and a tick at the median itself, which is their sum."""
        plt = self.plt
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
        from matplotlib.ticker import FuncFormatter
        ranked = group.verdict.decomposed()
        if not ranked:
            return None
        fig, ax = plt.subplots(figsize=(10, 1.6 + 0.42 * len(ranked)))
        for y, k in enumerate(ranked):
            right = left = 0.0
            for part, _, colour in TIME_PARTS:
                width = k[part]
                start = right if width >= 0 else left + width
                ax.barh(y, abs(width), left=start, height=0.6, color=colour,
                        edgecolor="#444444", linewidth=0.5, hatch="" if width >= 0 else "///")
                if width >= 0:
                    right += width
                else:
                    left += width
            ax.plot([k["wall_median_s"]] * 2, [y - 0.4, y + 0.4], color="#000000", linewidth=2)
        ax.axvline(0, color="#000000", linewidth=0.8)
        ax.set_yticks(range(len(ranked)))
        ax.set_yticklabels([named(k) + (f", {k['pus']} PU{'s' * (k['pus'] != 1)}"
                                        if k.get("pus") else "") for k in ranked])
        ax.set_ylim(len(ranked) - 0.5, -0.5)
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: duration(x)))
        ax.set_xlabel("time (the parts of each strategy's median wall time)")
        # Wrapped: an undecided verdict can name every strategy, and a title as wide as that
        # would shrink the whole figure on the page.
        ax.set_title(textwrap.fill(f"{group.label}: where the time went; "
                                   f"{verdict_headline(group.verdict)}", 110,
                                   break_on_hyphens=False), fontsize=10)
        handles = [Patch(facecolor=colour, edgecolor="#444444", label=label)
                   for _, label, colour in TIME_PARTS]
        handles += [Patch(facecolor="#ffffff", edgecolor="#444444", hatch="///",
                          label="hatched, left of 0: a part below seq's"),
                    Line2D([], [], color="#000000", linewidth=2,
                           label="median wall time: the parts' sum")]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        fig.tight_layout()
        return self.keep(fig_id, fig, f"{group.label}: where the time went",
                         f"{group.tasks} tasks x {group.size}. Each strategy at its best worker "
                         "count (chosen from these data), fastest first, its median wall time "
                         "split as verdicts.csv splits it: the ideal, seq's CPU time (py-*: "
                         "py-seq's) over the PUs the cell was given; the user and system CPU "
                         "time it spent beyond that, over those PUs (negative where it spent "
                         "less); and the time its PUs were idle or waiting." +
                         why_list(group.verdict))

    def granularity(self, fig_id, groups):
        """Speedup against task size for a workload run at several sizes; crossovers marked."""
        plt = self.plt
        cells = [c for g in groups for c in g.cells
                 if c["reps"] and c["speedup"] is not None and c["strategy"] != "seq"]
        if not cells:
            return None
        sizes = sorted({g.size for g in groups})
        pin = groups[0].cells[0]["pin"]
        names = self.strategies(cells)
        shift = self.offsets(names)
        fig, ax = plt.subplots(figsize=(10, 4.8))
        notes = []
        for s in names:
            mine = [c for c in cells if c["strategy"] == s and c["pin"] == pin]
            if not mine:
                continue
            # The worker count that does best at the largest size stands for the strategy.
            at_top = [c for c in mine if c["size"] == sizes[-1]] or mine
            w = max(at_top, key=lambda c: c["speedup"])["workers"]
            series = sorted((c for c in mine if c["workers"] == w), key=lambda c: c["size"])
            cross = next((c["crossover_size"] for c in series
                          if c.get("crossover_size") is not None), None)
            label = f"{s} x{w}" + (f" (crosses at {cross:,.0f})" if cross else " (no crossover)")
            colour = self.colour(s)
            self.errorbar(ax, [c["size"] * shift[s] for c in series],
                          [c["speedup"] for c in series],
                          [c["speedup_ci95_lo"] for c in series],
                          [c["speedup_ci95_hi"] for c in series], color=colour, marker="o",
                          label=label)
            if cross:
                largest = series[-1]
                sure = (largest.get("speedup_ci95_lo") or 0) > 1
                ax.plot([max(cross, sizes[0])], [1.0], marker="v", markersize=10,
                        color=colour, markerfacecolor=colour if sure else "white",
                        markeredgewidth=1.5, linestyle="none", zorder=5)
                ax.axvline(max(cross, sizes[0]), color=colour, linestyle=":", linewidth=0.8)
                if not sure:
                    notes.append(s)
        ax.axhline(1.0, color="#000000", linestyle="--", linewidth=1, label="seq (speedup 1)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(sizes)
        ax.set_xticklabels([f"{s:,}" for s in sizes])
        ax.minorticks_off()
        ax.set_xlabel("task size (--size: the workload's units of work per task), log")
        ax.set_ylabel("speedup over seq (x), log")
        ax.set_title(f"{groups[0].workload}: speedup against task size", fontsize=10)
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
        fig.tight_layout()
        caption = ("Each strategy at the worker count that does best at the largest size; "
                   "bars are the speedup's 95% interval. A triangle on the line of speedup 1 "
                   "marks the strategy's crossover_size (summary.csv): above it the strategy "
                   "beats seq. A hollow triangle: at the largest size the speedup's interval "
                   "still holds 1, so the crossover is uncertain")
        caption += (f" ({', '.join(notes)})." if notes else ".")
        return self.keep(fig_id, fig, f"{groups[0].workload}: speedup against task size",
                         e(caption))

    def heatmap(self, fig_id, groups):
        """Workloads x strategies: each strategy's best speedup over seq; not for workloads
        that measure what a task costs, whose speedup means nothing."""
        plt = self.plt
        rows = [g for g in groups if any(c["speedup"] is not None for c in g.cells) and
                not g.measures_task_cost]
        if not rows:
            return None
        names = self.strategies([c for g in rows for c in g.cells])
        values = []
        for g in rows:
            line = []
            for s in names:
                b = g.best(s)
                line.append(b["speedup"] if b and b["speedup"] else None)
            values.append(line)
        logs = [math.log10(v) for line in values for v in line if v]
        span = max(0.5, min(3.5, max(abs(v) for v in logs))) if logs else 1
        from matplotlib.colors import TwoSlopeNorm
        grid = [[math.log10(v) if v else float("nan") for v in line] for line in values]
        fig, ax = plt.subplots(figsize=(1.0 + 0.85 * len(names), 1.4 + 0.42 * len(rows)))
        cmap = plt.get_cmap("RdYlGn").copy()
        cmap.set_bad("#dddddd")
        im = ax.imshow(grid, cmap=cmap, norm=TwoSlopeNorm(0.0, -span, span), aspect="auto")
        for i, line in enumerate(values):
            for j, v in enumerate(line):
                text = "-" if v is None else (f"{v:.3g}" if v < 100 else f"{v:.0f}")
                ax.text(j, i, text, ha="center", va="center", fontsize=7.5,
                        color="#000000" if v is None or abs(math.log10(v)) < span * 0.7
                        else "#ffffff")
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=35, ha="right")
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([g.label for g in rows])
        ax.grid(False)
        bar = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02)
        ticks = [t for t in range(-3, 4) if -span <= t <= span]
        bar.set_ticks(ticks)
        bar.set_ticklabels([f"{10.0 ** t:g}x" for t in ticks])
        bar.set_label("speedup (log scale)")
        ax.set_title("best speedup over seq, per workload and strategy", fontsize=10)
        fig.tight_layout()
        return self.keep(fig_id, fig, "Overview: best speedup per workload and strategy",
                         "Each square is the strategy's best cell (lowest median) in that "
                         "workload: green faster than seq, red slower, on a log scale; the "
                         "number is its speedup. The tables below give the intervals. "
                         "cpu.nop, whose tasks are empty, is left out: its figure is the cost "
                         "per task.")

    def intervals(self, fig_id, title, caption, rows, ref=None, xlabel="speedup over seq (x)",
                  log=True, extra=None):
        """A claim's evidence: one point with its interval per row, and the comparison value."""
        plt = self.plt
        ncols = 2 if extra else 1
        fig, axes = plt.subplots(1, ncols, figsize=(10 if extra else 7.5,
                                                    0.9 + 0.38 * max(len(rows), 2)),
                                 squeeze=False)
        ax = axes[0][0]
        for i, (label, strategy, v, lo, hi) in enumerate(rows):
            lo = v if lo is None else lo
            hi = v if hi is None else hi
            ax.errorbar([v], [i], xerr=[[v - lo], [hi - v]], marker="o", markersize=6,
                        color=self.colour(strategy), capsize=4, elinewidth=1.5)
        if ref is not None:
            ax.axvline(ref, color="#555555", linestyle="--", linewidth=1)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([r[0] for r in rows])
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.invert_yaxis()
        if log:
            ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        if extra:
            extra(axes[0][1])
        fig.tight_layout()
        return self.keep(fig_id, fig, title, caption)


# ---------------------------------------------------------------------------------------------
# Findings and claims.

def beaten(v):
    """"; pthreads is faster than the other 8", when the leader is shown faster than any."""
    slower = v.with_role("slower")
    return f"; {e(v.leader['strategy'])} is faster than the other {len(slower)}" if slower else ""


def verdict_headline(v):
    """A group's verdict in a few words, for a figure's title."""
    if v.kind == "winner":
        return f"best: {named(v.leader)}"
    if v.kind == "equivalent":
        names = listed([named(c) for c in [v.leader] + v.with_role("equivalent")])
        return f"best: {names}, equivalent within {(v.margin or 0) * 100:.3g}%"
    if v.kind == "undecided":
        return "not decided between " + listed([named(c) for c in [v.leader] +
                                                v.with_role("tied")])
    if v.kind == "alone":
        return f"{named(v.leader)}, the only strategy that ran"
    return v.kind


def verdict_text(v):
    """A group's verdict (HTML) in the words of the console table's best: line
    (harness/report/table.c print_verdict)."""
    lead, others = v.leader, v.contenders[1:]
    if v.kind == "alone":
        return f"<span class=ok>best: {e(named(lead))}</span>, the only strategy that ran"
    if v.kind == "winner":
        level = f"{(lead.get('alpha') or 0.05) * 100:.3g}%"
        against = (f"each of the {len(others)} others (Mann-Whitney U, {level} each); the "
                   "runner-up, " if len(others) > 1 else
                   f"the only other one (Mann-Whitney U, {level}), ")
        return (f"<span class=ok>best: {e(named(lead))}</span>, faster than {against}"
                f"{e(named(others[0]))}, takes {time_ratio_text(others[0])} its time")
    if v.kind == "equivalent":
        names = listed([named(c) for c in [lead] + v.with_role("equivalent")])
        return (f"<span class=ok>best: {e(names)}</span>, equivalent within "
                f"{(v.margin or 0) * 100:.3g}% (their 90% intervals of the time ratio)" +
                beaten(v))
    if v.kind == "undecided":
        names = listed([named(c) for c in [lead] + v.with_role("tied")])
        text = f"<span class=nt>best: not decided between {e(names)}</span>"
        if others[0]["role"] == "tied":
            text += f" (the runner-up takes {time_ratio_text(others[0])} the leader's time)"
        reps = v.reps_to_decide
        if reps is not None and reps <= MAX_REPS:
            text += (f": about {reps:.0f} repetitions a cell would likely decide "
                     f"(<code>--reps {reps:.0f}</code>)")
        else:
            text += (f": closer than {MAX_REPS} repetitions a cell could likely tell on this "
                     "machine")
        return text + beaten(v)
    return e(v.kind)    # a kind this report does not know yet: as parbench wrote it


def leader_figures(group):
    """The leader's median, and its cost per task or its speedup, each with its interval."""
    c = group.leader
    if c is None:
        return ""
    text = f" Its median: {median_text(c)}"
    if c["strategy"] == base_of(c):
        return text + "."
    if c.get("task_cost_s") is not None:
        return text + f"; its cost per task above {base_of(c)}: {task_cost_text(c)}."
    if c.get("speedup") is None:
        return text + "."
    text += f"; its speedup over {base_of(c)}: {e(speedup_text(c))}."
    side = interval_side(c.get("speedup_ci95_lo"), c.get("speedup_ci95_hi"), 1.0)
    return text + {"above": f" That interval lies above 1: it beats {base_of(c)}.",
                   "below": f" That interval lies below 1: even the fastest loses to "
                            f"{base_of(c)}.",
                   "around": f" That interval holds 1: not shown to beat {base_of(c)}."
                   }.get(side, "")


def why_list(v):
    """The contenders' why sentences (verdicts.csv), where parbench wrote any."""
    items = [f"<li>{e(named(k))}: {e(k['why'])}</li>" for k in v.contenders if k.get("why")]
    return f"<ul class=why>{''.join(items)}</ul>" if items else ""


def finding(group):
    """One paragraph (HTML) on a group: parbench's verdict, the leader's figures, the whys."""
    head = f"<b>{e(group.label)}</b> ({group.tasks} tasks x {group.size})"
    if group.verdict is None:
        return f"<p class=finding>{head}: no strategy ran successfully.</p>"
    return (f"<p class=finding>{head}: {verdict_text(group.verdict)}.{leader_figures(group)}</p>"
            + why_list(group.verdict))


def task_cost_table(group):
    """A group that measures what a task costs (cpu.nop): each strategy at its best worker
    count, cheapest first, with its cost per task above seq and the console table's figures."""
    rows = []
    for rank, c in enumerate(group.ranked_task_costs(), 1):
        k = group.verdict.contender(c) if group.verdict else None
        rows.append(f"<tr><td class=n>{rank}</td><td>{e(c['strategy'])}</td>"
                    f"<td class=n>{c['workers']}</td><td class=n>{task_cost_text(c)}</td>"
                    f"<td class=n>{median_text(c)}</td>"
                    f"<td class=n>{time_ratio_text(k) if k else '-'}</td></tr>")
    head = ["rank", "strategy", "workers", COST_HEADER, "median [95% CI]", "x best [95% CI]"]
    return (f"<p>{e(group.label)}: what a task costs each strategy above seq, cheapest first "
            "(each at its best worker count; x best: its time over the leader's, "
            "verdicts.csv):</p><table class=\"cells cost\"><tr>" +
            "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>" + "".join(rows) + "</table>")


def findings_html(runs, groups, units):
    """The findings section's body: each group's verdict, or a note for a run without
    verdicts.csv, then the crossovers of the workloads run at several sizes."""
    out = []
    for run in runs:
        if run.verdicts is None:
            out.append(f"<p class=note>Run {e(run.id)} has no verdicts.csv (a parbench older "
                       "than the verdicts wrote it): no findings for it; its tables and plots "
                       "are below.</p>")
    for g in groups:
        if g.run.verdicts is not None:
            out.append(finding(g))
        if g.measures_task_cost:
            out.append(task_cost_table(g))
    for gs in units.values():
        if len({g.size for g in gs}) > 1 and any(g.seq for g in gs) and \
                not gs[0].measures_task_cost:
            out.append(crossover_list(gs))
    return "\n".join(out)


def crossover_list(groups):
    """For a workload at several sizes: each strategy's crossover size, as the table prints."""
    smallest = min(groups, key=lambda g: g.size)
    largest = max(groups, key=lambda g: g.size)
    items = []
    for c in smallest.cells:
        if c["strategy"] == "seq":
            continue
        x = c.get("crossover_size")
        at_top = largest.cell(c["strategy"], c["workers"])
        if x is None and at_top and (at_top.get("speedup") or 0) < 1:
            text = "none: slower than seq at the largest size"
        elif x is None:
            text = "unknown: a size of the series failed"
        elif x <= smallest.size:
            text = f"at or below {smallest.size}"
        else:
            text = f"{x:.0f}"
        if x is not None and not (at_top and (at_top.get("speedup_ci95_lo") or 0) > 1):
            text += " (uncertain: at the largest size its speedup interval holds 1)"
        items.append(f"<li>{e(c['strategy'])} x{c['workers']}: {e(text)}</li>")
    return (f"<p><b>{e(smallest.workload)}</b>: task size above which each strategy beats "
            f"seq</p><ul>{''.join(items)}</ul>")


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


def drift_note(c, seq):
    """When a cell that keeps about one PU busy beats seq, whether its CPU time (user + sys,
    raw.csv) fell as much as its wall time: the same work done faster on one PU means the
    machine ran faster during its repetitions (drift), not in parallel."""
    if not (c.get("cpu") and seq and seq.get("cpu") and c.get("speedup")):
        return ""
    cpu_ratio = statistics.median(seq["cpu"]) / max(statistics.median(c["cpu"]), 1e-12)
    if (c.get("cpu_util") or 0) < 1.3 and cpu_ratio >= 0.8 * c["speedup"] and cpu_ratio > 1.1:
        return (f" But its CPU time (user + sys, median {duration(statistics.median(c['cpu']))}) "
                f"is {cpu_ratio:.2f}x below seq's ({duration(statistics.median(seq['cpu']))}) "
                f"with about one PU busy (cpu util {ratio(c.get('cpu_util'))}): the same work "
                "took less CPU time, so the machine ran faster during these repetitions "
                "(drift), which is no parallel speedup.")
    return ""


def evidence(c):
    """A cell's numbers, for a claim's text: where the workload measures what a task costs
    (cpu.nop), that cost instead of the speedup."""
    figure = (f"cost per task above {base_of(c)} {task_cost_text(c)}"
              if c.get("task_cost_s") is not None else f"speedup {e(speedup_text(c))}")
    return (f"<code>{e(cell_name(c, True))}</code>: median {duration(c['wall_median_s'])}, "
            f"{figure}, {c['reps']} reps")


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
                f"{evidence(ppt)}; fork-per-task's median is "
                f"{fpt['wall_median_s'] / ppt['wall_median_s']:.1f}x pthreads-per-task's; "
                f"{how}: {e(v)}</li>")
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
                             f"the pool's median is "
                             f"{a['wall_median_s'] / b['wall_median_s']:.3g}x the other's; "
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
            rss_text = (f"max_rss_kb: evloop-epoll {statistics.median(loop['rss']):.0f} KiB "
                        f"(reps {min(loop['rss'])}-{max(loop['rss'])}), pthreads-per-task "
                        f"{statistics.median(ptpt['rss']):.0f} KiB (reps {min(ptpt['rss'])}-"
                        f"{max(ptpt['rss'])}): {rss}")
        else:
            rss, rss_text = NOT_MEASURED, "max_rss_kb: no ok repetitions: not measured"
        body += (f"<ul><li>concurrency {loop['workers']}: {evidence(loop)}; {evidence(ptpt)}; "
                 f"pthreads-per-task's median is "
                 f"{ptpt['wall_median_s'] / loop['wall_median_s']:.3g}x evloop-epoll's; "
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
                         ("a speedup: refuted." + e(drift_note(c, g.seq)) if v == REFUTED else
                          "no speedup found (interval " +
                          ("holds" if above_one(c) == NOISE else "below") + " 1)") + "</li>")
            if v == REFUTED and drift_note(c, g.seq):
                self.note = "the speedup came with as little CPU time: drift, see the text"
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


# ---------------------------------------------------------------------------------------------
# The page.

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a;
       max-width: 1180px; margin: 0 auto; padding: 0 18px 60px; }
h1 { font-size: 24px; margin: 24px 0 4px; }
h2 { font-size: 19px; margin-top: 38px; border-bottom: 1px solid #ccc; padding-bottom: 3px; }
h3 { font-size: 15px; margin: 24px 0 6px; }
nav ol { columns: 2; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 12.5px; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { overflow-x: auto; }
table.cells { font-size: 12px; }
table.cells td, table.cells th { padding: 2px 5px; white-space: nowrap; }
tr.best td { font-weight: 600; }
tr.top td { background: #eef7ee; }
tr.failed td { color: #a00; }
figure { margin: 14px 0 26px; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 12.5px; color: #444; max-width: 900px; }
code { font-size: 12.5px; background: #f5f5f5; padding: 0 3px; }
.ok { color: #176117; font-weight: 600; }
.nt { color: #8a5a00; font-weight: 600; }
.verdict { display: inline-block; padding: 1px 8px; border-radius: 3px; font-weight: 600; }
.v-supported { background: #d9f2d9; color: #145214; }
.v-refuted { background: #f8d7d7; color: #7a1010; }
.v-noise { background: #fff1cc; color: #6b4e00; }
.v-not-measured { background: #e6e6e6; color: #444; }
.warn li { color: #7a4b00; }
.claim { border-left: 4px solid #ccc; padding-left: 12px; margin: 18px 0; }
summary { cursor: pointer; color: #7a4b00; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
"""


def verdict_badge(v):
    css = {SUPPORTED: "v-supported", REFUTED: "v-refuted", NOISE: "v-noise"}.get(
        v, "v-not-measured")
    return f'<span class="verdict {css}">{e(v)}</span>'


def machine_table(runs):
    def val(v):
        if v is None:
            return "not exposed (null)"
        if v is True:
            return "on"
        if v is False:
            return "off"
        return v

    def caches(m):
        return ", ".join(f"{c.get('type')} {c.get('size_kib')} KiB x{c.get('count')}"
                         for c in m.get("caches") or []) or "-"

    def hypervisor(m):
        h = m.get("hypervisor")
        if not h:
            return "none (bare metal)"
        return ", ".join(f"{k} {v}" for k, v in h.items() if v is not None)

    def memory(m):
        b = m.get("memory_bytes")
        return f"{b / 2 ** 30:.1f} GiB" if b else val(b)

    def libs(b):
        names = ("libgomp", "hwloc", "libuv", "gsl", "jansson")
        return ", ".join(f"{n} {b.get(n)}" for n in names if b.get(n))

    def openmp(b):
        spec = {201511: "4.5", 201811: "5.0", 202011: "5.1", 201307: "4.0"}.get(b.get("openmp"))
        return f"{b.get('openmp')}" + (f" (OpenMP {spec})" if spec else "")

    def wall(meta):
        a, b = parse_time(meta.get("start")), parse_time(meta.get("end"))
        return f"{(b - a).total_seconds():.0f} s" if a and b else "-"

    def plan(p):
        keys = ("workers", "pin", "tasks", "size", "reps", "warmup", "order", "seed")
        return "; ".join(f"{k} {json.dumps(p.get(k))}" for k in keys if k in p)

    rows = [
        ("run", lambda r: r.id),
        ("CPU model", lambda r: val(r.meta["machine"].get("cpu_model"))),
        ("packages / cores / PUs", lambda r: " / ".join(
            str(r.meta["machine"].get(k)) for k in ("packages", "cores", "pus"))),
        ("caches", lambda r: caches(r.meta["machine"])),
        ("NUMA nodes", lambda r: val(r.meta["machine"].get("numa_nodes"))),
        ("memory", lambda r: memory(r.meta["machine"])),
        ("kernel", lambda r: " ".join(str(r.meta.get("os", {}).get(k, ""))
                                      for k in ("sysname", "release", "version", "machine"))),
        ("hypervisor", lambda r: hypervisor(r.meta["machine"])),
        ("cpufreq governor", lambda r: val(r.meta["machine"].get("governor"))),
        ("turbo", lambda r: val(r.meta["machine"].get("turbo"))),
        ("parbench, git revision", lambda r: f"{r.meta['build'].get('parbench')}, "
                                             f"{r.meta['build'].get('git_revision')}"),
        ("compiler", lambda r: val(r.meta["build"].get("compiler"))),
        ("flags", lambda r: val(r.meta["build"].get("cflags"))),
        ("_OPENMP", lambda r: openmp(r.meta["build"])),
        ("libraries", lambda r: libs(r.meta["build"])),
        ("OpenMP environment", lambda r: ", ".join(
            f"{k}={v}" for k, v in (r.meta.get("openmp_env") or {}).items()) or "-"),
        ("command", lambda r: shlex.join(r.meta.get("command") or [])),
        ("plan", lambda r: plan(r.meta.get("plan") or {})),
        ("start / end (UTC)", lambda r: f"{r.meta.get('start')} / {r.meta.get('end')} "
                                        f"({wall(r.meta)})"),
        ("status", lambda r: r.meta.get("status")),
        ("load average (1, 5, 15 min) start / end", lambda r: " / ".join(
            ", ".join(f"{x:.2f}" for x in (r.meta.get("load_average", {}).get(k) or []))
            for k in ("start", "end"))),
        ("directory", lambda r: str(r.dir)),
    ]
    out = ["<table><tr><th></th>" + "".join(f"<th>{e(r.id)}</th>" for r in runs) + "</tr>"]
    for name, get in rows[1:]:
        cells = []
        for r in runs:
            try:
                cells.append(e(get(r)))
            except (KeyError, TypeError, AttributeError):
                cells.append("-")
        out.append(f"<tr><th>{e(name)}</th>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


CELL_WARNING = re.compile(r": cv [0-9.]+% > 5%")


def median_cv(run):
    cvs = [c["cv"] for c in run.cells if c.get("cv") is not None and c["reps"] >= 2]
    return statistics.median(cvs) if cvs else None


def warnings_html(runs):
    out = []
    for r in runs:
        mcv = median_cv(r)
        noisy = sum(1 for c in r.cells if (c.get("cv") or 0) > 0.05)
        out.append(f"<h3>Run {e(r.id)}</h3>")
        out.append(f"<p>Median cv over its {len(r.cells)} cells: <b>"
                   f"{'-' if mcv is None else f'{mcv * 100:.1f}%'}</b>; {noisy} cells have a cv "
                   "above 5%. Read the figures with their intervals.</p>")
        if "warnings" not in r.meta:
            out.append("<p>This run's meta.json has no <code>warnings</code> field (a "
                       "parbench older than the field wrote it); its console output had them."
                       "</p>")
        elif r.meta["warnings"] is None:
            out.append("<p>This run's warnings are unknown: meta.json's <code>warnings</code> "
                       "is null (parbench could not keep their log).</p>")
        elif not r.meta["warnings"]:
            out.append("<p>parbench printed no warning for this run.</p>")
        else:
            warnings = r.meta["warnings"]
            cells = [w for w in warnings if CELL_WARNING.search(w)]
            machine = [w for w in warnings if w not in cells]
            out.append(f"<p>{len(warnings)} warnings (meta.json <code>warnings</code>)"
                       + (":</p><ul class=warn>" + "".join(f"<li>{e(w)}</li>" for w in machine)
                          + "</ul>" if machine else ".</p>"))
            if cells:
                out.append(f"<details><summary>{len(cells)} cells ended with a cv above 5%"
                           "</summary><ul class=warn>" +
                           "".join(f"<li>{e(w)}</li>" for w in cells) + "</ul></details>")
    return "\n".join(out)


def efficiency_text(c):
    if c.get("efficiency") is None:
        return "-"
    return (f"{ratio(c['efficiency'])} [{ratio(c.get('efficiency_ci95_lo'))}, "
            f"{ratio(c.get('efficiency_ci95_hi'))}]")


def reps_text(c):
    return str(c["reps"]) + ("" if c["ok"] else f' ({len(c["errors"])} failed)')


def measured_columns(group):
    """The summary table's columns after a cell's name: (header, cell -> HTML).  A group that
    measures what a task costs (cpu.nop) shows that cost instead of speedup, efficiency, time
    per task and Karp-Flatt, which say nothing of empty tasks."""
    costs = group.measures_task_cost
    columns = [("median [95% CI]", median_text)]
    if costs:
        columns.append((COST_HEADER, task_cost_text))
    else:
        columns += [("speedup [95% CI]", lambda c: e(speedup_text(c))),
                    ("efficiency [95% CI]", efficiency_text)]
    columns += [("cv", lambda c: percent(c.get("cv"))), ("outliers", lambda c: c["outliers"]),
                ("reps", reps_text)]
    if not costs:
        columns.append(("per task", lambda c: duration(c["wall_median_s"] / (c["tasks"] or 1))))
    columns.append(("cpu util", lambda c: ratio(c.get("cpu_util"))))
    if not costs:
        columns.append(("Karp-Flatt", lambda c: ratio(c.get("karp_flatt"), 3)))
    if group.kind == "io":
        columns.append(("p50 / p99 latency", lambda c: f"{duration(c.get('lat_p50_s'))} / "
                                                       f"{duration(c.get('lat_p99_s'))}"))
    if bytes_per_unit(group.workload):
        columns.append(("GB/s", lambda c: f"{gigabytes_per_s(c):.2f}"))
    return columns


def table_html(group):
    pins = len({c["pin"] for c in group.cells}) > 1
    loops = any(c.get("loops") not in ("", "1", None) for c in group.cells)
    columns = measured_columns(group)
    head = ["strategy", "workers"] + (["pin"] if pins else []) + (["loops"] if loops else [])
    head += [h for h, _ in columns]
    best_ids = {id(b) for b in group.bests}
    top = group.leader
    order = list(read_palette())
    every = group.cells + [c for c in group.python_cells if c not in group.cells]
    cells = sorted(every, key=lambda c: (order.index(c["strategy"]) if c["strategy"] in
                                                order else len(order), c["pin"], c["workers"]))
    rows = []
    for c in cells:
        cls = []
        if id(c) in best_ids:
            cls.append("best")
        if c is top:
            cls.append("top")
        if not c["reps"]:
            cls.append("failed")
        tds = [f"<td>{e(c['strategy'])}</td>", f'<td class="n">{c["workers"]}</td>']
        if pins:
            tds.append(f"<td>{e(c['pin'])}</td>")
        if loops:
            tds.append(f"<td class=\"n\">{e(c.get('loops') or '')}</td>")
        if not c["reps"]:
            why = c["errors"][0] if c["errors"] else "not run"
            tds.append(f'<td colspan="{len(head) - len(tds)}">failed: {e(why)}</td>')
        else:
            tds += [f'<td class="n">{text(c)}</td>' for _, text in columns]
        rows.append(f'<tr class="{" ".join(cls)}">' + "".join(tds) + "</tr>")
    return ('<div class="scroll"><table class="cells"><tr>' +
            "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>\n" + "\n".join(rows) +
            "</table></div>")


# Each article's method in Python, and the C strategy that does the same.
PY_COUNTERPART = {
    "py-seq": "seq",
    "py-threads-per-task": "pthreads-per-task",
    "py-threadpool": "pthreads",
    "py-process-per-task": "fork-per-task",
    "py-pool": "fork",
    "py-processpool": "fork",
    "py-asyncio": "evloop-epoll",
}


def python_html(group):
    """The group's py-* strategies against their C counterparts, best cell against best cell,
    or None when the group has no py-* cell."""
    rows = []
    for py, c_name in PY_COUNTERPART.items():
        p, c = group.best(py), group.best(c_name)
        if p is None:
            continue
        c_text = f"{e(c_name)} ({workers_text(c['workers'])}): {duration(c['wall_median_s'])}" \
            if c else f"{e(c_name)}: not in the run"
        times = f"{p['wall_median_s'] / c['wall_median_s']:.1f}x" if c else "-"
        vs_seq = p.get("speedup_vs_seq")
        rows.append(f"<tr><td>{e(py)} ({workers_text(p['workers'])})</td>"
                    f'<td class="n">{duration(p["wall_median_s"])}</td>'
                    f'<td class="n">{duration(p.get("startup_median_s"))}</td>'
                    f"<td>{c_text}</td><td class=\"n\">{times}</td>"
                    f'<td class="n">{e(speedup_text(p))}</td>'
                    f'<td class="n">{ratio(vs_seq)}x</td></tr>')
    if not rows:
        return None
    head = ["Python strategy (best cell)", "median", "interpreter start-up (apart)",
            "C counterpart (best cell)", "Python / C time", "speedup vs py-seq",
            "speedup vs seq"]
    return (f"<h3>{e(group.label)}: {group.tasks} tasks x {group.size}</h3>"
            '<div class="scroll"><table class="cells"><tr>' +
            "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>\n" + "\n".join(rows) +
            "</table></div>")


def percent(x):
    return "-" if x is None else f"{x * 100:.1f}%"


def slug(text):
    return "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in text)


def workload_figures(fig, run_id, workload, groups, pus):
    """A workload's figures, from its group at the largest task size: I/O against
    concurrency; what a task costs (cpu.nop); else speedup and efficiency, and with several
    sizes speedup against size."""
    main = max(groups, key=lambda g: (g.size, g.tasks))
    if main.kind == "io":
        ids = [fig.io_waits(slug(f"fig-io-{run_id}-{workload}"), main)]
    elif main.measures_task_cost:
        # Its tasks are empty: speedup and task size say nothing of it.
        return [fig.task_cost(slug(f"fig-cost-{run_id}-{workload}"), main)]
    else:
        ids = [fig.scaling(slug(f"fig-scaling-{run_id}-{workload}"), main, pus)]
    if len({g.size for g in groups}) > 1:
        ids.append(fig.granularity(slug(f"fig-granularity-{run_id}-{workload}"), groups))
    return ids


FINDINGS_INTRO = (
    "<p>The verdicts are parbench's own, read from each run's verdicts.csv: the same as the "
    "console table's <code>best:</code> lines. Each strategy stands by its best cell, the "
    "worker count (and pin) with the lowest median, <b>itself chosen from these data</b>: the "
    "best of several noisy medians, a little flattering. The fastest of these is the leader; "
    "every other one's time over the leader's is a Hodges-Lehmann ratio (the median of the "
    "ratios of all pairs of their repetitions) with the 95% interval that inverts the "
    "Mann-Whitney U test. A <b>winner</b> is faster than each other strategy (one-sided "
    "Mann-Whitney U at 5% each; two-sided for the runner-up, since the leader was picked by "
    "looking); strategies are <b>equivalent</b> when their 90% interval of the time ratio lies "
    "within the run's margin (<code>--equivalence</code>); otherwise the group is <b>not "
    "decided</b>, and the verdict says about how many repetitions a cell would likely decide "
    "it. Where parbench explains a time from the kernel's counters, its sentence follows.</p>")


def build(runs, palette):
    groups = make_groups(runs)
    pus = next((r.meta.get("machine", {}).get("pus") for r in runs), None) or 0
    fig = Figures(palette, pus)
    units = workload_units(groups)

    # The plots, per workload.
    plots = [("Overview", [fig.heatmap("fig-heatmap", groups)])]
    for (run_id, workload), gs in units.items():
        plots.append((gs[0].label if len(gs) == 1 else workload,
                      workload_figures(fig, run_id, workload, gs, pus)))

    time_went = [fig.time_went(slug(f"fig-time-{g.run.id}-{g.label}"), g) for g in groups
                 if g.kind in ("cpu", "mem") and g.verdict]
    time_went = [i for i in time_went if i]
    claims = Claims(groups, fig, pus).build()
    python = [t for t in (python_html(g) for g in groups) if t]
    title = "parbench report: " + " + ".join(r.id for r in runs)
    out = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
           f"<h1>{e(title)}</h1>",
           "<p>Written by <code>scripts/report.py</code> from "
           + ", ".join(f"<code>{e(str(r.path))}</code>" for r in runs) +
           f" on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Workloads: "
           + ", ".join(e(w) for w in dict.fromkeys(g.workload for g in groups)) + ".</p>",
           "<nav><ol><li><a href=\"#machine\">Machine and build</a></li>"
           "<li><a href=\"#warnings\">Noise and warnings</a></li>"
           "<li><a href=\"#findings\">Findings</a></li>"
           + ("<li><a href=\"#time\">Where the time went</a></li>" if time_went else "") +
           "<li><a href=\"#claims\">The articles' claims</a></li>"
           + ("<li><a href=\"#python\">C against Python</a></li>" if python else "") +
           "<li><a href=\"#plots\">Plots</a></li>"
           "<li><a href=\"#tables\">Summary tables</a></li></ol></nav>"]

    out.append('<h2 id="machine">Machine and build</h2>')
    out.append("<p>From meta.json: <code>null</code> means the machine does not expose the "
               "value. The topology as parbench loaded it is in each run's "
               "<code>topology.xml</code>.</p>")
    out.append(machine_table(runs))

    out.append('<h2 id="warnings">Noise and warnings</h2>')
    out.append(warnings_html(runs))

    out.append('<h2 id="findings">Findings</h2>')
    out.append(FINDINGS_INTRO)
    out.append(findings_html(runs, groups, units))

    if time_went:
        out.append('<h2 id="time">Where the time went</h2>')
        out.append("<p>For each CPU and memory workload, each strategy's median wall time "
                   "taken apart from its CPU time (verdicts.csv, from the kernel's counters): "
                   "what seq's work would take spread perfectly over the cell's PUs, what the "
                   "strategy spent in user and system time beyond it, and what was left idle "
                   "or waiting; under each figure, parbench's explanation of the leader and of "
                   "the strategies far behind it.</p>")
        out += [fig.html(i) for i in time_went]

    out.append('<h2 id="claims">The articles\' claims</h2>')
    out.append("<p>Four articles on Python parallelism (<code>../shared/seeds/</code>) make "
               "these claims; each is checked against this run. A claim about a difference is "
               "<b>supported</b> only when a 95% interval lies on the claimed side: against "
               "seq, the speedup's (speedup_ci95_lo/hi: the Hodges-Lehmann ratio of seq's times "
               "over the cell's, the median of the ratios of all pairs of their repetitions, "
               "with the interval that inverts the Mann-Whitney U test) against 1; between two "
               f"cells, {FASTER_RULE}. <b>Refuted</b> when it lies on the other side; otherwise "
               "<b>not shown (within noise)</b>. <b>Not measured</b>: the run lacks the cells."
               "</p>")
    summary = "".join(f"<tr><td class=n>{c['n']}</td><td><a href=\"#claim-text-{c['n']}\">"
                      f"{e(c['title'])}</a></td><td>{verdict_badge(c['verdict'])}</td>"
                      f"<td>{e(c['note'])}</td></tr>" for c in claims)
    out.append("<table><tr><th>#</th><th>claim</th><th>verdict</th><th>note</th></tr>"
               f"{summary}</table>")
    for c in claims:
        see = [s for s in (slug(x) for x in c["see"]) if s in fig.items]
        links = ", ".join(f'<a href="#{e(s)}">{e(fig.items[s]["title"])}</a>' for s in see)
        out.append(f'<div class="claim" id="claim-text-{c["n"]}"><h3>Claim {c["n"]}: '
                   f'{e(c["title"])} &mdash; {verdict_badge(c["verdict"])}</h3>'
                   f'<p>From:</p><ul>{"".join(c["sources"])}</ul>{c["body"]}')
        if c["fig"]:
            out.append(fig.html(c["fig"]))
        if links:
            out.append(f"<p>See also: {links}.</p>")
        out.append("</div>")

    if python:
        out.append('<h2 id="python">C against Python</h2>')
        out.append("<p>Each article's method in Python (the py-* strategies, timed inside the "
                   "interpreter; its start-up is apart) against the C strategy that does the "
                   "same, each at its best worker count, on the same work with the same "
                   "checksum. <i>Python / C time</i> is how many times as long the Python "
                   "method takes.</p>")
        out += python
    out.append('<h2 id="plots">Plots</h2>')
    legend = "".join(f'<span class="swatch" style="background:{e(col)}"></span>{e(s)} &nbsp;'
                     for s, col in palette.items())
    out.append(f"<p>Colours, one per strategy (scripts/palette.tsv): {legend}</p>")
    for name, ids in plots:
        ids = [i for i in ids if i]
        if not ids:
            continue
        out.append(f"<h3>{e(name)}</h3>")
        out += [fig.html(i) for i in ids]

    out.append('<h2 id="tables">Summary tables</h2>')
    out.append("<p>Every cell of summary.csv. Bold: each strategy's best cell (lowest median); "
               "green: the lowest median of the workload. Median with its distribution-free 95% "
               "interval (min to max with 5 or fewer repetitions); speedup and efficiency with "
               "their 95% intervals; cv = sd / mean; outliers beyond 3 scaled MADs, counted and "
               "kept; per task = median / tasks. For cpu.nop, whose tasks are empty, the cost "
               "per task above seq (summary.csv's task_cost_s) with its 95% interval instead of "
               "speedup, efficiency, per task and Karp-Flatt.</p>")
    for g in groups:
        out.append(f'<h3 id="{e(slug("table-" + g.run.id + "-" + g.label))}">{e(g.label)}: '
                   f"{g.tasks} tasks x {g.size} (run {e(g.run.id)})</h3>")
        out.append(table_html(g))
    out.append("</body></html>\n")
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write a run's report.html.")
    parser.add_argument("run", help="a run directory (results/<run-id> or results/latest)")
    parser.add_argument("run2", nargs="?", default="", help="a second run to merge in")
    parser.add_argument("--auto-pair", action="store_true",
                        help="without RUN2: merge the other part of the same `make bench`")
    parser.add_argument("--output", help="the file to write (default: RUN/report.html)")
    args = parser.parse_args(argv)
    try:
        runs = [Run(args.run)]
        if args.run2:
            runs.append(Run(args.run2))
        elif args.auto_pair:
            partner = bench_partner(runs[0])
            if partner:
                runs.append(partner)
    except (ValueError, OSError, json.JSONDecodeError, KeyError) as err:
        print(f"report: {err}", file=sys.stderr)
        return 2
    if len(runs) == 2 and runs[0].dir == runs[1].dir:
        runs.pop()
    runs.sort(key=lambda r: r.started() or datetime.min)
    target = Path(args.output) if args.output else Path(args.run) / "report.html"
    started = time.monotonic()
    page = build(runs, read_palette())
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=target.parent)
    with os.fdopen(fd, "w") as f:
        f.write(page)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    print(f"report: {target} ({len(page.encode()) / 1024:.0f} KiB, "
          f"{' + '.join(r.id for r in runs)}, {time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
