"""The workloads' and strategies' own options: declared in their files, offered by
`parbench run`, handed to the cells that read them, recorded in meta.json."""
import re

from helpers import ParbenchTest, parbench


class PluginOptionsTest(ParbenchTest):
    def test_help_lists_each_option_under_the_plugins_that_read_it(self):
        result = parbench("run", "--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        plugins = result.stdout.split("Options of the workloads and strategies")[1]
        self.assertRegex(plugins, r"openmp-dynamic:\n +--chunk N +tasks a thread takes")
        self.assertRegex(plugins, r"evloop-epoll, evloop-uring, evloop-uv, evloop-uv\+pool:\n"
                                  r" +--loops N")
        self.assertRegex(plugins, r"io\.file:\n +--dir DIR .*\n.*\n +--direct ")
        for line in result.stdout.splitlines():
            self.assertLessEqual(len(line), 79, line)

    def test_options_reach_the_cells_that_declare_them_and_meta_json(self):
        run = self.run_ok("-w", "cpu.nop", "-s", "openmp-dynamic,evloop-epoll,pthreads",
                          "-n", "2", "--tasks", "20", "--reps", "1",
                          "--chunk", "4", "--loops", "2")
        self.assertEqual(run.meta["plan"]["options"], {"chunk": "4", "loops": "2"})
        loops = {row["strategy"]: row["loops"] for row in run.raw}
        self.assertEqual(loops, {"seq": "", "openmp-dynamic": "", "pthreads": "",
                                 "evloop-epoll": "2"})
        self.assertTrue(all(row["ok"] == "1" for row in run.raw), run.raw)

    def test_a_bad_value_names_the_option_and_its_range(self):
        result = parbench("run", "-w", "cpu.nop", "--chunk", "0", "--out", self.out)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
        self.assertIn("--chunk '0'", result.stderr)
        self.assertIn("allowed: a whole number from 1 to 1000000", result.stderr)

    def test_list_still_passes_the_registry_checks(self):
        result = parbench("list")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        self.assertTrue(re.search(r"openmp-dynamic +OpenMP", result.stdout))
