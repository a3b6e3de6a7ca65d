"""A results write that fails stops the run: a full disk, or the results directory removed
while cells run, gives one line that names the file and the reason, exit status 1, the rows
written so far kept whole, and no cell process left behind."""
import csv
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from helpers import PARBENCH, cell_processes, tag_processes

# Far longer than the tests wait: 1000 visits of one 5 ms sleep, and as many of its A/A
# control, whose rows go to control.csv.
LONG_RUN = ["-w", "io.sleep", "-s", "seq", "--tasks", "1", "--size", "5000", "--reps", "1000",
            "--warmup", "0"]


class WriteErrorTest(unittest.TestCase):
    def setUp(self):
        self.tag = tag_processes(self)
        tmp = tempfile.TemporaryDirectory(prefix="parbench-test-")
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)

    def start(self, out):
        proc = subprocess.Popen([PARBENCH, "run", *LONG_RUN, "--out", str(out)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is not None or (proc.kill(), proc.communicate()))
        return proc

    def run_dir(self, out, proc):
        """The run's directory once its start is written (meta.json beside raw.csv)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = [d for d in out.glob("2*") if (d / "meta.json").exists()]
            if found:
                return found[0]
            self.assertIsNone(proc.poll(), "parbench ended before its run directory was made")
            time.sleep(0.01)
        self.fail("no run directory with meta.json within 60 s")

    def assert_stopped(self, proc, run, reason):
        """Exit status 1 and one line about a rows file of the run, raw.csv or control.csv,
        with the reason; no crash, no cell left."""
        _, stderr = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 1, stderr)
        lines = [line for line in stderr.splitlines() if "cannot write" in line]
        self.assertEqual(len(lines), 1, stderr)
        self.assertRegex(lines[0], f"^parbench: cannot write {re.escape(str(run))}/"
                                   f"(raw|control)\\.csv: {reason}$")
        for crash in ("AddressSanitizer", "runtime error", "Segmentation"):
            self.assertNotIn(crash, stderr)
        self.assertEqual(cell_processes(self.tag), [])

    def test_full_disk(self):
        mount = self.tmp / "small"
        mount.mkdir()
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            self.skipTest(f"cannot mount a small tmpfs: {result.stderr.strip()}")
        self.addCleanup(subprocess.run, ["umount", "-l", str(mount)], capture_output=True)
        out = mount / "results"
        proc = self.start(out)
        run = self.run_dir(out, proc)
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:     # full
            pass
        finally:
            os.close(fd)
        self.assert_stopped(proc, run, "No space left on device")
        schema = json.loads((run / "schema.json").read_text())
        for name in ("raw.csv", "control.csv"):
            if name == "raw.csv" or (run / name).exists():
                with open(run / name, newline="") as f:
                    rows = list(csv.reader(f))
                self.assertEqual(rows[0], [c["name"] for c in schema["files"][name]])
                self.assertTrue(all(len(row) == len(rows[0]) for row in rows), name)
        # meta.json as the run started: the disk had no room for its end.
        self.assertIn(json.loads((run / "meta.json").read_text())["status"], ("running", "error"))

    def test_results_directory_removed(self):
        out = self.tmp / "results"
        proc = self.start(out)
        run = self.run_dir(out, proc)
        shutil.rmtree(out)
        self.assert_stopped(proc, run, "No such file or directory")
        self.assertFalse(out.exists())

    def test_error_status_in_meta_json(self):
        """A rows file that fails while its directory stays: meta.json says "error"."""
        out = self.tmp / "results"
        proc = self.start(out)
        run = self.run_dir(out, proc)
        os.unlink(run / "raw.csv")
        self.assert_stopped(proc, run, "No such file or directory")
        meta = json.loads((run / "meta.json").read_text())
        self.assertEqual(meta["status"], "error")
        self.assertIsNotNone(meta["end"])


if __name__ == "__main__":
    unittest.main()
