"""The report's model: groups of cells (a workload at one task count and size, in one run)."""
from .read import cell_key, group_key


def is_python(c):
    """Whether a cell's strategy runs in Python (its run's schema.json says)."""
    return c["run"].schema.is_python(c["strategy"])


def base_of(c):
    """The strategy a cell's speedup and task cost are against: the baseline of its kind
    (py-seq for the py-* cells), as its run's schema.json says."""
    return c["run"].schema.baseline(is_python(c))


class Group:
    """The cells of one workload, task count and size in one run: what the table calls a group,
    or under weak scaling (run.weak), where the tasks grow with the workers, one worker count
    of it, which parbench judges apart (verdicts.csv's tasks)."""

    def __init__(self, cells, label):
        # The py-* cells' speedups are against py-seq: they stay out of the findings, claims
        # and plots, which compare with seq, and go to "C against Python" and the tables.
        self.python_cells = [c for c in cells if is_python(c)]
        self.cells = [c for c in cells if not is_python(c)] or cells
        self.label = label
        first = cells[0]
        self.run, self.workload, self.kind = first["run"], first["workload"], first["kind"]
        self.tasks, self.size = first["tasks"], first["size"]
        self.weak = self.run.weak
        self.unit = self.run.schema.size_unit(self.workload)
        base = self.run.schema.baseline(False)
        self.seq = next((c for c in cells if c["strategy"] == base), None)
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
    def work(self):
        """"12 tasks x 2000 iterations": the job, in its workload's unit where the run says."""
        return f"{self.tasks} tasks x {self.size}" + (f" {self.unit}" if self.unit else "")

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
        by_key = {}
        for c in run.cells:
            by_key.setdefault(group_key(c), []).append(c)
        sizes = {}
        for w, t, s in by_key:
            sizes.setdefault(w, set()).add((t, s))
        for (w, t, s), cells in by_key.items():
            label = w
            if run.weak:    # one worker count a group: seq's tasks times it
                workers = max(c["workers"] for c in cells)
                label += f", {workers} worker{'s' if workers > 1 else ''}"
                if len({z for _, z in sizes[w]}) > 1:
                    label += f", size {s}"
            elif len(sizes[w]) > 1:
                label += f", size {s}" if len({t for t, _ in sizes[w]}) == 1 else \
                    f", {t} tasks x {s}"
            if w in several_runs:
                label += f" ({run.id})"
            groups.append(Group(cells, label))
    return groups


def workload_units(groups):
    """(run, workload) -> its groups, in order: the plots are per workload."""
    units = {}
    for g in groups:
        units.setdefault((g.run.id, g.workload), []).append(g)
    return units
