"""The answer a run gives: verdicts.csv and the table's verdict lines, --budget's cuts, and
the noise said once at the end with its A/A control."""
import csv
import json
import math
import os
import re
import subprocess
from datetime import datetime
from pathlib import Path

from helpers import PARBENCH, ROOT, ParbenchTest, read_csv, tag_processes

# Sleeps take what they ask, whatever else the machine does: verdicts that cannot wobble.
SLEEPS = ["-w", "io.sleep", "--tasks", "4", "--size", "20000", "--warmup", "0"]


def number(text):
    return float(text) if text != "" else math.nan


class VerdictFileTest(ParbenchTest):
    def test_verdicts_csv_ranks_each_strategys_best_cell(self):
        # 4 sleeps of 20 ms: seq 80 ms; pthreads 40 ms on 2 workers, 20 ms on 4.
        run = self.run_ok(*SLEEPS, "-s", "seq,pthreads,pthreads-per-task", "-n", "2,4",
                          "--reps", "5")
        header, rows = read_csv(run.dir / "verdicts.csv")
        self.assertEqual(header, run.columns("verdicts.csv"))
        self.assertEqual([r["rank"] for r in rows], ["1", "2", "3"])
        self.assertEqual({r["strategy"] for r in rows}, {"seq", "pthreads", "pthreads-per-task"})
        medians = [float(r["wall_median_s"]) for r in rows]
        self.assertEqual(medians, sorted(medians), "fastest first")
        leader = rows[0]
        self.assertEqual((leader["role"], leader["ratio"]), ("leader", "1"))
        self.assertEqual(rows[-1]["strategy"], "seq")
        self.assertEqual(rows[-1]["role"], "slower")
        # Each contender is its strategy's cell with the lowest median.
        for r in rows:
            cells = [s for s in run.summary if s["strategy"] == r["strategy"]]
            best = min(cells, key=lambda s: float(s["wall_median_s"]))
            self.assertEqual(r["workers"], best["workers"], r)
            lo, ratio, hi = (number(r[k]) for k in ("ratio_lo", "ratio", "ratio_hi"))
            self.assertTrue(lo <= ratio <= hi, r)
            self.assertTrue(number(r["equivalence_lo"]) >= lo - 1e-12, r)
        # seq sleeps 4 times as long as the 4 workers: no doubt about that one.
        self.assertLess(number(rows[-1]["p_slower"]), 0.05)
        self.assertEqual({r["verdict"] for r in rows}, {rows[0]["verdict"]})
        # The verdict line starts from the leader, whatever the verdict.
        line = next(x for x in self.stdout.splitlines() if x.startswith("  best: "))
        self.assertIn(f"{leader['strategy']} ({leader['workers']} workers)", line)
        self.assertIn("itself chosen from these data", self.stdout)

    def test_the_json_export_carries_the_verdicts(self):
        path = f"{self.out}/run.json"
        run = self.run_ok(*SLEEPS, "-s", "seq,pthreads", "-n", "2", "--reps", "4",
                          "--export-json", path)
        with open(path) as f:
            doc = json.load(f)
        _, rows = read_csv(run.dir / "verdicts.csv")
        (verdict,) = doc["verdicts"]
        self.assertEqual(verdict["verdict"], rows[0]["verdict"])
        self.assertEqual([c["strategy"] for c in verdict["contenders"]],
                         [r["strategy"] for r in rows])
        self.assertEqual(len(verdict["contenders"][1]["ratio_interval"]), 2)

    def test_equivalence_margin_is_an_option(self):
        run = self.run_ok(*SLEEPS, "-s", "seq", "--reps", "2", "--equivalence", "5%")
        _, rows = read_csv(run.dir / "verdicts.csv")
        self.assertEqual(rows[0]["margin"], "0.05")
        self.assertEqual(run.meta["plan"]["equivalence"], 0.05)

    def test_overhead_workload_is_a_cost_per_task(self):
        run = self.run_ok("-w", "cpu.nop", "--tasks", "50", "-s", "seq,pthreads-per-task",
                          "-n", "1", "--reps", "4")
        self.assertIn("what a task costs each strategy", self.stdout)
        self.assertIn("per task above seq", self.stdout)
        self.assertNotIn("serial f", self.stdout)
        for row in run.summary:
            cost = [number(row[k]) for k in
                    ("task_cost_ci95_lo_s", "task_cost_s", "task_cost_ci95_hi_s")]
            if row["strategy"] == "seq":
                self.assertEqual(cost, [0, 0, 0])
            else:   # a thread created and joined per task costs more than a call
                self.assertTrue(0 < cost[0] <= cost[1] <= cost[2], row)


class BudgetTest(ParbenchTest):
    def test_a_tiny_budget_cuts_repetitions_and_says_so(self):
        # 2 cells and the control of 10 sleeps of 0.2 s: 6 s wanted, 3 s given.
        args = ["-w", "io.sleep", "--tasks", "1", "--size", "200000", "--warmup", "0",
                "-s", "seq,pthreads", "-n", "1", "--reps", "10"]
        run = self.run_ok(*args, "--budget", "3")
        self.assertRegex(self.stderr, r"parbench: plan: 2 cells and the A/A control x 10 "
                                      r"repetitions, about 0:0\d .*--budget 0:03")
        measured = [r for r in run.raw if r["cut"] == ""]
        cuts = [r for r in run.raw if r["cut"] != ""]
        self.assertLess(sum(float(r["wall_s"]) for r in measured), 3.0)
        self.assertTrue(cuts, "some cell got fewer than 10")
        for cut in cuts:
            # 10 or more wanted: time left after the plan goes to groups still undecided.
            self.assertRegex(cut["cut"], r"^\d+ of \d+ repetitions: a visit costs ")
            got, wanted = re.findall(r"\d+", cut["cut"])[:2]
            self.assertLess(int(got), int(wanted))
            self.assertGreaterEqual(int(wanted), 10)
            self.assertEqual((cut["ok"], cut["error"], cut["wall_s"]), ("0", "", ""))
            row = next(s for s in run.summary if s["strategy"] == cut["strategy"])
            self.assertEqual(row["cut"], cut["cut"])
            self.assertEqual(row["reps"], cut["rep"], "the cut row follows the last one")
            self.assertEqual(row["ok"], "1", "a cut is not a failure")
        self.assertIn("  cut: ", self.stdout)
        end = run.meta["end"]
        self.assertEqual(run.meta["plan"]["budget_s"], 3)
        self.assertTrue(end)

    def test_a_visit_past_its_cap_is_stopped_not_failed(self):
        # The cap of --budget 4 is 2 s (half of it, below 5 s); pthreads' task hangs, so its
        # visit runs past that.  seq, which its group needs, is never stopped.
        tag_processes(self)
        os.environ["PARBENCH_FAULT"] = "hang:0:pthreads"
        run = self.run_ok("-w", "io.sleep", "--tasks", "1", "--size", "100000", "--warmup", "0",
                          "-s", "seq,pthreads", "-n", "1", "--reps", "2", "--budget", "4")
        rows = {r["strategy"]: r for r in run.summary}
        self.assertEqual(rows["seq"]["reps"], "2")
        self.assertEqual(rows["pthreads"]["reps"], "0")
        self.assertRegex(rows["pthreads"]["cut"], r"^a visit ran past 2 s, the most one may "
                                                  r"take of --budget 4 s$")
        self.assertFalse([r for r in run.raw if r["error"]], "no error row")

    def test_budget_with_reps_auto_is_refused(self):
        from helpers import parbench
        result = parbench("run", "--budget", "10", "--reps", "auto", "--out", self.out)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--budget '10' with --reps auto", result.stderr)


class NoiseTest(ParbenchTest):
    def test_noise_is_said_once_at_the_end_with_the_control(self):
        run = self.run_ok(*SLEEPS, "-s", "seq,pthreads", "-n", "1,2", "--reps", "4",
                          "--verbose")
        lines = self.stderr.splitlines()
        # The machine's warnings, one line each, then the noise line and the cells it lists.
        noisy = run.meta["noise"]["noisy_cells"]
        self.assertEqual(len(lines), len(run.meta["warnings"]) + 1 + len(noisy), lines)
        line = lines[len(run.meta["warnings"])]
        self.assertTrue(line.startswith(f"parbench: noise: {len(noisy)} of {len(run.summary)} "
                                        "cells varied by more than 5%"), line)
        self.assertRegex(line, r"; A/A control \(io\.sleep's seq run again as a cell\): "
                               r"[0-9.]+x \[[0-9.]+, [0-9.]+\] the first's time, p [0-9.e-]+, so "
                               r"two identical cells are called different \d+% of the time at 4 "
                               r"repetitions")
        noise = run.meta["noise"]
        self.assertEqual(noise["control"]["workload"], "io.sleep")
        self.assertEqual(noise["cv_threshold"], 0.05)
        self.assertEqual(noise["cells"], len(run.summary))
        for cell in noise["noisy_cells"]:
            self.assertGreater(cell["cv"], 0.05)
        _, control_rows = read_csv(run.dir / "control.csv")
        self.assertEqual([r["strategy"] for r in control_rows], ["seq"] * 4)
        self.assertEqual(len([r for r in run.raw if r["strategy"] == "seq"]), 4,
                         "the control's rows are not seq's")
        walls = [float(r["wall_s"]) for r in control_rows]
        self.assertTrue(all(0.08 <= w < 1 for w in walls), walls)


class BenchScriptTest(ParbenchTest):
    def test_make_bench_runs_its_two_parts_within_the_budget(self):
        # scripts/bench.sh as `make bench` calls it, with small jobs: both parts, each with its
        # budget, its estimate, its verdicts and its plots.
        result = subprocess.run(
            ["bash", str(ROOT / "scripts" / "bench.sh"), PARBENCH, self.out, "60",
             "-s", "seq,pthreads", "-n", "2", "--tasks", "8", "--size", "1000"],
            capture_output=True, text=True, timeout=300, cwd=self.out)     # plots/ goes there
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("make bench: two parts within 60 s (--budget)", result.stdout)
        self.assertRegex(result.stdout, r"make bench: \d+ s of 60 s")
        self.assertEqual(len(re.findall(r"parbench: plan: ", result.stderr)), 2, result.stderr)
        runs = sorted(p for p in Path(self.out).iterdir() if p.name not in ("latest", "plots"))
        self.assertEqual(len(runs), 2)
        kinds = []
        for run in runs:
            meta = json.loads((run / "meta.json").read_text())
            kinds.append(meta["plan"]["workloads"])
            self.assertTrue((run / "verdicts.csv").is_file())
        self.assertEqual(kinds, [["cpu.sumsq", "cpu.mandel", "cpu.nop", "mem.triad"],
                                 ["io.sleep", "io.file", "io.http"]])
        # The first part gets 65% of the budget, less 5 s for its plots; the I/O part what
        # the first left of it, less 5 s again: together within the budget.
        cpu, io = (json.loads((r / "meta.json").read_text()) for r in runs)
        cpu_took = (datetime.fromisoformat(cpu["end"].replace("Z", "+00:00")) -
                    datetime.fromisoformat(cpu["start"].replace("Z", "+00:00"))).total_seconds()
        self.assertEqual(cpu["plan"]["budget_s"], 60 * 65 // 100 - 5)
        self.assertLessEqual(cpu_took + io["plan"]["budget_s"], 60 - 5 + 1)
