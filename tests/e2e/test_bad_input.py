"""Bad input: exit status 2, one line naming the bad value, and nothing written."""
import os
import tempfile
import unittest
from unittest import mock

from helpers import ParbenchTest, parbench

# (arguments after `run`, text the error line must contain)
BAD_RUN_OPTIONS = [
    (["-w", "cpu.nosuch"], "cpu.nosuch"),
    (["-w", ""], "''"),
    (["-w", "cpu.nop,cpu.nop"], "cpu.nop"),
    (["-w", "cpu.nop,"], "cpu.nop,"),
    (["-s", "threads"], "threads"),
    (["-n", "0"], "'0'"),
    (["-n", "x"], "'x'"),
    (["-n", "-1"], "'-1'"),
    (["-n", ""], "''"),
    (["-n", "1,1"], "1,1"),
    (["-n", "3-1"], "3-1"),
    (["-n", "10001"], "10001"),
    (["-n", "99999999999999999999999"], "99999999999999999999999"),
    (["--pin", "pu:99999"], "pu:99999"),
    (["--pin", "pu:"], "pu:"),
    (["--pin", "bogus"], "bogus"),
    (["--tasks", "0"], "'0'"),
    (["--tasks", "1.5"], "1.5"),
    (["--size", "0"], "'0'"),
    (["--reps", "0"], "'0'"),
    (["--reps", "1001"], "1001"),
    (["--warmup", "-1"], "'-1'"),
    (["--timeout", "0"], "'0'"),
    (["--timeout", "abc"], "abc"),
    (["--timeout", "nan"], "nan"),
    (["--bogus"], "--bogus"),
    (["-x"], "-x"),
    (["extra"], "extra"),
    (["-w"], "-w"),
    (["--loops", "0"], "'0'"),
    (["--loops", "257"], "257"),
    (["--delay", "-1"], "'-1'"),
    (["--delay", "61"], "'61'"),
    (["--url", "ftp://example.org/"], "ftp://example.org/"),
    (["--url", "http://"], "http://"),
    (["--url", "http://127.0.0.1:99999/"], "127.0.0.1:99999"),
    (["--url", "http://127.0.0.1:0/"], "port 0"),
    (["--url", "http://127.0.0.1:x/"], "127.0.0.1:x"),
    (["--url", "http://[::1/"], "[::1"),
    (["--url", "http://a b/"], "a b"),
    (["--url", "http:///x"], "no host"),
    (["--dir", "/nonexistent/dir"], "/nonexistent/dir"),
    (["--dir", "/etc/hostname"], "/etc/hostname"),
    (["--hostfile", "/nonexistent/hosts"], "/nonexistent/hosts"),
    (["--hostfile", "/tmp"], "'/tmp': not a file"),
    (["--baseline", "fastest"], "fastest"),
    (["--pin", "none", "--pin", "none"], "'none' is given twice"),
    (["--size", "5,5"], "5,5"),
    (["--size", "1-100000"], "more than 10000 items"),
    (["--size", ""], "''"),
    (["--reps", "auto0"], "auto0"),
    (["--reps", "Auto"], "Auto"),
    (["--max-time", "3"], "needs --reps auto"),
    (["--reps", "auto", "--max-time", "0"], "'0'"),
    (["--reps", "auto", "--max-time", "x"], "'x'"),
    (["--export-json", "/nonexistent/dir/x.json"], "/nonexistent/dir"),
    (["--export-json", "/tmp"], "/tmp"),
    (["--export-markdown", ""], "''"),
    (["--pin", "pu:0-1", "--pin", "pu:0,1"], "given twice (as 'pu:0-1')"),
    (["--export-json", "/tmp/same", "--export-markdown", "/tmp/same"], "/tmp/same"),
]


class BadInputTest(ParbenchTest):
    def assert_refused(self, args, needle):
        result = parbench(*args)
        self.assertEqual(result.returncode, 2, f"{args}: {result.stdout}{result.stderr}")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"{args}: {result.stderr}")
        self.assertIn(needle, lines[0], args)
        self.assertEqual(result.stdout, "", args)

    def test_at_most_eight_pin_policies(self):
        # Nine different policies need more than 2 PUs: a synthetic 8-core topology.
        pins = ["none", "compact", "scatter"] + [f"pu:{i}" for i in range(6)]
        args = [a for pin in pins for a in ("--pin", pin)]
        with mock.patch.dict(os.environ, {"HWLOC_SYNTHETIC": "pack:1 core:8 pu:1"}):
            self.assert_refused(["run", *args], "more than 8")

    def test_bad_run_options(self):
        for args, needle in BAD_RUN_OPTIONS:
            with self.subTest(args=args):
                self.assert_refused(["run", *args, "--out", self.out], needle)
                self.assertEqual(os.listdir(self.out), [], args)

    def test_out_cannot_be_created(self):
        self.assert_refused(["run", "-w", "cpu.nop", "--out", "/proc/parbench-out"],
                            "/proc/parbench-out")

    def test_out_is_a_file(self):
        with tempfile.NamedTemporaryFile() as f:
            self.assert_refused(["run", "-w", "cpu.nop", "--out", f.name], f.name)

    def test_out_in_a_missing_directory(self):
        missing = os.path.join(self.out, "no", "such")
        self.assert_refused(["run", "-w", "cpu.nop", "--out", missing], missing)
        self.assertEqual(os.listdir(self.out), [])

    def test_unknown_command_and_options(self):
        self.assert_refused(["frobnicate"], "frobnicate")
        self.assert_refused(["list", "--bogus"], "--bogus")
        self.assert_refused(["topo", "extra"], "extra")


if __name__ == "__main__":
    unittest.main()
