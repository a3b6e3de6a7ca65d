"""scripts/plot.sh draws one PNG and one SVG per workload of a run."""
import struct
import subprocess
import unittest
from pathlib import Path

from helpers import ROOT, SMALL, ParbenchTest


class PlotTest(ParbenchTest):
    def test_speedup_plots(self):
        args = ["-w", "cpu.sumsq,cpu.nop", "-s", "seq,pthreads,openmp-static", "-n", "1,2",
                "--reps", "1", *SMALL["cpu.sumsq"]]
        run = self.run_ok(*args)
        plots = Path(self.out) / "plots"
        result = subprocess.run(["bash", str(ROOT / "scripts/plot.sh"), str(run.dir), str(plots)],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        for workload in ("cpu.sumsq", "cpu.nop"):
            png = (plots / f"{workload}-speedup.png").read_bytes()
            self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
            self.assertEqual(struct.unpack(">II", png[16:24]), (1080, 640))
            svg = (plots / f"{workload}-speedup.svg").read_text()
            self.assertIn("<svg", svg)
            self.assertIn("pthreads", svg)
            self.assertIn(str(plots / f"{workload}-speedup.png"), result.stdout)


if __name__ == "__main__":
    unittest.main()
