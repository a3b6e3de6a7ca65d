"""Workload plugins (-w plugin:PATH.so, benchmarks/parbench_workload.h), with the test plugins
of tests/plugins/ built here: a bad one is refused before the run with one line and exit 2,
writing nothing; one that crashes, hangs or fails a task in its cell is an error row and the
run goes on; a good one runs under every strategy with the built-in's checksum, its option
reaching its tasks, --help, `parbench list` and meta.json."""
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from helpers import ROOT, PARBENCH, ParbenchTest, Run, cell_processes, listed_strategies, \
    parbench

sys.path.insert(0, str(ROOT / "benchmarks" / "python"))
from workloads import MASK, fold, mix64  # noqa: E402  (the Python workloads' checksum)

SOURCES = ROOT / "tests" / "plugins"
# Each test plugin: its source and the -D switches that make it what it is (the sources
# say what each switch does).
BUILDS = {
    "sumsq": ("sumsq.c", []),
    "timer": ("timer.c", []),
    "crash": ("faulty.c", ['-DNAME="test.crash"', "-DCRASH_IN_SETUP"]),
    "hang": ("faulty.c", ['-DNAME="test.hang"', "-DHANG_IN_SETUP"]),
    "eio": ("faulty.c", ['-DNAME="test.eio"', "-DFAIL_TASK=1"]),
    "good": ("bad.c", []),
    "no-symbol": ("bad.c", ["-DNO_DESCRIPTOR"]),
    "abi-2": ("bad.c", ["-DABI=2"]),
    "no-task": ("bad.c", ["-DNO_TASK"]),
    "setup-only": ("bad.c", ["-DSETUP_ONLY"]),
    "builtin-name": ("bad.c", ['-DNAME="cpu.sumsq"']),
    "comma-name": ("bad.c", ['-DNAME="test,good"']),
    "option-type": ("bad.c", ["-DOPTION_TYPE=7"]),
    "harness-option": ("bad.c", ['-DOPTION="tasks"']),
    "strategy-option": ("bad.c", ['-DOPTION="loops"']),
}
BUILD_DIR = None


def build(name):
    source, defines = BUILDS[name]
    result = subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror",
                             "-I", str(ROOT / "benchmarks"), *defines, str(SOURCES / source),
                             "-o", str(BUILD_DIR / f"{name}.so")],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"building the test plugin {name}: {result.stderr}")


def setUpModule():
    global BUILD_DIR
    tmp = tempfile.TemporaryDirectory(prefix="parbench-plugins-")
    unittest.addModuleCleanup(tmp.cleanup)
    BUILD_DIR = Path(tmp.name)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(build, BUILDS))
    # Two more that are no plugin of their own: a text file, and the good plugin again at
    # another path, whose name is then taken.
    shutil.copy(SOURCES / "bad.c", BUILD_DIR / "text.so")
    shutil.copy(BUILD_DIR / "good.so", BUILD_DIR / "good-copy.so")


def run_once(cls, status, *args):
    """For tests that read one run: `parbench run ARGS --out DIR` once for the class, DIR a
    scratch directory of its own; fails their set-up unless it exits with status.  Returns
    the CompletedProcess and the Run."""
    tmp = tempfile.TemporaryDirectory(prefix="parbench-test-")
    cls.addClassCleanup(tmp.cleanup)
    result = parbench("run", *args, "--out", tmp.name, timeout=120)
    if result.returncode != status:
        raise AssertionError(f"parbench run {' '.join(args)}: exit {result.returncode}\n"
                             f"{result.stdout}{result.stderr}")
    return result, Run(tmp.name)


def path(name):
    return str(BUILD_DIR / f"{name}.so")


def plugin(name):
    return "plugin:" + path(name)


def job_checksum(task_sums):
    """The job's checksum of benchmarks/checksum.c, in the Python workloads' own code."""
    job = 0
    for task, task_sum in enumerate(task_sums):
        job = fold(job, task, task_sum)
    return str(job)


def sumsq_checksum(tasks, size, scale=1):
    """test.sumsq's (and, at scale 1, cpu.sumsq's): task t sums scale * i * i over
    [t * size, (t + 1) * size), wrapping at 64 bits."""
    def squares_below(n):
        return (n - 1) * n * (2 * n - 1) // 6

    return job_checksum([scale * (squares_below((t + 1) * size) - squares_below(t * size)) & MASK
                         for t in range(tasks)])


ALLOWED_OBJECT = ("allowed: a shared object that defines PARBENCH_WORKLOAD "
                  "(benchmarks/parbench_workload.h; parbench new-workload NAME writes one)")
ALLOWED_DESCRIPTOR = "allowed: a descriptor as benchmarks/parbench_workload.h describes it"
# The plugins refused before the run: what -w names (test plugins), and what the error line
# says after naming the last of them, the one refused: why, and what is allowed.
REFUSED = {
    "a missing file": (["missing"], "No such file or directory; " + ALLOWED_OBJECT),
    # dlopen()'s reason names the file by its real path.
    "a file that is not a shared object": (["text"], lambda: os.path.realpath(path("text")) +
                                           ": invalid ELF header; " + ALLOWED_OBJECT),
    "no parbench_workload symbol": (["no-symbol"], "it does not export parbench_workload; " +
                                    ALLOWED_OBJECT),
    "a wrong ABI version": (["abi-2"], "its ABI version is 2, this parbench's is 1; allowed: "
                            "the plugin rebuilt against this parbench's "
                            "benchmarks/parbench_workload.h"),
    "no run_task and no start_task": (["no-task"], "it has no run_task and no start_task; " +
                                      ALLOWED_DESCRIPTOR),
    "setup without teardown": (["setup-only"], "it has setup without teardown, or teardown "
                               "without setup; " + ALLOWED_DESCRIPTOR),
    "a built-in's name": (["builtin-name"], "its name is a built-in workload's ('cpu.sumsq'); " +
                          ALLOWED_DESCRIPTOR),
    "a name with a comma": (["comma-name"], "its name has a character other than letters, "
                            "digits, '.', '_', '-' ('test,good'); " + ALLOWED_DESCRIPTOR),
    "two plugins of one name": (["good", "good-copy"], "its name is another plugin's of this "
                                "run ('test.good'); " + ALLOWED_DESCRIPTOR),
    "an unknown option type": (["option-type"], "its option --depth has type 7, which is none "
                               "of PARBENCH_OPTION_UINT, _SECONDS, _FLAG, _TEXT; " +
                               ALLOWED_DESCRIPTOR),
    "a harness option": (["harness-option"], "its option --tasks is an option of parbench run "
                         "itself; allowed: a name of its own"),
    "a strategy's option, otherwise": (["strategy-option"], "its option --loops has a "
                                       "different type or range than strategy evloop-epoll's; "
                                       "allowed: a name of its own, or the same option"),
}


class BadPluginTest(ParbenchTest):
    def assert_refused(self, result, command, named, why):
        """Exit 2, nothing on stdout, and one line on stderr naming the last plugin of -w
        (the one refused) and saying why and what is allowed."""
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr.count("\n"), 1, result.stderr)
        why = why() if callable(why) else why
        self.assertEqual(result.stderr, f"parbench {command}: --workload '{plugin(named)}': "
                                        f"{why}\n")

    def test_run_refuses_each_bad_plugin_and_writes_nothing(self):
        out = os.path.join(self.out, "results")
        for case, (names, why) in REFUSED.items():
            with self.subTest(case):
                result = parbench("run", "-w", ",".join(map(plugin, names)), "-s", "seq",
                                  "--out", out)
                self.assert_refused(result, "run", names[-1], why)
                self.assertFalse(os.path.exists(out))

    def test_list_refuses_each_bad_plugin(self):
        for case, (names, why) in REFUSED.items():
            with self.subTest(case):
                result = parbench("list", "-w", ",".join(map(plugin, names)))
                self.assert_refused(result, "list", names[-1], why)

    def test_the_same_source_without_a_defect_is_a_plugin(self):
        result = parbench("list", "-w", plugin("good"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("test.good", result.stdout)

    def test_a_value_out_of_the_plugins_range_names_it_and_the_range(self):
        out = os.path.join(self.out, "results")
        result = parbench("run", "-w", plugin("good"), "--depth", "9", "--out", out)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr, "parbench run: --depth '9': '9' is out of range; "
                                        "allowed: a whole number from 1 to 8\n")
        self.assertFalse(os.path.exists(out))


class InCellFailureTest(ParbenchTest):
    """One run of three plugins that fail in their cells beside cpu.sumsq: a setup that dies
    of SIGSEGV, a setup that hangs, a task that fails with EIO."""
    STRATEGIES = ["seq", "pthreads"]

    @classmethod
    def setUpClass(cls):
        # The cells inherit the tag, so that a process left behind can be found.
        cls.tag = f"{os.getpid()}-{cls.__name__}"
        os.environ["PARBENCH_TEST_TAG"] = cls.tag
        try:
            # 1: the status of a run with a failed row.
            cls.result, cls.ran = run_once(
                cls, 1, "-w", ",".join([plugin("crash"), plugin("hang"), plugin("eio"),
                                        "cpu.sumsq"]),
                "-s", ",".join(cls.STRATEGIES), "-n", "2", "--tasks", "4", "--size", "1000",
                "--reps", "1", "--warmup", "0", "--timeout", "2")
        finally:
            del os.environ["PARBENCH_TEST_TAG"]

    def errors(self, workload):
        rows = [row for row in self.ran.raw if row["workload"] == workload]
        self.assertEqual(sorted(row["strategy"] for row in rows), sorted(self.STRATEGIES))
        self.assertEqual({row["ok"] for row in rows}, {"0"}, rows)
        return {row["error"] for row in rows}

    def test_the_supervisor_says_how_many_failed(self):
        self.assertIn("6 repetitions failed; the error column of raw.csv says why",
                      self.result.stderr)

    def test_a_crash_in_setup_is_an_error_row(self):
        self.assertEqual(self.errors("test.crash"), {
            "cell process killed by signal 11 (Segmentation fault) after 0 of 1 repetitions"})

    def test_a_hang_in_setup_times_out_and_leaves_no_process(self):
        self.assertEqual(self.errors("test.hang"),
                         {"timed out after 2 s (--timeout); cell process killed"})
        # The supervisor SIGKILLs a cell's process group; give the kernel a moment to finish.
        deadline = time.monotonic() + 2
        while cell_processes(self.tag) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(cell_processes(self.tag), [])

    def test_a_failed_task_is_an_error_row_naming_its_error(self):
        self.assertEqual(self.errors("test.eio"), {"task 1 failed: Input/output error"})

    def test_the_run_goes_on_to_the_other_workload(self):
        rows = [row for row in self.ran.raw if row["workload"] == "cpu.sumsq"]
        self.assertEqual(sorted(row["strategy"] for row in rows), sorted(self.STRATEGIES))
        for row in rows:
            self.assertEqual((row["ok"], row["error"]), ("1", ""), row)
            self.assertEqual(row["checksum"], sumsq_checksum(4, 1000))


class PluginOptionTest(ParbenchTest):
    """test.sumsq's --scale, given 3 in one run."""

    @classmethod
    def setUpClass(cls):
        cls.ran = cls.class_run("-w", plugin("sumsq"), "-s", "seq,pthreads", "-n", "2",
                                "--tasks", "12", "--size", "20000", "--reps", "1",
                                "--warmup", "0", "--scale", "3")

    def test_help_lists_it_under_the_plugins_name_when_named(self):
        result = parbench("run", "-w", plugin("sumsq"), "--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"\n  test\.sumsq:\n +--scale N +multiply every square "
                                        r"by N, 1 to 1000 \(default: 1\)\n")
        self.assertNotIn("--scale", parbench("run", "--help").stdout)

    def test_the_value_reaches_every_task(self):
        self.assertEqual(len(self.ran.raw), 2)
        for row in self.ran.raw:
            self.assertEqual((row["workload"], row["kind"], row["ok"]), ("test.sumsq", "cpu", "1"))
            self.assertEqual(row["checksum"], sumsq_checksum(12, 20000, scale=3), row["strategy"])

    def test_meta_json_records_the_option_and_the_plugins_path(self):
        plan = self.ran.meta["plan"]
        self.assertEqual(plan["workloads"], ["test.sumsq"])
        self.assertEqual(plan["options"], {"scale": "3"})
        self.assertEqual(plan["plugins"], {"test.sumsq": os.path.realpath(path("sumsq"))})

    def test_list_describes_each_plugin(self):
        result = parbench("list", "-w", f"{plugin('sumsq')},{plugin('timer')}")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, f"""\
workloads (default tasks x size):
  test.sumsq   cpu  cpu.sumsq as a plugin, each square times --scale
                    16 tasks x 100000 iterations
                    from {os.path.realpath(path('sumsq'))}
                    no non-blocking form: the event loops run its tasks inline
      --scale N        multiply every square by N, 1 to 1000 (default: 1)
  test.timer   io   a timer wait of --size microseconds a task, in the non-blocking form only
                    8 tasks x 1000 microseconds
                    from {os.path.realpath(path('timer'))}
                    non-blocking form: the event loops keep many tasks waiting at once
""")


class PluginStrategiesTest(ParbenchTest):
    """One run of cpu.sumsq, test.sumsq (blocking form only) and test.timer (non-blocking form
    only) under a strategy of each family."""
    TASKS, SIZE = 12, 5000
    LOOPS = ["evloop-epoll", "evloop-uv", "evloop-uring"]

    @classmethod
    def setUpClass(cls):
        available = listed_strategies()
        cls.loops = [s for s in cls.LOOPS if available[s] is None]
        cls.strategies = ["seq", "pthreads", "fork", "fork-per-task", "openmp-static",
                          *cls.loops]
        cls.result, cls.ran = run_once(
            cls, 0, "-w", f"cpu.sumsq,{plugin('sumsq')},{plugin('timer')}",
            "-s", ",".join(cls.strategies), "-n", "2", "--tasks", str(cls.TASKS),
            "--size", str(cls.SIZE), "--reps", "1", "--warmup", "0")

    def rows(self, workload):
        rows = {row["strategy"]: row for row in self.ran.raw if row["workload"] == workload}
        self.assertEqual(sorted(rows), sorted(self.strategies))
        for strategy, row in rows.items():
            self.assertEqual((row["ok"], row["error"]), ("1", ""), strategy)
        return rows

    def test_the_sumsq_plugin_gives_cpu_sumsqs_checksum_under_every_strategy(self):
        want = sumsq_checksum(self.TASKS, self.SIZE)
        self.assertEqual({row["checksum"] for row in self.rows("cpu.sumsq").values()}, {want})
        for strategy, row in self.rows("test.sumsq").items():
            self.assertEqual(row["checksum"], want, strategy)

    def test_the_timer_plugin_waits_and_gives_seqs_checksum_in_the_event_loops(self):
        want = job_checksum([mix64(t) for t in range(self.TASKS)])
        for strategy, row in self.rows("test.timer").items():
            self.assertEqual(row["checksum"], want, strategy)
            # Each worker (or task in flight) waited for its share of the tasks in turn.
            waits = math.ceil(self.TASKS / int(row["workers"]))
            self.assertGreaterEqual(float(row["wall_s"]), waits * self.SIZE * 1e-6, strategy)

    def test_the_table_says_the_loops_ran_the_blocking_plugin_inline(self):
        inline = [line for line in self.result.stdout.splitlines() if "inline:" in line]
        self.assertEqual(inline, [f"  inline: {', '.join(self.loops)} ran test.sumsq's tasks "
                                  "inline, one at a time a loop thread: it has no non-blocking "
                                  "form"])


class SamePluginTest(ParbenchTest):
    def test_one_plugin_by_two_paths_is_given_twice(self):
        # As `-w cpu.sumsq,cpu.sumsq` is: the run would hold one workload twice.
        out = os.path.join(self.out, "results")
        result = subprocess.run([PARBENCH, "run", "-w", f"plugin:./good.so,{plugin('good')}",
                                 "-s", "seq", "--out", out], cwd=BUILD_DIR,
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stderr, f"parbench run: --workload 'plugin:./good.so,"
                                        f"{plugin('good')}': '{plugin('good')}' is given twice "
                                        "(first as 'plugin:./good.so'); allowed: each once\n")
        self.assertFalse(os.path.exists(out))
        listed = subprocess.run([PARBENCH, "list", "-w", f"plugin:./good.so,{plugin('good')}"],
                                cwd=BUILD_DIR, capture_output=True, text=True, timeout=60)
        self.assertEqual((listed.returncode, listed.stdout), (2, ""))
        self.assertEqual(listed.stderr, result.stderr.replace("parbench run:", "parbench list:"))
