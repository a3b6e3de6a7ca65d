"""The page's tables: every cell of summary.csv per group, and the py-* strategies against
their C counterparts."""
from .read import read_palette
from .text import (COST_HEADER, count, duration, e, median_text, percent, ratio, ratio_text,
                   speedup_text, task_cost_text, weak_efficiency_text, workers_text)


def efficiency_text(c):
    if c.get("efficiency") is None:
        return "-"
    return (f"{ratio(c['efficiency'])} [{ratio(c.get('efficiency_ci95_lo'))}, "
            f"{ratio(c.get('efficiency_ci95_hi'))}]")


def reps_text(c):
    return count(c["reps"]) + ("" if c["ok"] else f' ({len(c["errors"])} failed)')


def gigabytes_per_s(c, bytes_per_unit):
    """What the cell's tasks move (schema.json's bytes_per_unit a size unit), over its
    median."""
    return f"{bytes_per_unit * c['size'] * c['tasks'] / c['wall_median_s'] / 1e9:.2f}"


def measured_columns(group):
    """The summary table's columns after a cell's name: (header, cell -> HTML).  A group that
    measures what a task costs (cpu.nop) shows that cost instead of speedup, efficiency, time
    per task and Karp-Flatt, which say nothing of empty tasks; one of a weak-scaling run its
    weak efficiency instead of speedup, efficiency and Karp-Flatt, whose work is not seq's."""
    costs = group.measures_task_cost
    columns = [("median [95% CI]", median_text)]
    if costs:
        columns.append((COST_HEADER, task_cost_text))
    elif group.weak:
        columns.append(("weak efficiency T1/Tn [95% CI]", lambda c: e(weak_efficiency_text(c))))
    else:
        columns += [("speedup [95% CI]", lambda c: e(speedup_text(c))),
                    ("efficiency [95% CI]", efficiency_text)]
    columns += [("cv", lambda c: percent(c.get("cv"))),
                ("outliers", lambda c: count(c.get("outliers"))), ("reps", reps_text)]
    if not costs:
        columns.append(("per task", lambda c: duration(c["wall_median_s"] / (c["tasks"] or 1))))
    columns.append(("cpu util", lambda c: ratio(c.get("cpu_util"))))
    if not costs and not group.weak:
        columns.append(("Karp-Flatt", lambda c: ratio(c.get("karp_flatt"), 3)))
    if group.kind == "io":
        columns.append(("p50 / p99 latency", lambda c: f"{duration(c.get('lat_p50_s'))} / "
                                                       f"{duration(c.get('lat_p99_s'))}"))
    moved = group.run.schema.bytes_per_unit(group.workload)
    if moved:
        columns.append(("GB/s", lambda c: gigabytes_per_s(c, moved)))
    return columns


def table_html(group):
    pins = len({c["pin"] for c in group.cells}) > 1
    loops = any(str(c.get("loops") or "") not in ("", "1") for c in group.cells)
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
        device = f"<br><small>on {e(c['device'])}</small>" if c.get("device") else ""
        tds = [f"<td>{e(c['strategy'])}{device}</td>", f'<td class="n">{c["workers"]}</td>']
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


def python_html(group):
    """The group's py-* strategies against their C counterparts, best cell against best cell,
    or None when the group has no py-* cell."""
    rows = []
    # Each article's method in Python, and the C strategy that does the same.
    for py, c_name in group.run.schema.counterparts().items():
        p = group.best(py)
        if p is None:
            continue
        # The C cell summary.csv measured it against: its workers, else its best.
        c = next((x for x in group.cells if x["strategy"] == c_name
                  and x["workers"] == p.get("counterpart_workers")), group.best(c_name))
        c_text = f"{e(c_name)} ({workers_text(c['workers'])}): {duration(c['wall_median_s'])}" \
            if c else f"{e(c_name)}: not in the run"
        # Python's time over C's best cell, as summary.csv has it.
        times = ratio_text(p.get("counterpart_ratio"), p.get("counterpart_ratio_ci95_lo"),
                           p.get("counterpart_ratio_ci95_hi"))
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
            "C counterpart (same workers)", "Python / C time [95% CI]", "speedup vs py-seq",
            "speedup vs seq"]
    return (f"<h3>{e(group.label)}: {e(group.work)}</h3>"
            '<div class="scroll"><table class="cells"><tr>' +
            "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>\n" + "\n".join(rows) +
            "</table></div>")


def mechanism_html(group):
    """The group's strategies against the bare mechanism that does what each does, best cell
    against the mechanism's cell at its worker count (summary.csv's mechanism columns), or None
    when no mechanism ran beside them."""
    rows = []
    for c in group.bests:
        if c.get("mechanism_ratio") is None:
            continue
        times = ratio_text(c["mechanism_ratio"], c.get("mechanism_ratio_ci95_lo"),
                           c.get("mechanism_ratio_ci95_hi"))
        rows.append(f"<tr><td>{e(c['strategy'])} ({workers_text(c['workers'])})</td>"
                    f'<td class="n">{duration(c["wall_median_s"])}</td>'
                    f"<td>{e(c['mechanism'])} ({workers_text(c['mechanism_workers'])})</td>"
                    f'<td class="n">{times}</td></tr>')
    if not rows:
        return None
    head = ["strategy (best cell)", "median", "its mechanism (same workers)",
            "strategy / mechanism time [95% CI]"]
    return (f"<h3>{e(group.label)}: {e(group.work)}</h3>"
            '<div class="scroll"><table class="cells"><tr>' +
            "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>\n" + "\n".join(rows) +
            "</table></div>")
