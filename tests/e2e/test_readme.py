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


def section_commands(title):
    """The lines of the first sh block under the README's `## title`, comments cut."""
    text = (ROOT / "README.md").read_text()
    section = text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


class YourOwnWorkloadTest(unittest.TestCase):
    def test_the_commands_run_as_shown(self):
        commands = section_commands("Your own workload")
        self.assertEqual(len(commands), 5, commands)
        with tempfile.TemporaryDirectory() as home:
            home = Path(home)
            build = Path(PARBENCH).resolve().parent
            for name in PROGRAMS:
                if (build / name).exists():
                    (home / name).symlink_to(build / name)
            for name in SOURCES:
                (home / name).symlink_to(ROOT / name)
            for command in commands:
                done = subprocess.run(["bash", "-c", command], cwd=home, capture_output=True,
                                      text=True, timeout=300)
                self.assertEqual(done.returncode, 0, f"{command}\n{done.stdout}{done.stderr}")
            run = (home / "results" / "latest").resolve()
            with open(run / "raw.csv", newline="") as f:
                rows = list(csv.DictReader(f))
            self.assertTrue(rows)
            self.assertEqual({r["ok"] for r in rows}, {"1"}, "every row ok")
            self.assertEqual({r["workload"] for r in rows}, {"mywork"})
            self.assertEqual(len({r["checksum"] for r in rows}), 1, "one checksum: seq's")
            self.assertGreater(len({r["strategy"] for r in rows}), 8, "-s all ran")
            self.assertTrue((run / "report.html").stat().st_size > 0)


if __name__ == "__main__":
    unittest.main()
