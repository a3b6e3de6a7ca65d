"""raw.csv, summary.csv, verdicts.csv, schema.json and meta.json follow the output contract."""
import math
import os
import unittest

from helpers import ParbenchTest, parbench, read_csv, ratio_ci, strategy_notes

# The output contract's columns (../shared/DESIGN.md), which lead raw.csv and summary.csv.
CONTRACT_RAW = ("run_id,workload,kind,strategy,workers,pin,tasks,size,rep,wall_s,user_s,sys_s,"
                "max_rss_kb,vcsw,ivcsw,lat_p50_s,lat_p99_s,checksum,ok,cpus,error").split(",")
CONTRACT_SUMMARY = ("run_id,workload,kind,strategy,workers,pin,tasks,size,reps,wall_median_s,"
                    "wall_mean_s,wall_sd_s,wall_ci95_lo_s,wall_ci95_hi_s,wall_min_s,wall_max_s,"
                    "cv,speedup,efficiency,cpu_util,lat_p50_s,lat_p99_s,ok").split(",")


class OutputTest(ParbenchTest):
    @classmethod
    def setUpClass(cls):
        cls.shared_run = cls.class_run("-w", "cpu.sumsq,cpu.nop", "-s", "seq,pthreads,fork",
                                       "-n", "1,2", "--tasks", "8", "--size", "10000",
                                       "--reps", "3", "--warmup", "1")

    def test_columns(self):
        """Every file's header is schema.json's list, led by the contract's columns."""
        self.assertEqual(self.shared_run.raw_header, self.shared_run.columns("raw.csv"))
        self.assertEqual(self.shared_run.summary_header, self.shared_run.columns("summary.csv"))
        self.assertEqual(read_csv(self.shared_run.dir / "verdicts.csv")[0],
                         self.shared_run.columns("verdicts.csv"))
        self.assertEqual(self.shared_run.columns("control.csv"),
                         self.shared_run.columns("raw.csv"))
        self.assertEqual(self.shared_run.raw_header[:len(CONTRACT_RAW)], CONTRACT_RAW)
        self.assertEqual(self.shared_run.summary_header[:len(CONTRACT_SUMMARY)], CONTRACT_SUMMARY)

    def test_values_have_their_columns_types(self):
        """Each field of raw.csv, summary.csv and verdicts.csv is empty or of the type
        schema.json gives its column."""
        parse = {"integer": int, "number": float, "text": str,
                 "boolean": lambda v: {"0": 0, "1": 1}[v]}
        for file in ("raw.csv", "summary.csv", "verdicts.csv"):
            header, rows = read_csv(self.shared_run.dir / file)
            types = {c["name"]: c["type"] for c in self.shared_run.schema["files"][file]}
            for row in rows:
                for name, value in row.items():
                    if value != "":
                        with self.subTest(file=file, column=name, value=value):
                            parse[types[name]](value)

    def test_schema_describes_every_workload_and_strategy(self):
        schema = self.shared_run.schema
        self.assertEqual(schema["version"], 1)
        self.assertEqual(set(schema), {"version", "files", "workloads", "strategies"})
        listed = parbench("list").stdout
        workloads = [line.split()[0] for line in
                     listed.split("\nstrategies:\n", 1)[0].splitlines()[1:]
                     if line.startswith("  ") and line[2] != " "]
        self.assertEqual(list(schema["workloads"]), workloads)
        self.assertEqual(list(schema["strategies"]), list(strategy_notes()))
        self.assertEqual(schema["workloads"]["cpu.sumsq"]["size_unit"], "iterations")
        self.assertEqual(schema["workloads"]["cpu.nop"]["overhead"], True)
        self.assertEqual(schema["strategies"]["evloop-epoll"]["event_loop"], True)
        self.assertEqual(schema["strategies"]["py-seq"]["python"], True)
        for file in ("raw.csv", "summary.csv", "verdicts.csv"):
            for column in schema["files"][file]:
                self.assertEqual(set(column), {"name", "type", "unit", "help"})
                self.assertIn(column["type"], ("text", "integer", "number", "boolean"))
                self.assertTrue(column["help"])

    def test_one_raw_row_per_repetition_and_one_summary_row_per_cell(self):
        cells = 2 * (1 + 2 * 2)  # workloads x (seq + strategies x worker counts)
        self.assertEqual(len(self.shared_run.summary), cells)
        self.assertEqual(len(self.shared_run.raw), 3 * cells)
        for row in self.shared_run.summary:
            reps = sorted(int(r["rep"]) for r in self.shared_run.raw
                          if (r["workload"], r["strategy"], r["workers"]) ==
                          (row["workload"], row["strategy"], row["workers"]))
            self.assertEqual(reps, [0, 1, 2])
            self.assertEqual(row["reps"], "3")

    def test_summary_figures_are_consistent(self):
        for row in self.shared_run.summary:
            walls = sorted(float(r["wall_s"]) for r in self.shared_run.raw
                           if (r["workload"], r["strategy"], r["workers"]) ==
                           (row["workload"], row["strategy"], row["workers"]))
            median = float(row["wall_median_s"])
            self.assertAlmostEqual(median, walls[1], places=6)
            self.assertAlmostEqual(float(row["wall_min_s"]), walls[0], places=6)
            self.assertAlmostEqual(float(row["wall_max_s"]), walls[-1], places=6)
            self.assertLessEqual(float(row["wall_ci95_lo_s"]), median)
            self.assertGreaterEqual(float(row["wall_ci95_hi_s"]), median)
            seq_walls = [float(r["wall_s"]) for r in self.shared_run.raw
                         if (r["workload"], r["strategy"]) == (row["workload"], "seq")]
            speedup = 1 if row["strategy"] == "seq" else ratio_ci(seq_walls, walls)[0]
            self.assertTrue(math.isclose(float(row["speedup"]), speedup, rel_tol=1e-6))
            self.assertTrue(math.isclose(float(row["efficiency"]),
                                         speedup / int(row["workers"]), rel_tol=1e-6))
            self.assertEqual(row["ok"], "1")

    def test_rows_carry_measurements(self):
        for row in self.shared_run.raw:
            self.assertGreater(float(row["wall_s"]), 0)
            self.assertGreater(int(row["max_rss_kb"]), 0)
            self.assertLessEqual(float(row["lat_p50_s"]), float(row["lat_p99_s"]))
            self.assertEqual(len(row["cpus"].split(";")), int(row["workers"]))
            # A cell process starts in well under a second; only MPI tells work from launch.
            self.assertTrue(0 < float(row["startup_s"]) < 1, row)
            self.assertEqual(row["work_s"], "", row)

    def test_summary_startup_is_the_median_of_the_rows(self):
        for row in self.shared_run.summary:
            startups = sorted(float(r["startup_s"]) for r in self.shared_run.raw
                              if (r["workload"], r["strategy"], r["workers"]) ==
                              (row["workload"], row["strategy"], row["workers"]))
            self.assertAlmostEqual(float(row["startup_median_s"]), startups[1], places=8)
            self.assertEqual(row["work_median_s"], "")

    def test_meta(self):
        meta = self.shared_run.meta
        self.assertEqual(meta["status"], "completed")
        self.assertEqual(meta["run_id"], self.shared_run.raw[0]["run_id"])
        self.assertEqual(meta["command"][1], "run")
        for key in ("cpu_model", "cores", "pus", "numa_nodes", "caches"):
            self.assertIn(key, meta["machine"])
        for key in ("compiler", "cflags", "hwloc", "openmp"):
            self.assertIn(key, meta["build"])
        self.assertEqual(meta["plan"]["strategies"], ["seq", "pthreads", "fork"])
        self.assertEqual(meta["plan"]["workers"], [1, 2])

    def test_latest_points_at_the_run(self):
        self.assertEqual(os.readlink(self.shared_run.dir), self.shared_run.meta["run_id"])

    def test_a_second_run_gets_a_new_directory(self):
        first = self.run_ok("-w", "cpu.nop", "-s", "seq", "--reps", "1").meta["run_id"]
        second = self.run_ok("-w", "cpu.nop", "-s", "seq", "--reps", "1").meta["run_id"]
        self.assertNotEqual(first, second)
        self.assertTrue(os.path.isfile(os.path.join(self.out, first, "raw.csv")))


if __name__ == "__main__":
    unittest.main()
