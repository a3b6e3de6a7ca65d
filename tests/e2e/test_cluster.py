"""Several hosts on one machine (scripts/netns-cluster.sh): mpi and mpi-static across 3 network
namespaces, each a host with a name of its own, and py-dask on a Dask worker in each.  Skipped,
with the script's reason, where the machine refuses namespaces (its exit status 3, as without
root), or where the mpi strategies or py-dask are unavailable; the namespaces are taken down
after the tests, also when one fails."""
import fcntl
import os
import subprocess
import unittest
from pathlib import Path

from helpers import PARBENCH, ROOT, ParbenchTest, Run, listed_strategies
from test_mpi import unavailable as mpi_unavailable
from test_readme import commands, section_blocks

SCRIPT = ROOT / "scripts" / "netns-cluster.sh"
CANNOT = 3              # the script's status where the machine cannot make namespaces
HOSTS = [f"pbnode{i}" for i in (1, 2, 3)]
# One cluster at a time on a machine, whoever's tests these are.
LOCK = "/run/lock/parbench-netns-test.lock"


def cluster(*args, env=None):
    """Runs scripts/netns-cluster.sh ARGS; returns the CompletedProcess."""
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=120, env=env)


def state_dir(say):
    """The state directory that `up` names ("state in DIR")."""
    return Path(say.split("state in ", 1)[1].split()[0])


def take_down():
    """netns-cluster.sh down, which must leave neither a namespace nor a link of its own."""
    down = cluster("down")
    left = subprocess.run(["ip", "-o", "netns", "list"], capture_output=True, text=True).stdout
    left += subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    if down.returncode != 0 or any(name in left for name in ("pbnode", "pbveth", "pbbr0")):
        raise AssertionError(f"netns-cluster.sh down: exit {down.returncode}, left:\n{left}"
                             f"{down.stderr}")


class ClusterTest(ParbenchTest):
    @classmethod
    def setUpClass(cls):
        try:
            lock = open(LOCK, "w")
        except OSError as e:
            raise unittest.SkipTest(f"cannot take the lock {LOCK}: {e}")
        cls.addClassCleanup(lock.close)
        fcntl.flock(lock, fcntl.LOCK_EX)
        if cluster("status").returncode == 0:
            raise unittest.SkipTest("a cluster of netns-cluster.sh is up already: not "
                                    "touching it (scripts/netns-cluster.sh down)")
        try:
            up = cluster("up", str(len(HOSTS)))
        except subprocess.TimeoutExpired:
            take_down()         # what the killed up made
            raise
        if up.returncode == CANNOT:
            raise unittest.SkipTest(up.stderr.strip())
        cls.addClassCleanup(take_down)
        if up.returncode != 0:
            raise AssertionError(f"netns-cluster.sh up: exit {up.returncode}\n{up.stderr}")
        cls.state = state_dir(up.stdout)

    def test_mpi_ranks_run_on_the_three_hosts_as_the_readme_shows(self):
        why = mpi_unavailable()
        if why:
            self.skipTest(why)
        lines = commands(section_blocks("Several hosts on one machine", "sh")[0])
        self.assertEqual((lines[0], lines[-1]), (f"scripts/netns-cluster.sh up {len(HOSTS)}",
                                                 "scripts/netns-cluster.sh down"))
        # The class's cluster is the first line's; the run goes where a user's would.
        home = Path(self.out)
        (home / "parbench").symlink_to(PARBENCH)
        for command in lines[1:-1]:
            done = subprocess.run(["bash", "-c", command], cwd=home, capture_output=True,
                                  text=True, timeout=120)
            self.assertEqual(done.returncode, 0, f"{command}\n{done.stdout}{done.stderr}")
        run = Run(home / "results")
        seq = [row for row in run.raw if row["strategy"] == "seq"]
        self.assertEqual({row["hosts"] for row in seq}, {""})
        ranks = [row for row in run.raw if row["strategy"] != "seq"]
        self.assertEqual({row["strategy"] for row in ranks}, {"mpi", "mpi-static"})
        for row in ranks:
            self.assertEqual((row["ok"], row["error"], row["checksum"]),
                             ("1", "", seq[0]["checksum"]), row)
            self.assertEqual(sorted(row["hosts"].split(";")), HOSTS, row)

    def test_up_again_changes_nothing(self):
        hostfile = (self.state / "hostfile").read_text()
        again = cluster("up", str(len(HOSTS)))
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual((self.state / "hostfile").read_text(), hostfile)
        self.assertEqual(hostfile.splitlines(), [f"{host} slots=1" for host in HOSTS])

    def test_py_dask_workers_run_on_the_three_hosts(self):
        why = listed_strategies().get("py-dask")
        if why:
            self.skipTest(why)
        up = cluster("dask-up")
        if up.returncode == CANNOT:
            self.skipTest(up.stderr.strip())
        self.addCleanup(cluster, "dask-down")
        self.assertEqual(up.returncode, 0, up.stderr)
        address = up.stdout.split("--dask-scheduler ", 1)[1].split()[0]
        run = self.run_ok("-w", "cpu.sumsq", "-s", "py-dask", "--dask-scheduler", address,
                          "-n", str(len(HOSTS)), "--pin", "none", "--tasks", "6", "--size",
                          "2000", "--reps", "1", "--warmup", "0")
        checksums = {row["strategy"]: row["checksum"] for row in run.raw}
        self.assertEqual(set(checksums), {"seq", "py-seq", "py-dask"})
        self.assertEqual(len(set(checksums.values())), 1, checksums)
        (row,) = [row for row in run.raw if row["strategy"] == "py-dask"]
        self.assertEqual(sorted(row["hosts"].split(";")), HOSTS, row)


class ClusterInputTest(unittest.TestCase):
    def test_bad_arguments_exit_2_with_one_line(self):
        for args in (["up", "0"], ["up", "x"], ["up", "254"], ["up", "3", "0"], ["sideways"]):
            with self.subTest(args=args):
                result = cluster(*args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
                self.assertEqual(result.stdout, "")
        self.assertIn("N '0' is not allowed: a whole number from 1 to 253",
                      cluster("up", "0").stderr)

    def test_not_root_is_the_status_tests_skip_on(self):
        if os.geteuid() != 0:
            self.skipTest("not root: the status is this test run's own")
        # The script on standard input, opened here: nobody may not read the checkout (a
        # mktemp -d clone is 0700).
        with open(SCRIPT) as script:
            result = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534",
                                     "--clear-groups", "bash", "-s", "up", "3"], stdin=script,
                                    capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, CANNOT, result.stderr)
        self.assertIn("needs root", result.stderr)


if __name__ == "__main__":
    unittest.main()
