"""The README's "Your own workload" commands, run as shown, from nothing to a report."""
import csv
import re
import subprocess
import tempfile
import unittest
from pathlib import Path

from helpers import PARBENCH, ROOT

# What a user's checkout has beside the commands: the programs (the build under test) and the
# sources and scripts that the commands read.
PROGRAMS = ("parbench", "parbench-mpi-rank", "parbench-bare")
SOURCES = ("benchmarks", "harness", "scripts", "Makefile")


def section_blocks(title, language):
    """The code blocks of a language under the README's `## title`."""
    text = (ROOT / "README.md").read_text()
    section = text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, re.S)


def commands(block):
    """A sh block's commands, comments cut."""
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


class YourOwnWorkloadTest(unittest.TestCase):
    def setUp(self):
        self._home = tempfile.TemporaryDirectory(prefix="parbench-readme-")
        self.addCleanup(self._home.cleanup)
        self.home = Path(self._home.name)
        build = Path(PARBENCH).resolve().parent
        for name in PROGRAMS:
            if (build / name).exists():
                (self.home / name).symlink_to(build / name)
        for name in SOURCES:
            (self.home / name).symlink_to(ROOT / name)

    def run_as_shown(self, lines):
        """Runs each line in the user's directory; the last run's rows."""
        for command in lines:
            done = subprocess.run(["bash", "-c", command], cwd=self.home, capture_output=True,
                                  text=True, timeout=300)
            self.assertEqual(done.returncode, 0, f"{command}\n{done.stdout}{done.stderr}")
        with open(self.home / "results" / "latest" / "raw.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertTrue(rows)
        self.assertEqual({r["ok"] for r in rows}, {"1"}, "every row ok")
        self.assertEqual(len({r["checksum"] for r in rows}), 1, "one checksum: seq's")
        return rows

    def test_the_c_plugin_from_nothing_to_a_report(self):
        lines = commands(section_blocks("Your own workload", "sh")[0])
        self.assertEqual(len(lines), 5, lines)
        rows = self.run_as_shown(lines)
        self.assertEqual({r["workload"] for r in rows}, {"mywork"})
        self.assertGreater(len({r["strategy"] for r in rows}), 8, "-s all ran")
        self.assertTrue((self.home / "results" / "latest" / "report.html").stat().st_size > 0)

    def test_the_python_function_beside_c(self):
        (work,) = section_blocks("Your own workload", "python")
        (self.home / "work.py").write_text(work)
        rows = self.run_as_shown(commands(section_blocks("Your own workload", "sh")[1]))
        self.assertIn("py-pool", {r["strategy"] for r in rows})


if __name__ == "__main__":
    unittest.main()
