"""py-dask: the workloads' Python versions through Dask's distributed scheduler give seq's
checksums on a LocalCluster and on a cluster of --dask-scheduler, report the work apart from
the cluster's launch (work_s), record each worker's PUs when pinned and its host; a bad
--dask-scheduler and a --python without dask.distributed are bad input; a crashing worker
and a hanging task are error rows that leave no process behind."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

from helpers import ParbenchTest, Run, listed_strategies, parbench, tag_processes

# Few tiny tasks: a LocalCluster's start (seconds) is most of every repetition.
JOB = ["-w", "cpu.sumsq", "--tasks", "6", "--size", "2000", "--reps", "1", "--warmup", "0"]
HOST = socket.gethostname()


# Why py-dask cannot run here (no interpreter with dask.distributed), or None.
UNAVAILABLE = listed_strategies().get("py-dask")


def dask_python():
    """An interpreter with dask.distributed, to start a scheduler and workers with."""
    for python in (sys.executable, "/usr/bin/python3"):
        check = subprocess.run([python, "-c", "import distributed"], capture_output=True)
        if check.returncode == 0:
            return python
    return None


def tagged_processes(tag):
    """Pids of any process (the cluster's workers included) with the test's tag in its
    environment, this one's children aside."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if f"PARBENCH_TEST_TAG={tag}".encode() in f.read().split(b"\0"):
                    pids.append(pid)
        except OSError:
            pass
    return [p for p in pids if int(p) != os.getpid()]


def scheduler_address(file, seconds=30):
    """The address in a scheduler's --scheduler-file, once it has written the whole file."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return json.loads(file.read_text())["address"]
        except (OSError, ValueError, KeyError):
            time.sleep(0.1)
    raise AssertionError(f"no scheduler address in {file} after {seconds} s")


def sumsq_checksum(run):
    return next(r["checksum"] for r in run.raw if r["strategy"] == "seq")


@unittest.skipIf(UNAVAILABLE, f"py-dask unavailable: {UNAVAILABLE}")
class LocalClusterTest(ParbenchTest):
    @classmethod
    def setUpClass(cls):
        cls.ran = cls.class_run(*JOB, "-s", "py-dask", "-n", "1,2", "--pin", "pu:0")
        cls.dask = [r for r in cls.ran.raw if r["strategy"] == "py-dask"]

    def test_checksums_match_seq(self):
        self.assertEqual({(r["strategy"], r["workers"]) for r in self.ran.raw},
                         {("seq", "1"), ("py-seq", "1"), ("py-dask", "1"), ("py-dask", "2")})
        for row in self.ran.raw:
            self.assertEqual((row["ok"], row["error"]), ("1", ""), row)
            self.assertEqual(row["checksum"], sumsq_checksum(self.ran), row)

    def test_the_work_is_timed_apart_from_the_clusters_launch(self):
        for row in self.dask:
            self.assertLess(0, float(row["work_s"]), row)
            self.assertLess(float(row["work_s"]), float(row["wall_s"]), row)
        for row in self.ran.raw:
            if row["strategy"] != "py-dask":
                self.assertEqual(row["work_s"], "", row)
        for row in self.ran.summary:
            self.assertEqual(row["work_median_s"] != "", row["strategy"] == "py-dask", row)

    def test_pinned_workers_record_their_pus_and_hosts(self):
        for row in self.dask:
            cpus = row["cpus"].split(";")
            self.assertLessEqual(len(cpus), int(row["workers"]), row)
            self.assertEqual(set(cpus), {"0"}, row)
            self.assertEqual(row["hosts"], ";".join([HOST] * len(cpus)), row)
        self.assertTrue(all(r["hosts"] == "" for r in self.ran.raw if r not in self.dask))


@unittest.skipIf(UNAVAILABLE, f"py-dask unavailable: {UNAVAILABLE}")
class DaskSchedulerTest(ParbenchTest):
    """A scheduler and two one-thread workers on loopback, started for the class."""

    @classmethod
    def setUpClass(cls):
        tmp = tempfile.TemporaryDirectory(prefix="parbench-dask-")
        cls.addClassCleanup(tmp.cleanup)
        python, file = dask_python(), Path(tmp.name) / "scheduler.json"
        cls.procs = []
        cls.addClassCleanup(cls.stop)
        cls.start(python, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                  "--port", "0", "--no-dashboard", "--scheduler-file", str(file), cwd=tmp.name)
        cls.address = scheduler_address(file)
        cls.start(python, "-m", "distributed.cli.dask_worker", cls.address, "--nworkers", "2",
                  "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard", cwd=tmp.name)
        # -n 3 asks for more workers than the cluster has; --pin pu:0 for what it cannot pin.
        cls.result = parbench("run", *JOB, "-s", "py-dask", "-n", "2,3", "--pin", "none",
                              "--pin", "pu:0", "--dask-scheduler", cls.address,
                              "--out", tmp.name)
        cls.ran = Run(tmp.name)

    @classmethod
    def start(cls, *argv, cwd):
        cls.procs.append(subprocess.Popen(argv, cwd=cwd, start_new_session=True,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    @classmethod
    def stop(cls):
        for proc in cls.procs:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def cells(self, pin):
        return {int(r["workers"]): r for r in self.ran.raw
                if r["strategy"] == "py-dask" and r["pin"] == pin}

    def test_the_clusters_workers_give_seqs_checksums(self):
        self.assertEqual(self.result.returncode, 1, self.result.stderr)
        row = self.cells("none")[2]
        self.assertEqual((row["ok"], row["error"]), ("1", ""), row)
        self.assertEqual(row["checksum"], sumsq_checksum(self.ran), row)
        self.assertLess(float(row["work_s"]), float(row["wall_s"]), row)
        self.assertEqual(row["hosts"], ";".join([HOST] * len(row["cpus"].split(";"))), row)

    def test_fewer_workers_than_asked_is_an_error_row(self):
        self.assertEqual(self.cells("none")[3]["error"],
                         f"RuntimeError: the Dask cluster at {self.address} has 2 workers, "
                         "fewer than the 3 asked (-n)")

    def test_its_workers_are_not_pinned(self):
        rows = self.cells("pu:0")
        self.assertEqual(sorted(rows), [2, 3])
        for row in rows.values():
            self.assertEqual(row["error"], "py-dask does not pin the workers of "
                             f"--dask-scheduler {self.address}, which may run on other hosts: "
                             "run it with --pin none", row)


@unittest.skipIf(UNAVAILABLE, f"py-dask unavailable: {UNAVAILABLE}")
class DaskInputTest(ParbenchTest):
    def assert_refused(self, args, *words):
        result = parbench("run", *JOB, "-s", "py-dask", *args, "--out", self.out)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        for word in words:
            self.assertIn(word, result.stderr)
        self.assertEqual(os.listdir(self.out), [])
        return result.stderr

    def test_a_bad_scheduler_address_is_refused(self):
        for bad in ("localhost", "tcp://:8786", "udp://host:8786", "host:65536", "a host:8786"):
            with self.subTest(address=bad):
                self.assert_refused(["--dask-scheduler", bad], f"--dask-scheduler '{bad}'",
                                    "allowed: tcp://HOST:PORT")

    def test_a_python_without_distributed_is_refused_naming_one_with_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            # Debian's Dask is in dist-packages, which site adds: without site, no Dask.
            python = Path(tmp) / "python3"
            python.write_text(f"#!/bin/sh\nexec {dask_python()} -S \"$@\"\n")
            python.chmod(0o755)
            self.assert_refused(["--python", str(python)], f"--python ({python}) "
                                       "lacks dask.distributed", "has it: --python ")

    def run_fault(self, fault, timeout):
        tag = tag_processes(self)
        os.environ["PARBENCH_FAULT"] = fault
        result = parbench("run", *JOB, "-s", "py-dask", "-n", "2", "--timeout", timeout,
                          "--out", self.out)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        deadline = time.monotonic() + 5
        while tagged_processes(tag) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(tagged_processes(tag), [])
        return next(r for r in Run(self.out).raw if r["strategy"] == "py-dask")

    def test_a_crashing_worker_is_an_error_row(self):
        row = self.run_fault("crash:2:py-dask", "60")
        self.assertRegex(row["error"], r"^KilledWorker: .* task dask_task-\S+-2 .* died")

    def test_a_hanging_task_is_cut_by_the_cells_timeout(self):
        row = self.run_fault("hang:2:py-dask", "3")
        self.assertEqual(row["error"], "timed out after 3 s (--timeout); cell process killed")


if __name__ == "__main__":
    unittest.main()
