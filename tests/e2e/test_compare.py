"""parbench compare: verdicts on synthetic runs, every format, bad input, and two real runs."""
import csv
import io
import json
import os
import random
import re
import unittest
from pathlib import Path

from helpers import ParbenchTest, columns, parbench

REPS = 10


def raw_row(run_id, workload, strategy, workers, rep, wall, ok=1, pin="compact", tasks=16,
            size=1000, loops="", error=""):
    values = {
        "run_id": run_id, "workload": workload, "kind": workload.split(".")[0],
        "strategy": strategy, "workers": workers, "pin": pin, "tasks": tasks, "size": size,
        "rep": rep, "wall_s": f"{wall:.9f}" if ok else "", "user_s": "0.1", "sys_s": "0.0",
        "max_rss_kb": "1000", "vcsw": "1", "ivcsw": "1", "lat_p50_s": "0.001",
        "lat_p99_s": "0.002", "checksum": "42", "ok": ok, "cpus": "0;1", "error": error,
        "loops": loops, "startup_s": "0.002", "work_s": "", "minflt": "120", "majflt": "0", "cut": "",
    }
    return [values.get(c, "") for c in columns("raw.csv")]


def write_run(directory, rows, ncolumns=None):
    """A run directory with raw.csv's first `ncolumns` columns (fewer: an older parbench's)."""
    os.makedirs(directory)
    with open(Path(directory) / "raw.csv", "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns("raw.csv")[:ncolumns])
        writer.writerows(row[:ncolumns] for row in rows)
    return str(directory)


class SyntheticCompareTest(ParbenchTest):
    """Two runs written by the test, with known differences."""

    def setUp(self):
        super().setUp()
        rng = random.Random(20240607)
        a, b = [], []

        def cell(rows, run_id, strategy, workers, median, spread, **kw):
            for rep in range(REPS):
                rows.append(raw_row(run_id, "cpu.sumsq", strategy, workers, rep,
                                    median * (1 + rng.uniform(-spread, spread)), **kw))

        # Same distribution in both runs: noise, not a difference.
        cell(a, "A", "seq", 1, 0.100, 0.05)
        cell(b, "B", "seq", 1, 0.100, 0.05)
        # 10% slower, and 10% faster, with 1% noise.
        cell(a, "A", "pthreads", 2, 0.050, 0.01)
        cell(b, "B", "pthreads", 2, 0.055, 0.01)
        cell(a, "A", "openmp-static", 2, 0.050, 0.01)
        cell(b, "B", "openmp-static", 2, 0.045, 0.01)
        # A quoted pin and an event loop's loops column are part of the key.
        cell(a, "A", "evloop-epoll", 4, 0.2, 0.01, pin="pu:0,1", loops=2)
        cell(b, "B", "evloop-epoll", 4, 0.2, 0.01, pin="pu:0,1", loops=2)
        cell(a, "A", "fork", 2, 0.06, 0.01)
        cell(b, "B", "fork-per-task", 2, 0.07, 0.01)
        # No ok repetition in B: a failed row with a quoted, multi-line error.
        cell(a, "A", "pthreads-per-task", 2, 0.06, 0.01)
        for rep in range(3):
            b.append(raw_row("B", "cpu.sumsq", "pthreads-per-task", 2, rep, 0.0, ok=0,
                             error='checksum "7", not "42",\nexpected'))
        self.a = write_run(Path(self.out) / "a", a)
        self.b = write_run(Path(self.out) / "b", b)

    def compare(self, *args):
        result = parbench("compare", *args, self.a, self.b)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        return result.stdout

    def test_table(self):
        out = self.compare()
        self.assertIn(f"A: {self.a} (run A)", out)
        self.assertIn(f"B: {self.b} (run B)", out)
        lines = out.splitlines()

        def line_of(strategy):
            found = [line for line in lines if re.search(rf"\s{re.escape(strategy)}\s+\d", line)]
            self.assertEqual(len(found), 1, (strategy, out))
            return found[0]

        self.assertTrue(line_of("pthreads").endswith("  slower"), out)
        self.assertTrue(line_of("openmp-static").endswith("  faster"), out)
        self.assertTrue(line_of("seq").endswith("  no significant change"), out)
        self.assertTrue(line_of("evloop-epoll").endswith("  no significant change"), out)
        self.assertIn("pu:0,1", line_of("evloop-epoll"))
        self.assertIn("1 faster, 1 slower, 2 unchanged; 1 only in A, 1 only in B, "
                      "1 without ok repetitions", out)
        only_a = out[out.index("only in A:"):]
        self.assertIn(", fork, 2 workers", only_a.splitlines()[1])
        only_b = out[out.index("only in B:"):]
        self.assertIn(", fork-per-task, 2 workers", only_b.splitlines()[1])
        none = out[out.index("no ok repetitions:"):]
        self.assertIn("pthreads-per-task", none.splitlines()[1])
        self.assertIn("B 0 of 3 ok", none.splitlines()[1])
        # Aligned: every interval starts under its title.
        table = [line for line in lines if line.startswith("  cpu.sumsq ")]
        header = next(line for line in lines if "median A s" in line)
        starts = {line.index("[") for line in table}
        self.assertEqual(starts, {header.index("95% interval")})

    def test_csv(self):
        rows = list(csv.DictReader(io.StringIO(self.compare("--format", "csv"))))
        by = {r["strategy"]: r for r in rows}
        self.assertEqual(len(rows), 7)
        self.assertEqual(by["pthreads"]["verdict"], "slower")
        self.assertAlmostEqual(float(by["pthreads"]["ratio"]), 1.1, delta=0.02)
        self.assertGreater(float(by["pthreads"]["ratio_lo"]), 1)
        self.assertLess(float(by["pthreads"]["p"]), 0.05)
        self.assertEqual(by["pthreads"]["ok_reps_a"], str(REPS))
        self.assertEqual(by["openmp-static"]["verdict"], "faster")
        self.assertLess(float(by["openmp-static"]["ratio_hi"]), 1)
        self.assertEqual(by["seq"]["verdict"], "no significant change")
        self.assertEqual(by["evloop-epoll"]["pin"], "pu:0,1")
        self.assertEqual(by["evloop-epoll"]["loops"], "2")
        self.assertEqual(by["fork"]["verdict"], "only in A")
        self.assertEqual(by["fork"]["median_b_s"], "")
        self.assertEqual(by["fork-per-task"]["verdict"], "only in B")
        self.assertEqual(by["pthreads-per-task"]["verdict"], "no ok repetitions in B")
        self.assertEqual(by["pthreads-per-task"]["ok_reps_b"], "0")

    def test_json(self):
        doc = json.loads(self.compare("--format", "json"))
        self.assertEqual(doc["a"], {"path": self.a, "run_id": "A"})
        self.assertEqual(doc["counts"], {"faster": 1, "slower": 1, "unchanged": 2,
                                         "only_in_a": 1, "only_in_b": 1,
                                         "no_ok_repetitions": 1})
        by = {c["strategy"]: c for c in doc["cells"]}
        self.assertEqual(by["pthreads"]["verdict"], "slower")
        self.assertGreater(by["pthreads"]["ratio_lo"], 1)
        self.assertGreaterEqual(by["pthreads"]["coverage"], 0.95)
        self.assertIsNone(by["fork"]["median_b_s"])
        self.assertIsNone(by["seq"]["loops"])
        self.assertEqual(by["evloop-epoll"]["loops"], 2)

    def test_md(self):
        out = self.compare("--format", "md")
        self.assertRegex(out, r"(?m)^\| workload +\| tasks x size +\| strategy .*\| verdict +\|$")
        self.assertRegex(out, r"(?m)^\|---\|---:\|")
        self.assertRegex(out, r"(?m)^\| cpu\.sumsq +\|.*\| slower +\|$")
        self.assertIn("**only in A:**", out)

    def test_format_table_is_the_default(self):
        self.assertEqual(self.compare("--format=table"), self.compare())

    def test_too_few_repetitions_call_nothing(self):
        # 3 against 3: the exact Mann-Whitney p is at least 0.1, even 20% apart.
        a = write_run(Path(self.out) / "a3", [raw_row("A", "cpu.nop", "seq", 1, r, 0.1 + r / 1e4)
                                              for r in range(3)])
        b = write_run(Path(self.out) / "b3", [raw_row("B", "cpu.nop", "seq", 1, r, 0.12 + r / 1e4)
                                              for r in range(3)])
        result = parbench("compare", "--format", "csv", a, b)
        row = next(csv.DictReader(io.StringIO(result.stdout)))
        self.assertEqual(row["verdict"], "no significant change")
        self.assertAlmostEqual(float(row["p"]), 0.1)
        self.assertIn("use --reps 4 or more", parbench("compare", a, b).stdout)


    def test_many_cells_of_noise_call_nothing_and_many_changes_are_found(self):
        # 200 cells, 10 repetitions each from one distribution in both runs: at 5% a cell,
        # about 10 would be called by chance; adjusted over the cells (q), none may be.
        rng = random.Random(7)

        def rows(run_id, scale, cells=200):
            return [raw_row(run_id, "cpu.nop", "seq", 1, rep, scale * rng.lognormvariate(0, 0.05),
                            tasks=c + 1) for c in range(cells) for rep in range(10)]

        a = write_run(Path(self.out) / "na", rows("A", 1.0))
        b = write_run(Path(self.out) / "nb", rows("B", 1.0))
        out = csv.DictReader(io.StringIO(parbench("compare", "--format", "csv", a, b).stdout))
        out = list(out)
        self.assertEqual(len(out), 200)
        self.assertGreater(sum(float(r["p"]) < 0.05 for r in out), 0, "raw p: some by chance")
        self.assertEqual([r for r in out if r["verdict"] != "no significant change"], [])
        # The same 200 cells all 30% slower in B: every one is found.
        c = write_run(Path(self.out) / "nc", rows("C", 1.3))
        out = list(csv.DictReader(io.StringIO(parbench("compare", "--format", "csv", a, c).stdout)))
        self.assertEqual({r["verdict"] for r in out}, {"slower"})


class OlderRawCsvTest(ParbenchTest):
    def test_runs_from_before_the_fault_columns(self):
        rows = [raw_row("A", "cpu.nop", "seq", 1, rep, 0.1 + rep / 1e4) for rep in range(3)]
        old = write_run(Path(self.out) / "old", rows, columns("raw.csv").index("minflt"))
        new = write_run(Path(self.out) / "new", rows)
        for a, b in ((old, new), (new, old)):
            result = parbench("compare", "--format", "csv", a, b)
            self.assertEqual(result.returncode, 0, result.stderr)
            out = list(csv.DictReader(io.StringIO(result.stdout)))
            self.assertEqual([r["verdict"] for r in out], ["no significant change"])


class BadCompareInputTest(ParbenchTest):
    def setUp(self):
        super().setUp()
        self.good = write_run(Path(self.out) / "good", [raw_row("A", "cpu.nop", "seq", 1, 0, 0.1)])

    def assert_refused(self, args, needle):
        result = parbench("compare", *args)
        self.assertEqual(result.returncode, 2, f"{args}: {result.stdout}{result.stderr}")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"{args}: {result.stderr}")
        self.assertIn(needle, lines[0], args)
        self.assertIn("allowed", lines[0], args)
        self.assertEqual(result.stdout, "", args)

    def bad_raw(self, name, text):
        os.makedirs(Path(self.out) / name)
        (Path(self.out) / name / "raw.csv").write_text(text)
        return str(Path(self.out) / name)

    def test_bad_input(self):
        missing = str(Path(self.out) / "missing")
        empty = str(Path(self.out) / "empty")
        os.makedirs(empty)
        header = ",".join(columns("raw.csv")) + "\n"
        row = ",".join(map(str, raw_row("A", "cpu.nop", "seq", 1, 0, 0.1)))
        cases = [
            ([missing, self.good], missing),
            ([self.good, missing], missing),
            ([self.good + "/raw.csv", self.good], "raw.csv"),
            ([empty, self.good], empty),
            ([self.bad_raw("summary", "run_id,workload,kind,strategy,workers,pin,tasks,size,"
                           "reps,wall_median_s\n"), self.good], "summary"),
            ([self.bad_raw("blank", ""), self.good], "blank"),
            ([self.bad_raw("workers", header + row.replace(",seq,1,", ",seq,x,")), self.good],
             "'x'"),
            ([self.bad_raw("short", header + "A,cpu.nop,cpu,seq\n"), self.good], "line 2"),
            ([self.bad_raw("quote", header + '"A,cpu.nop\n'), self.good], "line 2"),
            ([self.good, self.good, self.good], self.good),
            ([self.good], "1 run directory"),
            ([], "0 run directories"),
            (["--format", "xml", self.good, self.good], "xml"),
            ([self.good, self.good, "--format"], "--format"),
            (["--bogus", self.good, self.good], "--bogus"),
        ]
        for args, needle in cases:
            self.assert_refused(args, needle)

    def test_help_and_version(self):
        for flag in ("--help", "-h"):
            result = parbench("compare", flag)
            self.assertEqual(result.returncode, 0)
            self.assertIn("usage: parbench compare", result.stdout)
        for flag in ("--version", "-V"):
            result = parbench("compare", flag)
            self.assertEqual(result.returncode, 0)
            self.assertRegex(result.stdout, r"^parbench \d+\.\d+\.\d+\n$")
        self.assertIn("compare", parbench("--help").stdout)


class RealRunsCompareTest(ParbenchTest):
    def test_two_real_runs(self):
        dirs = []
        for name in ("a", "b"):
            out = Path(self.out) / name
            result = parbench("run", "-w", "cpu.nop", "-s", "seq,pthreads", "-n", "2",
                              "--reps", "3", "--out", str(out))
            self.assertEqual(result.returncode, 0, result.stderr)
            dirs.append(str(out / "latest"))
        result = parbench("compare", *dirs)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"(?m)^  cpu\.nop +\d+ x 1 +seq +1 +compact .*"
                                        r"no significant change$")
        self.assertRegex(result.stdout, r"(?m)^  cpu\.nop +\d+ x 1 +pthreads +2 +compact ")
        # With 3 repetitions a side no change can reach p < 0.05.
        self.assertIn("0 faster, 0 slower, 2 unchanged; 0 only in A, 0 only in B", result.stdout)
        doc = json.loads(parbench("compare", "--format", "json", *dirs).stdout)
        self.assertEqual([(c["strategy"], c["ok_reps_a"], c["ok_reps_b"]) for c in doc["cells"]],
                         [("seq", 3, 3), ("pthreads", 3, 3)])


if __name__ == "__main__":
    unittest.main()
