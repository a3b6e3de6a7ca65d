"""raw.csv, summary.csv and meta.json follow the output contract."""
import math
import os
import unittest

from helpers import RAW_COLUMNS, SUMMARY_COLUMNS, ParbenchTest, ratio_ci


class OutputTest(ParbenchTest):
    def setUp(self):
        super().setUp()
        self.run = self.run_ok("-w", "cpu.sumsq,cpu.nop", "-s", "seq,pthreads,fork", "-n", "1,2",
                               "--tasks", "8", "--size", "10000", "--reps", "3", "--warmup", "1")

    def test_columns(self):
        self.assertEqual(self.run.raw_header, RAW_COLUMNS)
        self.assertEqual(self.run.summary_header, SUMMARY_COLUMNS)

    def test_one_raw_row_per_repetition_and_one_summary_row_per_cell(self):
        cells = 2 * (1 + 2 * 2)  # workloads x (seq + strategies x worker counts)
        self.assertEqual(len(self.run.summary), cells)
        self.assertEqual(len(self.run.raw), 3 * cells)
        for row in self.run.summary:
            reps = sorted(int(r["rep"]) for r in self.run.raw
                          if (r["workload"], r["strategy"], r["workers"]) ==
                          (row["workload"], row["strategy"], row["workers"]))
            self.assertEqual(reps, [0, 1, 2])
            self.assertEqual(row["reps"], "3")

    def test_summary_figures_are_consistent(self):
        for row in self.run.summary:
            walls = sorted(float(r["wall_s"]) for r in self.run.raw
                           if (r["workload"], r["strategy"], r["workers"]) ==
                           (row["workload"], row["strategy"], row["workers"]))
            median = float(row["wall_median_s"])
            self.assertAlmostEqual(median, walls[1], places=6)
            self.assertAlmostEqual(float(row["wall_min_s"]), walls[0], places=6)
            self.assertAlmostEqual(float(row["wall_max_s"]), walls[-1], places=6)
            self.assertLessEqual(float(row["wall_ci95_lo_s"]), median)
            self.assertGreaterEqual(float(row["wall_ci95_hi_s"]), median)
            seq_walls = [float(r["wall_s"]) for r in self.run.raw
                         if (r["workload"], r["strategy"]) == (row["workload"], "seq")]
            speedup = 1 if row["strategy"] == "seq" else ratio_ci(seq_walls, walls)[0]
            self.assertTrue(math.isclose(float(row["speedup"]), speedup, rel_tol=1e-6))
            self.assertTrue(math.isclose(float(row["efficiency"]),
                                         speedup / int(row["workers"]), rel_tol=1e-6))
            self.assertEqual(row["ok"], "1")

    def test_rows_carry_measurements(self):
        for row in self.run.raw:
            self.assertGreater(float(row["wall_s"]), 0)
            self.assertGreater(int(row["max_rss_kb"]), 0)
            self.assertLessEqual(float(row["lat_p50_s"]), float(row["lat_p99_s"]))
            self.assertEqual(len(row["cpus"].split(";")), int(row["workers"]))
            # A cell process starts in well under a second; only MPI tells work from launch.
            self.assertTrue(0 < float(row["startup_s"]) < 1, row)
            self.assertEqual(row["work_s"], "", row)

    def test_summary_startup_is_the_median_of_the_rows(self):
        for row in self.run.summary:
            startups = sorted(float(r["startup_s"]) for r in self.run.raw
                              if (r["workload"], r["strategy"], r["workers"]) ==
                              (row["workload"], row["strategy"], row["workers"]))
            self.assertAlmostEqual(float(row["startup_median_s"]), startups[1], places=8)
            self.assertEqual(row["work_median_s"], "")

    def test_meta(self):
        meta = self.run.meta
        self.assertEqual(meta["status"], "completed")
        self.assertEqual(meta["run_id"], self.run.raw[0]["run_id"])
        self.assertEqual(meta["command"][1], "run")
        for key in ("cpu_model", "cores", "pus", "numa_nodes", "caches"):
            self.assertIn(key, meta["machine"])
        for key in ("compiler", "cflags", "hwloc", "openmp"):
            self.assertIn(key, meta["build"])
        self.assertEqual(meta["plan"]["strategies"], ["seq", "pthreads", "fork"])
        self.assertEqual(meta["plan"]["workers"], [1, 2])

    def test_latest_points_at_the_run(self):
        self.assertEqual(os.readlink(os.path.join(self.out, "latest")),
                         self.run.meta["run_id"])

    def test_a_second_run_gets_a_new_directory(self):
        first = self.run.meta["run_id"]
        second = self.run_ok("-w", "cpu.nop", "-s", "seq", "--reps", "1").meta["run_id"]
        self.assertNotEqual(first, second)
        self.assertTrue(os.path.isfile(os.path.join(self.out, first, "raw.csv")))


if __name__ == "__main__":
    unittest.main()
