"""--help and --version everywhere; list and topo say what there is."""
import unittest

from helpers import SMALL, parbench


class CliTest(unittest.TestCase):
    def test_help_and_version_everywhere(self):
        for command in ([], ["run"], ["list"], ["topo"]):
            for flag in ("--help", "-h"):
                result = parbench(*command, flag)
                self.assertEqual(result.returncode, 0, command)
                self.assertIn("usage: parbench", result.stdout)
            for flag in ("--version", "-V"):
                result = parbench(*command, flag)
                self.assertEqual(result.returncode, 0, command)
                self.assertRegex(result.stdout, r"^parbench \d+\.\d+\.\d+\n$")

    def test_no_command_prints_usage_and_fails(self):
        result = parbench()
        self.assertEqual(result.returncode, 2)
        self.assertIn("usage: parbench", result.stderr)

    def test_list_names_every_workload_and_strategy(self):
        out = parbench("list").stdout
        for name in list(SMALL) + ["seq", "pthreads", "pthreads-per-task", "fork",
                                   "fork-per-task", "openmp-static", "openmp-dynamic",
                                   "openmp-guided", "compact", "scatter", "pu:LIST"]:
            self.assertIn(name, out)

    def test_topo_shows_pus(self):
        result = parbench("topo")
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout, r"\d+ PUs?")
        self.assertIn("PU 0 (os ", result.stdout)


if __name__ == "__main__":
    unittest.main()
