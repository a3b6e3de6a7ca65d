"""Workload plugins from a user's side: `parbench new-workload NAME`, its errors, and a skeleton
that builds warning-free."""
import os
import shlex
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from helpers import PARBENCH, ROOT, parbench



def new_workload(cwd, *args, exe=PARBENCH):
    return subprocess.run([exe, "new-workload", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


class ScaffoldTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="parbench-new-")
        self.dir = Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()

    def scaffold(self, name):
        """Runs `parbench new-workload NAME` in the scratch directory, asserts it worked, and
        returns its printed build and run commands."""
        result = new_workload(self.dir, name)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 3, result.stdout)
        self.assertTrue(lines[1].startswith("build: ") and lines[2].startswith("run:   "), lines)
        return lines[1][len("build: "):], lines[2][len("run:   "):]

    def test_the_skeleton_builds_warning_free_with_the_printed_command(self):
        build, run = self.scaffold("my_kernel-2")
        self.assertIn(f"-I {(ROOT / 'benchmarks').resolve()} ", build)
        self.assertIn('.name = "my_kernel-2"', (self.dir / "my_kernel-2.c").read_text())
        # As printed, then as the project builds C: both without a word on stderr.
        for extra in ([], ["-std=c11", "-Werror"]):
            result = subprocess.run(shlex.split(build) + extra, cwd=self.dir,
                                    capture_output=True, text=True, timeout=120)
            self.assertEqual((result.returncode, result.stderr), (0, ""), build)
        self.assertTrue((self.dir / "my_kernel-2.so").exists())
        self.assertEqual(run, f"{os.path.realpath(PARBENCH)} run -w plugin:./my_kernel-2.so "
                              "-s all -n 1,2")

    def test_an_existing_file_is_left_alone(self):
        (self.dir / "mine.c").write_text("my own work\n")
        result = new_workload(self.dir, "mine")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn("'mine.c' exists already", result.stderr)
        self.assertEqual((self.dir / "mine.c").read_text(), "my own work\n")

    def test_a_bad_name_is_refused_and_nothing_written(self):
        for name in ("a.b", "../up", "a b", "", "x" * 65, "caf\u00e9"):
            with self.subTest(name=name):
                result = new_workload(self.dir, name)
                self.assertEqual(result.returncode, 2)
                self.assertEqual(result.stderr,
                                 f"parbench new-workload: '{name}' is not a workload name; "
                                 "allowed: 1 to 64 letters, digits, '_' and '-'\n")
        self.assertEqual(os.listdir(self.dir), [])

    def test_arguments_other_than_one_name(self):
        cases = [([], "usage: parbench new-workload NAME"),
                 (["--bogus"], "'--bogus' is not an option; allowed: --help, --version"),
                 (["a", "b"], "'b' is one name too many")]
        for args, message in cases:
            with self.subTest(args=args):
                result = new_workload(self.dir, *args)
                self.assertEqual(result.returncode, 2)
                self.assertIn(message, result.stderr)
        self.assertEqual(os.listdir(self.dir), [])

    def test_help(self):
        result = new_workload(self.dir, "--help")
        self.assertEqual(result.returncode, 0)
        self.assertTrue(result.stdout.startswith("usage: parbench new-workload NAME\n"))
        self.assertIn("new-workload", parbench("--help").stdout)

    def test_a_program_without_its_sources_says_so(self):
        # A copy of parbench with no benchmarks/ beside it, nor two levels up.
        bare = self.dir / "a" / "b" / "c"
        bare.mkdir(parents=True)
        shutil.copy(PARBENCH, bare / "parbench")
        result = new_workload(bare, "w", exe=str(bare / "parbench"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("build: cc -O2 -shared -fPIC -Wall -Wextra -I PARBENCH/benchmarks w.c "
                      "-o w.so\n", result.stdout)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn("parbench_workload.h is not in benchmarks/ beside", result.stderr)
        self.assertTrue((bare / "w.c").exists())


if __name__ == "__main__":
    unittest.main()
