"""Work is real; a hung cell becomes an error row; SIGINT and SIGTERM keep what was measured."""
import os
import signal
import subprocess
import tempfile
import time
import unittest

from helpers import PARBENCH, ParbenchTest, Run, cell_processes, parbench


class RobustnessTest(ParbenchTest):
    def setUp(self):
        super().setUp()
        # Inherited by parbench and its cells: marks this test's processes.
        self.tag = f"{os.getpid()}-{self.id()}"
        os.environ["PARBENCH_TEST_TAG"] = self.tag
        self.addCleanup(os.environ.pop, "PARBENCH_TEST_TAG", None)

    def test_cpu_time_grows_with_task_size(self):
        user = {}
        for size in (2_000_000, 32_000_000):
            run = self.run_ok("-w", "cpu.sumsq", "-s", "seq", "--tasks", "4", "--size",
                              str(size), "--reps", "3", "--warmup", "0")
            user[size] = sorted(float(r["user_s"]) + float(r["sys_s"]) for r in run.raw)[1]
        # 16 times the work; a compiler that removed the loop would give about 1.
        self.assertGreater(user[32_000_000], 4 * user[2_000_000], user)

    def test_timeout_turns_a_hung_cell_into_an_error_row(self):
        result = parbench("run", "-w", "cpu.sumsq", "-s", "seq", "--tasks", "1",
                          "--size", "100000000000", "--reps", "1", "--warmup", "0",
                          "--timeout", "0.5", "--out", self.out, timeout=60)
        self.assertEqual(result.returncode, 1, result.stderr)
        run = Run(self.out)
        self.assertEqual(len(run.raw), 1)
        self.assertEqual(run.raw[0]["ok"], "0")
        self.assertIn("timed out", run.raw[0]["error"])
        self.assertEqual(run.summary[0]["ok"], "0")
        self.assertEqual(cell_processes(self.tag), [])

    def interrupt(self, sig, *args, env=None):
        """Starts a long run, sends sig once rows are written, returns (exit status, Run)."""
        proc = subprocess.Popen([PARBENCH, "run", *args, "--reps", "50", "--out", self.out],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            runs = [d for d in os.listdir(self.out) if d != "latest"]
            if runs and os.path.getsize(os.path.join(self.out, runs[0], "raw.csv")) > 300:
                break
            time.sleep(0.05)
        proc.send_signal(sig)
        proc.communicate(timeout=60)
        return proc.returncode, Run(self.out)

    def assert_kept_what_was_measured(self, run, signame):
        self.assertEqual(run.meta["status"], f"interrupted by {signame}")
        self.assertGreaterEqual(len(run.raw), 1)
        self.assertTrue(all(len(row) == len(run.raw_header) for row in run.raw))
        # A cell in flight becomes one "interrupted" row; between two cells there is none.
        errors = [row["error"] for row in run.raw if row["ok"] != "1"]
        self.assertLessEqual(len(errors), 1, errors)
        self.assertTrue(all("interrupted" in error for error in errors), errors)
        if errors:
            self.assertNotEqual(run.raw[-1]["ok"], "1")
        self.assertTrue(os.path.islink(os.path.join(self.out, "latest")))
        self.assertTrue(run.summary, "summary.csv has the cells that ran")
        self.assertEqual(cell_processes(self.tag), [])

    def test_sigint_keeps_what_was_measured(self):
        status, run = self.interrupt(signal.SIGINT, "-w", "cpu.sumsq", "-s", "seq,pthreads",
                                     "-n", "1,2", "--tasks", "2", "--size", "20000000")
        self.assertEqual(status, 130)
        self.assert_kept_what_was_measured(run, "SIGINT")

    def test_sigterm_keeps_what_was_measured_and_removes_temporary_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            status, run = self.interrupt(signal.SIGTERM, "-w", "io.file", "-s", "seq,pthreads",
                                         "-n", "2", "--tasks", "256", "--size", "65536",
                                         env={**os.environ, "TMPDIR": tmp})
            self.assertEqual(os.listdir(tmp), [], "io.file's files are gone")
        self.assertEqual(status, 143)
        self.assert_kept_what_was_measured(run, "SIGTERM")

if __name__ == "__main__":
    unittest.main()
