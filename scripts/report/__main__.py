"""The command line: scripts/report.py [--auto-pair] [--output FILE] RUN [RUN2].

RUN and RUN2 are run directories (results/<run-id>, or results/latest).  The report goes to
RUN/report.html unless --output says otherwise.  --auto-pair: with RUN alone, when RUN and the
run directory just before it in the same folder are the two parts of one `make bench` (one has
only io workloads and the other none, and one started as the other ended), report both.
"""
import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from .html import build
from .read import Run, bench_partner, read_palette


def read_runs(args):
    """The runs to report, oldest first."""
    runs = [Run(args.run)]
    if args.run2:
        runs.append(Run(args.run2))
    elif args.auto_pair:
        partner = bench_partner(runs[0])
        if partner:
            runs.append(partner)
    if len(runs) == 2 and runs[0].dir == runs[1].dir:
        runs.pop()
    return sorted(runs, key=lambda r: r.started() or datetime.min)


def write(target, page):
    """Writes the page whole or not at all: a reader never sees half a report."""
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".html", dir=target.parent)
    with os.fdopen(fd, "w") as f:
        f.write(page)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="report.py", description="Write a run's report.html.")
    parser.add_argument("run", help="a run directory (results/<run-id> or results/latest)")
    parser.add_argument("run2", nargs="?", default="", help="a second run to merge in")
    parser.add_argument("--auto-pair", action="store_true",
                        help="without RUN2: merge the other part of the same `make bench`")
    parser.add_argument("--output", help="the file to write (default: RUN/report.html)")
    args = parser.parse_args(argv)
    try:
        runs = read_runs(args)
    except (ValueError, OSError, json.JSONDecodeError, KeyError) as err:
        print(f"report: {err}", file=sys.stderr)
        return 2
    target = Path(args.output) if args.output else Path(args.run) / "report.html"
    started = time.monotonic()
    page = build(runs, read_palette())
    write(target, page)
    print(f"report: {target} ({len(page.encode()) / 1024:.0f} KiB, "
          f"{' + '.join(r.id for r in runs)}, {time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
