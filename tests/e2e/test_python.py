"""The py-* strategies: the articles' Python methods, run by the interpreter on the same
workloads, give seq's checksums; no interpreter is a skip, a bad --python is bad input."""
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from helpers import PARBENCH, SMALL, ParbenchTest, parbench, ratio_ci, read_csv

PY_STRATEGIES = ["py-seq", "py-threads-per-task", "py-threadpool", "py-process-per-task",
                 "py-pool", "py-processpool", "py-asyncio"]
# The workloads with a Python version (benchmarks/python/workloads.py), small.
PY_WORKLOADS = {name: SMALL[name] for name in ("cpu.sumsq", "cpu.nop", "io.sleep", "io.file")}
PY_WORKLOADS["io.http"] = ["--tasks", "12", "--size", "3001", "--delay", "0.001"]
PYTHON = shutil.which("python3")


@unittest.skipIf(PYTHON is None, "no python3 on PATH")
class PythonStrategyTest(ParbenchTest):
    def test_every_python_strategy_matches_seq(self):
        for workload, sizes in PY_WORKLOADS.items():
            with self.subTest(workload=workload):
                run = self.run_ok("-w", workload, "-s", "py-all", "-n", "1,3", "--reps", "1",
                                  "--warmup", "0", *sizes)
                cells = {(r["strategy"], r["workers"]) for r in run.raw}
                want = {("seq", "1"), ("py-seq", "1")} | {
                    (s, n) for s in PY_STRATEGIES[1:] for n in ("1", "3")}
                self.assertEqual(cells, want)
                seq = next(r["checksum"] for r in run.raw if r["strategy"] == "seq")
                for row in run.raw:
                    self.assertEqual((row["ok"], row["error"]), ("1", ""), row)
                    self.assertEqual(row["checksum"], seq, row)

    def test_speedups_are_against_py_seq_and_seq(self):
        run = self.run_ok("-w", "cpu.sumsq", "-s", "pthreads,py-threadpool,py-pool", "-n", "2",
                          "--reps", "3", "--warmup", "0", *SMALL["cpu.sumsq"])
        walls = {}
        for r in run.raw:
            walls.setdefault(r["strategy"], []).append(float(r["wall_s"]))

        def speedup(base, strategy):    # 1 by definition for the base itself
            return 1 if base == strategy else ratio_ci(walls[base], walls[strategy])[0]

        for row in run.summary:
            base = "py-seq" if row["strategy"].startswith("py-") else "seq"
            self.assertTrue(math.isclose(float(row["speedup"]),
                                         speedup(base, row["strategy"]), rel_tol=1e-6), row)
            self.assertTrue(math.isclose(float(row["speedup_vs_seq"]),
                                         speedup("seq", row["strategy"]), rel_tol=1e-6), row)
        self.assertIn("py-*: speedup against py-seq", self.stdout)

    def test_rows_carry_the_interpreters_startup_and_workers(self):
        run = self.run_ok("-w", "cpu.nop", "-s", "py-pool,py-threadpool", "-n", "2",
                          "--tasks", "40", "--reps", "2", "--warmup", "0")
        for row in run.raw:
            if row["strategy"].startswith("py-"):
                # Timed inside the interpreter: its start-up (about 0.1 s) is apart.
                self.assertGreater(float(row["startup_s"]), float(row["wall_s"]) / 100, row)
                self.assertGreater(int(row["max_rss_kb"]), 1000, row)
                self.assertLessEqual(len(row["cpus"].split(";")), int(row["workers"]), row)

    def test_pinning_puts_python_workers_where_asked(self):
        for strategy in ("py-threadpool", "py-pool", "py-threads-per-task"):
            with self.subTest(strategy=strategy):
                run = self.run_ok("-w", "cpu.sumsq", "-s", strategy, "-n", "2", "--pin", "pu:0",
                                  "--tasks", "8", "--size", "20000", "--reps", "1",
                                  "--warmup", "0")
                rows = [r for r in run.raw if r["strategy"] == strategy]
                self.assertTrue(all(set(r["cpus"].split(";")) == {"0"} for r in rows), rows)

    def test_meta_records_the_interpreter(self):
        run = self.run_ok("-w", "cpu.nop", "-s", "py-seq", "--tasks", "5", "--reps", "1",
                          "--python", sys.executable)
        python = run.meta["python"]
        self.assertEqual(python["path"], sys.executable)
        self.assertEqual(python["version"], "%d.%d.%d" % sys.version_info[:3])
        self.assertEqual(python["gil"], getattr(sys, "_is_gil_enabled", lambda: True)())
        self.assertEqual(python["implementation"], sys.implementation.name)

    def test_workloads_without_a_python_version_are_skipped(self):
        run = self.run_ok("-w", "cpu.nop,mem.triad", "-s", "py-seq", "--tasks", "5",
                          "--size", "64", "--reps", "1")
        self.assertIn("the py-* strategies skip mem.triad", self.stderr)
        self.assertEqual({(r["workload"], r["strategy"]) for r in run.raw},
                         {("cpu.nop", "seq"), ("cpu.nop", "py-seq"), ("mem.triad", "seq")})

    def test_a_failing_task_is_an_error_row(self):
        env = dict(os.environ, PARBENCH_FAULT="crash:2:py-processpool")
        result = subprocess.run([PARBENCH, "run", "-w", "cpu.nop", "-s", "py-processpool",
                                 "-n", "2", "--tasks", "8", "--reps", "1", "--out", self.out],
                                capture_output=True, text=True, timeout=120, env=env)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("py-processpool", result.stdout)
        self.assertIn("BrokenProcessPool", result.stdout)


class PythonReportTest(ParbenchTest):
    def test_the_report_sets_each_python_method_against_its_c_counterpart(self):
        from test_report import make, report_python
        if report_python() is None:
            self.skipTest("no python3 with matplotlib: run bash scripts/install-deps.sh")
        run = self.run_ok("-w", "cpu.nop", "-s", "pthreads,fork,py-threadpool,py-pool", "-n",
                          "1,2", "--tasks", "40", "--reps", "3", "--warmup", "0")
        result = make("report", f"RUN={run.dir}")
        self.assertEqual(result.returncode, 0, result.stderr)
        page = (run.dir / "report.html").read_text()
        section = page[page.index('<h2 id="python">'):page.index('<h2 id="plots">')]
        best = {}
        for row in run.summary:
            if row["ok"] == "1" and (row["strategy"] not in best or float(
                    row["wall_median_s"]) < float(best[row["strategy"]]["wall_median_s"])):
                best[row["strategy"]] = row
        for py, c in (("py-seq", "seq"), ("py-threadpool", "pthreads"), ("py-pool", "fork")):
            with self.subTest(strategy=py):
                row = re.search(rf"<tr><td>{py} \((\d+) workers?\)</td>.*?</tr>", section)
                self.assertIsNotNone(row, section)
                self.assertEqual(row.group(1), best[py]["workers"])
                # Python's time over C's at the same workers, with its interval, as
                # summary.csv has it.
                self.assertEqual((best[py]["counterpart"], best[py]["counterpart_workers"]),
                                 (c, best[py]["workers"]))
                self.assertIn(f"<td>{c} ({best[py]['workers']} worker", row.group(0))
                shown = re.findall(r'<td class="n">([^<]*)</td>', row.group(0))[2]
                want = [float(best[py][k]) for k in ("counterpart_ratio",
                        "counterpart_ratio_ci95_lo", "counterpart_ratio_ci95_hi")]
                self.assertLess(want[1], want[2])
                got = [float(x) for x in re.findall(r"\d[\d.e+-]*", shown)]
                self.assertEqual(len(got), 3, shown)
                for g, w in zip(got, want):
                    self.assertAlmostEqual(g, w, delta=max(0.005, 0.005 * w))  # shown rounded


class PythonInterpreterTest(ParbenchTest):
    def test_no_python3_on_path_skips_the_python_strategies(self):
        with tempfile.TemporaryDirectory() as empty:
            env = dict(os.environ, PATH=empty)
            result = subprocess.run([PARBENCH, "run", "-w", "cpu.nop", "-s", "pthreads,py-all",
                                     "--tasks", "5", "--reps", "1", "--out", self.out],
                                    capture_output=True, text=True, timeout=120, env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stderr, r"skipping py-seq(, py-[a-z-]+)+: no python3 on PATH")
        self.assertNotIn("py-", result.stdout)

    def test_bad_python_is_refused(self):
        for bad in ("/nonexistent/python3", "/bin/true", ""):
            with self.subTest(python=bad):
                result = parbench("run", "-w", "cpu.nop", "-s", "py-seq", "--python", bad,
                                  "--out", self.out)
                self.assertEqual(result.returncode, 2, result.stderr)
                lines = result.stderr.splitlines()
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertIn(f"--python '{bad}'", lines[0])
                self.assertIn("allowed:", lines[0])
                self.assertEqual(os.listdir(self.out), [])

    def test_all_is_the_c_strategies_and_py_all_the_python_ones(self):
        result = parbench("run", "-w", "cpu.nop", "-s", "bogus", "--out", self.out)
        self.assertIn("allowed: all, py-all,", result.stderr)


if __name__ == "__main__":
    unittest.main()
