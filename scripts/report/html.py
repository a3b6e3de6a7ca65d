"""The page: one self-contained HTML file of a run's (or two runs') plots, findings, claims
and tables."""
import json
import shlex
import time

from .claims import FASTER_RULE, NOISE, REFUTED, SUPPORTED, Claims
from .figures import Figures
from .findings import FINDINGS_INTRO, findings_html
from .groups import make_groups, workload_units
from .read import parse_time
from .tables import mechanism_html, python_html, table_html
from .text import count, e, percent, ratio_text, slug

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
        """The build's other entries: the libraries' versions."""
        own_rows = ("parbench", "git_revision", "compiler", "cflags", "openmp")
        return ", ".join(f"{n} {v}" for n, v in b.items() if n not in own_rows and v)

    def openmp(b):
        spec = {201511: "4.5", 201811: "5.0", 202011: "5.1", 201307: "4.0"}.get(b.get("openmp"))
        return f"{b.get('openmp')}" + (f" (OpenMP {spec})" if spec else "")

    def wall(meta):
        a, b = parse_time(meta.get("start")), parse_time(meta.get("end"))
        return f"{(b - a).total_seconds():.0f} s" if a and b else "-"

    def slurm(job):
        """meta.json's slurm: the job, where, and its nodes with the CPUs each was given."""
        if not job:
            return "none (not in a Slurm job)"
        where = "/".join(job[k] for k in ("cluster", "partition") if job.get(k))
        nodes, cpus = job.get("nodes") or [], job.get("cpus_per_node") or []
        listed = [f"{n} ({c} CPUs)" for n, c in zip(nodes, cpus)] if len(cpus) == len(nodes) \
            else nodes
        return (f"job {job.get('job_id')}" + (f" ({job['job_name']})" if job.get("job_name") else "")
                + (f" on {where}" if where else "") + f", {len(nodes)} node"
                + ("" if len(nodes) == 1 else "s") + (": " + ", ".join(listed) if listed else ""))

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
        ("Slurm job", lambda r: slurm(r.meta.get("slurm"))),
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


def noisy_cells_html(noise):
    """meta.json noise: how many cells were noisy, and each one, noisiest first."""
    noisy = noise.get("noisy_cells") or []
    text = (f"<p>{len(noisy)} of its {count(noise.get('cells'))} cells with two or more "
            f"repetitions have a cv above {percent(noise.get('cv_threshold'), '.3g')} "
            "(meta.json <code>noise</code>). Read the figures with their intervals.</p>")
    if not noisy:
        return text
    items = "".join(f"<li>{e(c.get('workload'))} {e(c.get('strategy'))} x{c.get('workers')}, "
                    f"{c.get('tasks')} tasks x {c.get('size')}: cv {percent(c.get('cv'))}</li>"
                    for c in noisy)
    return (text + f"<details><summary>{len(noisy)} noisy cells</summary><ul class=warn>"
            f"{items}</ul></details>")


def control_html(control):
    """meta.json noise.control: the A/A control, the same seq cell run twice."""
    lo, hi = (control.get("ratio_ci95") or [None, None])[:2]
    return (f"<p>A/A control: {e(control.get('workload'))}'s seq run twice as two cells "
            f"({control.get('tasks')} tasks x {control.get('size')}); the second's time over "
            f"the first's {ratio_text(control.get('ratio'), lo, hi)}, the chance that two "
            f"identical cells are called different at these repetitions "
            f"{percent(control.get('false_call_rate'))}.</p>")


def warnings_html(runs):
    out = []
    for r in runs:
        out.append(f"<h3>Run {e(r.id)}</h3>")
        noise = r.meta.get("noise")
        if noise:
            out.append(noisy_cells_html(noise))
            if noise.get("control"):
                out.append(control_html(noise["control"]))
        else:
            out.append("<p>This run's meta.json has no <code>noise</code> field (a parbench "
                       "older than the field wrote it): each cell's cv is in its table.</p>")
        warnings = r.meta.get("warnings", "absent")
        if warnings == "absent":
            out.append("<p>This run's meta.json has no <code>warnings</code> field (a "
                       "parbench older than the field wrote it); its console output had them."
                       "</p>")
        elif warnings is None:
            out.append("<p>This run's warnings are unknown: meta.json's <code>warnings</code> "
                       "is null (parbench could not keep their log).</p>")
        elif not warnings:
            out.append("<p>parbench printed no warning for this run.</p>")
        else:
            out.append(f"<p>{len(warnings)} warnings (meta.json <code>warnings</code>):</p>"
                       "<ul class=warn>" + "".join(f"<li>{e(w)}</li>" for w in warnings) +
                       "</ul>")
    return "\n".join(out)


def workload_figures(fig, run_id, workload, groups, pus):
    """A workload's figures, from its group at the largest task size: I/O against
    concurrency; what a task costs (cpu.nop); else speedup and efficiency, and with several
    sizes speedup against size; under weak scaling, weak efficiency against workers."""
    main = max(groups, key=lambda g: (g.size, g.tasks))
    if main.weak and main.kind != "io" and not main.measures_task_cost:
        # Its groups are worker counts: weak efficiency across them, at the largest size.
        return [fig.weak_scaling(slug(f"fig-weak-{run_id}-{workload}"),
                                 [g for g in groups if g.size == main.size], pus)]
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


def workloads_html(runs, groups):
    """Each workload on the page as its run's schema.json describes it, and a note for each run
    without schema.json, whose units are unknown."""
    firsts = {}
    for g in groups:
        firsts.setdefault(g.workload, g)
    rows = [f"<tr><td>{e(w)}</td><td>{e(g.kind)}</td>"
            f"<td>{e(g.run.schema.workload(w).get('summary') or '-')}</td>"
            f"<td>{e(g.unit or 'unknown')}</td></tr>" for w, g in firsts.items()]
    notes = [f"<p class=note>Run {e(r.id)} has no schema.json (a parbench older than it wrote "
             "it): its workloads' size units are unknown, so its sizes are bare numbers and "
             "its tables have no GB/s.</p>" for r in runs if not r.schema.known]
    return ("<table><tr><th>workload</th><th>kind</th><th>what a task does</th>"
            "<th>unit of --size</th></tr>" + "".join(rows) + "</table>" + "".join(notes))


def head_html(runs, groups, sections):
    """The page up to its first section: the title, where it comes from, the workloads and
    the contents (sections: id -> title)."""
    title = "parbench report: " + " + ".join(r.id for r in runs)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{e(title)}</title><style>{CSS}</style></head><body>\n"
            f"<h1>{e(title)}</h1>\n<p>Written by <code>scripts/report.py</code> from " +
            ", ".join(f"<code>{e(str(r.path))}</code>" for r in runs) +
            f" on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.</p>\n" +
            workloads_html(runs, groups) + "\n<nav><ol>" +
            "".join(f'<li><a href="#{i}">{e(t)}</a></li>' for i, t in sections.items()) +
            "</ol></nav>")


CLAIMS_INTRO = (
    "<p>Four articles on Python parallelism (<code>../shared/seeds/</code>) make these claims; "
    "each is checked against this run. A claim about a difference is <b>supported</b> only "
    "when a 95% interval lies on the claimed side: against seq, the speedup's "
    "(speedup_ci95_lo/hi: the Hodges-Lehmann ratio of seq's times over the cell's, the median "
    "of the ratios of all pairs of their repetitions, with the interval that inverts the "
    f"Mann-Whitney U test) against 1; between two cells, {FASTER_RULE}. <b>Refuted</b> when it "
    "lies on the other side; otherwise <b>not shown (within noise)</b>. <b>Not measured</b>: "
    "the run lacks the cells.</p>")


def claims_html(claims, fig):
    """The claims' summary table, then each claim with its sources, test, figure and links."""
    summary = "".join(f"<tr><td class=n>{c['n']}</td><td><a href=\"#claim-text-{c['n']}\">"
                      f"{e(c['title'])}</a></td><td>{verdict_badge(c['verdict'])}</td>"
                      f"<td>{e(c['note'])}</td></tr>" for c in claims)
    out = [CLAIMS_INTRO, "<table><tr><th>#</th><th>claim</th><th>verdict</th><th>note</th></tr>"
           f"{summary}</table>"]
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
    return "\n".join(out)


WEAK_CLAIMS_NOTE = (
    "<p class=note>The claims are judged on strong-scaling runs only: a weak-scaling run's "
    "(<code>--scaling weak</code>) cells do their workers times seq's work, so their "
    "speedups over seq are weak efficiencies, not speedups.</p>\n")

TIME_WENT_INTRO = (
    "<p>For each CPU and memory workload, each strategy's median wall time taken apart from its "
    "CPU time (verdicts.csv, from the kernel's counters): what seq's work would take spread "
    "perfectly over the cell's PUs, what the strategy spent in user and system time beyond it, "
    "and what was left idle or waiting; under each figure, parbench's explanation of the "
    "leader and of the strategies far behind it.</p>")

PYTHON_INTRO = (
    "<p>Each article's method in Python (the py-* strategies, timed inside the interpreter; its "
    "start-up is apart) at its best worker count, against the C strategy that does the same at "
    "that worker count, on the same work with the same checksum. <i>Python / C time</i> is how "
    "many times as long the Python method takes, with its 95% interval, as summary.csv's "
    "counterpart_ratio has it.</p>")

MECHANISM_INTRO = (
    "<p>Each strategy against the bare mechanism that does what it does with nothing of "
    "parbench's, at the same worker count (<code>make bench-overhead</code>): a per-task or "
    "pool strategy against its <code>bare-*</code> (a <code>pthread_create</code> and join, a "
    "<code>fork</code> and <code>waitpid</code>, a pool's hand-off, alone in a small program) "
    "on <code>cpu.nop</code>'s empty tasks, a py-* method against its <code>bare-py-*</code> "
    "(the articles' own Python code for that method) on <code>cpu.sumsq</code>. "
    "<i>Strategy / mechanism time</i> is summary.csv's mechanism_ratio with its 95% interval: "
    "above 1, what parbench adds to a task.</p>")

# The summary.csv columns whose meaning the tables' intro gives: schema.json's help.
EXPLAINED = ("wall_ci95_lo_s", "speedup_ci95_lo", "cv", "outliers", "cpu_util", "karp_flatt",
             "task_cost_s")


def tables_intro(runs):
    """What the tables show, and each column's meaning as the run's schema.json has it."""
    text = ("<p>Every cell of summary.csv. Bold: each strategy's best cell (lowest median); "
            "green: the lowest median of the workload. Median, speedup and efficiency with "
            "their 95% intervals; per task = median / tasks. For cpu.nop, whose tasks are "
            "empty, the cost per task above seq (task_cost_s) with its 95% interval instead of "
            "speedup, efficiency, per task and Karp-Flatt.</p>")
    schema = next((r.schema for r in runs if r.schema.known), None)
    if schema is None:
        return text + ("<p>The run has no schema.json, which would say what each column "
                       "means: parbench's documentation does.</p>")
    items = [f"<li><code>{name}</code>: {e(schema.help('summary.csv', name))}</li>"
             for name in EXPLAINED if schema.help("summary.csv", name)]
    return text + (f"<ul>{''.join(items)}</ul>" if items else "")


def plots_html(fig, plots, palette):
    legend = "".join(f'<span class="swatch" style="background:{e(col)}"></span>{e(s)} &nbsp;'
                     for s, col in palette.items())
    out = [f"<p>Colours, one per strategy (scripts/palette.tsv): {legend}</p>"]
    for name, ids in plots:
        ids = [i for i in ids if i]
        if ids:
            out.append(f"<h3>{e(name)}</h3>")
            out += [fig.html(i) for i in ids]
    return "\n".join(out)


def tables_html(runs, groups):
    out = [tables_intro(runs)]
    for g in groups:
        out.append(f'<h3 id="{e(slug("table-" + g.run.id + "-" + g.label))}">{e(g.label)}: '
                   f"{e(g.work)} (run {e(g.run.id)})</h3>")
        out.append(table_html(g))
    return "\n".join(out)


def build(runs, palette):
    groups = make_groups(runs)
    pus = next((r.meta.get("machine", {}).get("pus") for r in runs), None) or 0
    fig = Figures(palette, pus)
    units = workload_units(groups)

    plots = [("Overview", [fig.heatmap("fig-heatmap", groups)])]
    for (run_id, workload), gs in units.items():
        plots.append((gs[0].label if len(gs) == 1 else workload,
                      workload_figures(fig, run_id, workload, gs, pus)))
    time_went = [fig.time_went(slug(f"fig-time-{g.run.id}-{g.label}"), g) for g in groups
                 if g.kind in ("cpu", "mem") and g.verdict]
    time_went = [i for i in time_went if i]
    # The claims set speedups against 1: a weak-scaling run's are not speedups.
    claims = Claims([g for g in groups if not g.weak], fig, pus).build()
    python = [t for t in (python_html(g) for g in groups) if t]
    mechanisms = [t for t in (mechanism_html(g) for g in groups) if t]

    # id -> (title, body); the optional ones only where the run has what they show.
    sections = {
        "machine": ("Machine and build",
                    "<p>From meta.json: <code>null</code> means the machine does not expose "
                    "the value. The topology as parbench loaded it is in each run's "
                    "<code>topology.xml</code>.</p>\n" + machine_table(runs)),
        "warnings": ("Noise and warnings", warnings_html(runs)),
        "findings": ("Findings", FINDINGS_INTRO + "\n" + findings_html(runs, groups, units)),
        "time": ("Where the time went",
                 TIME_WENT_INTRO + "\n" + "".join(fig.html(i) for i in time_went)),
        "claims": ("The articles' claims",
                   (WEAK_CLAIMS_NOTE if any(g.weak for g in groups) else "") +
                   claims_html(claims, fig)),
        "python": ("C against Python", PYTHON_INTRO + "\n" + "\n".join(python)),
        "mechanisms": ("Strategies against their mechanisms",
                       MECHANISM_INTRO + "\n" + "\n".join(mechanisms)),
        "plots": ("Plots", plots_html(fig, plots, palette)),
        "tables": ("Summary tables", tables_html(runs, groups)),
    }
    if not time_went:
        del sections["time"]
    if not python:
        del sections["python"]
    if not mechanisms:
        del sections["mechanisms"]
    out = [head_html(runs, groups, {i: t for i, (t, _) in sections.items()})]
    for i, (title, body) in sections.items():
        out += [f'<h2 id="{i}">{e(title)}</h2>', body]
    out.append("</body></html>\n")
    return "\n".join(out)
