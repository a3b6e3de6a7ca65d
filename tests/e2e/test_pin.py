"""--pin puts every worker, thread or process, on the PU it asked for."""
import os
import subprocess
import unittest

from helpers import PARBENCH, ParbenchTest, Run

STRATEGIES = "pthreads,pthreads-per-task,fork,fork-per-task,openmp-static,openmp-dynamic,openmp-guided"


class PinTest(ParbenchTest):
    def cpus_by_strategy(self, pin, workers):
        run = self.run_ok("-w", "cpu.sumsq", "-s", STRATEGIES, "-n", str(workers), "--pin", pin,
                          "--tasks", "12", "--size", "20000", "--reps", "2")
        return {(row["strategy"], row["cpus"]) for row in run.raw}

    def test_explicit_list_reversed(self):
        pus = self.pus()
        if pus < 2:
            self.skipTest("needs two PUs")
        last = pus - 1
        seen = self.cpus_by_strategy(f"pu:{last},0", 2)
        for strategy, cpus in seen:
            expected = str(last) if strategy == "seq" else f"{last};0"
            self.assertEqual(cpus, expected, strategy)

    def test_compact_wraps_around_the_pus(self):
        pus = self.pus()
        workers = pus + 1
        expected = ";".join(str(w % pus) for w in range(workers))
        for strategy, cpus in self.cpus_by_strategy("compact", workers):
            self.assertEqual(cpus, "0" if strategy == "seq" else expected, strategy)

    def test_scatter_uses_distinct_pus(self):
        pus = self.pus()
        if pus < 2:
            self.skipTest("needs two PUs")
        for strategy, cpus in self.cpus_by_strategy("scatter", 2):
            if strategy != "seq":
                workers = cpus.split(";")
                self.assertEqual(len(workers), 2, strategy)
                self.assertNotEqual(workers[0], workers[1], strategy)
                self.assertTrue(all("+" not in w for w in workers), strategy)

    def test_every_thread_and_process_of_a_slot_on_its_pu(self):
        """A new thread or process for each of 200 tasks: each is seen only on its slot's PU,
        at its start and after its task (cpus)."""
        pus = self.pus()
        if pus < 2:
            self.skipTest("needs two PUs")
        run = self.run_ok("-w", "cpu.nop", "-s", "pthreads-per-task,pthreads,fork-per-task",
                          "-n", "2", "--pin", f"pu:{pus - 1},0", "--tasks", "200",
                          "--reps", "3")
        for row in run.raw:
            if row["strategy"] != "seq":
                self.assertEqual(row["cpus"], f"{pus - 1};0", row["strategy"])

    def test_pus_are_numbered_within_an_outer_taskset(self):
        """Under taskset, logical PU 0 is the kernel's CPU the set allows: the cell binds to
        that CPU (the supervisor's placement) and the cpus column still says PU 0."""
        cpu = max(os.sched_getaffinity(0))
        if cpu == 0:
            self.skipTest("needs a CPU other than 0")
        result = subprocess.run(
            ["taskset", "-c", str(cpu), PARBENCH, "run", "-w", "cpu.nop",
             "-s", "pthreads-per-task,pthreads,fork-per-task,openmp-static", "-n", "2",
             "--pin", "compact", "--tasks", "20", "--reps", "2", "--out", self.out],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        run = Run(self.out)
        self.assertEqual(run.meta["machine"]["pus"], 1)
        for row in run.raw:
            self.assertEqual(row["ok"], "1", row["error"])
            self.assertEqual(row["cpus"], "0" if row["strategy"] == "seq" else "0;0",
                             row["strategy"])


if __name__ == "__main__":
    unittest.main()
