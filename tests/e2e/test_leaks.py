"""1,000 cells in a row (200 under ASan): the supervisor keeps no file descriptor and no
memory per cell."""
import os
import subprocess
import time
import unittest

from helpers import PARBENCH, ParbenchTest, Run

UNDER_ASAN = os.sep + "asan" + os.sep in PARBENCH
# The RSS check below needs the 800 cells between its samples.  Under ASan it is off, and 200
# are enough: LeakSanitizer finds at exit what even one cell leaked, and a file descriptor a
# cell would be 160 between the samples.
CELLS = 200 if UNDER_ASAN else 1000


def open_fds(pid):
    """(fds that are not pipes, pipes) of a process.  While a cell runs the supervisor
    holds its pipes (both ends around the fork), so pipes come and go; leaked ones would
    pile up, one or two a cell."""
    targets = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            targets.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except FileNotFoundError:      # closed while we looked
            pass
    pipes = sum(t.startswith("pipe:") for t in targets)
    return len(targets) - pipes, pipes


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


class LeakTest(ParbenchTest):
    def wait_for_rows(self, proc, rows):
        """Waits until raw.csv has `rows` rows; False if the run ended first."""
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            runs = [d for d in os.listdir(self.out) if d != "latest"]
            try:
                with open(os.path.join(self.out, runs[0], "raw.csv")) as f:
                    if sum(1 for _ in f) - 1 >= rows:
                        return True
            except (IndexError, FileNotFoundError):   # the run's directory or file: not yet
                pass
            time.sleep(0.01)
        return False

    def test_a_thousand_cells_leak_nothing(self):
        # One empty task at each of CELLS sizes: CELLS seq cells, each its own process.
        proc = subprocess.Popen([PARBENCH, "run", "-w", "cpu.nop", "-s", "seq", "--tasks", "1",
                                 "--size", f"1-{CELLS}", "--reps", "1", "--warmup", "0",
                                 "--order", "sequential", "--out", self.out],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        samples = []
        for rows in (CELLS // 10, CELLS * 9 // 10):
            self.assertTrue(self.wait_for_rows(proc, rows), "the run ended early")
            samples.append((open_fds(proc.pid), rss_kib(proc.pid)))
        _, stderr = proc.communicate(timeout=300)
        # Under ASan, LeakSanitizer checks the memory at exit: a leak fails the exit status.
        self.assertEqual(proc.returncode, 0, stderr)
        self.assertEqual(len(Run(self.out).raw), CELLS)
        ((files_early, _), rss_early), ((files_late, pipes_late), rss_late) = samples
        self.assertEqual(files_late, files_early, "file descriptors grew with the cells")
        # stderr (our pipe) and, around a cell's fork, both ends of its pipe and of the one that
        # says whether its exec worked (harness/util/proc.c) at most, not hundreds.
        self.assertLessEqual(pipes_late, 5, "pipes grew with the cells")
        if not UNDER_ASAN:      # ASan's quarantine holds freed memory, so RSS says nothing
            # 800 more cells' samples cost well under 1 MiB; a leak of one cell process's
            # pipe buffer (4 KiB) or line buffer per cell would show as 3 MiB and more.
            self.assertLess(rss_late - rss_early, 2048, samples)


if __name__ == "__main__":
    unittest.main()
