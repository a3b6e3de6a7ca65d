"""The report's plots, drawn with matplotlib (Agg) and kept as PNG data: URIs."""
import base64
import io
import math
import textwrap

from .read import TIME_PARTS
from .text import (above, duration, e, named, task_cost_span, verdict_headline, why_list)


def cost_errorbar(ax, y, span, **style):
    """A cost per task (task_cost_span) at y with its interval; max(): a summary.csv whose
    cost lies outside its interval draws, not crashes."""
    v, lo, hi = span
    ax.errorbar([v], [y], xerr=[[max(v - lo, 0)], [max(hi - v, 0)]], **style)


def cost_axis(ax, spans):
    """An x axis of costs per task (task_cost_span's): linear within the smallest cost's
    decade of 0, logarithmic beyond, so that both signs (a strategy can cost less than its
    base) and any span show; in durations."""
    from matplotlib.ticker import FuncFormatter
    sizes = [abs(x) for span in spans for x in span if x]
    ax.set_xscale("symlog", linthresh=10 ** math.floor(math.log10(min(sizes, default=1e-9))))
    ax.set_xlim(min(0, 3 * min(lo for _, lo, _ in spans)),
                max(0, 3 * max(hi for _, _, hi in spans)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: duration(x)))


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
                         f"{e(group.work)}; each point is a cell's "
                         "speedup over seq (Hodges-Lehmann: the median of the ratios of seq's "
                         "repetitions to the cell's), the bar its 95% interval "
                         "(speedup_ci95_lo/hi); "
                         "points are shifted sideways a little so that bars do not overlap. "
                         f"The dashed line is min(workers, PUs) with {pus} PUs.")

    def weak_scaling(self, fig_id, groups, pus):
        """Under weak scaling, a workload's groups (one a worker count): weak efficiency T1 / Tn
        (with its interval) against workers, and its ideal, 1 while the PUs hold the workers."""
        plt = self.plt
        cells = [c for g in groups for c in g.cells
                 if c["reps"] and c.get("weak_efficiency") is not None and c is not g.seq]
        if not cells:
            return None
        names = self.strategies(cells)
        shift = self.offsets(names)
        pin = cells[0]["pin"]
        workers = sorted({c["workers"] for c in cells})
        fig, ax = plt.subplots(figsize=(8, 4.2))
        for s in names:
            series = sorted((c for c in cells if c["strategy"] == s and c["pin"] == pin),
                            key=lambda c: c["workers"])
            if series:
                self.errorbar(ax, [c["workers"] * shift[s] for c in series],
                              [c["weak_efficiency"] for c in series],
                              [c["weak_efficiency_ci95_lo"] for c in series],
                              [c["weak_efficiency_ci95_hi"] for c in series], label=s,
                              color=self.colour(s), marker="o")
        ax.plot(workers, [min(1.0, pus / w) if pus else 1.0 for w in workers],
                color="#555555", linestyle="--", linewidth=1, label="ideal: min(1, PUs / workers)")
        self.log2_workers(ax, workers)
        ax.set_ylim(bottom=0)
        ax.set_xlabel("workers (threads or processes)")
        ax.set_ylabel("weak efficiency T1 / Tn, 95% interval")
        workload = groups[0].workload
        per_worker = min(g.tasks // max(1, max(c["workers"] for c in g.cells)) for g in groups)
        ax.set_title(f"{workload}: weak scaling efficiency (tasks grow with workers)",
                     fontsize=10)
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
        fig.tight_layout()
        return self.keep(fig_id, fig, f"{workload}: weak scaling efficiency against workers",
                         f"--scaling weak, {per_worker} tasks a worker x {e(groups[0].size)}"
                         f"{' ' + e(groups[0].unit) if groups[0].unit else ''}; each point is "
                         "seq's time (its tasks at one worker) "
                         "over the cell's (its workers times as many), with the 95% interval "
                         f"(weak_efficiency_ci95_lo/hi), at pin {e(pin)}; points are shifted "
                         "sideways a little so that bars do not overlap. 1 keeps seq's time as "
                         f"the work grows; the dashed line is the ideal with {pus} PUs. A "
                         "speedup over seq is not drawn: it would set more work against seq's.")

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
                         f"{e(group.work)}; log-log. Left: each cell's "
                         "median wall time with its 95% interval; seq, which does one task "
                         "at a time, is the dotted line. Right: the medians over repetitions "
                         "of each task's own p50 (solid) and p99 (dashed) duration, start to "
                         "done.")

    def task_cost(self, fig_id, group):
        """cpu.nop: what a task costs each strategy above seq, cheapest first, with the 95%
        interval; on a symmetric log scale, since a parallel strategy can cost less than seq."""
        plt = self.plt
        ranked = group.ranked_task_costs()
        if not ranked:
            return None
        spans = [task_cost_span(c) for c in ranked]
        ys = range(len(ranked))
        fig, ax = plt.subplots(figsize=(9, 1.2 + 0.36 * len(ranked)))
        ax.barh(ys, [c["task_cost_s"] for c in ranked], height=0.65,
                color=[self.colour(c["strategy"]) for c in ranked], edgecolor="#444444",
                linewidth=0.6)
        for y, span in zip(ys, spans):
            cost_errorbar(ax, y, span, color="#000000", capsize=3, elinewidth=1)
        ax.axvline(0, color="#000000", linewidth=0.8)
        cost_axis(ax, spans)
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
            for part, colour in TIME_PARTS:
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
        schema = group.run.schema
        handles = [Patch(facecolor=colour, edgecolor="#444444",
                         label=textwrap.fill(schema.help("verdicts.csv", part) or part, 50))
                   for part, colour in TIME_PARTS]
        handles += [Patch(facecolor="#ffffff", edgecolor="#444444", hatch="///",
                          label="hatched, left of 0: a part below seq's"),
                    Line2D([], [], color="#000000", linewidth=2,
                           label="median wall time: the parts' sum")]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        fig.tight_layout()
        return self.keep(fig_id, fig, f"{group.label}: where the time went",
                         f"{e(group.work)}. Each strategy at its best worker "
                         "count (chosen from these data), fastest first, its median wall time "
                         "split as verdicts.csv splits it: the ideal, seq's CPU time (py-*: "
                         "py-seq's; under weak scaling, for the cell's tasks) over the PUs the "
                         "cell was given; the user and system CPU "
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
        unit = groups[0].unit
        ax.set_xlabel(f"task size ({unit + ' per task' if unit else '--size, unit unknown'}), "
                      "log")
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
        that measure what a task costs, whose speedup means nothing, nor for weak scaling,
        whose speedup sets more work against seq's."""
        plt = self.plt
        rows = [g for g in groups if any(c["speedup"] is not None for c in g.cells) and
                not g.measures_task_cost and not g.weak]
        weak = any(g.weak for g in groups)
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
                         "per task." + (" Strong scaling only: a weak-scaling run, whose cells "
                                        "do their workers times seq's work, is left out; its "
                                        "figure is the weak efficiency." if weak else ""))

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

