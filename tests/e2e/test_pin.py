"""--pin puts every worker, thread or process, on the PU it asked for."""
import unittest

from helpers import ParbenchTest

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


if __name__ == "__main__":
    unittest.main()
