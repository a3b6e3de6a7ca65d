"""opencl, the job offloaded to an OpenCL device (PoCL's CPU device here): seq's checksum on
every workload it has a kernel for, its device and copy, kernel and build times in their own
columns (empty for the other strategies), --workers as compute units (more than the device
has is an error row naming the limit), --device refused when it names no device, io
workloads skipped with a note, no platform at run time (OCL_ICD_VENDORS naming an empty
directory) listed as unavailable and refused by name, and a kernel that does not build, a
wrong task checksum and a crash error rows.  Skipped, with the reason, where `parbench list`
marks it unavailable."""
import html
import os
import subprocess
import tempfile
import unittest

from helpers import PARBENCH, ROOT, SMALL, ParbenchTest, Run, listed_strategies, parbench

OPENCL = "opencl"
KERNELS = ["cpu.sumsq", "cpu.mandel", "cpu.nop", "mem.triad"]
OFFLOAD_COLUMNS = ["build_s", "h2d_s", "kernel_s", "d2h_s"]
SUMMARY_COLUMNS = ["build_median_s", "h2d_median_s", "kernel_median_s", "d2h_median_s"]


class OpenclTest(ParbenchTest):
    @classmethod
    def setUpClass(cls):
        why = listed_strategies()[OPENCL]
        if why:
            raise unittest.SkipTest(f"{OPENCL} is unavailable here: {why}")
        # Every workload with a kernel, at one and two compute units, in one run: one size
        # for all, mem.triad's small one (helpers.SMALL).
        cls.small = SMALL["mem.triad"]
        cls.planned = cls.class_run("-w", ",".join(KERNELS), "-s", OPENCL, "-n", "1,2", "--reps",
                                "2", "--warmup", "0", *cls.small)

    def rows(self, strategy, workload=None):
        return [r for r in self.planned.raw if r["strategy"] == strategy and
                (workload is None or r["workload"] == workload)]

    def test_every_workload_with_a_kernel_matches_seq(self):
        for workload in KERNELS:
            with self.subTest(workload=workload):
                seq = self.rows("seq", workload)
                rows = self.rows(OPENCL, workload)
                self.assertEqual({r["workers"] for r in rows}, {"1", "2"})
                for row in seq + rows:
                    self.assertEqual((row["ok"], row["error"]), ("1", ""), row)
                self.assertEqual({r["checksum"] for r in seq + rows}, {seq[0]["checksum"]})

    def test_the_device_and_its_times_in_their_columns(self):
        for column in ["device"] + OFFLOAD_COLUMNS:
            self.assertIn(column, self.planned.raw_header)
        header = self.planned.raw_header
        self.assertLess(header.index("cut"), header.index("device"))
        for row in self.rows(OPENCL):
            self.assertRegex(row["device"], r"^.+ \((CPU|GPU|ACCELERATOR|OTHER), .+\), "
                                            rf"{row['workers']} of \d+ compute units")
            for column in ["build_s", "kernel_s", "d2h_s"]:
                self.assertGreater(float(row[column]), 0, (column, row))
            copied_in = float(row["h2d_s"])
            if row["workload"] == "mem.triad":     # b and c go in; the others copy nothing
                self.assertGreater(copied_in, 0, row)
            else:
                self.assertEqual(copied_in, 0, row)
            self.assertGreater(float(row["wall_s"]), float(row["kernel_s"]), row)
        for row in self.rows("seq"):
            self.assertEqual([row[c] for c in ["device"] + OFFLOAD_COLUMNS], [""] * 5, row)

    def test_the_summary_and_meta(self):
        for row in self.planned.summary:
            values = [row[c] for c in ["device"] + SUMMARY_COLUMNS]
            if row["strategy"] == OPENCL:
                self.assertTrue(all(values), row)
                self.assertGreater(float(row["kernel_median_s"]), 0)
            else:
                self.assertEqual(values, [""] * 5, row)
        devices = self.planned.meta["opencl"]["devices"]
        self.assertGreaterEqual(len(devices), 1)
        self.assertIn(devices[self.planned.meta["opencl"]["device"]]["type"],
                      {"CPU", "GPU", "ACCELERATOR", "OTHER"})

    def test_the_reports_claim_answers_the_gpu_advice_with_the_split(self):
        run = f"RUN={self.planned.dir.resolve()}"
        made = subprocess.run(["make", "-s", "-C", str(ROOT), "report", run],
                              capture_output=True, text=True, timeout=300)
        self.assertEqual(made.returncode, 0, made.stderr)
        page = (self.planned.dir / "report.html").read_text()
        claim = page[page.index("<h3>Claim 7: "):]
        claim = claim[:claim.index("<h3>", 4)] if "<h3>" in claim[4:] else claim
        # Each claim names its best cell's device, with the compute units it used.
        devices = {r["device"] for r in self.rows(OPENCL)}
        self.assertTrue(any(html.escape(d) in claim for d in devices), devices)
        device = devices.pop()
        for part in ("copying out", "the kernel", "the program's build"):
            self.assertIn(part, claim)
        # PoCL is a CPU device: the claim about GPUs is not measured here, and the page never
        # names the strategy without its device's type.
        if "(CPU," in device:
            self.assertIn("not measured", claim)
            # Whichever cell is best (1 or 2 compute units), as timing decides.
            self.assertRegex(page, r"opencl \(CPU\) x[12]\b")

    def test_the_table_names_the_device_and_the_split(self):
        result = parbench("run", "-w", "cpu.sumsq", "-s", OPENCL, "-n", "1", "--reps", "1",
                          "--warmup", "0", *self.small, "--out", self.out)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"\n  offload: opencl \(1 worker\) on .+ \((CPU|GPU|"
                                        r"ACCELERATOR|OTHER), .+, 1 of \d+ compute units"
                                        r"(, not a GPU)?: a repetition: nothing to copy in, \S+ "
                                        r"kernel, \S+ copying out; the program's build \S+, "
                                        r"once per cell process, not in the times\n")

    def test_more_workers_than_compute_units_is_an_error_row(self):
        units = self.planned.meta["opencl"]["devices"][self.planned.meta["opencl"]["device"]][
            "compute_units"]
        result = parbench("run", "-w", "cpu.nop", "-s", OPENCL, "-n", str(units + 1),
                          "--reps", "1", "--warmup", "0", "--tasks", "4", "--out", self.out)
        self.assertEqual(result.returncode, 1, result.stderr)
        row = self.only_opencl_row()
        self.assertRegex(row["error"], rf"^--workers {units + 1}: .+ has {units} compute "
                                       rf"units; opencl uses 1 to {units} of them$")

    def test_a_device_that_is_not_there_is_refused(self):
        for device in ["99", "no-such-device"]:
            with self.subTest(device=device):
                result = parbench("run", "-w", "cpu.nop", "-s", OPENCL, "--device", device,
                                  "--out", self.out)
                self.assertEqual(result.returncode, 2)
                self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
                self.assertRegex(result.stderr, rf"^parbench run: --device '{device}': ")

    def test_a_device_by_number_and_by_name(self):
        devices = self.planned.meta["opencl"]["devices"]
        for device in ["0", devices[0]["name"][:6]]:
            with self.subTest(device=device):
                run = self.run_ok("-w", "cpu.nop", "-s", OPENCL, "--device", device, "-n", "1",
                                  "--reps", "1", "--warmup", "0", "--tasks", "4")
                self.assertTrue(self.only_opencl_row(run)["device"].startswith(
                    devices[0]["name"] + " ("))

    def test_io_workloads_are_skipped_with_a_note(self):
        run = self.run_ok("-w", "io.sleep,cpu.nop", "-s", OPENCL, "-n", "1", "--reps", "1",
                          "--warmup", "0", "--tasks", "4", "--size", "100")
        self.assertIn("skipping opencl for io.sleep: no kernel", self.stderr)
        self.assertEqual({(r["workload"], r["strategy"]) for r in run.raw},
                         {("io.sleep", "seq"), ("cpu.nop", "seq"), ("cpu.nop", OPENCL)})

    def test_a_kernel_that_does_not_build_is_an_error_row(self):
        # The kernel's name, defined away: a real compile error, with the build log's.
        result = parbench("run", "-w", "cpu.sumsq", "-s", OPENCL, "-n", "1", "--reps", "1",
                          "--warmup", "0", "--tasks", "4", "--size", "100", "--cl-options",
                          "-Dchecksums=1", "--out", self.out)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertRegex(self.only_opencl_row()["error"],
                         r"^cpu.sumsq's kernel did not build for .+ \(CL_BUILD_PROGRAM_FAILURE\)"
                         r": error")

    def test_a_wrong_checksum_and_a_crash_are_error_rows(self):
        # PARBENCH_FAULT reaches the tasks the host records (docs/testing.md).
        for fault, error in [("checksum:3:opencl", r"^checksum mismatch: \d+, but seq gave \d+$"),
                             ("crash:3:opencl", r"^cell process killed by signal 11 ")]:
            with self.subTest(fault=fault):
                env = {**os.environ, "PARBENCH_FAULT": fault}
                result = parbench_env(env, "run", "-w", "cpu.nop", "-s", OPENCL, "-n", "1",
                                      "--reps", "1", "--warmup", "0", "--tasks", "8", "--out",
                                      self.out)
                self.assertEqual(result.returncode, 1, result.stderr)
                self.assertRegex(self.only_opencl_row()["error"], error)

    def test_no_platform_at_run_time_makes_it_unavailable(self):
        with tempfile.TemporaryDirectory() as empty:
            env = {**os.environ, "OCL_ICD_VENDORS": empty}
            why = "no OpenCL platform: the ICD loader found none"
            listed = parbench_env(env, "list")
            self.assertEqual(listed.returncode, 0, listed.stderr)
            self.assertRegex(listed.stdout,
                             rf"\n  {OPENCL} .*\n(?: {{20,}}.*\n)*? +unavailable here: {why}")
            named = parbench_env(env, "run", "-w", "cpu.nop", "-s", OPENCL, "--out", self.out)
            self.assertEqual(named.returncode, 2)
            self.assertIn(f"{OPENCL} is unavailable here: {why}", named.stderr)

    def only_opencl_row(self, run=None):
        rows = [r for r in (run or Run(self.out)).raw if r["strategy"] == OPENCL]
        self.assertEqual(len(rows), 1, rows)
        return rows[0]


def parbench_env(env, *args):
    """Runs parbench with the environment env."""
    return subprocess.run([PARBENCH, *args], capture_output=True, text=True, timeout=120,
                          env=env)


if __name__ == "__main__":
    unittest.main()
