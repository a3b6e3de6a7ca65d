"""Workload plugins from a user's side: `parbench new-workload NAME` (its errors, and a skeleton
that builds warning-free and runs), and the two example plugins of benchmarks/plugins/ (built
by `make plugin-examples`, which `make test` builds) under the strategies of every family."""
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from helpers import PARBENCH, ROOT, ParbenchTest, Run, parbench

PLUGINS = ROOT / ".build" / "plugins"
# One strategy of each family: inline, threads, processes, OpenMP, an event loop.
STRATEGIES = ["-s", "seq,pthreads,fork,openmp-static,evloop-epoll", "-n", "1,2", "--reps", "1"]
SERVE_LINE = re.compile(r"^parbench serve: listening on http://127\.0\.0\.1:(\d+)/ ")


def new_workload(cwd, *args, exe=PARBENCH):
    return subprocess.run([exe, "new-workload", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def example(name):
    """The path of an example plugin, which must have been built."""
    path = PLUGINS / name
    if not path.exists():
        raise AssertionError(f"{path} is missing: run make plugin-examples")
    return str(path)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


class PluginRunTest(ParbenchTest):
    """The examples and the skeleton under one strategy of each family."""

    def assert_all_ok(self, run):
        cells = {(row["strategy"], row["workers"]) for row in run.raw}
        self.assertEqual(len(cells), 9, cells)      # seq once, four others at 1 and 2
        for row in run.raw:
            self.assertEqual((row["ok"], row["error"]), ("1", ""), row)
        self.assertEqual(len({row["checksum"] for row in run.raw}), 1)
        return run.raw[0]["checksum"]

    def test_the_sumsq_example_computes_what_cpu_sumsq_does(self):
        size = ["--tasks", "12", "--size", "20000"]
        plugin = self.assert_all_ok(self.run_ok("-w", "plugin:" + example("sumsq.so"),
                                                *STRATEGIES, *size))
        builtin = self.run_ok("-w", "cpu.sumsq", "-s", "seq", "--reps", "1", *size)
        self.assertEqual(plugin, builtin.raw[0]["checksum"])

    def test_the_skeleton_runs(self):
        with tempfile.TemporaryDirectory(prefix="parbench-new-") as tmp:
            result = new_workload(tmp, "skeleton")
            self.assertEqual(result.returncode, 0, result.stderr)
            build = result.stdout.splitlines()[1][len("build: "):]
            subprocess.run(shlex.split(build), cwd=tmp, check=True, timeout=120)
            self.assert_all_ok(self.run_ok("-w", f"plugin:{tmp}/skeleton.so", *STRATEGIES,
                                           "--tasks", "8", "--size", "10000"))


class HttpExampleTest(ParbenchTest):
    """example.http against `parbench serve` on a free loopback port."""

    SIZE = "3000"

    def setUp(self):
        super().setUp()
        self.server = subprocess.Popen([PARBENCH, "serve", "--port", "0", "--delay", "0",
                                        "--size", self.SIZE],
                                       stdout=subprocess.PIPE, text=True)
        self.addCleanup(self.stop_server)
        match = SERVE_LINE.match(self.server.stdout.readline())
        self.assertIsNotNone(match)
        self.port = match.group(1)

    def stop_server(self):
        self.server.terminate()
        self.server.wait(timeout=10)
        self.server.stdout.close()

    def http_run(self, *args):
        return parbench("run", "-w", "plugin:" + example("http_get.so"), "--tasks", "12",
                        "--out", self.out, *args)

    def test_every_strategy_fetches_the_same_bodies(self):
        result = self.http_run(*STRATEGIES, "--port", self.port, "--size", self.SIZE)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        run = Run(self.out)
        self.assertEqual(len(run.raw), 9)
        for row in run.raw:
            self.assertEqual((row["ok"], row["error"]), ("1", ""), row)
        self.assertEqual(len({row["checksum"] for row in run.raw}), 1)

    def test_a_body_of_another_size_fails_the_task(self):
        result = self.http_run("-s", "seq", "--reps", "1", "--warmup", "0", "--port", self.port,
                               "--size", "2999")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(Run(self.out).raw[0]["error"], "task 0 failed: Protocol error")

    def test_no_server_is_an_error_row(self):
        result = self.http_run("-s", "seq,evloop-epoll", "--reps", "1", "--warmup", "0",
                               "--port", str(free_port()))
        self.assertEqual(result.returncode, 1, result.stderr)
        for row in Run(self.out).raw:
            self.assertEqual(row["ok"], "0", row)
            self.assertRegex(row["error"], r"^task \d+ failed: Connection refused$")


if __name__ == "__main__":
    unittest.main()
