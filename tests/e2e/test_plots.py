"""scripts/plot.sh draws every plot of a run, each as a complete PNG and SVG."""
import json
import re
import struct
import subprocess
import unittest
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

from helpers import ROOT, ParbenchTest

WIDTH, HEIGHT = 1080, 640

# One small run with every kind of plot: cpu.sumsq (and cpu.nop) at two task
# sizes, so a granularity plot each, cpu.nop for the cost per task, and
# io.sleep at concurrency 1 and 2 (its 2 sizes are 0.5 and 5 ms waits).
RUN = ["-w", "cpu.sumsq,cpu.nop,io.sleep", "-s", "seq,pthreads,openmp-static,evloop-epoll",
       "-n", "1,2", "--tasks", "12", "--size", "500,5000", "--reps", "1", "--warmup", "0"]
PLOTS = ["cpu.sumsq-speedup", "cpu.sumsq-efficiency", "cpu.sumsq-granularity",
         "cpu.nop-speedup", "cpu.nop-efficiency", "cpu.nop-granularity",
         "io.sleep-wall", "io.sleep-latency", "io.sleep-granularity",
         "cost-per-task", "overview"]

# Bytes per pixel of each PNG colour type at 8 bits a sample.
PNG_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def png_size(data):
    """Checks a PNG's chunks (CRCs, IHDR, complete IDAT rows) and returns (width, height)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
    pos, chunks, idat = 8, [], b""
    while pos < len(data):
        assert pos + 12 <= len(data), "a chunk cut short"
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        assert pos + 12 + length <= len(data), f"{kind} chunk cut short"
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"{kind} chunk: bad CRC"
        chunks.append(kind)
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND", chunks
    assert depth == 8 and colour in PNG_CHANNELS and interlace == 0, (depth, colour, interlace)
    pixels = zlib.decompress(idat)  # raises on a truncated stream
    row = 1 + width * PNG_CHANNELS[colour]  # a filter byte, then the row
    assert len(pixels) == height * row, f"{len(pixels)} bytes of pixels, not {height} rows"
    assert all(pixels[i] <= 4 for i in range(0, len(pixels), row)), "bad filter byte"
    return width, height


class PlotTest(ParbenchTest):
    def test_every_plot(self):
        run = self.run_ok(*RUN)
        plots = Path(self.out) / "plots"
        result = subprocess.run(["bash", str(ROOT / "scripts/plot.sh"), str(run.dir), str(plots)],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        expected = {f"{name}.{ext}" for name in PLOTS for ext in ("png", "svg")}
        self.assertEqual({p.name for p in plots.iterdir()}, expected)
        listed = {line for line in result.stdout.splitlines() if line.startswith("plot: ")}
        self.assertEqual(listed, {f"plot: {plots / name}" for name in expected})
        for name in PLOTS:
            with self.subTest(plot=name):
                png = (plots / f"{name}.png").read_bytes()
                self.assertEqual(png_size(png), (WIDTH, HEIGHT))
                svg = ET.parse(plots / f"{name}.svg").getroot()
                self.assertEqual(svg.tag, "{http://www.w3.org/2000/svg}svg")
                self.assertEqual((svg.get("width"), svg.get("height")), (str(WIDTH), str(HEIGHT)))
        # Titled with the workload and the machine; a line per strategy.
        machine = run.meta["machine"]
        text = "".join(ET.parse(plots / "cpu.sumsq-speedup.svg").getroot().itertext())
        self.assertIn("cpu.sumsq: speedup", text)
        self.assertIn(f"{machine['cpu_model'] or 'unknown CPU'}, {machine['pus']} PUs", text)
        self.assertIn("openmp-static", text)
        self.assertEqual(self.cost_labels(plots / "cost-per-task.svg"), self.ranked_costs(run))
        text = "".join(ET.parse(plots / "cpu.sumsq-granularity.svg").getroot().itertext())
        unit = run.schema["workloads"]["cpu.sumsq"]["size_unit"]
        self.assertIn(f"task size ({unit}, log scale)", text)

    def test_units_and_the_cost_workload_come_from_schema_json(self):
        """The granularity plot's unit is the run's schema.json's, and its overhead workload
        gets the cost plot."""
        run = self.run_ok("-w", "cpu.nop", "-s", "seq,pthreads", "-n", "1", "--tasks", "20",
                          "--size", "1,10", "--reps", "1", "--warmup", "0")
        schema = dict(run.schema)
        schema["workloads"]["cpu.nop"]["size_unit"] = "widgets (schema.json)"
        (run.dir / "schema.json").write_text(json.dumps(schema))
        plots = Path(self.out) / "plots"
        result = subprocess.run(["bash", str(ROOT / "scripts/plot.sh"), str(run.dir), str(plots)],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        text = "".join(ET.parse(plots / "cpu.nop-granularity.svg").getroot().itertext())
        self.assertIn("task size (widgets (schema.json), log scale)", text)
        self.assertTrue((plots / "cost-per-task.svg").exists())
        schema["workloads"]["cpu.nop"]["overhead"] = False
        (run.dir / "schema.json").write_text(json.dumps(schema))
        result = subprocess.run(["bash", str(ROOT / "scripts/plot.sh"), str(run.dir),
                                 str(plots / "again")], capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertFalse((plots / "again" / "cost-per-task.svg").exists())

    @staticmethod
    def ranked_costs(run):
        """'strategy, workers' of each strategy's cpu.nop cell with the lowest median (at the
        workload's first size), cheapest first by task_cost_s."""
        rows = [r for r in run.summary if r["workload"] == "cpu.nop"]
        best = {}
        for r in rows:
            if r["size"] == rows[0]["size"] and r["task_cost_s"] and (
                    r["strategy"] not in best or
                    float(r["wall_median_s"]) < float(best[r["strategy"]]["wall_median_s"])):
                best[r["strategy"]] = r
        return [f"{r['strategy']}, {r['workers']}"
                for r in sorted(best.values(), key=lambda r: float(r["task_cost_s"]))]

    @staticmethod
    def cost_labels(svg):
        """The cost plot's strategy labels, left to right."""
        texts = ("".join(t.itertext()).strip() for t in ET.parse(svg).getroot().iter()
                 if t.tag == "{http://www.w3.org/2000/svg}text")
        return [t for t in texts if re.fullmatch(r"[a-z+-]+, \d+", t)]

    def test_failed_cells_skip_plots(self):
        """A run without one ok cell skips every plot, each with a line, and exits 0."""
        run = self.run_ok("-w", "cpu.nop", "-s", "seq,pthreads", "-n", "1", "--tasks", "4",
                          "--reps", "1", "--warmup", "0")
        summary = (run.dir / "summary.csv").read_text().splitlines()
        ok = summary[0].split(",").index("ok")
        failed = [summary[0]] + [",".join(f if i != ok else "0" for i, f in enumerate(row.split(",")))
                                 for row in summary[1:]]
        (run.dir / "summary.csv").write_text("\n".join(failed) + "\n")
        plots = Path(self.out) / "plots"
        result = subprocess.run(["bash", str(ROOT / "scripts/plot.sh"), str(run.dir), str(plots)],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(list(plots.iterdir()), [])
        skipped = [line for line in result.stderr.splitlines() if line.endswith("no plot")]
        self.assertEqual(len(skipped), 4, result.stderr)  # speedup, efficiency, cost, overview


if __name__ == "__main__":
    unittest.main()
