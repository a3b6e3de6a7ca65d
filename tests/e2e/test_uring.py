"""evloop-uring, the io_uring loop: seq's checksum on every workload, io.http against the
built-in server included, at 1, 2 and 3 tasks in flight and over two loops; io.file's reads
on the ring, O_DIRECT included; a kernel that refuses io_uring makes it unavailable, with
why; a ring it cannot create in a cell is an error row.  Skipped, with the reason, where
`parbench list` marks it unavailable.  Its 1,000 sleeps in flight and its injected faults
are tested beside the other loops' (test_io.py, test_faults.py)."""
import ctypes
import errno
import platform
import subprocess
import unittest

from helpers import PARBENCH, SMALL, ParbenchTest, Run, listed_strategies, run_with_fd_limit

URING = "evloop-uring"
HTTP = ["--tasks", "24", "--delay", "0.002"]
WORKLOADS = {**SMALL, "io.http": HTTP}
# io_uring_setup's number, the same on these architectures.
IO_URING_SETUP = {"x86_64": 425, "aarch64": 425}.get(platform.machine())


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint)]


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


def refuse_io_uring():
    """preexec_fn: a seccomp filter that fails io_uring_setup with EPERM and allows the rest,
    as a container runtime's default profile does."""
    libc = ctypes.CDLL(None, use_errno=True)
    program = (SockFilter * 4)(
        SockFilter(0x20, 0, 0, 0),                         # load the syscall's number
        SockFilter(0x15, 0, 1, IO_URING_SETUP),            # io_uring_setup?
        SockFilter(0x06, 0, 0, 0x00050000 | errno.EPERM),  # then fail it with EPERM
        SockFilter(0x06, 0, 0, 0x7fff0000))                # else allow it
    fprog = SockFprog(len(program), program)
    if libc.prctl(38, 1, 0, 0, 0) or libc.prctl(22, 2, ctypes.byref(fprog), 0, 0):
        raise OSError(ctypes.get_errno(), "prctl")  # PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP


def without_io_uring(*args):
    """Runs `parbench ARGS` where the kernel refuses io_uring; skips the test where a seccomp
    filter cannot be installed."""
    if IO_URING_SETUP is None:
        raise unittest.SkipTest(f"io_uring_setup's number on {platform.machine()} is not known")
    try:
        return subprocess.run([PARBENCH, *args], capture_output=True, text=True, timeout=120,
                              preexec_fn=refuse_io_uring)
    except subprocess.SubprocessError as e:
        raise unittest.SkipTest(f"cannot install a seccomp filter: {e}")


class UringTest(ParbenchTest):
    @classmethod
    def setUpClass(cls):
        why = listed_strategies()[URING]
        if why:
            raise unittest.SkipTest(f"{URING} is unavailable here: {why}")

    def assert_all_ok(self, run):
        for row in run.raw:
            self.assertEqual((row["ok"], row["error"]), ("1", ""), row)
        self.assertEqual(len({row["checksum"] for row in run.raw}), 1)

    def test_every_workload_matches_seq(self):
        for workload, sizes in WORKLOADS.items():
            with self.subTest(workload=workload):
                run = self.run_ok("-w", workload, "-s", URING, "-n", "1,2,3", "--reps", "2",
                                  *sizes)
                self.assertEqual({(r["strategy"], r["workers"]) for r in run.raw},
                                 {("seq", "1"), (URING, "1"), (URING, "2"), (URING, "3")})
                self.assert_all_ok(run)

    def test_two_loops_share_the_tasks_in_flight(self):
        for workload, sizes in WORKLOADS.items():
            with self.subTest(workload=workload):
                run = self.run_ok("-w", workload, "-s", URING, "-n", "2,3", "--loops", "2",
                                  "--reps", "1", "--pin", "pu:0", *sizes)
                self.assert_all_ok(run)
                for row in run.raw:
                    if row["strategy"] == URING:
                        self.assertEqual((row["loops"], row["cpus"]), ("2", "0;0"))

    def test_io_file_reads_on_the_ring_in_pieces_and_direct(self):
        # 200,001 bytes: four reads of up to 64 KiB, then the end of the file.
        for direct in ([], ["--direct"]):
            with self.subTest(direct=direct):
                run = self.run_ok("-w", "io.file", "-s", URING, "-n", "1,4", "--tasks", "12",
                                  "--size", "200001", "--reps", "1", *direct)
                self.assert_all_ok(run)

    def test_a_kernel_that_refuses_io_uring_makes_it_unavailable(self):
        why = "the kernel refused io_uring: Operation not permitted"
        result = without_io_uring("list")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, rf"\n  {URING} .*\n +unavailable here: {why}\n")
        result = without_io_uring("run", "-w", "cpu.nop", "-s", URING, "--out", self.out)
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{URING} is unavailable here: {why}", result.stderr)
        result = without_io_uring("run", "-w", "cpu.nop", "-s", "all", "-n", "1", "--tasks", "4",
                                  "--reps", "1", "--warmup", "0", "--out", self.out)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"skipping {URING}: {why}", result.stderr)
        self.assertNotIn(URING, {r["strategy"] for r in Run(self.out).raw})

    def test_a_ring_it_cannot_create_is_an_error_row(self):
        # 100 loops need 100 rings, an fd each, at once: more than a limit of 64 allows.
        result = run_with_fd_limit(64, "-w", "io.sleep", "-s", f"pthreads,{URING}",
                                   "-n", "100", "--loops", "100", "--tasks", "100",
                                   "--size", "200000", "--reps", "1", "--warmup", "0",
                                   "--baseline", "none", "--out", self.out)
        self.assertEqual(result.returncode, 1, result.stderr)
        rows = {r["strategy"]: r for r in Run(self.out).raw}
        self.assertEqual(rows["pthreads"]["ok"], "1", rows["pthreads"]["error"])
        self.assertEqual(rows[URING]["ok"], "0")
        self.assertRegex(rows[URING]["error"],
                         r"^loop \d+: io_uring_queue_init: Too many open files$")


if __name__ == "__main__":
    unittest.main()
