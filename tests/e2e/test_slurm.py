"""Under Slurm, with a fake job's SLURM_* environment (Slurm is not installed here): meta.json's
slurm record, `parbench slurm-hostfile`, the malformed variables, and scripts/parbench.sbatch,
checked for its parsing and run with a stand-in for parbench that notes its commands."""
import contextlib
import os
import re
import stat
import subprocess
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from helpers import PARBENCH, ROOT, ParbenchTest, parbench
from test_report import make, report_python

SBATCH = ROOT / "scripts" / "parbench.sbatch"
TINY = ("-w", "cpu.nop", "-s", "seq", "--tasks", "10", "--reps", "1", "--warmup", "0")

# A job of three nodes, four tasks on the first two and one on the third.
JOB = {
    "SLURM_JOB_ID": "4242", "SLURM_JOB_NAME": "parbench", "SLURM_CLUSTER_NAME": "hpc",
    "SLURM_JOB_PARTITION": "batch", "SLURM_JOB_NODELIST": "node[01-02],gpu-a7",
    "SLURM_JOB_NUM_NODES": "3", "SLURM_JOB_CPUS_PER_NODE": "16(x2),8",
    "SLURM_CPUS_ON_NODE": "16", "SLURM_NTASKS": "9", "SLURM_TASKS_PER_NODE": "4(x2),1",
    "SLURM_PROCID": "0", "SLURM_NODEID": "0",
}


@contextlib.contextmanager
def slurm_environment(variables):
    """os.environ without any SLURM_* variable of the test's own, plus `variables`."""
    with mock.patch.dict(os.environ):
        for name in [name for name in os.environ if name.startswith("SLURM_")]:
            del os.environ[name]
        os.environ.update(variables)
        yield


def without(*names, **changed):
    """JOB without the variables named, with those changed."""
    return {**{k: v for k, v in JOB.items() if k not in names}, **changed}


class SlurmMetaTest(ParbenchTest):
    """One tiny run in the job, one with a malformed variable, one outside a job."""

    @classmethod
    def setUpClass(cls):
        def run(variables):
            with slurm_environment(variables):
                return cls.class_run(*TINY)

        cls.in_job = run(JOB)
        # SLURM_NODEID's byte 0xff (surrogateescape) is not UTF-8, which JSON cannot hold.
        cls.malformed = run(without(SLURM_TASKS_PER_NODE="4(x2),1(x", SLURM_NODEID="1\udcff"))
        cls.outside = run({})

    def test_the_job_recorded(self):
        self.assertEqual(self.in_job.meta["slurm"], {
            "job_id": "4242", "job_name": "parbench", "cluster": "hpc", "partition": "batch",
            "nodes": ["node01", "node02", "gpu-a7"], "num_nodes": 3,
            "cpus_per_node": [16, 16, 8], "cpus_on_node": 16,
            "ntasks": 9, "tasks_per_node": [4, 4, 1], "procid": 0, "nodeid": 0,
            "malformed": {},
        })
        self.assertNotIn("SLURM", " ".join(self.in_job.meta["warnings"]))

    def test_the_report_names_the_job_and_its_nodes(self):
        python = report_python()
        if not python:
            self.skipTest("no interpreter with matplotlib for make report")
        made = make("report", f"RUN={self.in_job.dir.resolve()}")
        self.assertEqual(made.returncode, 0, made.stderr)
        page = (self.in_job.dir / "report.html").read_text()
        self.assertIn("<th>Slurm job</th><td>job 4242 (parbench) on hpc/batch, 3 nodes: "
                      "node01 (16 CPUs), node02 (16 CPUs), gpu-a7 (8 CPUs)</td>", page)

    def test_null_outside_a_job(self):
        self.assertIn("slurm", self.outside.meta)
        self.assertIsNone(self.outside.meta["slurm"])

    def test_a_malformed_variable_is_left_out_and_said(self):
        slurm = self.malformed.meta["slurm"]
        self.assertIsNone(slurm["tasks_per_node"])
        self.assertEqual(slurm["nodes"], ["node01", "node02", "gpu-a7"])
        self.assertEqual(slurm["malformed"], {
            "SLURM_TASKS_PER_NODE": {"value": "4(x2),1(x", "why": "'1(x' is not N or N(xM)"},
            "SLURM_NODEID": {"value": None, "why": "'1\\xff' is not a whole number"}})
        self.assertIn("SLURM_TASKS_PER_NODE='4(x2),1(x': '1(x' is not N or N(xM); meta.json's "
                      "slurm record leaves it out", self.malformed.meta["warnings"])
        # Said with the byte as \xff: as it is, JSON could not hold the warning.
        self.assertIn("SLURM_NODEID='1\\xff': '1\\xff' is not a whole number; meta.json's "
                      "slurm record leaves it out", self.malformed.meta["warnings"])


def hostfile(variables, *args):
    with slurm_environment(variables):
        return parbench("slurm-hostfile", *args, timeout=30)


class SlurmHostfileTest(unittest.TestCase):
    def assert_refused(self, result, line):
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr, f"parbench slurm-hostfile: {line}\n")

    def test_slots_are_the_tasks_of_each_node(self):
        result = hostfile(JOB)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "node01 slots=4\nnode02 slots=4\ngpu-a7 slots=1\n")

    def test_or_the_cpus_when_the_job_asked_for_no_tasks(self):
        result = hostfile(without("SLURM_NTASKS"))
        self.assertEqual(result.stdout, "node01 slots=16\nnode02 slots=16\ngpu-a7 slots=8\n")

    def test_refused_outside_a_job(self):
        self.assert_refused(hostfile({}), "not in a Slurm job (SLURM_JOB_ID is not set): run it "
                            "in a batch script (sbatch) or an allocation (salloc)")

    def test_refused_with_a_malformed_variable(self):
        self.assert_refused(hostfile(without(SLURM_JOB_NODELIST="node[01-02,gpu-a7")),
                            "SLURM_JOB_NODELIST='node[01-02,gpu-a7': 'node[01-02,gpu-a7' has "
                            "a '[' without its ']'")
        self.assert_refused(hostfile(without(SLURM_TASKS_PER_NODE="4(x2)")),
                            "SLURM_TASKS_PER_NODE='4(x2)': 2 counts for the 3 nodes of the "
                            "node list")

    def test_help_and_no_options(self):
        result = hostfile({}, "--help")
        self.assertEqual(result.returncode, 0)
        self.assertIn("usage: parbench slurm-hostfile", result.stdout)
        self.assertEqual(hostfile(JOB, "-o").returncode, 2)


# What Slurm reads from a batch script: its #SBATCH lines, before the first command.
SBATCH_LINE = re.compile(r"^#SBATCH --[a-z][a-z-]*(=\S+)?$")


class SbatchScriptTest(unittest.TestCase):
    def test_bash_parses_it(self):
        result = subprocess.run(["bash", "-n", str(SBATCH)], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_its_sbatch_lines(self):
        lines = SBATCH.read_text().splitlines()
        first_command = next(i for i, line in enumerate(lines)
                             if line.strip() and not line.startswith("#"))
        directives = [line for line in lines if line.startswith("#SBATCH")]
        self.assertIn("#SBATCH --nodes=2", directives)
        for line in directives:
            self.assertRegex(line, SBATCH_LINE)
            self.assertLess(lines.index(line), first_command, f"{line}: after a command")

    def test_what_it_runs(self):
        """With a stand-in for parbench that notes its arguments (and makes the host file with
        the real one), in a fake job of 2 nodes of 4 tasks: the host file from the job, the
        mpi strategies on it, the single-node plan; every option one `parbench run` has."""
        with tempfile.TemporaryDirectory(prefix="parbench-sbatch-") as submit:
            log = Path(submit) / "commands"
            stand_in = Path(submit) / "parbench"
            stand_in.write_text(f'#!/bin/sh\necho "$*" >>{log}\n'
                                f'[ "$1" = slurm-hostfile ] && exec {PARBENCH} "$@"\nexit 0\n')
            stand_in.chmod(stand_in.stat().st_mode | stat.S_IXUSR)
            job = {"SLURM_JOB_ID": "77", "SLURM_SUBMIT_DIR": submit,
                   "SLURM_JOB_NODELIST": "cn[7-8]", "SLURM_JOB_CPUS_PER_NODE": "8(x2)",
                   "SLURM_NTASKS": "8",     # sbatch -n 8: no SLURM_NTASKS_PER_NODE
                   "SLURM_TASKS_PER_NODE": "4(x2)", "PARBENCH": str(stand_in)}
            with slurm_environment(job):
                result = subprocess.run(["bash", str(SBATCH)], capture_output=True, text=True,
                                        timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr)
            hosts = Path(submit) / "results" / "slurm-77" / "hosts"
            self.assertEqual(hosts.read_text(), "cn7 slots=4\ncn8 slots=4\n")
            commands = [line.split() for line in log.read_text().splitlines()]
        self.assertEqual(commands[0], ["slurm-hostfile"])
        across, alone = commands[1:]
        self.assertEqual(across[:5], ["run", "-w", "cpu.sumsq,mem.triad", "-s", "mpi,mpi-static"])
        self.assertEqual(across[across.index("-n") + 1], "4,8")
        self.assertEqual(across[across.index("--hostfile") + 1], "results/slurm-77/hosts")
        self.assertNotIn("--hostfile", alone)
        run_help = parbench("run", "--help").stdout
        for option in [arg for command in (across, alone) for arg in command
                       if arg.startswith("-")]:
            self.assertRegex(run_help, rf"(?m)^\s+(-\w, )?{re.escape(option)}\b")


if __name__ == "__main__":
    unittest.main()
