"""The findings: each group's verdict as parbench judged it (verdicts.csv), the leader's
figures, what a task costs (cpu.nop) and the crossovers of a workload run at several sizes."""
from .groups import base_of
from .text import (COST_HEADER, e, interval_side, median_text, speedup_text, task_cost_text,
                   time_ratio_text, verdict_text, weak_efficiency_text, why_list)


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
    if group.weak and c.get("weak_efficiency") is not None:
        return text + (f"; its weak efficiency, {base_of(c)}'s time over its for its workers "
                       f"times {base_of(c)}'s tasks: {e(weak_efficiency_text(c))} (1: time "
                       "flat as the work grows).")
    if c.get("speedup") is None:
        return text + "."
    text += f"; its speedup over {base_of(c)}: {e(speedup_text(c))}."
    side = interval_side(c.get("speedup_ci95_lo"), c.get("speedup_ci95_hi"), 1.0)
    return text + {"above": f" That interval lies above 1: it beats {base_of(c)}.",
                   "below": f" That interval lies below 1: even the fastest loses to "
                            f"{base_of(c)}.",
                   "around": f" That interval holds 1: not shown to beat {base_of(c)}."
                   }.get(side, "")


def finding(group):
    """One paragraph (HTML) on a group: parbench's verdict, the leader's figures, the whys."""
    head = f"<b>{e(group.label)}</b> ({e(group.work)})"
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
            out.append(crossover_list(gs) if not gs[0].weak else
                       f"<p><b>{e(gs[0].workload)}</b>: no crossover size under weak scaling, "
                       "where a cell does its workers times seq's work (summary.csv's "
                       "crossover_size is empty).</p>")
    return "\n".join(out)


def crossover_list(groups):
    """For a workload at several sizes: each strategy's crossover size, as the table prints."""
    smallest = min(groups, key=lambda g: g.size)
    largest = max(groups, key=lambda g: g.size)
    unit = f" {smallest.unit}" if smallest.unit else ""
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
            text = f"at or below {smallest.size}{unit}"
        else:
            text = f"{x:.0f}{unit}"
        if x is not None and not (at_top and (at_top.get("speedup_ci95_lo") or 0) > 1):
            text += " (uncertain: at the largest size its speedup interval holds 1)"
        items.append(f"<li>{e(c['strategy'])} x{c['workers']}: {e(text)}</li>")
    return (f"<p><b>{e(smallest.workload)}</b>: task size above which each strategy beats "
            f"seq</p><ul>{''.join(items)}</ul>")



FINDINGS_INTRO = (
    "<p>The verdicts are parbench's own, read from each run's verdicts.csv: the same as the "
    "console table's <code>best:</code> lines. Each strategy stands by its best cell, the "
    "worker count (and pin) with the lowest median, <b>itself chosen from these data</b>: the "
    "best of several noisy medians, a little flattering. The fastest of these is the leader; "
    "every other one's time over the leader's is a Hodges-Lehmann ratio (the median of the "
    "ratios of all pairs of their repetitions) with the 95% interval that inverts the "
    "Mann-Whitney U test. A <b>winner</b> is faster than each other strategy (one-sided "
    "Mann-Whitney U at the run's level each, verdicts.csv's alpha; two-sided for the "
    "runner-up, since the leader was picked by "
    "looking); strategies are <b>equivalent</b> when their 90% interval of the time ratio lies "
    "within the run's margin (<code>--equivalence</code>); otherwise the group is <b>not "
    "decided</b>, and the verdict says about how many repetitions a cell would likely decide "
    "it. Where parbench explains a time from the kernel's counters, its sentence follows. "
    "Under weak scaling (<code>--scaling weak</code>), where the tasks grow with the workers, "
    "strategies are judged at each worker count, where they do the same work.</p>")

