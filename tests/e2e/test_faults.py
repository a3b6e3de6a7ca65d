"""The three fault paths, for every strategy: a task that crashes, hangs or returns a wrong
checksum (PARBENCH_FAULT, docs/testing.md, "Fault injection") costs its cell one error row
saying what happened; the other cells run; the exit status is 1; no process and no io.file
file of the run is left."""
import os
import re
import tempfile
import time
import unittest

from helpers import ParbenchTest, Run, all_strategies, cell_processes, listed_strategies, \
    parbench, tag_processes

SEGV = r"killed by signal 11 \(Segmentation fault\)"
# What a crash in task 20 reads as: a forked worker is reaped by its cell, which says so;
# a thread takes its whole cell process down, which the supervisor says.
CRASH = {
    "fork": r"^worker process \d+ " + SEGV + "$",
    "fork-per-task": r"^task process in slot \d+ " + SEGV + "$",
}
CELL_CRASH = r"^cell process " + SEGV + " after 0 of 1 repetitions$"
ONCE = ["-n", "2", "--reps", "1", "--warmup", "0", "--order", "sequential"]
# Task 20 exists in cpu.mandel's 256 default tasks, not in cpu.sumsq's 16: in one run every
# strategy's cpu.mandel cell is hit and its cpu.sumsq cell is the healthy one that follows.
FAULTY, HEALTHY = "cpu.mandel", "cpu.sumsq"
PLAN = ["-w", f"{FAULTY},{HEALTHY}", "--size", "8", *ONCE]


class FaultTest(ParbenchTest):
    def setUp(self):
        super().setUp()
        self.tag = tag_processes(self)
        self.assertEqual(len(listed_strategies()), 35, listed_strategies())
        # What `-s all` runs: evloop-uring is unavailable without liburing.  The bare-*
        # strategies run only by name and do no workload's task: no fault reaches them.
        self.strategies = all_strategies()

    def run_fault(self, fault, *args, timeout=120):
        """`parbench run ARGS` with PARBENCH_FAULT=fault: asserts exit status 1 and that no
        process of it is left; returns its Run."""
        os.environ["PARBENCH_FAULT"] = fault
        result = parbench("run", *args, "--out", self.out, timeout=timeout)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("repetitions failed", result.stderr)
        # The supervisor SIGKILLs a cell's process group; give the kernel a moment to finish.
        deadline = time.monotonic() + 2
        while cell_processes(self.tag) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(cell_processes(self.tag), [])
        return Run(self.out)

    def rows(self, run, workload):
        return {row["strategy"]: row for row in run.raw if row["workload"] == workload}

    def assert_healthy(self, run, workload, strategies):
        rows = self.rows(run, workload)
        self.assertEqual(sorted(rows), sorted(strategies))
        for strategy, row in rows.items():
            self.assertEqual((row["ok"], row["error"]), ("1", ""), strategy)

    def test_a_crash_is_an_error_row_in_every_strategy(self):
        run = self.run_fault("crash:20", *PLAN, "-s", "all", "--timeout", "30")
        self.assertEqual({r["tasks"] for r in self.rows(run, FAULTY).values()}, {"256"})
        self.assertEqual({r["tasks"] for r in self.rows(run, HEALTHY).values()}, {"16"})
        rows = self.rows(run, FAULTY)
        self.assertEqual(sorted(rows), sorted(self.strategies))
        for strategy, row in rows.items():
            self.assertEqual(row["ok"], "0", strategy)
            self.assertRegex(row["error"], CRASH.get(strategy, CELL_CRASH), strategy)
        self.assert_healthy(run, HEALTHY, self.strategies)

    def test_a_hang_times_out_in_every_strategy(self):
        run = self.run_fault("hang:20", *PLAN, "-s", "all", "--timeout", "0.5")
        rows = self.rows(run, FAULTY)
        self.assertEqual(sorted(rows), sorted(self.strategies))
        for strategy, row in rows.items():
            self.assertEqual(row["ok"], "0", strategy)
            self.assertEqual(row["error"], "timed out after 0.5 s (--timeout); cell process "
                             "killed", strategy)
        self.assert_healthy(run, HEALTHY, self.strategies)

    def test_a_wrong_checksum_is_a_mismatch_in_every_strategy(self):
        # Every cell compares with seq's checksum: the fault hits one strategy's cells only,
        # in every repetition.
        for strategy in self.strategies:
            if strategy == "seq":
                continue
            with self.subTest(strategy=strategy):
                run = self.run_fault(f"checksum:3:{strategy}", "-w", "cpu.sumsq", "--tasks", "8",
                                     "--size", "8", "-s", strategy, "-n", "2", "--reps", "2",
                                     "--warmup", "0", "--order", "sequential")
                rows = [row for row in run.raw if row["strategy"] == strategy]
                self.assertEqual(len(rows), 2)
                for row in rows:
                    self.assertEqual(row["ok"], "0")
                    self.assertRegex(row["error"], r"^checksum mismatch: \d+, but seq gave \d+$")
                    self.assertNotEqual(row["checksum"], "")
                self.assertEqual({row["ok"] for row in run.raw if row["strategy"] == "seq"},
                                 {"1"})

    def test_a_fault_in_seq_fails_the_cells_it_is_the_reference_of(self):
        # seq's checksum is the reference: its own wrong checksum cannot be seen, and every
        # healthy cell is judged a mismatch against it.
        run = self.run_fault("checksum:3:seq", "-w", "cpu.sumsq", "--tasks", "8", "--size", "8",
                             "-s", "pthreads,fork", *ONCE)
        rows = self.rows(run, "cpu.sumsq")
        self.assertEqual(rows["seq"]["ok"], "1")
        for strategy in ("pthreads", "fork"):
            self.assertEqual(rows[strategy]["ok"], "0")
            self.assertRegex(rows[strategy]["error"], r"^checksum mismatch: \d+, but seq gave \d+$")
            self.assertEqual(rows[strategy]["checksum"], rows["pthreads"]["checksum"])
        # A crashed seq leaves the others without a reference.
        run = self.run_fault("crash:3:seq", "-w", "cpu.sumsq", "--tasks", "8", "--size", "8",
                             "-s", "pthreads", *ONCE)
        rows = self.rows(run, "cpu.sumsq")
        self.assertRegex(rows["seq"]["error"], CELL_CRASH)
        self.assertEqual(rows["pthreads"]["error"],
                         "no reference checksum: seq (1 workers) did not run")
        # A checksum fault in every cell is the same everywhere, reference included, so it
        # goes unseen: that is why a fault can name its strategy.
        os.environ["PARBENCH_FAULT"] = "checksum:3"
        run = self.run_ok("-w", "cpu.sumsq", "--tasks", "8", "--size", "8", "-s", "pthreads",
                          "--baseline", "none", *ONCE)
        self.assertEqual([row["ok"] for row in run.raw], ["1"])

    def test_io_tasks_in_steps_crash_and_hang_in_the_loops(self):
        # io.sleep's tasks run in steps in the loops (pb_task_begin between timers); io.file
        # writes files that a killed cell cannot remove: the supervisor does.
        loops = [s for s in ("evloop-epoll", "evloop-uring", "evloop-uv", "evloop-uv+pool")
                 if s in self.strategies]
        with tempfile.TemporaryDirectory(prefix="parbench-faults-") as tmp:
            os.environ["TMPDIR"] = tmp
            self.addCleanup(os.environ.pop, "TMPDIR", None)
            for kind, more, timeout in (("crash", ["fork"], "30"), ("hang", [], "0.5")):
                strategies = ["seq", *loops, *more]
                run = self.run_fault(f"{kind}:20", "-w", "io.sleep,io.file,cpu.sumsq", "--size",
                                     "8", "-s", ",".join(strategies), *ONCE, "--timeout",
                                     timeout)
                for workload in ("io.sleep", "io.file"):
                    rows = self.rows(run, workload)
                    self.assertEqual(sorted(rows), sorted(strategies))
                    for strategy, row in rows.items():
                        self.assertEqual(row["ok"], "0", (kind, workload, strategy))
                        if kind == "hang":
                            self.assertIn("timed out after 0.5 s", row["error"])
                        else:
                            self.assertRegex(row["error"], CRASH.get(strategy, CELL_CRASH))
                self.assert_healthy(run, "cpu.sumsq", strategies)
                self.assertEqual(os.listdir(tmp), [], kind)

    def test_a_malformed_fault_is_an_error_row(self):
        for fault in ("explode:1", "crash", "crash:x", "crash:-1", "hang:1:nosuch", "checksum:"):
            with self.subTest(fault=fault):
                run = self.run_fault(fault, "-w", "cpu.nop", "--tasks", "4", "-s", "pthreads",
                                     *ONCE)
                self.assertEqual(len(run.raw), 2)
                for row in run.raw:
                    self.assertEqual(row["ok"], "0")
                    self.assertTrue(row["error"].startswith(f"malformed PARBENCH_FAULT={fault}:"),
                                    row["error"])


if __name__ == "__main__":
    unittest.main()
