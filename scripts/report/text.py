"""Figures and verdicts as text: the page's formatting, in the console table's words."""
import html

from .groups import base_of


def e(text):
    return html.escape(str(text), quote=True)


def slug(text):
    return "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in text)


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


def percent(x, spec=".1f"):
    return "-" if x is None else f"{x * 100:{spec}}%"


def count(x):
    return "-" if x is None else str(x)


def ratio_text(v, lo, hi):
    """"1.23x [1.10, 1.40]": a ratio and its interval, as the console table; "-" without one."""
    if v is None:
        return "-"
    return f"{ratio(v)}x [{ratio(lo)}, {ratio(hi)}]"


def speedup_text(c):
    return ratio_text(c.get("speedup"), c.get("speedup_ci95_lo"), c.get("speedup_ci95_hi"))


def weak_efficiency_text(c):
    """Under weak scaling: seq's time over the cell's, T1 / Tn, with its 95% interval."""
    return ratio_text(c.get("weak_efficiency"), c.get("weak_efficiency_ci95_lo"),
                      c.get("weak_efficiency_ci95_hi"))


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


def task_cost_span(c):
    """A cell's cost per task and its interval's ends, the cost itself where an end is
    missing."""
    return tuple(c["task_cost_s"] if c.get(k) is None else c[k]
                 for k in ("task_cost_s", "task_cost_ci95_lo_s", "task_cost_ci95_hi_s"))


def above(c):
    """", above py-seq" for a py-* cell other than py-seq, whose cost is above py-seq's."""
    return "" if base_of(c) in ("seq", c["strategy"]) else f", above {base_of(c)}"


def interval_side(lo, hi, value):
    """Where an interval lies against a value: above it, below it, or around it."""
    if lo is None or hi is None:
        return None
    if lo > value:
        return "above"
    if hi < value:
        return "below"
    return "around"


def strategy_label(c):
    """"opencl (CPU)": an offload's strategy with its device's type (summary.csv's device,
    "NAME (TYPE, PLATFORM)"), so that a CPU device is never read as a GPU; else the strategy."""
    device = c.get("device")
    if not device or " (" not in device:
        return c["strategy"]
    return f"{c['strategy']} ({device.rsplit(' (', 1)[1].split(',')[0]})"


def cell_name(c, with_run=False):
    text = f"{c['workload']} {strategy_label(c)} x{c['workers']}"
    if c["pin"] and c["pin"] != "compact":
        text += f" pin {c['pin']}"
    if with_run:
        text += f" (run {c['run'].id})"
    return text


def workers_text(n):
    return f"{n} worker" + ("" if n == 1 else "s")


def named(c):
    """"pthreads (2 workers)": a strategy's best cell, as the console table names it."""
    return f"{strategy_label(c)} ({workers_text(c['workers'])})"


def listed(items):
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


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
        return f"best: {names}, equivalent within {percent(v.margin, '.3g')}"
    if v.kind == "undecided":
        return "not decided between " + listed([named(c) for c in [v.leader] +
                                                v.with_role("tied")])
    if v.kind == "alone":
        return f"{named(v.leader)}, the only strategy that ran"
    return v.kind


def reps_to_decide_text(reps):
    """What an undecided verdict's reps_to_decide says: a count, or none where it is inf."""
    if reps is None or reps == float("inf"):
        return "no number of repetitions a cell would likely decide it"
    return f"about {reps:.0f} repetitions a cell would likely decide it"


def verdict_text(v):
    """A group's verdict (HTML) in the words of the console table's best: line
    (harness/report/table.c print_verdict)."""
    lead, others = v.leader, v.contenders[1:]
    if v.kind == "alone":
        return f"<span class=ok>best: {e(named(lead))}</span>, the only strategy that ran"
    if v.kind == "winner":
        level = percent(lead.get("alpha"), ".3g")
        against = (f"each of the {len(others)} others (Mann-Whitney U, {level} each); the "
                   "runner-up, " if len(others) > 1 else
                   f"the only other one (Mann-Whitney U, {level}), ")
        return (f"<span class=ok>best: {e(named(lead))}</span>, faster than {against}"
                f"{e(named(others[0]))}, takes {time_ratio_text(others[0])} its time")
    if v.kind == "equivalent":
        names = listed([named(c) for c in [lead] + v.with_role("equivalent")])
        return (f"<span class=ok>best: {e(names)}</span>, equivalent within "
                f"{percent(v.margin, '.3g')} (their 90% intervals of the time ratio)" +
                beaten(v))
    if v.kind == "undecided":
        names = listed([named(c) for c in [lead] + v.with_role("tied")])
        text = f"<span class=nt>best: not decided between {e(names)}</span>"
        if others[0]["role"] == "tied":
            text += f" (the runner-up takes {time_ratio_text(others[0])} the leader's time)"
        return text + ": " + reps_to_decide_text(v.reps_to_decide) + beaten(v)
    return e(v.kind)    # a kind this report does not know yet: as parbench wrote it


def why_list(v):
    """The contenders' why sentences (verdicts.csv), where parbench wrote any."""
    items = [f"<li>{e(named(k))}: {e(k['why'])}</li>" for k in v.contenders if k.get("why")]
    return f"<ul class=why>{''.join(items)}</ul>" if items else ""
