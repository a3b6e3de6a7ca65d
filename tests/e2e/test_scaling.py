"""--scaling weak: tasks grow with the workers, checksums checked per task count, weak
efficiency and Gustafson's serial fraction in summary.csv, the table and the plots say so."""
import os
import re
import statistics
import subprocess
import tempfile
import unittest
from pathlib import Path

from helpers import SMALL, ParbenchTest, Run, parbench, read_csv
from test_report import report_python

PLAN = ("-w", "cpu.sumsq", "-s", "seq,pthreads,openmp-static", "-n", "1,2,4", "--reps", "3",
        "--warmup", "0", *SMALL["cpu.sumsq"])
TASKS = int(SMALL["cpu.sumsq"][1])
REPO = Path(__file__).resolve().parents[2]
WEAK_COLUMNS = ("weak_efficiency", "weak_efficiency_ci95_lo", "weak_efficiency_ci95_hi",
                "gustafson_serial_fraction")


def gustafson(points):
    """Gustafson's s fitted to (workers, T1 / Tn) points with workers > 1, as the docs say."""
    xy = sum((p - 1) * p * (1 - e) for p, e in points)
    xx = sum((p - 1) ** 2 for p, _ in points)
    return xy / xx


class WeakScalingTest(ParbenchTest):
    @classmethod
    def setUpClass(cls):
        cls.weak = cls.class_run(*PLAN, "--scaling", "weak")
        cls.strong = cls.class_run(*PLAN)

    def test_tasks_grow_with_the_workers(self):
        self.assertEqual(self.weak.meta["plan"]["scaling"], "weak")
        self.assertEqual(self.strong.meta["plan"]["scaling"], "strong")
        self.assertEqual({(r["strategy"], r["workers"], r["tasks"]) for r in self.weak.raw},
                         {("seq", "1", str(TASKS))} |
                         {(s, str(n), str(TASKS * n)) for s in ("pthreads", "openmp-static")
                          for n in (1, 2, 4)})
        self.assertEqual({r["tasks"] for r in self.strong.raw}, {str(TASKS)})

    def test_checksums_are_checked_per_task_count(self):
        self.assertTrue(all(r["ok"] == "1" and r["error"] == "" for r in self.weak.raw))
        by_tasks = {}
        for r in self.weak.raw:
            by_tasks.setdefault(r["tasks"], set()).add(r["checksum"])
        # One checksum a task count, and a different one for each: seq's could not check them.
        self.assertEqual([len(sums) for sums in by_tasks.values()], [1, 1, 1])
        self.assertEqual(len(set.union(*by_tasks.values())), 3)

    def test_weak_efficiency_and_gustafson_under_weak_only(self):
        for r in self.weak.summary:
            with self.subTest(strategy=r["strategy"], workers=r["workers"]):
                # The cell does workers x seq's work: T1 / Tn is the speedup's ratio.
                self.assertEqual((r["weak_efficiency"], r["weak_efficiency_ci95_lo"],
                                  r["weak_efficiency_ci95_hi"]),
                                 (r["speedup"], r["speedup_ci95_lo"], r["speedup_ci95_hi"]))
                self.assertNotEqual(r["weak_efficiency"], "")
                self.assertEqual((r["efficiency"], r["karp_flatt"]), ("", ""))
        for strategy in ("pthreads", "openmp-static"):
            rows = [r for r in self.weak.summary if r["strategy"] == strategy]
            points = [(int(r["workers"]), float(r["weak_efficiency"])) for r in rows
                      if int(r["workers"]) > 1]
            for r in rows:
                self.assertAlmostEqual(float(r["gustafson_serial_fraction"]), gustafson(points),
                                       places=6)
        seq = next(r for r in self.weak.summary if r["strategy"] == "seq")
        self.assertEqual(seq["gustafson_serial_fraction"], "")   # one worker: nothing to fit
        for r in self.strong.summary:
            self.assertEqual([r[c] for c in WEAK_COLUMNS], [""] * 4)
            self.assertNotEqual(r["efficiency"], "")

    def test_the_table_says_which_kind(self):
        result = parbench("run", *PLAN, "--scaling", "weak", "--reps", "1", "--out", self.out)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("\nWeak scaling (--scaling weak): ", result.stdout)
        self.assertIn(f"cpu.sumsq: weak scaling, {TASKS} tasks a worker x", result.stdout)
        self.assertRegex(result.stdout, r"weak efficiency: pthreads: [\d.]+ at 1, [\d.]+ at 2, "
                                        r"[\d.]+ at 4\n")
        self.assertIn("w.eff", result.stdout)
        # A best line per worker count, each naming cells of that count only.
        bests = re.findall(r"(?m)^  best at (\d+) workers?: (.*)$", result.stdout)
        self.assertEqual([n for n, _ in bests], ["1", "2", "4"])
        for n, line in bests:
            self.assertEqual(set(re.findall(r"\((\d+) workers?\)", line)), {n}, line)
        result = parbench("run", *PLAN, "--reps", "1", "--out", self.out)
        self.assertIn("\nStrong scaling: the same tasks at every worker count.", result.stdout)
        self.assertIn(f"cpu.sumsq: {TASKS} tasks x", result.stdout)
        self.assertRegex(result.stdout, r"(?m)^  best: ")
        self.assertNotIn("weak", result.stdout)

    def test_a_wrong_checksum_is_seen_among_the_cells_of_its_task_count(self):
        os.environ["PARBENCH_FAULT"] = "checksum:3:pthreads"
        self.addCleanup(os.environ.pop, "PARBENCH_FAULT")
        result = parbench("run", "-w", "cpu.sumsq", "-s", "pthreads,openmp-static", "-n", "1,2",
                          "--scaling", "weak", "--reps", "1", "--warmup", "0", "--order",
                          "sequential", *SMALL["cpu.sumsq"], "--out", self.out)
        self.assertEqual(result.returncode, 1, result.stderr)
        errors = {(r["strategy"], r["workers"]): r["error"]
                  for r in Run(self.out).raw}
        # At seq's task count, seq is the reference; at twice it, the first cell that ran.
        self.assertRegex(errors[("pthreads", "1")], r"^checksum mismatch: \d+, but seq gave \d+$")
        self.assertEqual(errors[("openmp-static", "1")], "")
        self.assertEqual(errors[("pthreads", "2")], "")
        self.assertRegex(errors[("openmp-static", "2")],
                         r"^checksum mismatch: \d+, but pthreads gave \d+$")

    def test_the_plot_is_weak_efficiency(self):
        with tempfile.TemporaryDirectory(prefix="parbench-plots-") as plots:
            subprocess.run([str(REPO / "scripts/plot.sh"), str(self.weak.dir), plots],
                           check=True, capture_output=True, text=True)
            drawn = {p.name for p in Path(plots).iterdir()}
        self.assertIn("cpu.sumsq-weak-efficiency.png", drawn)
        self.assertNotIn("cpu.sumsq-speedup.png", drawn)

    def test_a_bad_kind_is_refused(self):
        result = parbench("run", "--scaling", "medium", "--out", self.out)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, "parbench run: --scaling 'medium' is unknown; allowed: "
                                        "strong, weak\n")

    def test_tasks_that_the_most_workers_take_past_the_cap_are_refused(self):
        # 6,000,000 tasks are allowed; times 2 workers they are not, and nothing is written.
        result = parbench("run", "-w", "cpu.nop", "-s", "seq,pthreads", "--tasks", "6000000",
                          "-n", "1,2", "--scaling", "weak", "--out", self.out)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, "parbench run: --scaling weak: cpu.nop's 6000000 tasks "
                                        "x 2 workers are more than 10000000 tasks; allowed: "
                                        "tasks x the most workers up to 10000000 (--tasks, "
                                        "--workers)\n")
        self.assertEqual(os.listdir(self.out), [])


class WeakScalingAnswersTest(ParbenchTest):
    """What a weak run answers: verdicts, crossovers, plots and the report set only cells of
    the same work against each other, or draw weak efficiency, never a speedup."""

    @classmethod
    def setUpClass(cls):
        cls._out = tempfile.TemporaryDirectory(prefix="parbench-test-")
        cls.addClassCleanup(cls._out.cleanup)
        cls.result = parbench("run", "-w", "cpu.sumsq", "-s", "seq,pthreads,openmp-static",
                              "-n", "1,2", "--scaling", "weak", "--tasks", "4",
                              "--size", "2000,20000", "--reps", "3", "--warmup", "0",
                              "--export-markdown", f"{cls._out.name}/summary.md",
                              "--out", cls._out.name)
        if cls.result.returncode != 0:
            raise AssertionError(cls.result.stdout + cls.result.stderr)
        cls.answers = Run(cls._out.name)
        cls.verdicts = read_csv(cls.answers.dir / "verdicts.csv")[1]

    def test_a_verdict_per_task_count_among_cells_of_that_count(self):
        cells = {(r["strategy"], r["workers"], r["size"]): r["tasks"] for r in self.answers.summary}
        groups = {}
        for v in self.verdicts:
            # Each contender's cell has its verdict's tasks: the same work.
            self.assertEqual(cells[(v["strategy"], v["workers"], v["size"])], v["tasks"])
            groups.setdefault((v["size"], v["tasks"]), []).append(v)
        self.assertEqual(set(groups), {(z, t) for z in ("2000", "20000") for t in ("4", "8")})
        for (size, tasks), rows in groups.items():
            self.assertEqual([r["rank"] for r in rows], [str(i) for i in range(1, len(rows) + 1)])
            self.assertEqual("seq" in {r["strategy"] for r in rows}, tasks == "4")

    def test_the_markdown_export_says_its_speedup_is_the_weak_efficiency(self):
        text = Path(self._out.name, "summary.md").read_text()
        self.assertIn("\nWeak scaling (--scaling weak): a cell has its workers times seq's "
                      "tasks; its speedup is seq's time over its, T1 / Tn, the weak "
                      "efficiency.\n", text)

    def test_no_crossover_under_weak_scaling(self):
        self.assertEqual({r["crossover_size"] for r in self.answers.summary}, {""})
        self.assertIn("cpu.sumsq: no task size above which a strategy beats seq under weak "
                      "scaling", self.result.stdout)
        self.assertNotIn("above which each strategy beats seq", self.result.stdout)

    def test_the_plots_draw_weak_efficiency_only(self):
        with tempfile.TemporaryDirectory(prefix="parbench-plots-") as plots:
            done = subprocess.run([str(REPO / "scripts/plot.sh"), str(self.answers.dir), plots],
                                  check=True, capture_output=True, text=True)
            drawn = {p.name for p in Path(plots).iterdir()}
            overview = (Path(plots) / "overview.svg").read_text()
        self.assertEqual(drawn, {f"{n}.{x}" for n in ("cpu.sumsq-weak-efficiency", "overview")
                                 for x in ("png", "svg")})
        self.assertIn("weak efficiency T1 / Tn at the largest worker count", overview)
        self.assertNotIn("speedup", overview)
        self.assertIn("plot: cpu.sumsq-granularity: under --scaling weak", done.stderr)

    def test_the_report_draws_weak_efficiency_and_claims_nothing_from_it(self):
        python = report_python()
        if not python:
            self.skipTest("no python3 with matplotlib: run bash scripts/install-deps.sh")
        subprocess.run([python, str(REPO / "scripts/report.py"), str(self.answers.dir)],
                       check=True, capture_output=True, text=True)
        page = (self.answers.dir / "report.html").read_text()
        figures = re.findall(r'<figure id="([^"]+)"', page)
        self.assertIn(f"fig-weak-{self.answers.meta['run_id']}-cpu.sumsq", figures)
        self.assertFalse([f for f in figures if f.startswith(("fig-scaling", "fig-heatmap",
                                                             "fig-granularity"))], figures)
        self.assertIn("The claims are judged on strong-scaling runs only", page)
        self.assertIn("no crossover size under weak scaling", page)
        findings = re.findall(r"<p class=finding><b>([^<]+)</b>", page)
        self.assertEqual(sorted(findings), sorted(f"cpu.sumsq, {n}, size {z}"
                                                  for n in ("1 worker", "2 workers")
                                                  for z in ("2000", "20000")))


class WeakTaskCostTest(ParbenchTest):
    def test_a_task_costs_its_share_of_its_own_tasks(self):
        """cpu.nop under weak scaling: a cell's cost per task is against seq's time a task,
        not seq's time for half its tasks: the Hodges-Lehmann shift of the times a task."""
        run = self.run_ok("-w", "cpu.nop", "-s", "seq,pthreads", "-n", "2", "--scaling", "weak",
                          "--tasks", "50", "--reps", "3", "--warmup", "0")
        per_task = {}
        for r in run.raw:
            per_task.setdefault(r["strategy"], []).append(float(r["wall_s"]) / int(r["tasks"]))
        shift = statistics.median(a - b for a in per_task["pthreads"] for b in per_task["seq"])
        cell = next(r for r in run.summary if r["strategy"] == "pthreads")
        self.assertEqual(cell["tasks"], "100")
        self.assertAlmostEqual(float(cell["task_cost_s"]), shift, delta=1e-9)


if __name__ == "__main__":
    unittest.main()
