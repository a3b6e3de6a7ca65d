"""The I/O workloads at high concurrency, event loops, limits and --baseline none."""
import os
import unittest

from helpers import ParbenchTest, Run, all_strategies, run_with_fd_limit


class IoTest(ParbenchTest):
    def test_a_thousand_sleeps_in_flight(self):
        strategies = ["evloop-epoll", "evloop-uv", "pthreads-per-task"]
        strategies += [s for s in ["evloop-uring"] if s in all_strategies()]
        run = self.run_ok("-w", "io.sleep", "-s", ",".join(strategies),
                          "-n", "1000", "--tasks", "1000", "--size", "20000", "--reps", "2",
                          "--baseline", "none")
        self.assertEqual({r["strategy"] for r in run.raw}, set(strategies))
        self.assertEqual(len({r["checksum"] for r in run.raw}), 1)
        for row in run.raw:
            self.assertEqual(row["ok"], "1", row["error"])
            # Every task really waited its 20 ms, and they waited together.
            self.assertGreaterEqual(float(row["lat_p50_s"]), 0.020)
            self.assertLess(float(row["wall_s"]), 1000 * 0.020 / 4, row)

    def test_baseline_none_has_no_seq_and_no_speedup(self):
        run = self.run_ok("-w", "io.sleep", "-s", "pthreads,evloop-epoll", "-n", "2,4",
                          "--tasks", "8", "--size", "1000", "--reps", "1", "--baseline", "none")
        self.assertNotIn("seq", {r["strategy"] for r in run.summary})
        self.assertEqual(len(run.summary), 4)
        self.assertTrue(all(r["speedup"] == "" and r["ok"] == "1" for r in run.summary))

    def test_loops_share_the_tasks_in_flight(self):
        run = self.run_ok("-w", "io.sleep,cpu.sumsq", "-s", "evloop-epoll,evloop-uv,pthreads",
                          "-n", "4", "--loops", "2", "--tasks", "16", "--size", "2000",
                          "--reps", "1", "--pin", "pu:0")
        for row in run.raw:
            self.assertEqual(row["ok"], "1", row["error"])
            if row["strategy"].startswith("evloop"):
                self.assertEqual(row["loops"], "2")
                self.assertEqual(row["cpus"], "0;0")
            else:
                self.assertEqual(row["loops"], "")

    def test_kinds_name_their_workloads(self):
        run = self.run_ok("-w", "io", "-s", "seq", "--tasks", "2", "--size", "100",
                          "--reps", "1", "--delay", "0")
        self.assertEqual({r["workload"] for r in run.summary},
                         {"io.sleep", "io.file", "io.http"} & {r["workload"] for r in run.summary})
        self.assertTrue({"io.sleep", "io.file"} <= {r["workload"] for r in run.summary})
        self.assertTrue(all(r["kind"] == "io" for r in run.summary))

    def test_io_file_in_a_given_dir_is_cleaned_up(self):
        with self.subTest(direct=False):
            before = os.listdir(self.out)
            run = self.run_ok("-w", "io.file", "-s", "pthreads,evloop-epoll", "-n", "2",
                              "--tasks", "6", "--size", "5000", "--reps", "1", "--dir", self.out)
            self.assertTrue(all(r["ok"] == "1" for r in run.raw))
            self.assertEqual(sorted(os.listdir(self.out)), sorted(before + ["latest", run.dir.resolve().name]))
        with self.subTest(direct=True):
            run = self.run_ok("-w", "io.file", "-s", "pthreads", "-n", "2", "--tasks", "4",
                              "--size", "10000", "--reps", "1", "--direct")
            self.assertTrue(all(r["ok"] == "1" for r in run.raw))

    def test_a_limit_hit_is_an_error_row_and_the_run_goes_on(self):
        # 100 loop threads need 100 epoll fds at once (each loop sleeps 0.2 s,
        # long after the last has started): more than a limit of 64 allows.
        # pthreads comes first: with --baseline none it gives the reference.
        result = run_with_fd_limit(64, "-w", "io.sleep", "-s", "pthreads,evloop-epoll",
                                   "-n", "100", "--loops", "100", "--tasks", "100",
                                   "--size", "200000", "--reps", "1", "--warmup", "0",
                                   "--baseline", "none", "--out", self.out)
        self.assertEqual(result.returncode, 1, result.stderr)
        run = Run(self.out)
        rows = {(r["strategy"], r["workers"]): r for r in run.raw}
        self.assertEqual(len(rows), 2)
        failed = rows[("evloop-epoll", "100")]
        self.assertEqual(failed["ok"], "0")
        self.assertIn("epoll_create1: Too many open files", failed["error"])
        for key, row in rows.items():
            if key != ("evloop-epoll", "100"):
                self.assertEqual(row["ok"], "1", (key, row["error"]))


if __name__ == "__main__":
    unittest.main()
