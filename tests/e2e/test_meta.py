"""meta.json records the machine, its state and the build; topology.xml lies beside it.

A field is null only where this machine does not expose the value: the tests
read /proc and /sys themselves to know which.
"""
import os
import re
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path
from unittest import mock

from helpers import ParbenchTest

# OpenMP variables of the test's own, that meta.json must carry over.
OMP_VARS = {"OMP_SCHEDULE": "static", "GOMP_SPINCOUNT": "1000"}


def read(path):
    """The first line of a /sys file, or None where it cannot be read."""
    try:
        return Path(path).read_text().splitlines()[0].strip() or None
    except (OSError, IndexError):
        return None


def first_processor_field(name):
    """A field of /proc/cpuinfo's first processor, or None."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return None


def expected_turbo():
    no_turbo = read("/sys/devices/system/cpu/intel_pstate/no_turbo")
    if no_turbo in ("0", "1"):
        return no_turbo == "0"
    for path in ("/sys/devices/system/cpu/cpufreq/boost",
                 "/sys/devices/system/cpu/cpufreq/policy0/boost"):
        boost = read(path)
        if boost in ("0", "1"):
            return boost == "1"
    return None


class MetaTest(ParbenchTest):
    def setUp(self):
        super().setUp()
        with mock.patch.dict(os.environ, OMP_VARS):
            self.run = self.run_ok("-w", "cpu.nop", "-s", "seq,pthreads", "-n", "2",
                                   "--tasks", "100", "--reps", "1", "--warmup", "0")
        self.meta = self.run.meta

    def test_run_fields(self):
        meta = self.meta
        self.assertEqual(meta["command"][1:3], ["run", "-w"])
        self.assertRegex(meta["start"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertRegex(meta["end"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertLessEqual(meta["start"], meta["end"])
        self.assertEqual(meta["status"], "completed")

    def test_load_average_at_start_and_end(self):
        for when in ("start", "end"):
            load = self.meta["load_average"][when]
            self.assertIsNotNone(load, when)
            self.assertEqual(len(load), 3, when)
            self.assertTrue(all(isinstance(v, (int, float)) and v >= 0 for v in load), load)

    def test_machine(self):
        machine = self.meta["machine"]
        for key in ("cpu_model", "packages", "cores", "pus", "numa_nodes", "memory_bytes",
                    "caches"):
            self.assertIn(key, machine)
        self.assertGreaterEqual(machine["pus"], machine["cores"])
        self.assertGreaterEqual(machine["numa_nodes"], 1)
        flags = first_processor_field("flags") or first_processor_field("Features")
        self.assertEqual(machine["cpu_flags"], flags.split() if flags else None)

    def test_hypervisor(self):
        flags = (first_processor_field("flags") or "").split()
        virtual = "hypervisor" in flags or os.path.exists("/sys/hypervisor/type")
        hypervisor = self.meta["machine"]["hypervisor"]
        if not virtual:
            self.assertIsNone(hypervisor)
            return
        self.assertIsNotNone(hypervisor)
        self.assertIsInstance(hypervisor["name"], str)
        self.assertIn("cpuid_vendor", hypervisor)
        self.assertEqual(hypervisor["sys_type"], read("/sys/hypervisor/type"))
        if hypervisor["cpuid_vendor"] == "KVMKVMKVM":
            self.assertEqual(hypervisor["name"], "kvm")

    def test_warnings_before_the_run(self):
        hypervisor = self.meta["machine"]["hypervisor"]
        said = f"parbench: warning: running under a hypervisor ({hypervisor['name']})" \
            if hypervisor else "running under a hypervisor"
        self.assertEqual(said in self.stderr, hypervisor is not None, self.stderr)
        governor = self.meta["machine"]["governor"]
        self.assertEqual("governor" in self.stderr, governor not in (None, "performance"),
                         self.stderr)
        for line in self.stderr.splitlines():
            self.assertTrue(line.startswith("parbench: warning: "), line)
        # meta.json keeps every warning the run gave, in order.
        self.assertEqual(self.meta["warnings"],
                         [line[len("parbench: warning: "):] for line in self.stderr.splitlines()])

    def test_frequency_governor_and_turbo(self):
        machine = self.meta["machine"]
        self.assertEqual(machine["governor"],
                         read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"))
        self.assertEqual(machine["turbo"], expected_turbo())

    def test_kernel(self):
        self.assertEqual(self.meta["os"]["release"], os.uname().release)

    def test_library_versions(self):
        build = self.meta["build"]
        for key in ("git_revision", "hwloc", "jansson", "libuv", "gsl"):
            self.assertRegex(build[key], r"\S", key)
        for key in ("hwloc", "jansson", "libuv", "gsl"):
            self.assertRegex(build[key], r"^\d+\.\d+", key)
        self.assertIsInstance(build["openmp"], int)
        if build["compiler"].startswith("gcc "):
            self.assertRegex(build["libgomp"], r"^\d+\.\d+\.\d+$")
            self.assertIn(build["libgomp"], build["compiler"])

    def test_openmp_environment(self):
        env = self.meta["openmp_env"]
        self.assertIsInstance(env, dict)
        for name, value in OMP_VARS.items():
            self.assertEqual(env.get(name), value)
        # parbench sets it for its cells, which inherit it.
        self.assertIn("OMP_STACKSIZE", env)
        self.assertTrue(all(re.match(r"^G?OMP_", name) for name in env), env)

    def test_topology_xml_beside_meta(self):
        self.assertEqual(self.meta["machine"]["topology_xml"], "topology.xml")
        root = ET.parse(self.run.dir / "topology.xml").getroot()
        self.assertEqual(root.tag, "topology")
        pus = root.findall(".//object[@type='PU']")
        self.assertEqual(len(pus), self.meta["machine"]["pus"])
        self.assertFalse((self.run.dir / "topology.xml.tmp").exists())


if __name__ == "__main__":
    unittest.main()
