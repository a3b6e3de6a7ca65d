"""A cell's lines, sent from Python: the Python half of harness/cell/sample.c, shared by
cell.py (the py-* strategies) and bare_py.py (the bare-py-* ones).

One line per measured repetition to file descriptor 3, or one error line and the exit
status SENT_ERROR; what getrusage counted for a repetition, the interpreter's start-up.
"""
import math
import os
import resource
import sys
import time

CELL_FD = 3
SENT_ERROR = 10


def startup_seconds():
    """From the C cell's moment before exec to now: the interpreter's start and imports."""
    stamp = os.environ.get("PARBENCH_EXEC_NS")
    return (time.monotonic_ns() - int(stamp)) / 1e9 if stamp else math.nan


def send(line):
    data = (line + "\n").encode()
    while data:
        data = data[os.write(CELL_FD, data):]


def send_error(rep, message):
    send("E %d %s" % (rep, " ".join(message.split())))
    sys.exit(SENT_ERROR)


def send_sample(rep, wall, use, p50, p99, startup, checksum, cpus, work=math.nan, hosts=""):
    """A measured repetition: its wall time, usage_delta() and the job's checksum; the
    tasks' latencies, the workers' PUs, the work alone and the workers' hosts where they
    were noted (nan, "" where not; hosts go on an H line before the S line)."""
    if hosts:
        send("H " + hosts)
    send("S %d %.9f %.6f %.6f %d %d %d %.9f %.9f %.9f %.9f %d %d %d %s" % (
        rep, wall, use["user"], use["sys"], use["rss"], use["vcsw"], use["ivcsw"],
        p50, p99, startup, work, use["minflt"], use["majflt"], checksum, cpus))


def describe(error):
    return "%s: %s" % (type(error).__name__, error) if str(error) else type(error).__name__


def usage():
    own, children = resource.getrusage(resource.RUSAGE_SELF), \
        resource.getrusage(resource.RUSAGE_CHILDREN)
    return own, children


def usage_delta(before, after):
    (s0, c0), (s1, c1) = before, after
    return {
        "user": s1.ru_utime - s0.ru_utime + c1.ru_utime - c0.ru_utime,
        "sys": s1.ru_stime - s0.ru_stime + c1.ru_stime - c0.ru_stime,
        "rss": max(s1.ru_maxrss, c1.ru_maxrss),
        "vcsw": s1.ru_nvcsw - s0.ru_nvcsw + c1.ru_nvcsw - c0.ru_nvcsw,
        "ivcsw": s1.ru_nivcsw - s0.ru_nivcsw + c1.ru_nivcsw - c0.ru_nivcsw,
        "minflt": s1.ru_minflt - s0.ru_minflt + c1.ru_minflt - c0.ru_minflt,
        "majflt": s1.ru_majflt - s0.ru_majflt + c1.ru_majflt - c0.ru_majflt,
    }
