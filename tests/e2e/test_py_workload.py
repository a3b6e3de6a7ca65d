"""--py-workload MODULE:FUNCTION: the user's Python function run by the py-* strategies as the
workload's Python version, checked against seq's checksum like any other; refused before the run
when it cannot be found, an error row when it raises or returns no int."""
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from helpers import PARBENCH, ROOT, SMALL, ParbenchTest, Run

# The user's module, imported from the directory parbench runs in.
WORK = '''
import sys

def sumsq(task, size):
    """cpu.sumsq's task: the sum of i * i over the task's range, as an int of any size."""
    first = task * size
    return sum(i * i for i in range(first, first + size))

def off_by_one(task, size):
    return sumsq(task, size) + 1

def raises(task, size):
    if task == 3:
        raise ValueError("no task 3 here")
    return task

def text(task, size):
    return str(task)

def exits(task, size):
    sys.exit(3)

NOT_CALLABLE = 5
'''

# cpu.mandel (benchmarks/cpu_mandel.c), which has no Python version of its own, for 8 tasks.
MANDEL = '''
def row(task, size, tasks=8):
    ci = 0.0 + (1.25 - 0.0) * task / tasks
    checksum = 0
    for col in range(size):
        cr = -2.0 + (0.5 - -2.0) * col / size
        zr = zi = 0.0
        n = 0
        while n < 1000 and zr * zr + zi * zi <= 4.0:
            zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
            n += 1
        checksum = (checksum * 1000003 + n) % 2**64
    return checksum
'''

FEW = ["-n", "2", "--reps", "1", "--warmup", "0"]


@unittest.skipIf(shutil.which("python3") is None, "no python3 on PATH")
class PyWorkloadTest(ParbenchTest):
    def setUp(self):
        super().setUp()
        self._work = tempfile.TemporaryDirectory(prefix="parbench-py-workload-")
        self.addCleanup(self._work.cleanup)
        self.work = Path(self._work.name)
        (self.work / "work.py").write_text(WORK)
        (self.work / "mandel.py").write_text(MANDEL)

    def run_in_work(self, *args, env=None):
        """`parbench run ARGS --out OUT` in the directory of the user's modules."""
        return subprocess.run([PARBENCH, "run", *args, "--out", self.out], cwd=self.work,
                              capture_output=True, text=True, timeout=120,
                              env=env or os.environ)

    def rows(self, *args, status=0):
        result = self.run_in_work(*args)
        self.assertEqual(result.returncode, status, result.stdout + result.stderr)
        self.stdout = result.stdout
        return Run(self.out)

    def assert_match_seq(self, run, strategies):
        self.assertEqual({r["strategy"] for r in run.raw}, {"seq", *strategies})
        seq = next(r["checksum"] for r in run.raw if r["strategy"] == "seq")
        for row in run.raw:
            self.assertEqual((row["ok"], row["error"], row["checksum"]), ("1", "", seq), row)

    def test_a_python_sum_of_squares_gives_seqs_checksum(self):
        py = ["py-seq", "py-threadpool", "py-pool", "py-asyncio"]
        run = self.rows("-w", "cpu.sumsq", "-s", ",".join(py), *SMALL["cpu.sumsq"], *FEW,
                        "--py-workload", "work:sumsq")
        self.assert_match_seq(run, py)
        self.assertEqual(run.meta["python"]["py_workload"], "work:sumsq")

    def test_a_workload_without_a_python_version_runs_the_function_beside_c(self):
        # As a C plugin (-w plugin:PATH.so) has none: the py-* cells run the file's function.
        py = ["py-seq", "py-process-per-task"]
        run = self.rows("-w", "cpu.mandel", "-s", ",".join(py), "--tasks", "8", "--size", "24",
                        *FEW, "--py-workload", f"{self.work}/mandel.py:row")
        self.assert_match_seq(run, py)

    def test_a_c_plugin_runs_beside_the_users_python(self):
        # tests/plugins/sumsq.c: cpu.sumsq as a C plugin, which has no Python version.
        built = subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-I", str(ROOT / "benchmarks"),
                                str(ROOT / "tests" / "plugins" / "sumsq.c"),
                                "-o", str(self.work / "sumsq.so")],
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(built.returncode, 0, built.stderr)
        workload = ["-w", "plugin:./sumsq.so", *SMALL["cpu.sumsq"], *FEW]
        alone = self.run_in_work(*workload, "-s", "pthreads,py-seq")
        self.assertIn("the py-* strategies skip test.sumsq: they have no Python version",
                      alone.stderr)
        py = ["pthreads", "py-seq", "py-threadpool", "py-pool"]
        run = self.rows(*workload, "-s", ",".join(py), "--py-workload", "work:sumsq")
        self.assert_match_seq(run, py)

    def test_a_function_that_disagrees_is_a_checksum_mismatch(self):
        run = self.rows("-w", "cpu.sumsq", "-s", "py-seq,py-pool", *SMALL["cpu.sumsq"], *FEW,
                        "--py-workload", "work:off_by_one", status=1)
        for row in run.raw:
            if row["strategy"] == "seq":
                self.assertEqual(row["ok"], "1", row)
            else:
                self.assertEqual(row["ok"], "0", row)
                self.assertRegex(row["error"], r"^checksum mismatch: \d+, but seq gave \d+$")

    def test_a_function_that_raises_or_returns_no_int_is_an_error_row(self):
        for function, message in (("raises", "task 3 failed: ValueError: no task 3 here"),
                                  ("text", "TypeError: work:text(0, 20000) returned str, "
                                           "not an int"),
                                  ("exits", "work:exits raised SystemExit: 3")):
            with self.subTest(function=function):
                # py-pool: a pool's worker that died would leave Pool.map waiting.
                run = self.rows("-w", "cpu.sumsq", "-s", "py-seq,py-pool",
                                *SMALL["cpu.sumsq"], *FEW, "--py-workload",
                                f"work:{function}", status=1)
                errors = [r["error"] for r in run.raw if r["strategy"] != "seq"]
                self.assertEqual(len(errors), 2, run.raw)
                for error in errors:
                    self.assertIn(message, error)
                    self.assertNotIn("\n", error)

    def test_alone_checked_against_py_seq(self):
        # --baseline py-seq: no C cell at all; py-seq's checksum the reference, its time the
        # base of every speedup.
        run = self.rows("-w", "cpu.sumsq", "-s", "py-all", "--baseline", "py-seq",
                        "--py-workload", "work:off_by_one", *SMALL["cpu.sumsq"], *FEW)
        self.assertEqual(len(run.raw), 7, run.raw)
        self.assertEqual(run.raw[0]["strategy"], "py-seq")
        self.assertEqual({(r["ok"], r["checksum"]) for r in run.raw},
                         {("1", run.raw[0]["checksum"])})
        for row in run.summary:
            self.assertNotEqual(row["speedup"], "", row)
        self.assertEqual(run.meta["plan"]["baseline"], "py-seq")
        refused = self.run_in_work("-w", "cpu.sumsq", "-s", "py-seq,pthreads", "--baseline",
                                   "py-seq", "--py-workload", "work:sumsq")
        self.assertEqual((refused.returncode, refused.stderr),
                         (2, "parbench run: --baseline 'py-seq' with --strategy 'pthreads'; "
                             "allowed: py-* strategies only, or --baseline seq\n"))
        self.assertIn("py-*: ran work:off_by_one (--py-workload), not parbench's Python "
                      "version of cpu.sumsq", self.stdout)

    def test_without_the_option_the_workloads_own_python_runs(self):
        # PARBENCH_PY_WORKLOAD is how a cell gets the option: one in the user's environment
        # does not count.
        env = dict(os.environ, PARBENCH_PY_WORKLOAD="work:off_by_one")
        result = self.run_in_work("-w", "cpu.sumsq", "-s", "py-seq", *SMALL["cpu.sumsq"], *FEW,
                                  env=env)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIsNone(Run(self.out).meta["python"]["py_workload"])

    def test_a_bad_value_is_refused_before_the_run(self):
        for value, reason in (("work", "no ':FUNCTION'"),
                              ("1work:sumsq", "'1work' is not a module's name"),
                              ("nosuch:sumsq", "No module named 'nosuch'"),
                              ("work:nosuch", "work.py has no nosuch"),
                              ("work:NOT_CALLABLE", "NOT_CALLABLE is not callable"),
                              ("missing.py:f", "missing.py: No such file or directory"),
                              ("workloads:sumsq", "a module of parbench's own")):
            with self.subTest(value=value):
                result = self.run_in_work("-w", "cpu.sumsq", "-s", "py-seq",
                                          "--py-workload", value)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
                self.assertIn(f"--py-workload '{value}'", result.stderr)
                self.assertIn(reason, result.stderr)
                self.assertIn("allowed: MODULE:FUNCTION", result.stderr)
                self.assertEqual(os.listdir(self.out), [])

    def test_it_is_the_python_version_of_one_workload(self):
        result = self.run_in_work("-w", "cpu.sumsq,cpu.nop", "-s", "py-seq",
                                  "--py-workload", "work:sumsq")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("-w names 2; allowed: one workload", result.stderr)
        self.assertEqual(os.listdir(self.out), [])


if __name__ == "__main__":
    unittest.main()
