"""Shared helpers of the end-to-end tests: run the built parbench, read a run's output."""
import csv
import functools
import json
import math
import os
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PARBENCH = os.environ.get("PARBENCH", str(ROOT / "parbench"))

# Small jobs, so that every strategy runs every workload in well under a second.
SMALL = {
    "cpu.sumsq": ["--tasks", "12", "--size", "20000"],
    "cpu.mandel": ["--tasks", "24", "--size", "48"],
    "mem.triad": ["--tasks", "12", "--size", "4096"],
    "cpu.nop": ["--tasks", "100"],
    "io.sleep": ["--tasks", "24", "--size", "2000"],
    "io.file": ["--tasks", "24", "--size", "10001"],
}


def parbench(*args, timeout=300):
    """Runs parbench and returns the CompletedProcess (text, both streams captured)."""
    return subprocess.run([PARBENCH, *args], capture_output=True, text=True, timeout=timeout)


def run_with_fd_limit(limit, *args):
    """Runs `parbench run ARGS` with RLIMIT_NOFILE lowered (hard and soft) to `limit`."""
    import resource

    def lower():
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    return subprocess.run([PARBENCH, "run", *args], capture_output=True, text=True,
                          timeout=120, preexec_fn=lower)


def strategy_notes():
    """The strategies `parbench list` shows: {name: the notes under it, such as
    'unavailable here: ...' or 'only by name: not in -s all'}, in its order."""
    block = parbench("list").stdout.split("\nstrategies:\n", 1)[1].split("\n\n", 1)[0]
    strategies = {}
    for line in block.splitlines():
        if line.startswith("  ("):  # a note on the block: the py-* strategies' interpreter
            continue
        if line[2] != " ":
            name = line.split()[0]
            strategies[name] = []
        else:
            strategies[name].append(line.strip())
    return strategies


def listed_strategies():
    """{name: why it is unavailable here, or None} for every strategy `parbench list` shows."""
    prefix = "unavailable here: "
    return {name: next((n[len(prefix):] for n in notes if n.startswith(prefix)), None)
            for name, notes in strategy_notes().items()}


def all_strategies():
    """What `-s all` runs: the C strategies `parbench list` marks neither unavailable nor
    only by name (the py-* ones run with -s py-all)."""
    return [name for name, notes in strategy_notes().items()
            if not name.startswith("py-") and
            not any(note.startswith(("unavailable here:", "only by name:")) for note in notes)]


def tag_processes(test):
    """Marks the processes `test` starts, parbench and its cells, which inherit the tag
    (PARBENCH_TEST_TAG), so that cell_processes() finds them; clears it and PARBENCH_FAULT
    afterwards.  Returns the tag."""
    tag = f"{os.getpid()}-{test.id()}"
    os.environ["PARBENCH_TEST_TAG"] = tag
    test.addCleanup(os.environ.pop, "PARBENCH_TEST_TAG", None)
    test.addCleanup(os.environ.pop, "PARBENCH_FAULT", None)
    return tag


def cell_processes(tag):
    """Pids of this test's parbench cell processes still alive, their forked worker processes
    included (they share the cell's command line): those with the test's tag in their
    environment (PARBENCH_TEST_TAG), so that other runs on the machine do not count.  (A
    zombie's environ cannot be read, so this does not see zombies.)"""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                is_cell = b"__cell" in f.read()
            with open(f"/proc/{pid}/environ", "rb") as f:
                if is_cell and f"PARBENCH_TEST_TAG={tag}".encode() in f.read().split(b"\0"):
                    pids.append(pid)
        except OSError:
            pass
    return pids


@functools.lru_cache(maxsize=None)
def schema():
    """schema.json as parbench writes it into every run directory (its CSV files' columns, the
    workloads and the strategies), from one tiny run, for tests that write CSV files of their
    own."""
    with tempfile.TemporaryDirectory(prefix="parbench-schema-") as out:
        result = parbench("run", "-w", "cpu.nop", "-s", "seq", "--tasks", "1", "--reps", "1",
                          "--warmup", "0", "--out", out)
        if result.returncode != 0:
            raise RuntimeError(f"a run for schema.json failed: {result.stderr}")
        return json.loads((Path(out) / "latest" / "schema.json").read_text())


def columns(file, schema_doc=None):
    """The column names of one of a run's CSV files ("raw.csv"), in order, from schema.json."""
    return [c["name"] for c in (schema_doc or schema())["files"][file]]


def read_csv(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, [dict(zip(header, row)) for row in reader]


class Run:
    """The output of one `parbench run`, in a directory of its own."""

    def __init__(self, out_dir):
        self.dir = Path(out_dir) / "latest"
        self.raw_header, self.raw = read_csv(self.dir / "raw.csv")
        self.summary_header, self.summary = read_csv(self.dir / "summary.csv")
        self.meta = json.loads((self.dir / "meta.json").read_text())
        self.schema = json.loads((self.dir / "schema.json").read_text())

    def columns(self, file):
        """The columns of one of this run's CSV files, from its schema.json."""
        return columns(file, self.schema)


class ParbenchTest(unittest.TestCase):
    """Gives each test a scratch directory for --out."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="parbench-test-")
        self.out = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def run_ok(self, *args, timeout=300):
        """Runs `parbench run ARGS --out OUT`, asserts exit 0, returns its Run."""
        result = parbench("run", *args, "--out", self.out, timeout=timeout)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.stdout, self.stderr = result.stdout, result.stderr
        return Run(self.out)

    @classmethod
    def class_run(cls, *args):
        """For tests that only read one run: runs `parbench run ARGS --out DIR` once for the
        class, DIR a scratch directory of the class's (ARGS may name files in it as {out}),
        fails their set-up unless it exits 0, and returns its Run."""
        tmp = tempfile.TemporaryDirectory(prefix="parbench-test-")
        cls.addClassCleanup(tmp.cleanup)
        args = [arg.format(out=tmp.name) for arg in args]
        result = parbench("run", *args, "--out", tmp.name)
        if result.returncode != 0:
            raise AssertionError(f"parbench run {' '.join(args)}: exit {result.returncode}\n"
                                 f"{result.stdout}{result.stderr}")
        return Run(tmp.name)

    def pus(self):
        result = parbench("run", "-w", "cpu.nop", "-s", "seq", "--tasks", "1", "--reps", "1",
                          "--warmup", "0", "--out", self.out)
        self.assertEqual(result.returncode, 0, result.stderr)
        return Run(self.out).meta["machine"]["pus"]


def mwu_critical(m, n, alpha=0.05):
    """The largest U a two-sided exact Mann-Whitney U test at alpha rejects, without ties:
    2 P(U <= k) < alpha; -1 when even U = 0 does not.  The counts of U are the coefficients
    of the Gaussian binomial [m + n choose m]_q, built by the recurrence on the last value."""
    counts = {(0, 0): [1]}

    def count(i, j):    # orderings of i and j values by U
        if (i, j) not in counts:
            c = [0] * (i * j + 1)
            if i:       # the largest value is from the first sample: it beats all j
                for u, k in enumerate(count(i - 1, j)):
                    c[u + j] += k
            if j:
                for u, k in enumerate(count(i, j - 1)):
                    c[u] += k
            counts[(i, j)] = c
        return counts[(i, j)]

    total, below = math.comb(m + n, m), 0
    for u, k in enumerate(count(m, n)):
        below += k
        if 2 * below / total >= alpha:
            return u - 1
    return m * n


def ratio_ci(a, b):
    """Hodges-Lehmann's ratio of times a over b (the median of every a[i] / b[j]) and the
    95% interval that inverts the exact Mann-Whitney U test."""
    r = sorted(x / y for x in a for y in b)
    k = max(mwu_critical(len(a), len(b)), 0)
    # The median of the log ratios: the middle two's geometric mean when their count is even.
    logs = [math.log(x) for x in r]
    middle = (logs[(len(r) - 1) // 2] + logs[len(r) // 2]) / 2
    return math.exp(middle), r[k], r[len(r) - 1 - k]
