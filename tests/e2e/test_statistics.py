"""The figures a reader must be able to trust: intervals, outliers, scaling models,
--reps auto, pinning and task size as axes, and the exports."""
import json
import math

from helpers import ParbenchTest, Run, ratio_ci


def number(text):
    return float(text) if text != "" else math.nan


def median_ci(walls, level=0.95):
    """The order-statistic interval of the median (docs/output.md, summary.csv): x(k) and
    x(n+1-k) with the largest k whose binomial coverage is at least `level`, else min and max."""
    v, n = sorted(walls), len(walls)
    below, k = 0.5 ** n, 1      # P(Binomial(n, 1/2) < k)
    while k < (n + 1) // 2:
        nxt = below + math.comb(n, k) * 0.5 ** n
        if 1 - 2 * nxt < level:
            break
        below, k = nxt, k + 1
    return v[k - 1], v[n - k]


def median(walls):
    v, n = sorted(walls), len(walls)
    return (v[(n - 1) // 2] + v[n // 2]) / 2


def median_ci_width(walls):
    """Half the 95% interval of the median over the median."""
    lo, hi = median_ci(walls)
    return (hi - lo) / 2 / median(walls)


class StatisticsTest(ParbenchTest):
    def test_summary_carries_intervals_outliers_and_serial_fraction(self):
        run = self.run_ok("-w", "cpu.sumsq", "-s", "seq,pthreads", "-n", "1,2", "--tasks", "8",
                          "--size", "100000", "--reps", "6")
        walls = {}
        for r in run.raw:
            walls.setdefault((r["strategy"], r["workers"]), []).append(float(r["wall_s"]))
        for row in run.summary:
            if row["strategy"] != "seq":   # seq's times over the cell's: Hodges-Lehmann
                want = ratio_ci(walls[("seq", "1")], walls[(row["strategy"], row["workers"])])
                got = [number(row[k]) for k in ("speedup", "speedup_ci95_lo", "speedup_ci95_hi")]
                for g, w in zip(got, want):
                    self.assertAlmostEqual(g / w, 1, places=6, msg=(got, want))
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
        # A single empty task takes microseconds and jitters by tens of percent: its
        # interval is not within 2% after five repetitions, so auto must go on.
        run = self.run_ok("-w", "cpu.nop", "-s", "seq,pthreads", "-n", "2", "--tasks", "1",
                          "--reps", "auto", "--max-time", "0.5", "--order", "sequential")
        self.assertTrue(any(int(row["reps"]) > 5 for row in run.summary), run.summary)
        for row in run.summary:
            # A visit costs a new process, milliseconds: 0.5 s stops a cell long before
            # the 1000 repetitions it would take if --max-time were ignored.
            self.assertLess(int(row["reps"]), 500, row)
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
        speedup = {r["size"]: number(r["speedup"]) for r in run.summary
                   if r["strategy"] == "pthreads"}
        low, high = speedup["10"], speedup["1000000"]
        if high < 1:        # it loses at the largest size: no crossover
            want = ""
        elif low >= 1:      # it wins at every size: the smallest
            want = 10
        else:               # interpolated in log(size) between the two sizes
            want = math.exp(math.log(10) + (1 - low) / (high - low) * math.log(1000000 / 10))
        for row in run.summary:
            if row["strategy"] == "seq":
                self.assertEqual(row["speedup"], "1", row)
                self.assertEqual(row["crossover_size"], "", row)
            elif want == "":
                self.assertEqual(row["crossover_size"], "", row)
            else:
                self.assertAlmostEqual(number(row["crossover_size"]) / want, 1, places=5)
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
        self.assertIn("Strong scaling: the same tasks at every worker count.", lines)
        table = [line for line in lines if line.startswith("|")]
        self.assertTrue(table[0].startswith("| workload | strategy | workers |"))
        self.assertEqual(len(table), 2 + len(run.summary))

    def test_the_table_names_a_best_strategy_only_when_tested(self):
        # 8 sleeps of 20 ms: seq takes 160 ms, pthreads on 8 workers 20 ms, every time;
        # 5 repetitions each separate them completely (p = 2/252), 3 cannot (p >= 0.1).  A
        # repetition would have to stall 140 ms to blur them (at 2 workers, 80 ms did once,
        # under ASan on a loaded machine).
        args = ["-w", "io.sleep", "-s", "seq,pthreads", "-n", "8", "--tasks", "8",
                "--size", "20000", "--warmup", "0"]
        self.run_ok(*args, "--reps", "5")
        self.assertRegex(self.stdout, r"best: pthreads \(8 workers\), faster than the only "
                         r"other one \(Mann-Whitney U, 5%\), seq \(1 worker\), takes [2-8]\.\d\dx")
        self.run_ok(*args, "--reps", "3", "--pin", "compact", "--pin", "none")
        self.assertRegex(self.stdout, r"best: not decided between pthreads \(8 workers\) and "
                         r"seq \(1 worker\) \([2-8]\.\d\dx \[[0-9.]+, [0-9.]+\]\): about \d+ "
                         r"repetitions a cell would likely decide \(--reps \d+\)")
        self.assertIn("pinning: not testable: Holm over 1 needs p below 0.05", self.stdout)
