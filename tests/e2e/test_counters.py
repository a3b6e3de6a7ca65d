"""What the kernel counts per cell: getrusage's page faults in every repetition, the PUs a
cell was given and how busy it kept them, and the counted repetition's perf_event_open
counters, with meta.json saying why a counter is absent."""
import json
import shutil
import unittest

from helpers import ParbenchTest

COUNTED = ["task_clock_s", "context_switches", "migrations", "cycles", "instructions"]
SUMMARY_TAIL = ["speedup_vs_seq", "user_median_s", "sys_median_s", "vcsw_median",
                "ivcsw_median", "minflt_median", "majflt_median", "pus", "pu_util", *COUNTED]
# The counter behind each counted column, as meta.json's events name them.
EVENT_OF = {"task_clock_s": "task-clock", "context_switches": "context-switches",
            "migrations": "cpu-migrations", "cycles": "cycles", "instructions": "instructions"}
EVENTS = ["task-clock", "context-switches", "cpu-migrations", "page-faults-min",
          "page-faults-maj", "cycles", "instructions"]


def cell(run, strategy, **key):
    """The summary row of a strategy's cell, with more of its key (workers, size, pin)."""
    return next(r for r in run.summary if r["strategy"] == strategy and
                all(r[k] == str(v) for k, v in key.items()))


class CpuCountersTest(ParbenchTest):
    """One run of cpu.sumsq (about 20 ms a repetition) under threads, processes, OpenMP
    and an event loop at 2 workers."""

    @classmethod
    def setUpClass(cls):
        cls.shared_run = cls.class_run(
            "-w", "cpu.sumsq", "-s", "seq,pthreads,fork,openmp-static,evloop-epoll", "-n", "2",
            "--tasks", "8", "--size", "4000000", "--reps", "3",
            "--export-json", "{out}/cells.json")
        cls.json_path = cls.shared_run.dir.parent / "cells.json"
        cls.events = cls.shared_run.meta["counters"]["events"]

    def test_columns_in_their_order(self):
        raw = self.shared_run.raw_header
        start = raw.index("work_s")
        self.assertEqual(raw[start:start + 4], ["work_s", "minflt", "majflt", "cut"])
        start = self.shared_run.summary_header.index(SUMMARY_TAIL[0])
        self.assertEqual(self.shared_run.summary_header[start:start + len(SUMMARY_TAIL)],
                         SUMMARY_TAIL)
        self.assertEqual(self.shared_run.raw_header, self.shared_run.columns("raw.csv"))
        self.assertEqual(self.shared_run.summary_header, self.shared_run.columns("summary.csv"))

    def test_page_faults_in_every_ok_row(self):
        for row in self.shared_run.raw:
            self.assertEqual(row["ok"], "1", row)
            for column in ("minflt", "majflt"):
                self.assertRegex(row[column], r"^\d+$", (column, row))

    def test_pu_util(self):
        for row in self.shared_run.summary:
            util = float(row["cpu_util"]) / int(row["pus"])
            self.assertAlmostEqual(float(row["pu_util"]), util, places=6, msg=row)
        # seq keeps its PU busy: above 0.5 of it on a quiet machine.  With more threads ready
        # to run than PUs (the load average meta.json recorded) it gets its share of the PU.
        pus = int(self.shared_run.meta["machine"]["pus"])
        load = max(self.shared_run.meta["load_average"][when][0] for when in ("start", "end"))
        share = min(1.0, pus / load) if load > 0 else 1.0
        self.assertGreater(float(cell(self.shared_run, "seq")["pu_util"]), 0.5 * share,
                           f"load average {load} on {pus} PUs")
        if pus >= 2:
            # One loop thread runs the CPU work inline: one PU of the two is busy.
            self.assertLessEqual(float(cell(self.shared_run, "evloop-epoll")["pu_util"]), 0.6)

    def test_counted_repetition(self):
        counters = self.shared_run.meta["counters"]
        self.assertEqual(counters["timed_repetitions"], "getrusage")
        self.assertEqual(list(counters["events"]), EVENTS)
        self.assertIsInstance(counters["exclude_kernel"], bool)
        opened = [name for name, why in self.events.items() if why is None]
        self.assertEqual(counters["counted_repetition"], "perf_event_open" if opened else None)
        for name, why in self.events.items():
            if why is not None:
                self.assertTrue(why.startswith("perf_event_open: "), (name, why))
        for row in self.shared_run.summary:
            for column in COUNTED:
                if self.events[EVENT_OF[column]] is not None:
                    self.assertEqual(row[column], "", (column, row))
                elif column == "task_clock_s":
                    # Another repetition than the timed ones, on a drifting machine.
                    cpu = float(row["user_median_s"]) + float(row["sys_median_s"])
                    self.assertGreater(float(row[column]), 0, row)
                    self.assertLess(float(row[column]), 4 * cpu, row)
                    self.assertGreater(float(row[column]), cpu / 4, row)
                else:
                    self.assertGreaterEqual(float(row[column]), 0, (column, row))

    def test_absent_hardware_counters_are_empty_and_explained(self):
        for column in ("cycles", "instructions"):
            why = self.events[column]
            for row in self.shared_run.summary:
                if why is None:
                    self.assertGreater(float(row[column]), 0, (column, row))
                else:
                    self.assertEqual(row[column], "", (column, row))
            if why is not None:
                self.assertGreater(len(why), len("perf_event_open: "), why)

    def test_json_export_has_the_figures(self):
        with open(self.json_path) as f:
            cells = json.load(f)["cells"]
        for doc, row in zip(cells, self.shared_run.summary):
            self.assertEqual(doc["pus"], int(row["pus"]))
            for key in ("user_median_s", "minflt_median", "pu_util", *COUNTED):
                if row[key] == "":
                    self.assertIsNone(doc[key], key)
                else:
                    self.assertAlmostEqual(doc[key], float(row[key]), places=6, msg=key)


class PusTest(ParbenchTest):
    def test_pus_given_to_the_workers(self):
        pus = self.pus()
        listed = [pus - 1, 0] if pus >= 2 else [0]
        workers = sorted({1, 2, 3, pus + 1})
        run = self.run_ok("-w", "cpu.nop", "-s", "pthreads", "-n", ",".join(map(str, workers)),
                          "--pin", "compact", "--pin", "none",
                          "--pin", "pu:" + ",".join(map(str, listed)),
                          "--tasks", "10", "--reps", "1", "--warmup", "0")
        for row in run.summary:
            workers = int(row["workers"])
            if row["pin"].startswith("pu:"):
                want = len({listed[w % len(listed)] for w in range(workers)})
            else:
                want = min(workers, pus)
            self.assertEqual(int(row["pus"]), want, row)


class PageFaultsTest(ParbenchTest):
    def test_forked_workers_fault_the_shared_arrays_in_again(self):
        run = self.run_ok("-w", "mem.triad", "-s", "seq,fork,pthreads", "-n", "2",
                          "--tasks", "4", "--size", "65536,262144", "--reps", "3")
        small = float(cell(run, "fork", size=65536)["minflt_median"])
        large = float(cell(run, "fork", size=262144)["minflt_median"])
        threads = float(cell(run, "pthreads", size=262144)["minflt_median"])
        self.assertGreaterEqual(large, 3 * small, (small, large))
        self.assertLess(4 * threads, large, (threads, large))


@unittest.skipUnless(shutil.which("python3"), "no python3 on PATH")
class PythonCountersTest(ParbenchTest):
    def test_python_cells_have_faults_but_no_counted_repetition(self):
        run = self.run_ok("-w", "cpu.nop", "-s", "py-seq", "--tasks", "10", "--reps", "1",
                          "--warmup", "0")
        self.assertRegex(next(r for r in run.raw if r["strategy"] == "py-seq")["minflt"],
                         r"^\d+$")
        for column in COUNTED:
            self.assertEqual(cell(run, "py-seq")[column], "", column)
        if run.meta["counters"]["events"]["task-clock"] is None:
            self.assertNotEqual(cell(run, "seq")["task_clock_s"], "")


if __name__ == "__main__":
    unittest.main()
