"""Every strategy computes the seq checksum on every workload, at several worker counts."""
import unittest

from helpers import SMALL, ParbenchTest, all_strategies


class ChecksumTest(ParbenchTest):
    def test_every_strategy_matches_seq(self):
        strategies = all_strategies()
        for workload, sizes in SMALL.items():
            with self.subTest(workload=workload):
                # One visit of each cell: its counted repetition, its warm-up and its measured
                # one, in the same process; a second visit would be a fresh process again.
                run = self.run_ok("-w", workload, "-s", "all", "-n", "1,2,3", "--reps", "1",
                                  *sizes)
                cells = {(row["strategy"], row["workers"]) for row in run.raw}
                expected = {("seq", "1")} | {(s, n) for s in strategies if s != "seq"
                                             for n in ("1", "2", "3")}
                self.assertEqual(cells, expected)
                self.assertTrue(all(row["ok"] == "1" and row["error"] == "" for row in run.raw))
                self.assertEqual(len({row["checksum"] for row in run.raw}), 1)

    def test_checksum_depends_on_the_work(self):
        sums = set()
        for size in ("1000", "1001"):
            run = self.run_ok("-w", "cpu.sumsq", "-s", "seq", "--tasks", "4", "--size", size,
                              "--reps", "1")
            sums.add(run.raw[0]["checksum"])
        self.assertEqual(len(sums), 2)


if __name__ == "__main__":
    unittest.main()
