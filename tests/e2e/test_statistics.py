"""The figures a reader must be able to trust: intervals, outliers, scaling models,
--reps auto, pinning and task size as axes, and the exports."""
import json
import math

from helpers import ParbenchTest, Run


def number(text):
    return float(text) if text != "" else math.nan


def median_ci_width(walls):
    """Half the order-statistic 95% interval of the median over the median (README)."""
    v, n = sorted(walls), len(walls)
    below, k = 0.5 ** n, 1      # P(Binomial(n, 1/2) < k)
    while k < (n + 1) // 2:
        nxt = below + math.comb(n, k) * 0.5 ** n
        if 1 - 2 * nxt < 0.95:
            break
        below, k = nxt, k + 1
    mid = (v[(n - 1) // 2] + v[n // 2]) / 2
    return (v[n - k] - v[k - 1]) / 2 / mid


class StatisticsTest(ParbenchTest):
    def test_summary_carries_intervals_outliers_and_serial_fraction(self):
        run = self.run_ok("-w", "cpu.sumsq", "-s", "seq,pthreads", "-n", "1,2", "--tasks", "8",
                          "--size", "100000", "--reps", "6")
        for row in run.summary:
            self.assertTrue(0 <= int(row["outliers"]) <= int(row["reps"]), row)
            lo, s, hi = (number(row[k]) for k in ("speedup_ci95_lo", "speedup", "speedup_ci95_hi"))
            self.assertLessEqual(lo, s, row)
            self.assertLessEqual(s, hi, row)
            workers = int(row["workers"])
            self.assertAlmostEqual(number(row["efficiency_ci95_lo"]), lo / workers, places=6)
            self.assertAlmostEqual(number(row["efficiency_ci95_hi"]), hi / workers, places=6)
            if workers == 1:
                self.assertEqual(row["karp_flatt"], "", row)
            else:   # Karp-Flatt: (1/S - 1/p) / (1 - 1/p)
                want = (1 / s - 1 / workers) / (1 - 1 / workers)
                self.assertAlmostEqual(number(row["karp_flatt"]), want, places=6)
            self.assertEqual(row["crossover_size"], "", "one size: no crossover")

    def test_reps_auto_takes_at_least_five_and_stops_at_max_time(self):
        # Each repetition sleeps 0.1 s: after the first five a cell has spent more
        # than --max-time, so it stops there whatever its interval.
        run = self.run_ok("-w", "io.sleep", "-s", "seq,pthreads", "-n", "1", "--tasks", "1",
                          "--size", "100000", "--reps", "auto", "--max-time", "0.3")
        self.assertEqual([r["reps"] for r in run.summary], ["5", "5"])
        self.assertEqual(run.meta["plan"]["reps"], "auto")

    def test_reps_auto_goes_on_until_the_interval_is_narrow(self):
        run = self.run_ok("-w", "cpu.nop", "-s", "seq,pthreads", "-n", "2", "--tasks", "50",
                          "--reps", "auto", "--max-time", "3")
        for row in run.summary:
            walls = [float(r["wall_s"]) for r in run.raw if r["strategy"] == row["strategy"]]
            self.assertEqual(len(walls), int(row["reps"]))
            self.assertGreaterEqual(len(walls), 5)
            if len(walls) > 5:  # it went on only because the interval was still wide
                self.assertGreater(median_ci_width(walls[:-1]), 0.02, row)
            width = (number(row["wall_ci95_hi_s"]) - number(row["wall_ci95_lo_s"])) / 2
            self.assertAlmostEqual(width / number(row["wall_median_s"]), median_ci_width(walls))

    def test_pin_is_an_axis(self):
        run = self.run_ok("-w", "cpu.nop", "-s", "seq,pthreads", "-n", "2", "--tasks", "20",
                          "--pin", "compact", "--pin", "none", "--reps", "3")
        cells = sorted((r["strategy"], r["pin"]) for r in run.summary)
        self.assertEqual(cells, [("pthreads", "compact"), ("pthreads", "none"),
                                 ("seq", "compact")])
        self.assertEqual(run.meta["plan"]["pin"], ["compact", "none"])
        self.assertIn("pinning:", self.stdout)

    def test_size_is_an_axis_with_a_crossover(self):
        run = self.run_ok("-w", "cpu.sumsq", "-s", "seq,pthreads", "-n", "2", "--tasks", "8",
                          "--size", "10,1000000", "--reps", "3")
        self.assertEqual(sorted((r["strategy"], r["size"]) for r in run.summary),
                         [("pthreads", "10"), ("pthreads", "1000000"),
                          ("seq", "10"), ("seq", "1000000")])
        for row in run.summary:
            if row["strategy"] == "seq":
                self.assertEqual(row["speedup"], "1", row)
                self.assertEqual(row["crossover_size"], "", row)
        self.assertIn("above which each strategy beats seq", self.stdout)
        self.assertEqual(run.meta["plan"]["size"], [10, 1000000])

    def test_exports(self):
        json_path, md_path = f"{self.out}/s.json", f"{self.out}/s.md"
        run = self.run_ok("-w", "cpu.nop", "-s", "seq,pthreads", "-n", "2", "--tasks", "20",
                          "--reps", "2", "--export-json", json_path, "--export-markdown", md_path)
        with open(json_path) as f:
            doc = json.load(f)
        self.assertEqual(doc["run_id"], run.summary[0]["run_id"])
        self.assertEqual([(c["strategy"], c["workers"]) for c in doc["cells"]],
                         [(r["strategy"], int(r["workers"])) for r in run.summary])
        for cell, row in zip(doc["cells"], run.summary):
            self.assertAlmostEqual(cell["wall_median_s"], number(row["wall_median_s"]))
            self.assertEqual(len(cell["speedup_ci95"]), 2)
        with open(md_path) as f:
            lines = f.read().splitlines()
        table = [line for line in lines if line.startswith("|")]
        self.assertTrue(table[0].startswith("| workload | strategy | workers |"))
        self.assertEqual(len(table), 2 + len(run.summary))
