"""Reading a run directory: meta.json, schema.json, raw.csv, summary.csv and verdicts.csv.

The columns' types, the workloads' size units and the strategies' flags come from the run's
schema.json, as the parbench that made the run describes them.  A run older than schema.json has
none of these: its columns are typed by their values, and its units are unknown.
"""
import csv
import json
import math
from datetime import datetime
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent.parent
SCHEMA_VERSION = 1      # the schema.json this report reads


def figure(text):
    """A CSV figure: an int where the text is an integer, else a float ("inf" is infinity);
    None when empty or not a number (nan)."""
    if text is None or text.strip() == "":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        v = float(text)
    except ValueError:
        return None
    return None if math.isnan(v) else v


def is_figure(text):
    """Whether a CSV field can be a number column's: empty, or a number."""
    if text is None or text.strip() == "":
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


class Schema:
    """A run's schema.json: its files' columns (name, type, unit, help), its workloads (kind,
    summary, size_unit, bytes_per_unit, ...) and its strategies (python, event_loop, ...).
    Empty for a run made before parbench wrote schema.json: `known` is False."""

    def __init__(self, data):
        self.known = data is not None
        data = data or {}
        self.files = data.get("files") or {}
        self.workloads = data.get("workloads") or {}
        self.strategies = data.get("strategies") or {}

    @classmethod
    def read(cls, run_dir):
        path = run_dir / "schema.json"
        if not path.is_file():
            return cls(None)
        data = json.loads(path.read_text())
        version = data.get("version") if isinstance(data, dict) else None
        if version != SCHEMA_VERSION:
            raise ValueError(f"'{path}' has version {version}: this report reads version "
                             f"{SCHEMA_VERSION}")
        return cls(data)

    def columns(self, file):
        """The file's columns as the schema lists them, or None."""
        return self.files.get(file)

    def help(self, file, column):
        """A column's help text, or None."""
        return next((c.get("help") for c in self.columns(file) or [] if c["name"] == column),
                    None)

    def workload(self, name):
        return self.workloads.get(name) or {}

    def size_unit(self, workload):
        """What one unit of --size is for the workload, or None where the run does not say."""
        return self.workload(workload).get("size_unit")

    def bytes_per_unit(self, workload):
        """Memory traffic per size unit, for GB/s; None where none or not known."""
        return self.workload(workload).get("bytes_per_unit") or None

    def counterparts(self):
        """{Python strategy: the C strategy that does the same}, as the strategies declare it;
        empty for a run without schema.json."""
        return {name: s["counterpart"] for name, s in self.strategies.items()
                if s.get("counterpart") and s.get("python")}

    def baseline(self, python):
        """The baseline of the Python strategies (python) or of the C ones; for a run made
        before schema.json, the names parbench gave them then."""
        if not self.known:
            return "py-seq" if python else "seq"
        return next((name for name, s in self.strategies.items()
                     if s.get("baseline") and bool(s.get("python")) == python), None)

    def is_python(self, strategy):
        """Whether the strategy runs in the Python interpreter; without a schema, by the py-*
        prefix `parbench list` gives them."""
        if strategy in self.strategies:
            return bool(self.strategies[strategy].get("python"))
        return strategy.startswith("py-")


def text_columns(header, rows, columns):
    """The columns read as text: those the schema types "text"; a column the schema does not
    list (or a run without one) is text where a value of it is not a number."""
    types = {c["name"]: c.get("type") for c in columns or []}
    numeric = {name for name in header if all(is_figure(r.get(name)) for r in rows)}
    return {name for name in header
            if types.get(name, "number" if name in numeric else "text") == "text"}


def read_table(path, columns):
    """A CSV file's rows: its text columns as str ("" when empty), the others as figure()s.
    columns: the schema's list for the file, or None."""
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        header = [h for h in reader.fieldnames or [] if h]
    text = text_columns(header, rows, columns)
    return [{k: (row.get(k) or "") if k in text else figure(row.get(k)) for k in header}
            for row in rows]


def cell_key(row):
    return (row["workload"], row["strategy"], row["workers"], row["pin"], row["tasks"],
            row["size"], row.get("loops"))


def group_key(row):
    """A group: one workload at one task count and size (harness/supervisor/plan.c pb_group_end)."""
    return (row["workload"], row["tasks"], row["size"])


# The verdicts.csv columns that split a contender's median wall time T = ideal + extra user +
# extra system + idle, each over the PUs the cell was given; each with a colour of its own
# (Okabe-Ito), apart from the strategies' palette.  Their labels are schema.json's help.
TIME_PARTS = (("ideal_s", "#0072b2"), ("extra_user_s", "#e69f00"),
              ("extra_sys_s", "#d55e00"), ("idle_s", "#bbbbbb"))


class Verdict:
    """A group's verdict as parbench judged it (harness/stats/verdict.h): `kind` (winner,
    equivalent, undecided, alone), the equivalence `margin`, `reps_to_decide` (undecided: the
    repetitions a cell that would likely decide it, inf where none would) and the contenders,
    each strategy's best cell with its role and its time over the leader's, fastest first."""

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
                if all(c.get(part) is not None for part, _ in TIME_PARTS)]

    def contender(self, cell):
        """The contender that is this cell, or None."""
        return next((c for c in self.contenders if cell_key(c) == cell_key(cell)), None)


def read_verdicts(path, columns):
    """verdicts.csv: group_key -> its Verdict; None without the file (a parbench older than
    the verdicts).  A group none of whose strategies ran has no row."""
    if not path.is_file():
        return None
    rows = {}
    for row in read_table(path, columns):
        rows.setdefault(group_key(row), []).append(row)
    return {key: Verdict(group) for key, group in rows.items()}


class Run:
    """One run directory: meta.json, schema.json, summary.csv and raw.csv, and verdicts.csv
    (None if absent).  Each cell of summary.csv gets its ok repetitions' max_rss_kb (rss) and
    its failed ones' errors from raw.csv, and the run (run)."""

    def __init__(self, path):
        self.path = Path(path)
        self.dir = self.path.resolve()
        for name in ("meta.json", "summary.csv", "raw.csv"):
            if not (self.dir / name).is_file():
                raise ValueError(f"no {name} in '{path}'")
        self.meta = json.loads((self.dir / "meta.json").read_text())
        self.id = self.meta.get("run_id") or self.dir.name
        self.schema = Schema.read(self.dir)
        # --scaling weak: a cell has its workers times seq's tasks (strong for older runs).
        self.weak = (self.meta.get("plan") or {}).get("scaling") == "weak"
        samples = {}
        for row in read_table(self.dir / "raw.csv", self.schema.columns("raw.csv")):
            s = samples.setdefault(cell_key(row), {"rss": [], "errors": []})
            if row["ok"] == 1 and row["wall_s"] is not None:
                s["rss"].append(row["max_rss_kb"] or 0)
            elif row.get("error"):
                s["errors"].append(row["error"])
        self.cells = read_table(self.dir / "summary.csv", self.schema.columns("summary.csv"))
        for cell in self.cells:
            cell.update(samples.get(cell_key(cell), {"rss": [], "errors": []}))
            cell["run"] = self
        self.kinds = {c["kind"] for c in self.cells}
        self.verdicts = read_verdicts(self.dir / "verdicts.csv",
                                      self.schema.columns("verdicts.csv"))

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
    """scripts/palette.tsv: strategy -> colour, in the file's order."""
    palette = {}
    path = SCRIPTS / "palette.tsv"
    if path.is_file():
        for line in path.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                name, colour = line.split("\t")[:2]
                palette[name.strip()] = colour.strip()
    return palette
