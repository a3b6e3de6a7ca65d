"""The bare-* strategies: each mechanism alone in parbench-bare, a small program of its own,
on cpu.nop's empty tasks, beside the strategy built on it; and the bare-py-* ones, the
articles' own Python code on cpu.sumsq, beside the py-* methods (make bench-overhead).
Pinned, the bare-* ones bind their workers as a user's program would."""
import os
import re
import shutil
import subprocess
import tempfile

import unittest

from helpers import PARBENCH, ParbenchTest, Run, parbench

PAIRS = {"pthreads-per-task": "bare-thread", "fork-per-task": "bare-fork",
         "pthreads": "bare-pool", "fork": "bare-fork-pool", "openmp-static": "bare-omp"}
PY_METHODS = ["seq", "threads-per-task", "threadpool", "process-per-task", "pool",
              "processpool"]
PY_PAIRS = {f"py-{m}": f"bare-py-{m}" for m in PY_METHODS}


def assert_measured_against(test, row, mechanism):
    """The summary row names its mechanism's cell at its own workers, and its time over that
    cell's with an interval around it."""
    test.assertEqual((row["mechanism"], row["mechanism_workers"]), (mechanism, row["workers"]))
    lo, ratio, hi = (float(row[k]) for k in (
        "mechanism_ratio_ci95_lo", "mechanism_ratio", "mechanism_ratio_ci95_hi"))
    test.assertTrue(0 < lo <= ratio <= hi, row)


class BareTest(ParbenchTest):
    @classmethod
    def setUpClass(cls):
        cls.out_dir = tempfile.TemporaryDirectory(prefix="parbench-bare-")
        strategies = ",".join(f"{s},{b}" for s, b in PAIRS.items())
        cls.result = subprocess.run(
            [PARBENCH, "run", "-w", "cpu.nop,cpu.sumsq", "-s", strategies, "-n", "1,2",
             "--tasks", "40", "--size", "1000", "--reps", "2", "--pin", "none",
             "--out", cls.out_dir.name], capture_output=True, text=True, timeout=300)

    @classmethod
    def tearDownClass(cls):
        cls.out_dir.cleanup()

    def run_dir(self):
        return Run(self.out_dir.name)

    def test_every_bare_row_matches_seq_and_runs_cpu_nop_only(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        run = self.run_dir()
        bare = [r for r in run.raw if r["strategy"].startswith("bare-")]
        self.assertEqual({r["strategy"] for r in bare}, set(PAIRS.values()))
        self.assertEqual({r["workload"] for r in bare}, {"cpu.nop"})
        for row in run.raw:
            self.assertEqual(row["ok"], "1", row)

    def test_each_strategy_is_measured_against_its_mechanism_at_its_workers(self):
        run = self.run_dir()
        for row in run.summary:
            if row["workload"] != "cpu.nop" or row["strategy"] not in PAIRS:
                continue
            with self.subTest(strategy=row["strategy"], workers=row["workers"]):
                assert_measured_against(self, row, PAIRS[row["strategy"]])
                self.assertEqual(row["counterpart"], "")    # a C strategy has none
        self.assertRegex(self.result.stdout, r"mechanism: pthreads-per-task \(\d workers?\) takes "
                                             r"[\d.]+x \[[\d.]+, [\d.]+\] the time of bare-thread")
        # cpu.nop's tasks are empty: seq's time a task is parbench's own record of a task.
        self.assertRegex(self.result.stdout, r"harness: each task's record \(its start, end and "
                                             r"checksum\) takes [\d.]+[nuµm]?s a task, seq's time")

    def test_bare_strategies_run_only_by_name(self):
        listing = parbench("list").stdout
        for bare in PAIRS.values():
            self.assertRegex(listing, rf"{bare} .*\n +only by name")

    def test_without_parbench_bare_they_are_unavailable(self):
        with tempfile.TemporaryDirectory() as alone:
            shutil.copy(PARBENCH, alone)
            program = os.path.join(alone, os.path.basename(PARBENCH))
            listing = subprocess.run([program, "list"], capture_output=True, text=True,
                                     timeout=60).stdout
            refused = subprocess.run([program, "run", "-w", "cpu.nop", "-s", "bare-thread",
                                      "--out", alone], capture_output=True, text=True,
                                     timeout=60)
        self.assertIn("unavailable here: no parbench-bare beside parbench", listing)
        self.assertEqual(refused.returncode, 2)
        self.assertIn("bare-thread is unavailable here", refused.stderr)

    def test_the_report_sets_each_strategy_against_its_mechanism(self):
        from test_report import make, report_python
        if report_python() is None:
            self.skipTest("no python3 with matplotlib: run bash scripts/install-deps.sh")
        run = self.run_dir()
        result = make("report", f"RUN={run.dir}")
        self.assertEqual(result.returncode, 0, result.stderr)
        page = (run.dir / "report.html").read_text()
        section = page[page.index('<h2 id="mechanisms">'):]
        best = min((r for r in run.summary
                    if r["workload"] == "cpu.nop" and r["strategy"] == "pthreads-per-task"),
                   key=lambda r: float(r["wall_median_s"]))
        shown = re.search(r"<td>pthreads-per-task \((\d+) workers?\)</td>.*?<td>bare-thread "
                          r"\((\d+) workers?\)</td><td class=\"n\">([\d.]+)x", section)
        self.assertIsNotNone(shown, section[:2000])
        self.assertEqual(shown.group(1), best["workers"])
        self.assertEqual(shown.group(2), best["workers"])
        self.assertAlmostEqual(float(shown.group(3)), float(best["mechanism_ratio"]),
                               delta=0.006)


BARE_PROGRAM = os.path.join(os.path.dirname(PARBENCH), "parbench-bare")
PRIMITIVES = ["thread", "fork", "pool", "fork-pool", "omp"]


def run_bare(primitive, bind):
    """parbench-bare PRIMITIVE on 2 workers, 10 tasks, 1 rep, its lines (fd 3) on stdout."""
    return subprocess.run(["bash", "-c", '"$0" "$@" 3>&1', BARE_PROGRAM, primitive, "2", "10",
                           "0", "1", bind], capture_output=True, text=True, timeout=60)


@unittest.skipIf(len(os.sched_getaffinity(0)) < 2, "needs 2 PUs to pin 2 workers apart")
class BarePinnedTest(ParbenchTest):
    """Pinned, each bare-* binds its workers as a user's program would, and parbench-bare
    checks that they are bound, so a binding that went wrong fails the run."""

    def test_pinned_bare_runs_succeed_with_the_checksums_of_seq(self):
        strategies = ",".join(["seq", "pthreads-per-task", *PAIRS.values()])
        run = self.run_ok("-w", "cpu.nop", "-s", strategies, "-n", "2", "--pin", "pu:1,0",
                          "--tasks", "40", "--reps", "2")
        self.assertEqual({r["strategy"] for r in run.raw}, {"seq", "pthreads-per-task",
                                                           *PAIRS.values()})
        for row in run.raw:
            self.assertEqual((row["ok"], row["pin"], row["error"]), ("1", "pu:1,0", ""), row)
        self.assertRegex(self.stdout, r"mechanism: pthreads-per-task \(2 workers\) takes "
                                      r"[\d.]+x \[[\d.]+, [\d.]+\] the time of bare-thread")

    def test_parbench_bare_binds_each_worker_to_the_cpus_asked(self):
        bind = ";".join(str(cpu) for cpu in sorted(os.sched_getaffinity(0))[:2])
        for primitive in PRIMITIVES:
            with self.subTest(primitive=primitive):
                result = run_bare(primitive, bind)
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                self.assertRegex(result.stdout, r"^S 0 ")
                self.assertNotIn("\nE ", result.stdout)

    def test_parbench_bare_fails_a_worker_it_cannot_bind(self):
        cpu = min(os.sched_getaffinity(0))
        for primitive in PRIMITIVES:
            with self.subTest(primitive=primitive):
                result = run_bare(primitive, f"{cpu};1023")
                self.assertNotEqual(result.returncode, 0, result.stdout)
                self.assertRegex(result.stdout, r"(^|\n)E \d+ the bare primitive (failed: "
                                 r"Invalid argument|did not bind worker 1 of \d+;1023 to its "
                                 r"CPUs)\n")


@unittest.skipIf(shutil.which("python3") is None, "no python3 on PATH")
class BarePythonTest(ParbenchTest):
    """bare-py-* beside py-* on a tiny cpu.sumsq job, with pthreads for py-threadpool's C
    counterpart; cpu.nop too, which the bare-py-* strategies do not run."""
    @classmethod
    def setUpClass(cls):
        cls.out_dir = tempfile.TemporaryDirectory(prefix="parbench-bare-py-")
        strategies = ",".join(f"{s},{b}" for s, b in PY_PAIRS.items()) + ",pthreads"
        cls.result = subprocess.run(
            [PARBENCH, "run", "-w", "cpu.sumsq,cpu.nop", "-s", strategies, "-n", "1,2",
             "--tasks", "6", "--size", "2000", "--reps", "2", "--warmup", "0", "--pin", "none",
             "--out", cls.out_dir.name], capture_output=True, text=True, timeout=300)

    @classmethod
    def tearDownClass(cls):
        cls.out_dir.cleanup()

    def test_each_runs_cpu_sumsq_only_and_agrees_with_seq_and_py(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        run = Run(self.out_dir.name)
        bare = [r for r in run.raw if r["strategy"].startswith("bare-py-")]
        self.assertEqual({r["strategy"] for r in bare}, set(PY_PAIRS.values()))
        self.assertEqual({r["workload"] for r in bare}, {"cpu.sumsq"})
        sumsq = [r for r in run.raw if r["workload"] == "cpu.sumsq"]
        seq = next(r["checksum"] for r in sumsq if r["strategy"] == "seq")
        self.assertEqual({r["strategy"] for r in sumsq},
                         {"seq", "pthreads", *PY_PAIRS, *PY_PAIRS.values()})
        for row in sumsq:
            self.assertEqual((row["ok"], row["error"], row["checksum"]), ("1", "", seq), row)

    def test_each_py_method_is_measured_against_its_bare_py_and_its_c_strategy(self):
        run = Run(self.out_dir.name)
        for row in run.summary:
            if row["workload"] != "cpu.sumsq" or row["strategy"] not in PY_PAIRS:
                continue
            with self.subTest(strategy=row["strategy"], workers=row["workers"]):
                assert_measured_against(self, row, PY_PAIRS[row["strategy"]])
                # The Python-against-C relation stays in counterpart, where its C ran.
                want = "pthreads" if row["strategy"] == "py-threadpool" else \
                    "seq" if row["strategy"] == "py-seq" else ""
                self.assertEqual(row["counterpart"], want)
        self.assertRegex(self.result.stdout, r"mechanism: py-pool \(\d workers?\) takes [\d.]+x "
                                             r"\[[\d.]+, [\d.]+\] the time of bare-py-pool")
        self.assertNotIn("harness:", self.result.stdout)   # cpu.sumsq's tasks are work
        strategies = run.schema["strategies"]
        pool = strategies["py-pool"]
        self.assertEqual((pool["counterpart"], pool["mechanism"]), ("fork", "bare-py-pool"))
        self.assertEqual(strategies["pthreads-per-task"]["mechanism"], "bare-thread")
        self.assertIsNone(strategies["pthreads-per-task"]["counterpart"])

    def test_bare_py_strategies_run_only_by_name(self):
        listing = parbench("list").stdout
        for bare in PY_PAIRS.values():
            self.assertRegex(listing, rf"{bare} .*\n +only by name")

    def test_without_python3_they_are_unavailable(self):
        with tempfile.TemporaryDirectory() as empty:
            refused = subprocess.run([PARBENCH, "run", "-w", "cpu.sumsq", "-s", "bare-py-pool",
                                      "--out", empty], capture_output=True, text=True,
                                     timeout=60, env=dict(os.environ, PATH=empty))
        self.assertEqual(refused.returncode, 2)
        self.assertIn("bare-py-pool is unavailable here: no python3 on PATH", refused.stderr)

    def test_the_report_sets_each_py_method_against_its_bare_py(self):
        from test_report import make, report_python
        if report_python() is None:
            self.skipTest("no python3 with matplotlib: run bash scripts/install-deps.sh")
        run = Run(self.out_dir.name)
        result = make("report", f"RUN={run.dir}")
        self.assertEqual(result.returncode, 0, result.stderr)
        page = (run.dir / "report.html").read_text()
        section = page[page.index('<h2 id="mechanisms">'):page.index('<h2 id="plots">')]
        for py, bare in PY_PAIRS.items():
            self.assertRegex(section, rf"<td>{py} \(\d workers?\)</td>.*?<td>{bare} "
                                      rf"\(\d workers?\)</td><td class=\"n\">[\d.]+x")
