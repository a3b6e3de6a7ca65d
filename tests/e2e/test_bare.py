"""The bare-* strategies: each mechanism alone in parbench-bare, a small program of its own,
on cpu.nop's empty tasks, beside the strategy built on it (make bench-overhead)."""
import os
import re
import shutil
import subprocess
import tempfile

from helpers import PARBENCH, ParbenchTest, Run, parbench

PAIRS = {"pthreads-per-task": "bare-thread", "fork-per-task": "bare-fork",
         "pthreads": "bare-pool", "fork": "bare-fork-pool", "openmp-static": "bare-omp"}


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
                self.assertEqual(row["counterpart"], PAIRS[row["strategy"]])
                self.assertEqual(row["counterpart_workers"], row["workers"])
                lo, ratio, hi = (float(row[k]) for k in (
                    "counterpart_ratio_ci95_lo", "counterpart_ratio", "counterpart_ratio_ci95_hi"))
                self.assertTrue(0 < lo <= ratio <= hi, row)
        self.assertRegex(self.result.stdout, r"mechanism: pthreads-per-task \(\d workers?\) takes "
                                             r"[\d.]+x \[[\d.]+, [\d.]+\] the time of bare-thread")

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
        self.assertAlmostEqual(float(shown.group(3)), float(best["counterpart_ratio"]),
                               delta=0.006)
