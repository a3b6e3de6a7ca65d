"""make report: one self-contained report.html of a run, or of the two runs of `make bench`.

The page is built from two small runs made the way `make bench` makes its two parts, then
parsed, and opened in headless Chromium (installed here when missing and possible, else
skipped)."""
import base64
import csv
import html as html_lib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
from html.parser import HTMLParser
from pathlib import Path

from helpers import ROOT, parbench, read_csv

SECTIONS = {"machine": "Machine and build", "warnings": "Noise and warnings",
            "findings": "Findings", "claims": "The articles' claims", "plots": "Plots",
            "tables": "Summary tables"}
VERDICTS = ("supported", "refuted", "not shown (within noise)", "not measured")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# verdicts.csv as parbench writes it now, and the columns a later one appends.
VERDICT_COLUMNS = (
    "run_id,workload,kind,tasks,size,verdict,alpha,margin,reps_to_decide,rank,strategy,workers,"
    "pin,loops,role,wall_median_s,ratio,ratio_lo,ratio_hi,equivalence_lo,equivalence_hi,"
    "p_slower,p,contender_reps_to_decide,decide_by").split(",")
TIME_COLUMNS = ("pus", "ideal_s", "extra_user_s", "extra_sys_s", "idle_s", "why")


def make(*args, timeout=120):
    """make in the repository, without what an outer `make test` passes down (RUN=, OUT=)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    return subprocess.run(["make", "-s", "-C", str(ROOT), *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


# The report package (scripts/report/): reading a run and writing its text need no matplotlib.
sys.path.insert(0, str(ROOT / "scripts"))
from report.findings import FINDINGS_INTRO, findings_html  # noqa: E402
from report.groups import make_groups, workload_units  # noqa: E402
from report.read import Run, Verdict  # noqa: E402
from report.text import e, verdict_text  # noqa: E402

# schema.json as parbench describes a run's files, workloads and strategies (version 1).
SCHEMA = json.loads((Path(__file__).resolve().parent / "report_schema.json").read_text())


def report_python():
    """The interpreter the Makefile picks: the python3 on PATH with matplotlib, else Debian's."""
    for name in ("python3", "/usr/bin/python3"):
        path = shutil.which(name)
        if path and subprocess.run([path, "-c", "import matplotlib"],
                                   capture_output=True).returncode == 0:
            return path
    return None


def verdict_groups(run_dir):
    """verdicts.csv: (workload, tasks, size) -> its rows, fastest first."""
    groups = {}
    for row in read_csv(Path(run_dir) / "verdicts.csv")[1]:
        groups.setdefault((row["workload"], row["tasks"], row["size"]), []).append(row)
    return {k: sorted(rows, key=lambda r: int(r["rank"])) for k, rows in groups.items()}


def findings(html):
    """The findings' paragraphs: (workload, tasks, size) -> the verdict's text."""
    found = re.findall(r"<p class=finding><b>([^<,( ]+)[^<]*</b> \((\d+) tasks x (\d+)[^)]*\): "
                       r"(.*?)</p>", html)
    return {(w, t, s): text for w, t, s, text in found}


def named_strategies(text):
    """The strategies a verdict names, in order: "pthreads (2 workers), seq (1 worker)"."""
    return re.findall(r"(\S+) \(\d+ workers?\)", text)


class FindingsAgree:
    """Checks that the findings say what a run's verdicts.csv says, group by group."""

    def assert_findings_agree(self, said, run_dir):
        """said: findings() of the page, where every group of the run must be."""
        groups = verdict_groups(run_dir)
        self.assertLessEqual(set(groups), set(said))
        for key, rows in groups.items():
            text, kind = said[key], rows[0]["verdict"]
            leader = rows[0]["strategy"]
            with self.subTest(group=key, verdict=kind):
                if kind == "winner":
                    self.assertIn(f"best: {leader} (", text)
                    self.assertIn(f"the runner-up, {rows[1]['strategy']} (", text)
                elif kind == "equivalent":
                    named = re.search(r"best: (.*?)</span>, equivalent within", text).group(1)
                    self.assertEqual(named_strategies(named), [leader] + [
                        r["strategy"] for r in rows if r["role"] == "equivalent"])
                elif kind == "undecided":
                    named = re.search(r"best: not decided between (.*?)</span>", text).group(1)
                    self.assertEqual(named_strategies(named), [leader] + [
                        r["strategy"] for r in rows if r["role"] == "tied"])
                    reps = float(rows[0]["reps_to_decide"])
                    self.assertIn(f"about {reps:.0f} repetitions a cell would likely decide it"
                                  if reps != float("inf") else "no number of repetitions", text)
                else:
                    self.assertEqual(kind, "alone")
                    self.assertIn(f"best: {leader} (", text)
                    self.assertIn("the only strategy that ran", text)


class FindingsTest(unittest.TestCase, FindingsAgree):
    """The findings of a real run, written without matplotlib, against its verdicts.csv."""

    def test_findings_say_what_verdicts_csv_says(self):
        with tempfile.TemporaryDirectory(prefix="parbench-test-") as out:
            # Small tasks, where seq tends to win, larger ones, where the parallel strategies
            # tend to tie, and empty ones, where seq wins by far; 8 repetitions let a winner
            # be named.
            result = parbench("run", "-w", "cpu.sumsq,cpu.nop", "-s", "pthreads,openmp-static,"
                              "openmp-dynamic,fork-per-task", "-n", "2", "--tasks", "12",
                              "--size", "20000,1000000", "--reps", "8", "--warmup", "0",
                              "--out", out)
            self.assertEqual(result.returncode, 0, result.stderr)
            runs = [Run(Path(out) / "latest")]
            groups = make_groups(runs)
            html = findings_html(runs, groups, workload_units(groups))
            self.assertEqual(len(findings(html)), 4)
            self.assert_findings_agree(findings(html), Path(out) / "latest")
            self.assertIn("itself chosen from these data", FINDINGS_INTRO)

    def test_kinds_a_small_run_rarely_gives(self):
        """Equivalent, alone, and undecided beyond what any --reps could tell, from rows as
        verdicts.csv has them, as the reader types them."""
        def row(rank, strategy, role, verdict, reps=None):
            return {"workload": "cpu.sumsq", "tasks": 4, "size": 10, "verdict": verdict,
                    "margin": 0.02, "reps_to_decide": reps, "rank": rank, "strategy": strategy,
                    "workers": 2, "pin": "compact", "loops": None, "role": role, "ratio": 1.01,
                    "ratio_lo": 0.99, "ratio_hi": 1.02}

        equivalent = Verdict([row(1, "pthreads", "leader", "equivalent"),
                              row(2, "fork", "equivalent", "equivalent"),
                              row(3, "seq", "slower", "equivalent")])
        self.assertEqual(verdict_text(equivalent),
                         "<span class=ok>best: pthreads (2 workers) and fork (2 workers)</span>, "
                         "equivalent within 2% (their 90% intervals of the time ratio); "
                         "pthreads is faster than the other 1")
        alone = Verdict([row(1, "seq", "leader", "alone")])
        self.assertIn("best: seq (2 workers)</span>, the only strategy that ran",
                      verdict_text(alone))
        never = Verdict([row(1, "pthreads", "leader", "undecided", float("inf")),
                         row(2, "fork", "tied", "undecided", float("inf"))])
        self.assertIn("not decided between pthreads (2 workers) and fork (2 workers)</span> "
                      "(the runner-up takes 1.01x [0.99, 1.02] the leader's time): no number of "
                      "repetitions a cell would likely decide it", verdict_text(never))
        soon = Verdict([row(1, "pthreads", "leader", "undecided", 40.2),
                        row(2, "fork", "tied", "undecided", 40.2)])
        self.assertIn(": about 40 repetitions a cell would likely decide it", verdict_text(soon))


class Page(HTMLParser):
    """What the tests look at in report.html: images, headings, attributes, nesting."""

    def __init__(self):
        super().__init__()
        self.images, self.headings, self.attributes, self.tags = [], [], [], []
        self.errors, self.stack = [], []
        self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        self.attributes += [(tag, k, v or "") for k, v in attrs.items()]
        if tag == "img":
            self.images.append(attrs)
        if tag in ("h1", "h2", "h3"):
            self._heading = [tag, attrs.get("id", ""), ""]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if self._heading and tag == self._heading[0]:
            self.headings.append(tuple(self._heading))
            self._heading = None

    def handle_data(self, data):
        if self._heading:
            self._heading[2] += data


def png_size(data):
    """(width, height) of a PNG, after checking its signature and IHDR chunk."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


class ReportFixture:
    """Two small runs as `make bench` makes them (a CPU one, then an I/O one, back to back) in a
    scratch --out, and `make report OUT=...` over them.  Made once for every test class."""
    made = None

    @classmethod
    def get(cls):
        if cls.made is None:
            cls.made = cls()
        return cls.made

    def __init__(self):
        self.python = report_python()
        self.tmp = tempfile.mkdtemp(prefix="parbench-report-")
        self.out = Path(self.tmp)
        cpu = parbench("run", "-w", "cpu.sumsq,cpu.nop", "--tasks", "12", "--size", "2000,20000",
                       "-n", "1,2", "--reps", "3", "--warmup", "0", "--out", self.tmp)
        io = parbench("run", "-w", "io.sleep", "--tasks", "24", "--size", "2000", "-n", "4,24",
                      "--reps", "3", "--warmup", "0", "--order", "sequential",
                      "--out", self.tmp)
        self.runs = sorted(d for d in self.out.iterdir() if d.is_dir() and not d.is_symlink())
        self.run_results = (cpu, io)
        self.make = None
        if self.python:
            self.make = make("report", f"OUT={self.tmp}")
        self.html_path = self.out / "latest" / "report.html"

    def cleanup(self):
        if os.environ.get("PARBENCH_TEST_KEEP"):
            print(f"\nreport test output kept in {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def tearDownModule():
    if ReportFixture.made:
        ReportFixture.made.cleanup()


class ReportTest(unittest.TestCase, FindingsAgree):
    @classmethod
    def setUpClass(cls):
        if not report_python():
            raise unittest.SkipTest("no python3 with matplotlib: run bash scripts/install-deps.sh "
                                    "(apt-get install python3-matplotlib)")
        cls.f = ReportFixture.get()
        for result in cls.f.run_results:
            if result.returncode != 0:
                raise AssertionError(result.stdout + result.stderr)
        if cls.f.make.returncode != 0:
            raise AssertionError(cls.f.make.stdout + cls.f.make.stderr)
        cls.html = cls.f.html_path.read_text()
        cls.page = Page()
        cls.page.feed(cls.html)
        cls.page.close()

    def test_both_parts_of_the_bench_are_in_one_report(self):
        self.assertEqual(len(self.f.runs), 2)
        title = next(text for tag, _, text in self.page.headings if tag == "h1")
        for run in self.f.runs:
            self.assertIn(run.name, title)
        self.assertIn(str(self.f.html_path), self.f.make.stdout)

    def test_html_parses_and_nests(self):
        self.assertTrue(self.html.startswith("<!DOCTYPE html>"))
        self.assertEqual(self.page.errors, [])
        self.assertEqual(self.page.stack, [])

    def test_every_section(self):
        ids = {i: text for tag, i, text in self.page.headings if tag == "h2"}
        for section, title in SECTIONS.items():
            self.assertEqual(ids.get(section), title, ids)

    def test_images_are_embedded_pngs(self):
        self.assertGreaterEqual(len(self.page.images), 8)
        for img in self.page.images:
            src = img.get("src", "")
            self.assertTrue(src.startswith("data:image/png;base64,"), src[:60])
            width, height = png_size(base64.b64decode(src.split(",", 1)[1], validate=True))
            self.assertGreater(width, 100)
            self.assertGreater(height, 100)
            self.assertTrue(img.get("alt"))

    def test_no_external_resource(self):
        self.assertNotIn("http:", self.html)
        self.assertNotIn("https:", self.html)
        self.assertNotIn("url(", self.html)
        self.assertNotIn("<script", self.html)
        for tag, name, value in self.page.attributes:
            if name in ("src", "srcset", "data", "poster"):
                self.assertTrue(value.startswith("data:"), (tag, name, value[:60]))
            if name == "href":
                self.assertTrue(value.startswith("#"), (tag, value))
        self.assertFalse({"link", "iframe", "object", "embed"} & set(self.page.tags))

    def test_plots(self):
        ids = re.findall(r'<figure id="([^"]+)">', self.html)
        cpu, io = (run.name for run in self.f.runs)
        for fig in ("fig-heatmap", f"fig-scaling-{cpu}-cpu.sumsq", f"fig-cost-{cpu}-cpu.nop",
                    f"fig-granularity-{cpu}-cpu.sumsq", f"fig-io-{io}-io.sleep"):
            self.assertIn(fig, ids)
        self.assertEqual(len(ids), len(self.page.images))

    def test_machine_and_warnings(self):
        meta = json.loads((self.f.runs[0] / "meta.json").read_text())
        section = self.html.split('id="machine"')[1].split('id="warnings"')[0]
        for value in (meta["machine"]["cpu_model"], meta["build"]["compiler"],
                      meta["build"]["cflags"], meta["os"]["release"], meta["start"]):
            self.assertIn(value, section)
        section = self.html.split('id="warnings"')[1].split('id="findings"')[0]
        noise = meta["noise"]
        self.assertIn(f"{len(noise['noisy_cells'])} of its {noise['cells']} cells with two or "
                      f"more repetitions have a cv above {noise['cv_threshold'] * 100:.3g}%",
                      section)
        for warning in meta.get("warnings", []):
            self.assertIn(e(warning), section)

    def test_findings_and_claims(self):
        findings = self.html.split('id="findings"')[1].split('id="claims"')[0]
        for workload in ("cpu.sumsq", "cpu.nop", "io.sleep"):
            self.assertIn(f"<b>{workload}", findings)
        # 3 repetitions a cell: no one-sided p can fall below 0.05, so nothing is decided.
        self.assertIn("not decided between", findings)
        claims = self.html.split('id="claims"')[1].split('id="plots"')[0]
        verdicts = re.findall(r'<h3>Claim (\d): .*?<span class="verdict [^"]+">([^<]+)</span>',
                              claims)
        self.assertEqual([n for n, _ in verdicts], list("12345678"))
        for _, verdict in verdicts:
            self.assertIn(html_lib.unescape(verdict), VERDICTS)
        self.assertIn("How can Python be parallelized?", claims)
        # Claim 5 reads max_rss_kb from raw.csv.
        self.assertIn("max_rss_kb: evloop-epoll", claims)
        # Claim 8, without py-dask cells, says what would measure it.
        self.assertIn("-s py-pool,py-dask -n 1,2", claims.split("Claim 8:")[1])

    def test_tables(self):
        tables = self.html.split('id="tables"')[1]
        for head in ("median [95% CI]", "speedup [95% CI]", "efficiency [95% CI]", "cv",
                     "outliers", "reps"):
            self.assertIn(f"<th>{head}</th>", tables)
        # One row per cell of summary.csv.
        self.assertEqual(tables.count("<tr class="),
                         sum(len((run / "summary.csv").read_text().splitlines()) - 1
                             for run in self.f.runs))

    def test_findings_agree_with_verdicts_csv(self):
        said = findings(self.html.split('id="findings"')[1].split("<h2 id=")[0])
        self.assertEqual(len(said), 5)     # cpu.sumsq and cpu.nop at 2 sizes, io.sleep
        for run in self.f.runs:
            with self.subTest(run=run.name):
                self.assert_findings_agree(said, run)

    def test_cpu_nop_is_ranked_by_task_cost(self):
        """Each cpu.nop group's cost table lists each strategy's best cell (lowest median),
        cheapest first by summary.csv's task_cost_s: in the run, and in a copy whose costs
        run against the medians, which nothing but task_cost_s could rank."""
        self.assert_ranked_by_task_cost(self.html, self.f.runs[0])

        def against_the_medians(run_dir):
            path = run_dir / "summary.csv"
            header, rows = read_csv(path)
            with open(path, "w", newline="") as f:
                out = csv.DictWriter(f, header)
                out.writeheader()
                for row in rows:
                    if row["task_cost_s"]:
                        cost = -float(row["wall_median_s"])
                        row.update(task_cost_s=cost, task_cost_ci95_lo_s=1.1 * cost,
                                   task_cost_ci95_hi_s=0.9 * cost)
                    out.writerow(row)

        run_dir = self.f.out / "costs-reversed"
        page = self.report_of(run_dir.name, against_the_medians)
        self.assert_ranked_by_task_cost(page, run_dir)

    def assert_ranked_by_task_cost(self, page, run_dir):
        summary = read_csv(run_dir / "summary.csv")[1]
        tables = re.findall(r"<p class=finding><b>cpu\.nop[^<]*</b> \(\d+ tasks x (\d+)[^)]*\).*?"
                            r'<table class="cells cost">(.*?)</table>', page, re.S)
        self.assertEqual(len(tables), 2)    # one per task size
        for size, table in tables:
            best = {}
            for row in summary:
                if row["workload"] == "cpu.nop" and row["size"] == size and row["task_cost_s"] \
                        and (row["strategy"] not in best or float(row["wall_median_s"]) <
                             float(best[row["strategy"]]["wall_median_s"])):
                    best[row["strategy"]] = row
            ranked = sorted(best.values(), key=lambda r: float(r["task_cost_s"]))
            self.assertEqual(re.findall(r"<tr><td class=n>\d+</td><td>([^<]+)</td>", table),
                             [r["strategy"] for r in ranked])

    def report_of(self, name, change):
        """The report of a copy of the CPU run that change(copy's directory) has altered:
        (exit status, page)."""
        copy = self.f.out / name
        shutil.copytree(self.f.runs[0], copy)
        change(copy)
        out = copy / "report.html"
        result = subprocess.run([self.f.python, str(ROOT / "scripts/report.py"), "--output",
                                 str(out), str(copy)], capture_output=True, text=True,
                                timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        return out.read_text()

    def test_where_the_time_went(self):
        """A verdicts.csv with the decomposition and why columns: a figure per cpu group, and
        the why sentences; with the columns empty or absent, no such section."""
        def synthetic(row):
            t = float(row["wall_median_s"])
            why = (f"{row['strategy']} took {t:g} s: <synthetic>, & a comma"
                   if row["rank"] in ("1", "3") else "")
            # A negative extra: less system time than seq's.
            return {"pus": row["workers"], "ideal_s": 0.5 * t, "extra_user_s": 0.4 * t,
                    "extra_sys_s": -0.1 * t, "idle_s": 0.2 * t, "why": why}

        page = self.report_of("time-went", lambda d: write_time_columns(d, synthetic))
        figures = re.findall(r'<figure id="(fig-time-[^"]+)"><img src="data:image/png;base64,'
                             r'([^"]+)"', page)
        groups = verdict_groups(self.f.runs[0])
        self.assertEqual(len(figures), len(groups))
        for _, data in figures:
            self.assertGreater(png_size(base64.b64decode(data))[0], 100)
        self.assertIn('<h2 id="time">Where the time went</h2>', page)
        whys = [synthetic(row)["why"] for rows in groups.values() for row in rows
                if synthetic(row)["why"]]
        self.assertTrue(whys)
        # Claim 6 quotes the why of an inline loop that shows a speedup: apart from the claims,
        # each is in the findings and under the figure.
        claims = page[page.index('<h2 id="claims">'):]
        claims = claims[:claims.index("<h2 id=", 1)]
        for why in whys:
            self.assertEqual(page.count(e(why)) - claims.count(e(why)), 2, why)
        for name, fill in (("time-empty", lambda row: {}), ("time-absent", None)):
            page = self.report_of(name, lambda d: write_time_columns(d, fill))
            self.assertNotIn('id="time"', page)
            self.assertNotIn("fig-time-", page)
            self.assertNotIn("<ul class=why>", page)

    def test_run_without_verdicts(self):
        """A run directory from a parbench older than verdicts.csv: a note, no findings."""
        page = self.report_of("no-verdicts", lambda d: (d / "verdicts.csv").unlink())
        self.assertIn("has no verdicts.csv", page)
        self.assertNotIn("<p class=finding>", page)
        for section in SECTIONS:
            self.assertIn(f'<h2 id="{section}">', page)

    def test_units_come_from_schema_json(self):
        """A workload's size unit and bytes per unit are the run's schema.json's: changed in
        the file, changed on the page (the findings, the tables, the workloads' list)."""
        schema = json.loads(json.dumps(SCHEMA))
        schema["workloads"]["cpu.sumsq"].update(size_unit="sums of squares", bytes_per_unit=8)

        def with_schema(run_dir):
            (run_dir / "schema.json").write_text(json.dumps(schema))

        page = self.report_of("schema-units", with_schema)
        summary = read_csv(self.f.runs[0] / "summary.csv")[1]
        work = {f"{r['tasks']} tasks x {r['size']}" for r in summary
                if r["workload"] == "cpu.sumsq"}
        self.assertEqual(len(work), 2)
        for text in work:
            self.assertIn(f"({text} sums of squares)", page)         # its finding
            self.assertIn(f": {text} sums of squares (run ", page)    # its table
        self.assertIn("<td>cpu.sumsq</td><td>cpu</td><td>"
                      f"{e(schema['workloads']['cpu.sumsq']['summary'])}</td>"
                      "<td>sums of squares</td>", page)
        self.assertNotIn("has no schema.json", page)
        outliers = next(c for c in schema["files"]["summary.csv"] if c["name"] == "outliers")
        self.assertIn(f"<li><code>outliers</code>: {e(outliers['help'])}</li>", page)
        tables = page.split('id="tables"')[1]
        self.assertEqual(tables.count("<th>GB/s</th>"), 2)          # cpu.sumsq's two sizes
        # The tasks of 8 bytes a unit: what the cell moved over its median.
        seq = next(r for r in summary if r["workload"] == "cpu.sumsq" and r["strategy"] == "seq")
        gbps = 8 * int(seq["size"]) * int(seq["tasks"]) / float(seq["wall_median_s"]) / 1e9
        self.assertIn(f'<td class="n">{gbps:.2f}</td>', tables)

    def test_run_without_schema_json(self):
        """A run made before schema.json: the page says its units are unknown and shows no
        GB/s, and reads its columns all the same."""
        page = self.report_of("no-schema", lambda d: (d / "schema.json").unlink(missing_ok=True))
        self.assertIn("has no schema.json", page)
        self.assertIn("<td>unknown</td>", page)
        self.assertIn("no schema.json, which would say what each column means", page)
        self.assertNotIn("<th>GB/s</th>", page)
        self.assertEqual(len(findings(page)), 4)
        self.assert_findings_agree(findings(page), self.f.runs[0])

    def test_schema_of_another_version(self):
        copy = self.f.out / "schema-v2"
        shutil.copytree(self.f.runs[0], copy)
        (copy / "schema.json").write_text(json.dumps(dict(SCHEMA, version=2)))
        result = subprocess.run([self.f.python, str(ROOT / "scripts/report.py"), str(copy)],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 2)
        self.assertIn("has version 2: this report reads version 1", result.stderr)
        self.assertFalse((copy / "report.html").exists())

    def test_one_run_and_bad_input(self):
        out = self.f.out / "single.html"
        result = subprocess.run([self.f.python, str(ROOT / "scripts/report.py"), "--output",
                                 str(out), str(self.f.runs[1])],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        text = out.read_text()
        self.assertIn(self.f.runs[1].name, text)
        # Two runs in one second are <id> and <id>-2: the first's id alone, not as a prefix.
        self.assertNotRegex(text, re.escape(self.f.runs[0].name) + r"(?!-\d)")
        self.assertIn("not measured", text)     # no cpu.sumsq in an I/O run
        result = make("report", f"RUN={self.f.out / 'nothing'}")
        self.assertEqual(result.returncode, 2)
        self.assertIn("report: no meta.json", result.stderr)


def write_time_columns(run_dir, fill):
    """Rewrites a run's verdicts.csv with its columns as VERDICT_COLUMNS, then, unless fill is
    None, TIME_COLUMNS from fill(row) (a dict; a column it lacks is left empty)."""
    path = Path(run_dir) / "verdicts.csv"
    _, rows = read_csv(path)
    columns = list(VERDICT_COLUMNS) + (list(TIME_COLUMNS) if fill else [])
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(columns)
        for row in rows:
            extra = fill(row) if fill else {}
            out.writerow([extra.get(c, "") if c in TIME_COLUMNS else row[c] for c in columns])


def find_chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def install_chromium():
    """Debian's chromium, when root or with a password-less sudo; None if that cannot be done."""
    if os.geteuid() == 0:
        sudo = []
    elif shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"],
                                                 capture_output=True).returncode == 0:
        sudo = ["sudo", "-n"]
    else:
        return "not root and no password-less sudo"
    if not shutil.which("apt-get"):
        return "no apt-get"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    apt = [*sudo, "apt-get", "-o", "DPkg::Lock::Timeout=300"]
    subprocess.run([*apt, "update", "-qq"], capture_output=True, env=env, timeout=600)
    result = subprocess.run([*apt, "install", "-y", "-qq", "chromium"], capture_output=True,
                            text=True, env=env, timeout=1200)
    if result.returncode != 0:
        return "apt-get install chromium failed: " + (result.stderr.strip().splitlines() or
                                                      ["?"])[-1]
    return None


# Written into a copy of the report: collects errors, then the images' sizes at load.
PROBE = """<script>
window.__errors = [];
window.addEventListener("error", function (ev) {
  var what = ev.message || (ev.target && (ev.target.src || ev.target.tagName)) || "?";
  window.__errors.push("error: " + String(what).slice(0, 120));
}, true);
(function () {
  var original = console.error;
  console.error = function () {
    window.__errors.push("console.error: " + Array.prototype.join.call(arguments, " "));
    original.apply(console, arguments);
  };
})();
window.addEventListener("load", function () {
  var sizes = Array.prototype.map.call(document.images, function (img) {
    return [img.naturalWidth, img.naturalHeight];
  });
  var pre = document.createElement("pre");
  pre.id = "result";
  pre.textContent = JSON.stringify({images: sizes, errors: window.__errors});
  document.body.appendChild(pre);
});
</script>"""


class BrowserTest(unittest.TestCase):
    """The report in headless Chromium: every image loads, nothing logs an error."""

    @classmethod
    def setUpClass(cls):
        if not report_python():
            raise unittest.SkipTest("no python3 with matplotlib: run bash scripts/install-deps.sh")
        if not find_chromium():
            why = install_chromium()
            if why or not find_chromium():
                raise unittest.SkipTest(f"chromium is not installed and cannot be: {why}")
        cls.chromium = find_chromium()
        cls.f = ReportFixture.get()
        if cls.f.make.returncode != 0 or not cls.f.html_path.is_file():
            raise AssertionError(cls.f.make.stdout + cls.f.make.stderr)

    def browse(self, *args):
        with tempfile.TemporaryDirectory(prefix="parbench-chromium-") as profile:
            return subprocess.run([self.chromium, "--headless=new", "--no-sandbox",
                                   "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                                   "--enable-logging=stderr", f"--user-data-dir={profile}",
                                   *args], capture_output=True, text=True, timeout=60)

    def test_images_load_without_errors(self):
        html = self.f.html_path.read_text()
        probe = self.f.out / "report-probe.html"
        probe.write_text(html.replace("<style>", PROBE + "<style>", 1))
        result = self.browse("--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        found = re.search(r'<pre id="result">([^<]*)</pre>', result.stdout)
        self.assertIsNotNone(found, result.stdout[-2000:])
        state = json.loads(html_lib.unescape(found.group(1)))
        self.assertEqual(state["errors"], [])
        self.assertEqual(len(state["images"]), html.count("<img "))
        for width, height in state["images"]:
            self.assertGreater(width, 0)
            self.assertGreater(height, 0)
        # The page has no script of its own: any console message is the browser's complaint.
        self.assertNotIn(":CONSOLE", result.stderr)

    def test_screenshot(self):
        shot = self.f.html_path.resolve().parent / "report.png"
        result = self.browse("--window-size=1280,2000", f"--screenshot={shot}",
                             self.f.html_path.resolve().as_uri())
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        self.assertEqual(png_size(shot.read_bytes()), (1280, 2000))


if __name__ == "__main__":
    unittest.main()
