"""mpi and mpi-static: an Open MPI job of N ranks per repetition, started by parbench with mpirun.
Skipped, with its reason, where `parbench list` marks them unavailable (built without Open MPI)."""
import math
import os
import socket
import tempfile
import time
import unittest

from helpers import SMALL, ParbenchTest, Run, listed_strategies, parbench, tag_processes

MPI = ("mpi", "mpi-static")
CPU_WORKLOADS = ("cpu.sumsq", "cpu.nop", "cpu.mandel", "mem.triad")
ONCE = ["--reps", "1", "--warmup", "0", "--order", "sequential"]


def unavailable():
    """Why the mpi strategies cannot run here, or None."""
    listed = listed_strategies()
    return listed["mpi"] if "mpi" in listed else "not in parbench list"


def rank_processes(tag):
    """Pids of this test's mpirun and rank processes still alive: those with the test's tag in
    their environment (PARBENCH_TEST_TAG)."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
            with open(f"/proc/{pid}/environ", "rb") as f:
                tagged = f"PARBENCH_TEST_TAG={tag}".encode() in f.read().split(b"\0")
        except OSError:
            continue
        if tagged and (b"parbench-mpi-rank" in cmdline or b"mpirun" in cmdline):
            pids.append(pid)
    return pids


class MpiCase(ParbenchTest):
    def setUp(self):
        why = unavailable()
        if why:
            self.skipTest(why)
        super().setUp()

    def mpi_rows(self, run):
        return [row for row in run.raw if row["strategy"] in MPI]


class MpiTest(MpiCase):
    def test_every_cpu_workload_matches_seq(self):
        for workload in CPU_WORKLOADS:
            with self.subTest(workload=workload):
                run = self.run_ok("-w", workload, "-s", ",".join(MPI), "-n", "1,2,3", *ONCE,
                                  *SMALL[workload])
                cells = {(row["strategy"], row["workers"]) for row in run.raw}
                self.assertEqual(cells, {("seq", "1")} | {(s, n) for s in MPI
                                                          for n in ("1", "2", "3")})
                for row in run.raw:
                    self.assertEqual((row["ok"], row["error"]), ("1", ""), row)
                self.assertEqual(len({row["checksum"] for row in run.raw}), 1)
                for row in run.raw:
                    if row["strategy"] == "seq":
                        self.assertEqual((row["work_s"], row["hosts"]), ("", ""))
                        continue
                    # The work alone, barrier to reduction, inside the wall time with the launch.
                    work, wall = float(row["work_s"]), float(row["wall_s"])
                    self.assertTrue(0 < work <= wall, row)
                    self.assertEqual(len(row["cpus"].split(";")), int(row["workers"]), row)
                    self.assertTrue(all(row["cpus"].split(";")), row)
                    # Every rank on this host, which each names as the cpus column orders them.
                    self.assertEqual(row["hosts"].split(";"),
                                     [socket.gethostname()] * int(row["workers"]), row)
                for cell in run.summary:
                    median = cell["work_median_s"]
                    self.assertEqual(median == "", cell["strategy"] == "seq", cell)

    def cpus(self, pin, workers):
        run = self.run_ok("-w", "cpu.sumsq", "-s", "mpi", "-n", str(workers), "--pin", pin,
                          *ONCE, *SMALL["cpu.sumsq"])
        rows = self.mpi_rows(run)
        self.assertEqual(len(rows), 1)
        return rows[0]["cpus"]

    def test_pinning_puts_ranks_where_asked(self):
        pus = self.pus()
        # pu:LIST: each rank binds itself to the PU of its number.
        self.assertEqual(self.cpus("pu:0", 2), "0;0")
        if pus > 1:
            self.assertEqual(self.cpus(f"pu:{pus - 1},0", 2), f"{pus - 1};0")
        # compact: mpirun binds rank i to PU i, wrapping.
        self.assertEqual(self.cpus("compact", pus + 1),
                         ";".join(str(r % pus) for r in range(pus + 1)))

    def test_a_host_file_naming_this_machine(self):
        with tempfile.NamedTemporaryFile("w", suffix=".hosts") as hosts:
            hosts.write("# this machine, twice\nlocalhost slots=2\n")
            hosts.flush()
            run = self.run_ok("-w", "cpu.sumsq", "-s", "mpi", "-n", "2", "--hostfile",
                              hosts.name, *ONCE, *SMALL["cpu.sumsq"])
        self.assertEqual([(row["ok"], row["cpus"].count(";")) for row in self.mpi_rows(run)],
                         [("1", 1)])

    def test_a_bad_host_file_is_refused(self):
        for path in ("/nonexistent/hosts", "/tmp"):
            with self.subTest(path=path):
                result = parbench("run", "-w", "cpu.nop", "-s", "mpi", "--hostfile", path,
                                  "--out", self.out)
                self.assertEqual(result.returncode, 2)
                self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
                self.assertIn(f"--hostfile '{path}'", result.stderr)
                self.assertEqual(os.listdir(self.out), [])

    def test_not_in_all_but_by_name(self):
        run = self.run_ok("-w", "cpu.nop", "--tasks", "4", "-n", "1", *ONCE)
        self.assertFalse(self.mpi_rows(run))

    def test_io_workloads_are_error_rows(self):
        result = parbench("run", "-w", "io.sleep", "-s", "mpi", "-n", "2", *ONCE, "--tasks",
                          "4", "--out", self.out)
        self.assertEqual(result.returncode, 1, result.stderr)
        rows = self.mpi_rows(Run(self.out))
        self.assertEqual([row["error"] for row in rows],
                         ["mpi runs the cpu and mem workloads, not io.sleep"])


class MpiFaultTest(MpiCase):
    """A rank that crashes, hangs or returns a wrong checksum (PARBENCH_FAULT, forwarded to the
    ranks) costs its cell an error row, and leaves neither mpirun nor a rank behind."""

    def setUp(self):
        super().setUp()
        self.tag = tag_processes(self)

    def fault_row(self, fault, strategy, *args):
        os.environ["PARBENCH_FAULT"] = fault
        result = parbench("run", "-w", "cpu.sumsq", "--tasks", "8", "--size", "8", "-s",
                          strategy, "-n", "2", *ONCE, *args, "--out", self.out, timeout=60)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        deadline = time.monotonic() + 2
        while rank_processes(self.tag) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(rank_processes(self.tag), [])
        rows = self.mpi_rows(Run(self.out))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["ok"], "0")
        return rows[0]

    def test_a_crashed_rank(self):
        for strategy in MPI:
            with self.subTest(strategy=strategy):
                row = self.fault_row("crash:3", strategy)
                self.assertRegex(row["error"], r"^mpirun exited with status 139: process rank "
                                 r"\d+ .*exited on signal 11 \(Segmentation fault\)")

    def test_a_hung_rank(self):
        row = self.fault_row("hang:3", "mpi", "--timeout", "3")
        self.assertEqual(row["error"], "timed out after 3 s (--timeout); cell process killed")

    def test_a_wrong_checksum(self):
        row = self.fault_row("checksum:3:mpi-static", "mpi-static")
        self.assertRegex(row["error"], r"^checksum mismatch: \d+, but seq gave \d+$")
        self.assertFalse(math.isnan(float(row["work_s"])))


if __name__ == "__main__":
    unittest.main()
